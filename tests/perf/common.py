"""What the benchmark and the load test share: a scratch database and a gunicorn server."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def base_database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from newsportal import localdb

    return localdb.database_url()


BENCH_DATA = ROOT / "var" / "bench-postgres"
# A benchmark's archive is written once and thrown away: no WAL beyond what a crash needs (a
# table written in the transaction that made it writes none), no archive. Reads are measured
# with the private server's other settings, but for its memory: 2 GB of shared buffers, as a
# server that holds a million articles has (PostgreSQL's 128 MB default reads most pages of a
# search through the kernel).
BENCH_SETTINGS = {"wal_level": "minimal", "max_wal_senders": "0", "archive_mode": "off",
                  "max_wal_size": "8GB", "maintenance_work_mem": "1GB",
                  "shared_buffers": "2GB"}  # fmt: skip


def bench_database_url() -> str:
    """DATABASE_URL's server, else a private server of the benchmarks' own (var/bench-postgres):
    a million generated articles never go through the site's WAL archive."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    import warnings

    from newsportal import localdb

    BENCH_DATA.parent.mkdir(exist_ok=True)  # a fresh clone has no var/ yet
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = localdb._package().get_server(BENCH_DATA, cleanup_mode=None)
    conf = BENCH_DATA / "postgresql.auto.conf"
    if not all(f"{k} = '{v}'" in conf.read_text() for k, v in BENCH_SETTINGS.items()):
        for name, value in BENCH_SETTINGS.items():
            server.psql(f"ALTER SYSTEM SET {name} = '{value}'")
        localdb.pg_ctl("-m", "fast", "restart", data_dir=BENCH_DATA)
    return server.get_uri()


def stop_bench_server():
    from newsportal import localdb

    if (BENCH_DATA / "postmaster.pid").exists():
        localdb.pg_ctl("-m", "fast", "stop", data_dir=BENCH_DATA)


def scratch_database_url(name: str, base: str | None = None) -> str:
    """A database of its own on the same server, so measurements never touch the site's data."""
    import dj_database_url
    import psycopg2

    base = base or base_database_url()
    params = dj_database_url.parse(base)
    connect = {
        "dbname": params["NAME"],
        "user": params["USER"],
        "password": params["PASSWORD"],
        "host": params["HOST"],
        "port": params["PORT"] or None,
        **params.get("OPTIONS", {}),  # the private server's socket directory comes as ?host=
    }
    connection = psycopg2.connect(**{k: v for k, v in connect.items() if v})
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    path, _, query = base.partition("?")
    return f"{path.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def environment(database_url: str, port: int, **extra) -> dict:
    """Production settings, plain HTTP on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": "file://var/perf-cache",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def redis_url(db: int) -> str | None:
    """The machine's Redis (what production uses), emptied for the run; None when none answers."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
    except OSError:
        return None
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
    return f"redis://127.0.0.1:6379/{db}"


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


class Server:
    """gunicorn with the project's gunicorn.conf.py, started and stopped around a measurement."""

    def __init__(self, env, health_path="/healthz"):
        shutil.rmtree(ROOT / "var" / "perf-cache", ignore_errors=True)
        self.base = f"http://127.0.0.1:{env['PORT']}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null",
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + health_path, timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("perf: the server did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def sql(uri: str, statement: str):
    """One statement on its own connection, committed; its rows, if it returns any."""
    import psycopg2

    connection = psycopg2.connect(uri)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()
