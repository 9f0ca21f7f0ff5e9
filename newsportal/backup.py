"""`make backup` and `make restore`: pg_dump / pg_restore in the custom format, in var/backups/.

    python -m newsportal.backup dump                 -> var/backups/newsportal-<time>.dump
    python -m newsportal.backup restore [FILE] [--database NAME]

Restore replaces the objects in the target database (the site's own unless --database names
another one on the same server). The private server's own client programs are used when
available, so the versions always match.
"""

import argparse
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

BACKUP_DIR = Path(__file__).resolve().parent.parent / "var" / "backups"


def client_program(name: str) -> str:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        bundled = POSTGRES_BIN_PATH / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m newsportal.backup")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump")
    restore_parser = sub.add_parser("restore")
    restore_parser.add_argument("file", nargs="?", type=Path)
    restore_parser.add_argument("--database", help="restore into this database instead")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    import django

    django.setup()
    if args.command == "dump":
        print(f"Backed up to {dump()}")
    else:
        path = args.file or latest()
        restore(path, args.database)
        print(f"Restored {path}")


if __name__ == "__main__":
    sys.exit(main())
