"""`make bench`: the portal under load, measured side by side in one run.

Serves the portal with gunicorn and production settings from a database of its own (filled by
`generate_articles`) and the shared Redis cache (file cache where no Redis answers), drives it
with wrk (or a small Python load generator when wrk is missing), and prints requests per second,
p50/p99 latency and errors for each page, cached and uncached, as figures and as ratios to the
floor: a bare Django view through Django's default middleware, served by the same gunicorn
settings (floor_settings.py). Then the edge: the cached article through Varnish, beside nginx
serving the same bytes from disk (edge_bench.py). Not a test: it asserts nothing.
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    Server,
    bench_database_url,
    environment,
    manage,
    redis_url,
    scratch_database_url,
)

PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES") or "10000")
# Measured at 10,000 articles, and beside it at ARTICLES when that is more (make bench
# ARTICLES=1000000): the same pages, the same run.
SCALES = sorted({10_000, ARTICLES})
CACHE = redis_url(5)
PAGES = {
    "front page": "/",
    "article": "/articles/generated-00042/",
    "tag page": "/tags/generated-tag-7/",
    "search": "/search/?q=railway+harvest",
}


def parse_duration(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    socket_errors = sum(map(int, re.findall(r"(?:connect|read|write|timeout) (\d+)", out)))
    non_2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": parse_duration(latency["50"]),
        "p99": parse_duration(latency["99"]),
        "errors": socket_errors + non_2xx,
    }


def run_python(url: str, seconds: int) -> dict:
    """A keep-alive load generator in threads, for machines without wrk (less precise)."""
    import http.client

    timings, errors, stop = [], [0], time.monotonic() + seconds
    path = url.removeprefix(BASE)

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            timings.append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings.sort()
    return {
        "rps": len(timings) / seconds,
        "p50": timings[len(timings) // 2],
        "p99": timings[int(len(timings) * 0.99)],
        "errors": errors[0],
    }


def load(url: str, seconds: int = DURATION) -> dict:
    return (run_wrk if shutil.which("wrk") else run_python)(url, seconds)


def transfer_sizes() -> dict:
    """Bytes an article page costs a first-time reader: HTML gzipped, CSS and JS as served (br)."""
    html = urllib.request.urlopen(BASE + PAGES["article"]).read()
    sizes = {"html": len(gzip.compress(html, 6))}
    for kind, pattern in (
        ("css", rb'href="(/static/[^"]+\.css)"'),
        ("js", rb'src="(/static/[^"]+\.js)"'),
    ):
        sizes[kind] = 0
        for asset in re.findall(pattern, html):
            request = urllib.request.Request(
                BASE + asset.decode(), headers={"Accept-Encoding": "br, gzip"}
            )
            sizes[kind] += len(urllib.request.urlopen(request).read())
    return sizes


def portal_environment(database_url: str, page_cache=True) -> dict:
    # One loopback client stands in for thousands of readers: lift the per-client limits.
    extra = {"CACHE_URL": CACHE} if CACHE else {}
    return environment(
        database_url,
        PORT,
        PAGE_CACHE=str(page_cache).lower(),
        RATE_LIMIT_SEARCH="100000000",
        RATE_LIMIT_CONSENT="100000000",
        RATE_LIMIT_RENDER="100000000",
        **extra,
    )


def measure_floor() -> dict:
    """The bare Django view, and nothing of ours."""
    env = {
        **environment("postgres://unused/x", PORT),
        "DJANGO_SETTINGS_MODULE": "tests.perf.floor_settings",
    }
    server = Server(env, health_path="/page")
    try:
        load(BASE + "/page", 2)
        return load(BASE + "/page")
    finally:
        server.stop()


def measure(database_url: str, page_cache: bool) -> dict:
    redis_url(5)  # emptied: each run signs its entries with a key of its own
    server = Server(portal_environment(database_url, page_cache))
    try:
        # /healthz first: a page that keeps every worker busy past its timeout (search at a
        # million) would leave it a server still restarting its workers.
        load(BASE + "/healthz", 2)
        results = {"healthz": load(BASE + "/healthz")}
        for name, path in PAGES.items():
            # Every worker first compiles its templates and, with the page cache on, stores the
            # page; without it, the parts pages are made of are kept (as after a purge).
            load(BASE + path, 2)
            results[name] = load(BASE + path)
        sizes = transfer_sizes() if page_cache else None
    finally:
        server.stop()
    return results, sizes


def queries_per_page(database_url: str) -> dict[str, int]:
    """How many queries each page asks, uncached (page_queries.py, in a process of its own)."""
    import json

    env = {**portal_environment(database_url, page_cache=False), "ALLOWED_HOSTS": "localhost"}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "page_queries.py"), json.dumps(PAGES)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def prepare(articles: int) -> str:
    name = "newsportal_bench" if articles == 10_000 else f"newsportal_bench_{articles}"
    database_url = scratch_database_url(name, bench_database_url())
    env = environment(database_url, PORT)
    print(f"bench: preparing {articles} articles in {name} ...", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", str(articles))
    return database_url


def main():
    databases = {articles: prepare(articles) for articles in SCALES}
    env = environment(databases[10_000], PORT)
    manage(env, "collectstatic", "--noinput", "-v0")
    generator = "wrk" if shutil.which("wrk") else "python threads (install wrk for better figures)"
    print(
        f"bench: {CONNECTIONS} connections, {DURATION}s a page, load from {generator}\n", flush=True
    )
    print(f"bench: cache {CACHE or 'file://var/perf-cache (no Redis answers)'}\n", flush=True)
    bare = measure_floor()
    floor = bare["rps"]
    figures = {}
    for articles, database_url in databases.items():
        cached, sizes = measure(database_url, page_cache=True)
        uncached, _ = measure(database_url, page_cache=False)
        figures[articles] = (cached, uncached, sizes, queries_per_page(database_url))

    # Per scale: requests a second, ratio to the floor, p50 and p99, queries (uncached pages).
    print(f"{'':<24}" + "".join(f"{f'{n:,} articles':>36}" for n in SCALES) + f"{'errors':>8}")
    print(f"{'page':<24}" + f"{'req/s':>8}{'x floor':>8}{'p50 ms':>8}{'p99 ms':>8}{'q':>4}"
          * len(SCALES))  # fmt: skip
    rows = [("bare Django (floor)", None, None), ("/healthz", "healthz", 0)]
    for name in PAGES:
        rows += [(f"{name}, cached", name, 0), (f"{name}, uncached", name, 1)]
    for label, page, which in rows:
        line, errors = f"{label:<24}", 0
        for articles in SCALES:
            measured = figures[articles]
            r = bare if page is None else measured[which][page]
            queries = measured[3].get(page, "") if which == 1 else ""
            line += f"{r['rps']:>8.0f}{r['rps'] / floor:>8.2f}{r['p50']:>8.1f}{r['p99']:>8.1f}"
            line += f"{queries:>4}"
            errors += r["errors"]
        print(f"{line}{errors:>8}")
    sizes = figures[10_000][2]
    total = sum(sizes.values())
    print(
        f"\narticle page transfer: HTML {sizes['html']} B (gzip) + CSS {sizes['css']} B"
        f" + JS {sizes['js']} B (brotli) = {total / 1024:.1f} KiB\n"
    )
    import edge_bench

    edge_bench.run(portal_environment(databases[10_000]), PAGES["article"], load)


if __name__ == "__main__":
    main()
