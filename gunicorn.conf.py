"""Gunicorn settings for the portal (`make run` and production).

Sync workers: every request is short and CPU-bound (a cached page or a few queries), and under load
they share keep-alive clients more evenly than gthread workers. The app is loaded once in the
master (preload) so workers fork with templates and settings ready.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

# Metrics from every worker, summed at /metrics (newsportal/metrics.py): each process writes its
# counts in this folder, new for each server (two on one machine count apart), or emptied when
# one is given. Set before the app, and so prometheus_client, is loaded.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_own_metrics_dir = not _metrics_dir
if _own_metrics_dir:
    _metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="newsportal-metrics-"
    )
for _stale in Path(_metrics_dir).glob("*.db"):
    _stale.unlink()

wsgi_app = "newsportal.wsgi:application"
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
preload_app = True
keepalive = 5
timeout = 30
graceful_timeout = 10
# Recycle workers now and then so a slow leak never grows; jitter staggers the restarts. Not
# too often: a new worker compiles its templates again (at 5,000 req/s, every 2,000 requests
# restarted a worker twice a second).
max_requests = 20000
max_requests_jitter = 2000
# Forwarded headers are believed from the same proxies as in Django's settings (nobody when
# TRUSTED_PROXIES is empty), and X-Forwarded-Proto only when TRUST_X_FORWARDED_PROTO says a TLS
# proxy sets it (the edge removes a client's own); gunicorn's other scheme headers never.
forwarded_allow_ips = ",".join(
    proxy for proxy in os.environ.get("TRUSTED_PROXIES", "").split(",") if proxy.strip() != "unix"
)
_trust_proto = os.environ.get("TRUST_X_FORWARDED_PROTO", "").strip().lower()
secure_scheme_headers = (
    {"X-FORWARDED-PROTO": "https"} if _trust_proto in {"1", "true", "yes", "on"} else {}
)
# No control socket: one path per user would be shared by every gunicorn on the machine (make
# cluster runs two); signals do the same (HUP reloads, TTIN/TTOU add and remove workers).
control_socket_disable = True
# The app logs one line per request itself, with its id and without the client's address
# (newsportal/logs.py); gunicorn's own access log (ACCESS_LOG=-) would repeat it with the address.
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
# With LOG_FORMAT=json gunicorn's own lines (workers booting, exiting, timing out) are JSON too:
# one format on standard error for whatever reads it.
if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
    _json = {"level": "INFO", "handlers": ["json"], "propagate": False}
    logconfig_dict = {
        "root": {"level": "INFO", "handlers": []},  # the app's (settings.LOGGING) come later
        "loggers": {"gunicorn.error": {**_json, "qualname": "gunicorn.error"},
                    "gunicorn.access": {**_json, "qualname": "gunicorn.access"}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"}},
        "formatters": {"json": {"()": "newsportal.logs.JsonFormatter"}},
    }  # fmt: skip


def child_exit(server, worker):
    """A worker gone (recycled after max_requests, killed after its timeout, or crashed): its
    counts stay in the sums, its live gauges go, and the restart is counted."""
    from prometheus_client import multiprocess

    from newsportal import metrics

    multiprocess.mark_process_dead(worker.pid)
    metrics.WORKER_EXITS.inc()


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def when_ready(server):
    """Daily work, started from the master: retired uploads past MEDIA_RETENTION_DAYS go, and
    `make run`'s private PostgreSQL (no DATABASE_URL) gets a base backup a day, which keeps a
    recovery short and lets old WAL go (newsportal.archive). The first round waits an hour: a
    server started for a minute (a test, a drill) does none of it."""
    import subprocess
    import sys
    import threading
    import time

    def chores():
        hours = 0
        while True:
            time.sleep(3600)
            hours += 1
            if not os.environ.get("DATABASE_URL"):
                archive = ["-m", "newsportal.archive", "base", "--if-older-than", "24"]
                subprocess.run([sys.executable, *archive])
            if hours % 24 == 1:
                subprocess.run([sys.executable, "manage.py", "purge_media"])

    threading.Thread(target=chores, daemon=True, name="daily-chores").start()
    serve_metrics()


def serve_metrics():
    """With METRICS_PORT, the master answers the summed metrics on that loopback port itself:
    for Prometheus where the app server listens on a Unix socket only the edge may open
    (make cluster). The app's own /metrics answers too, where it is reachable."""
    port = os.environ.get("METRICS_PORT")
    if port:
        from prometheus_client import start_http_server

        from newsportal.metrics import registry

        start_http_server(int(port), addr="127.0.0.1", registry=registry())
