"""Backups of the site's database: pg_dump / pg_restore in the custom format, in var/backups/.

    manage.py backup                              -> var/backups/newsportal-<time>.dump
    manage.py restore [FILE] [--database NAME]    (make backup / make restore call these)

Restore replaces the objects in the target database (the site's own unless --database names
another one on the same server). The private server's own client programs are used when
available, so the versions always match.
"""

import contextlib
import os
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

BACKUP_DIR = Path(__file__).resolve().parent.parent / "var" / "backups"


def client_program(name: str) -> str:
    """`pg_dump` or `pg_restore` of the server's own major version where one is installed (a
    newer one writes settings an older server refuses, an older one cannot read newer dumps):
    the private server's, Debian's /usr/lib/postgresql/<major>/bin, or the one on PATH."""
    from django.db import connection

    from newsportal import localdb

    major = str(connection.pg_version // 10000)
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name) or ""]
    with contextlib.suppress(SystemExit):  # not installed: DATABASE_URL names another server
        candidates.insert(0, str(localdb.bin_path() / name))
    found = [path for path in candidates if path and Path(path).exists()]
    if not found:
        raise SystemExit(f"backup: {name} is not installed (install the PostgreSQL client).")
    return next((path for path in found if version_of(path) == major), found[0])


def version_of(program: str) -> str:
    """The major version a PostgreSQL client program reports ("17" for 17.2)."""
    out = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    return out.split()[-1].split(".")[0] if out.strip() else ""


def connection_environment(database: str | None = None) -> dict:
    """libpq's variables for the configured database, or another one on the same server."""
    from django.db import connection

    params = connection.get_connection_params()
    mapping = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = {**os.environ}
    env.update({var: str(params[key]) for key, var in mapping.items() if params.get(key)})
    env["PGDATABASE"] = database or params["dbname"]
    return env


def dump(directory: Path = BACKUP_DIR) -> Path:
    """The database, and beside it the uploads on this machine's disk (a bucket keeps its own).

    Owner-only: the dump holds password hashes, live session keys and the consent proof.
    """
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"newsportal-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"
    previous = os.umask(0o077)
    try:
        subprocess.run(
            [client_program("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"],
            env=connection_environment(),
            check=True,
        )
        if local_media():
            with tarfile.open(media_archive(path), "w:gz") as archive:
                archive.add(settings.MEDIA_ROOT, arcname="media")
    finally:
        os.umask(previous)
    path.chmod(0o600)
    return path


def local_media() -> bool:
    storage = settings.STORAGES["default"]["BACKEND"]
    return storage.endswith("FileSystemStorage") and Path(settings.MEDIA_ROOT).is_dir()


def media_archive(dump_path: Path) -> Path:
    return dump_path.with_suffix(".media.tar.gz")


def restore(path: Path, database: str | None = None) -> None:
    """The database, then the uploads archived with it (into MEDIA_ROOT), if there are any."""
    archive_path = media_archive(path)
    if archive_path.exists():
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive_path) as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("media")]
            for member in members:
                member.name = member.name.removeprefix("media").lstrip("/") or "."
            archive.extractall(media_root, members=members, filter="data")
    subprocess.run(
        [client_program("pg_restore"), "--clean", "--if-exists", "--no-owner",
         "--exit-on-error", "--single-transaction", f"--dbname={database or ''}", str(path)],
        env=connection_environment(database),
        check=True,
    )  # fmt: skip


def latest() -> Path:
    dumps = sorted(BACKUP_DIR.glob("newsportal-*.dump"))
    if not dumps:
        raise SystemExit(f"backup: no backups in {BACKUP_DIR}")
    return dumps[-1]
