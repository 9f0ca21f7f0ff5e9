"""`make cluster`: the production topology, rehearsed on one machine.

    readers -> Varnish (EDGE_PORT, 8080) -> gunicorn app servers (APP_SERVERS, 2, on sockets)
                                              -> PostgreSQL (DATABASE_URL, or the private one)
                                              -> Redis (its own, REDIS_PORT 6390, password)
                                              -> S3 (moto, checking keys; files read
                                                    through a read-only front, MEDIA_PORT)
    Prometheus (PROMETHEUS_PORT, 9090) scrapes the app servers, Varnish, PostgreSQL and Redis
    (deploy/monitoring.py), with the alerting rules of deploy/prometheus/alerts.yml.

Every app server runs with production settings, the shared Redis cache, the edge as its purge
target and as its trusted proxy, and media in the bucket. Prints every address; Ctrl-C stops all
it started (a PostgreSQL it found running is left running). If its Redis stops, the cluster goes
on serving uncached (an outage to drill).
"""

import grp
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy import media, monitoring, offsite, replica  # noqa: E402
from deploy.edge import Varnish, available  # noqa: E402
from newsportal.env import write_site_env  # noqa: E402

EDGE_PORT = int(os.environ.get("EDGE_PORT", "8080"))
APP_SERVERS = int(os.environ.get("APP_SERVERS", "2"))
S3_PORT = int(os.environ.get("S3_PORT", "9000"))
MEDIA_PORT = int(os.environ.get("MEDIA_PORT", "9001"))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6390"))
PROMETHEUS_PORT = int(os.environ.get("PROMETHEUS_PORT", "9090"))
# App server n answers its metrics on METRICS_PORT_BASE + n; the exporters on the ports their
# projects register (Varnish 9131, Redis 9121, PostgreSQL 9187, its replica 9188), moved with it.
METRICS_PORT_BASE = int(os.environ.get("METRICS_PORT_BASE", "9100"))
CLUSTER_DATABASE = "newsportal_cluster"
BIN = Path(sys.executable).parent
CLUSTER_DIR = ROOT / "var" / "cluster"
SITE_ENV = ROOT / "var" / "site.env"  # read by manage.py (newsportal/env.py)
SHARED_WITH_COMMANDS = [
    "SITE_URL", "DATABASE_URL", "CACHE_URL", "EDGE_PURGE_URLS", "S3_BUCKET", "S3_ENDPOINT_URL",
    "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "MEDIA_URL", "DATABASE_REPLICA_URL",
]  # fmt: skip


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
    except OSError:
        return False
    return True


