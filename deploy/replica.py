"""The cluster's streaming replica of the private PostgreSQL, and failing over to it.

make cluster   makes var/cluster/replica afresh from the primary (var/postgres) with
               pg_basebackup -R and starts it on its own socket there; the app servers get
               both servers in DATABASE_URL (libpq tries them in turn and takes the one that
               accepts writes: target_session_attrs=read-write), and the replica alone as
               DATABASE_REPLICA_URL for public pages (newsportal/replica.py).
make failover  promotes the replica when the primary is gone (refused while the primary
               answers: two servers taking writes would split the newsroom's history);
               FORCE=1 stops the primary first. The app servers follow on their next
               connection, without a restart.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from newsportal import localdb  # noqa: E402

DATA = ROOT / "var" / "cluster" / "replica"


def running(data: Path) -> bool:
    return (data / "postmaster.pid").exists()


def start() -> Path:
    """A fresh replica of the private server; returns its socket folder."""
    if DATA.exists() and not (DATA / "standby.signal").exists():
        raise SystemExit(
            f"cluster: {DATA} was promoted (make failover): it holds the newest data, which "
            "var/postgres lacks. Rebuild var/postgres from the archive, which it fed: "
            "make stopdb && make recover; then remove that folder and run make cluster again."
        )
    primary = localdb.database_url()  # starts the private server if needed
    stop()
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.parent.mkdir(parents=True, exist_ok=True)
    return follow(primary, DATA)


def follow(primary_uri: str, data: Path) -> Path:
    """A standby in `data` that streams from the primary at `primary_uri`, started on its own
    socket there (pg_basebackup -R writes standby.signal and primary_conninfo)."""
    subprocess.run(
        [str(localdb.bin_path() / "pg_basebackup"), "-d", primary_uri, "-D", str(data), "-R",
         "-X", "stream", "-c", "fast"],
        check=True, capture_output=True,
    )  # fmt: skip
    for leftover in data.glob(".s.PGSQL.*"):  # the primary's socket lock, copied with its data
        leftover.unlink()
    localdb.cluster(data).give_to_server_user()
    localdb.pg_ctl("-o", f"-h '' -k {data}", "-l", str(data / "log"), "start", data_dir=data)
    return data


def stop() -> None:
    if running(DATA):
        localdb.pg_ctl("-m", "fast", "stop", data_dir=DATA)


def database_urls(database: str, replica: Path) -> tuple[str, str]:
    """(DATABASE_URL naming both servers, DATABASE_REPLICA_URL naming the replica)."""
    both = f"{localdb.DATA_DIR},{replica}"
    return (
        f"postgresql://postgres@/{database}?host={both}&target_session_attrs=read-write",
        f"postgresql://postgres@/{database}?host={replica}",
    )


def primary_answers() -> bool:
    import psycopg2

    try:
        psycopg2.connect(f"host={localdb.DATA_DIR} user=postgres dbname=postgres",
                         connect_timeout=2).close()  # fmt: skip
    except psycopg2.OperationalError:
        return False
    return True


def failover(force: bool = False) -> float:
    """Promote the replica; the seconds it took."""
    if not (DATA / "standby.signal").exists():
        raise SystemExit(
            f"failover: no replica in {DATA} to promote (make cluster starts one; after a "
            "failover it is the primary already)."
        )
    if primary_answers():
        if not force:
            raise SystemExit(
                "failover: the primary (var/postgres) still answers; promoting the replica now "
                "would make two servers take writes. Stop it first (make stopdb), or run "
                "FORCE=1 make failover to stop it at once."
            )
        localdb.pg_ctl("-m", "immediate", "stop")
    started = time.monotonic()
    localdb.pg_ctl("promote", data_dir=DATA)
    return time.monotonic() - started


if __name__ == "__main__":
    seconds = failover(force=os.environ.get("FORCE", "") not in ("", "0"))
    print(f"failover: the replica ({DATA}) is the primary now, promoted in {seconds:.1f} s; the "
          "app servers take it on their next connection.")  # fmt: skip
