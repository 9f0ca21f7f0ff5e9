"""The edge part of `make bench`: the cached article through Varnish (deploy/varnish/), beside
nginx serving the same bytes from disk and /healthz on gunicorn, measured in one run with wrk."""

import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from common import ROOT, Server

sys.path.insert(0, str(ROOT))
from deploy.edge import Varnish, available, free_port

NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {dir}/site; default_type text/html; }}
    }}
}}
"""


def run(env, article_path: str, load) -> None:
    if not (available() and shutil.which("wrk")):
        print("edge: skipped (needs varnishd with xkey and wrk: apt-get install varnish "
              "varnish-modules wrk)")  # fmt: skip
        return
    server = Server(env)
    edge = Varnish(free_port(), [int(env["PORT"])], memory="256m")
    folder = Path(tempfile.mkdtemp(prefix="newsportal-nginx-"))
    folder.chmod(0o755)  # nginx's workers run as an unprivileged user
    nginx = None
    try:
        page = urllib.request.urlopen(edge.url + article_path).read()  # as a reader gets it
        (folder / "site" / article_path.strip("/")).mkdir(parents=True)
        (folder / "site" / article_path.strip("/") / "index.html").write_bytes(page)
        for path in (folder / "site").rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        nginx_port = free_port()
        (folder / "nginx.conf").write_text(NGINX_CONF.format(dir=folder, port=nginx_port))
        if shutil.which("nginx"):
            nginx = subprocess.Popen(
                ["nginx", "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
            )
        results = {}
        load(edge.url + article_path, 2)
        results["Varnish: cached article"] = load(edge.url + article_path)
        if nginx:
            results["nginx: same bytes from disk"] = load(
                f"http://127.0.0.1:{nginx_port}{article_path}"
            )
        results["gunicorn: /healthz"] = load(f"http://127.0.0.1:{env['PORT']}/healthz")
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(10)
        edge.stop()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    reference = results.get("nginx: same bytes from disk") or results["Varnish: cached article"]
    columns = f"{'req/s':>9}{'x nginx':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(f"{f'edge ({len(page)} B page)':<32}{columns}")
    for label, r in results.items():
        print(
            f"{label:<32}{r['rps']:>9.0f}{r['rps'] / reference['rps']:>9.2f}"
            f"{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}"
        )
