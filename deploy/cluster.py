"""`make cluster`: the production topology, rehearsed on one machine.

    readers -> Varnish (EDGE_PORT, 8080) -> gunicorn app servers (APP_PORTS, 8001 and 8002)
                                              -> PostgreSQL (DATABASE_URL, or the private one)
                                              -> Redis (its own, REDIS_PORT 6390, password)
                                              -> S3 (a local S3 server, moto, for media)

Every app server runs with production settings, the shared Redis cache, the edge as its purge
target and as its trusted proxy, and media in the bucket. Prints every address; Ctrl-C stops all
it started (a PostgreSQL it found running is left running). If its Redis stops, the cluster goes
on serving uncached (an outage to drill).
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from deploy.edge import Varnish, available  # noqa: E402
from newsportal.env import write_site_env  # noqa: E402

EDGE_PORT = int(os.environ.get("EDGE_PORT", "8080"))
APP_PORTS = [int(p) for p in os.environ.get("APP_PORTS", "8001,8002").split(",")]
S3_PORT = int(os.environ.get("S3_PORT", "9000"))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6390"))
BUCKET = "newsportal-media"
CLUSTER_DATABASE = "newsportal_cluster"
BIN = Path(sys.executable).parent
CLUSTER_DIR = ROOT / "var" / "cluster"
SITE_ENV = ROOT / "var" / "site.env"  # read by manage.py (newsportal/env.py)
SHARED_WITH_COMMANDS = [
    "SITE_URL", "DATABASE_URL", "CACHE_URL", "EDGE_PURGE_URLS", "S3_BUCKET", "S3_ENDPOINT_URL",
    "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "MEDIA_URL",
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


class Cluster:
    def __init__(self):
        self.processes: list[subprocess.Popen] = []
        self.varnish = None
        self.redis = None

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

    def bucket(self) -> str:
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "cluster", "AWS_SECRET_ACCESS_KEY": "cluster"}
        self.start(str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT), env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        endpoint = f"http://127.0.0.1:{S3_PORT}"
        wait_for(endpoint)
        import boto3

        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="cluster", aws_secret_access_key="cluster")  # fmt: skip
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
        }))  # fmt: skip
        return endpoint

    def environment(self, redis_url: str, s3_endpoint: str) -> dict:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            # A database of its own on the private server: its uploads live in the cluster's
            # bucket, which `make run` cannot see.
            from newsportal import localdb

            database_url = localdb.database_url(CLUSTER_DATABASE)
        return {
            **os.environ,
            "DEBUG": "false",
            "HTTPS": "false",  # plain HTTP on loopback; a TLS proxy would sit in front
            "SECRET_KEY": os.environ.get("SECRET_KEY") or (ROOT / "var/secret_key").read_text(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{EDGE_PORT}",
            "DATABASE_URL": database_url,
            "CACHE_URL": redis_url,
            "EDGE_PURGE_URLS": f"http://127.0.0.1:{EDGE_PORT}/",
            "TRUSTED_PROXIES": "127.0.0.1",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "cluster",
            "S3_SECRET_ACCESS_KEY": "cluster",
            "MEDIA_URL": f"{s3_endpoint}/{BUCKET}/",
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
        s3_endpoint = self.bucket()
        env = self.environment(redis_url, s3_endpoint)
        # manage.py beside the cluster uses its database, cache, bucket and address.
        write_site_env(SITE_ENV, {name: env[name] for name in SHARED_WITH_COMMANDS})
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"],
                        ["load_demo"]):  # fmt: skip
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        for port in APP_PORTS:
            self.start(str(BIN / "gunicorn"), "-c", "gunicorn.conf.py",
                       env={**env, "BIND": f"127.0.0.1:{port}"})  # fmt: skip
        for port in APP_PORTS:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        self.varnish = Varnish(EDGE_PORT, APP_PORTS, CLUSTER_DIR / "varnish", memory="256m")
        wait_for(f"{self.varnish.url}/")
        database = (os.environ.get("DATABASE_URL") and "DATABASE_URL") or (
            f"{CLUSTER_DATABASE} on the private server in var/postgres"
        )
        print(f"""
  The portal, through the edge:  http://127.0.0.1:{EDGE_PORT}/
  The admin:                     http://127.0.0.1:{EDGE_PORT}/admin/
  App servers:                   {", ".join(f"http://127.0.0.1:{p}/" for p in APP_PORTS)}
  Redis (cache, purge stamps):   {redis_url}
  Media bucket (S3):             {s3_endpoint}/{BUCKET}/
  PostgreSQL:                    {database}
  An editor account (in another terminal):
    DATABASE_URL='{env["DATABASE_URL"]}' {sys.executable} manage.py createsuperuser
  Ready. Stop everything with Ctrl-C.
""", flush=True)  # fmt: skip

    def stop(self) -> None:
        SITE_ENV.unlink(missing_ok=True)
        if self.varnish:
            self.varnish.stop()
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
        while True:
            if cluster.redis is not None and cluster.redis.poll() is not None:
                # An outage to drill, not a reason to stop: pages are served uncached.
                print("cluster: Redis stopped; the app servers go on without it (uncached, "
                      "degraded). Stop with Ctrl-C.", file=sys.stderr, flush=True)  # fmt: skip
                cluster.processes.remove(cluster.redis)
                cluster.redis = None
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