def wait_for(url: str, seconds=30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error is an answer
                return
            time.sleep(0.2)
    raise SystemExit(f"cluster: {url} did not answer")


def wait_for_socket(path: Path, seconds=30) -> None:
    """Until an app server answers /healthz on its Unix socket."""
    from newsportal.edge import UnixConnection

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = UnixConnection(str(path), timeout=1)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise SystemExit(f"cluster: {path} did not answer")


class Cluster:
    def __init__(self):
        self.processes: list[subprocess.Popen] = []
        self.varnish = None
        self.redis = None
        self.media_front = None
        self.replica = None
        self.shipper = None
        self.monitoring = None

    def start(self, *command, env=None, **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=ROOT, env=env, **kwargs)
        self.processes.append(process)
        return process

    def redis_url(self) -> str:
        """The cluster's own Redis, with a password of its own: never one it did not start (a
        Redis shared with others on this machine could be written to by them, and what the
        cache holds is trusted by every app worker)."""
        if answers(REDIS_PORT):
            raise SystemExit(
                f"cluster: something already listens on port {REDIS_PORT}; the cluster starts a "
                "Redis of its own: choose a free port with REDIS_PORT=..."
            )
        password = secrets.token_urlsafe(24)
        self.redis = self.start(
            "redis-server", "-", stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        # The configuration on standard input: the password never shows in `ps`.
        self.redis.stdin.write(
            f"port {REDIS_PORT}\nbind 127.0.0.1\nprotected-mode yes\nsave ''\n"
            f"appendonly no\nrequirepass {password}\n"
        )
        self.redis.stdin.close()
        for _ in range(50):
            if answers(REDIS_PORT):
                break
            time.sleep(0.1)
        return f"redis://:{password}@127.0.0.1:{REDIS_PORT}/1"

    def bucket(self) -> dict:
        """The media bucket, checking keys made for this run, and the read-only front readers'
        browsers fetch files from (deploy/media.py)."""
        process, endpoint, key_id, secret = media.start_bucket(BIN / "moto_server", S3_PORT)
        self.processes.append(process)
        if not os.environ.get("DATABASE_URL"):  # the private server's archive, off the machine
            s3 = media.client(endpoint, key_id, secret)
            offsite.create_bucket(s3)
            self.shipper = offsite.Shipper(s3)
        self.media_front = media.serve_files(MEDIA_PORT, endpoint, key_id, secret)
        return {
            "S3_BUCKET": media.BUCKET, "S3_ENDPOINT_URL": endpoint, "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": key_id, "S3_SECRET_ACCESS_KEY": secret,
            "MEDIA_URL": f"http://127.0.0.1:{MEDIA_PORT}/{media.BUCKET}/",
        }  # fmt: skip

    def sockets(self) -> Path:
        """Where the app servers and the purge socket listen: only this user and Varnish's
        (the group its cache process runs in) may open them, so nobody else on the machine
        reaches an app server around the edge, or purges."""
        folder = CLUSTER_DIR / "sockets"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        folder.chmod(0o700)
        try:
            if os.geteuid() == 0:
                os.chown(folder, 0, grp.getgrnam("varnish").gr_gid)
                folder.chmod(0o750)
        except KeyError:
            pass  # no varnish group: varnishd runs as this user
        return folder

    def environment(self, redis_url: str, bucket: dict, sockets: Path) -> dict:
        database_url = os.environ.get("DATABASE_URL")
        databases = {"DATABASE_URL": database_url}
        if not database_url:
            # A database of its own on the private server: its uploads live in the cluster's
            # bucket, which `make run` cannot see. And a streaming replica of that server, for
            # public pages and to fail over to (deploy/replica.py).
            from newsportal import localdb

            localdb.database_url(CLUSTER_DATABASE)  # made on first use
            self.replica = replica.start()
            urls = replica.database_urls(CLUSTER_DATABASE, self.replica)
            databases = {"DATABASE_URL": urls[0], "DATABASE_REPLICA_URL": urls[1]}
        return {
            **os.environ,
            "DEBUG": "false",
            "HTTPS": "false",  # plain HTTP on loopback; a TLS proxy would sit in front
            "SECRET_KEY": os.environ.get("SECRET_KEY") or (ROOT / "var/secret_key").read_text(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{EDGE_PORT}",
            **databases,
            "CACHE_URL": redis_url,
            "EDGE_PURGE_URLS": f"unix:{sockets / 'purge.sock'}",
            # The app servers listen on Unix sockets only the edge opens.
            "TRUSTED_PROXIES": "unix",
            **bucket,
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
            # Varnish asks each app server for /healthz every second: errors only, not requests.
            "ACCESS_LOG": os.environ.get("ACCESS_LOG", "/dev/null"),
        }

    def run(self) -> None:
        if not available():
            raise SystemExit(
                "cluster: varnishd with xkey is missing (apt-get install varnish varnish-modules;"
                " make cluster does it as root on Debian)"
            )
        redis_url = self.redis_url()
        sockets = self.sockets()
        env = self.environment(redis_url, self.bucket(), sockets)
        # manage.py beside the cluster uses its database, cache, bucket and address.
        write_site_env(SITE_ENV, {name: env[name] for name in SHARED_WITH_COMMANDS if name in env})
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"],
                        ["load_demo"]):  # fmt: skip
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        apps = [sockets / f"app{n}.sock" for n in range(1, APP_SERVERS + 1)]
        metrics_ports = [METRICS_PORT_BASE + n for n in range(1, APP_SERVERS + 1)]
        watched = monitoring.available()
        for app, port in zip(apps, metrics_ports, strict=True):
            self.start(str(BIN / "gunicorn"), "-c", "gunicorn.conf.py",
                       env={**env, "BIND": f"unix:{app}", "METRICS_PORT": str(port),
                            **({"PROMETHEUS_URL": f"http://127.0.0.1:{PROMETHEUS_PORT}"}
                               if watched else {})})  # fmt: skip
        for app in apps:
            wait_for_socket(app)
        self.varnish = Varnish(
            EDGE_PORT, [str(app) for app in apps], CLUSTER_DIR / "varnish", memory="256m",
            purgers=[], purge_socket=sockets / "purge.sock",
        )  # fmt: skip
        wait_for(f"{self.varnish.url}/")
        watching = self.watch(env, redis_url, metrics_ports) if watched else (
            "not started: apt-get install prometheus prometheus-varnish-exporter "
            "prometheus-postgres-exporter prometheus-redis-exporter"
        )  # fmt: skip
        database = (os.environ.get("DATABASE_URL") and "DATABASE_URL") or (
            f"{CLUSTER_DATABASE} on the private server in var/postgres,\n"
            f"                                 streamed to a replica in {self.replica} "
            "(make failover)"
        )
        archived = (
            f"var/backups, copied every 10 s to the bucket {offsite.BUCKET}"
            if self.shipper
            else "your server's own (DATABASE_URL)"
        )
        print(f"""
  The portal, through the edge:  http://127.0.0.1:{EDGE_PORT}/
  The admin:                     http://127.0.0.1:{EDGE_PORT}/admin/
  App servers (edge only):       {", ".join(str(app) for app in apps)}
  Redis (cache, purge stamps):   redis://:***@127.0.0.1:{REDIS_PORT}/1 (password: var/site.env)
  Media bucket (S3, keys only):  {env["S3_ENDPOINT_URL"]}/{media.BUCKET}/
  Media for readers (read only): {env["MEDIA_URL"]}
  Database archive (WAL, base):  {archived}
  PostgreSQL:                    {database}
  Prometheus (metrics, alerts):  {watching}
  An editor account (in another terminal):
    DATABASE_URL='{env["DATABASE_URL"]}' {sys.executable} manage.py createsuperuser
  Ready. Stop everything with Ctrl-C.
""", flush=True)  # fmt: skip

    def watch(self, env: dict, redis_url: str, metrics_ports: list[int]) -> str:
        """Prometheus and its exporters; what the banner says of them."""
        if answers(PROMETHEUS_PORT):
            raise SystemExit(f"cluster: port {PROMETHEUS_PORT} is taken: set PROMETHEUS_PORT")
        self.monitoring = monitoring.Monitoring(PROMETHEUS_PORT, CLUSTER_DIR / "prometheus")
        self.monitoring.app_servers([f"127.0.0.1:{port}" for port in metrics_ports])
        self.monitoring.varnish(self.varnish.name, METRICS_PORT_BASE + 31)
        self.monitoring.postgres(env["DATABASE_URL"], METRICS_PORT_BASE + 87)
        if env.get("DATABASE_REPLICA_URL"):
            self.monitoring.postgres(env["DATABASE_REPLICA_URL"], METRICS_PORT_BASE + 88)
        self.monitoring.redis(redis_url, METRICS_PORT_BASE + 21)
        self.monitoring.start()
        url = self.monitoring.url
        return (
            f"{url}/  (targets: {url}/targets, alerts: {url}/alerts)\n"
            f"  App servers' metrics:          "
            + ", ".join(f"http://127.0.0.1:{port}/metrics" for port in metrics_ports)
        )

    def stop(self) -> None:
        SITE_ENV.unlink(missing_ok=True)
        if self.monitoring:
            self.monitoring.stop()
        if self.replica:
            replica.stop()
        if self.varnish:
            self.varnish.stop()
        if self.media_front:
            self.media_front.shutdown()
            self.media_front.server_close()
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    cluster = Cluster()
    for name in (signal.SIGINT, signal.SIGTERM):  # `kill` stops it as cleanly as Ctrl-C
        signal.signal(name, interrupt)
    try:
        cluster.run()
        shipped = float("-inf")
        while True:
            if cluster.redis is not None and cluster.redis.poll() is not None:
                # An outage to drill, not a reason to stop: pages are served uncached.
                print("cluster: Redis stopped; the app servers go on without it (uncached, "
                      "degraded). Stop with Ctrl-C.", file=sys.stderr, flush=True)  # fmt: skip
                cluster.processes.remove(cluster.redis)
                cluster.redis = None
            if cluster.shipper and time.monotonic() - shipped > 10:
                cluster.shipper.ship()  # new WAL segments and base backups, to the bucket
                shipped = time.monotonic()
            if any(p.poll() is not None for p in cluster.processes):
                print("cluster: a process stopped; stopping the rest", file=sys.stderr)
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("Stopping the cluster...", flush=True)
        cluster.stop()


if __name__ == "__main__":
    main()
