"""Backups of the site's database: pg_dump / pg_restore in the custom format, in var/backups/.

    manage.py backup                              -> var/backups/newsportal-<time>.dump
    manage.py restore [FILE] [--database NAME]    (make backup / make restore call these)

Restore replaces the objects in the target database (the site's own unless --database names
another one on the same server). The private server's own client programs are used when
available, so the versions always match.
"""

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

BACKUP_DIR = Path(__file__).resolve().parent.parent / "var" / "backups"


def client_program(name: str) -> str:
    from newsportal import localdb

    try:
        bundled = localdb.bin_path() / name
        if bundled.exists():
            return str(bundled)
    except SystemExit:  # not installed: DATABASE_URL points at another server
        pass
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"backup: {name} is not installed (install the PostgreSQL client).")
    return found


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
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"newsportal-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"
    subprocess.run(
        [client_program("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"],
        env=connection_environment(),
        check=True,
    )
    return path


def restore(path: Path, database: str | None = None) -> None:
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
