"""`make bench-metrics`: the newsroom day (tests/perf/newsroom_day.py, purge by key) watched by
Prometheus, as `make cluster` watches the site: it scrapes the app server's /metrics and Varnish
(prometheus-varnish-exporter) every 5 seconds. Printed side by side: what the bench counts
itself (varnishstat read before and after, wrk) and what the metrics say for the same minutes.
They should agree within 1 %: the requests the app servers answered, and the edge's hit ratio.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import newsroom_day
from common import ROOT, environment, manage, scratch_database_url

sys.path.insert(0, str(ROOT))
from deploy import monitoring
from deploy.edge import free_port

QUERIES = {
    # What reached the app server, but its probes (the edge's health checks, the scrapes).
    "origin_requests": 'sum(newsportal_requests_total{view!~"healthz|readyz|metrics"})',
    "edge_hits": "sum(varnish_main_cache_hit)",
    "edge_misses": "sum(varnish_main_cache_miss)",
    "page_cache_hits": 'sum(newsportal_page_cache_total{result="hit"})',
    "server_errors": 'sum(newsportal_requests_total{status=~"5.."}) or vector(0)',
}
_watching = {}


def read(watch) -> dict:
    return {name: watch.query(expression) or 0.0 for name, expression in QUERIES.items()}


def observe(edge, phase, observed=None) -> dict:
    if phase == "before":
        watch = monitoring.Monitoring(free_port())
        watch.app_servers([f"127.0.0.1:{newsroom_day.PORT}"])
        watch.varnish(edge.name, free_port())
        watch.start()
        targets = watch.wait_until_up()
        time.sleep(monitoring.SCRAPE_SECONDS + 1)  # one scrape of the quiet site
        _watching["watch"] = watch
        return {"targets": targets, "before": read(watch)}
    watch = _watching.pop("watch")
    try:
        time.sleep(monitoring.SCRAPE_SECONDS * 2)  # a scrape after the last reader
        after = read(watch)
    finally:
        watch.stop()
    return {
        "targets": observed["targets"],
        "metrics": {name: after[name] - observed["before"][name] for name in QUERIES},
    }


def ratio(hits, misses) -> float:
    return hits / max(1, hits + misses)


def print_table(run: dict) -> None:
    measured = run["metrics"]
    rows = [
        ("requests the app answered", run["origin_requests"], measured["origin_requests"]),
        ("edge hits", run["edge_hits"], measured["edge_hits"]),
        ("edge misses", run["edge_misses"], measured["edge_misses"]),
    ]
    print(f"newsroom day watched by Prometheus: {newsroom_day.SECONDS} s, "
          f"{run['wrk_requests']:,} reader requests (wrk)")  # fmt: skip
    print("targets: " + ", ".join(f"{name} {state}" for name, state in run["targets"].items()))
    print(f"{'':<30}{'bench counts':>14}{'metrics':>14}{'difference':>12}")
    for label, counted, metric in rows:
        off = (metric - counted) / counted if counted else 0.0
        print(f"{label:<30}{counted:>14,.0f}{metric:>14,.0f}{off:>12.2%}")
    bench_ratio = ratio(run["edge_hits"], run["edge_misses"])
    metric_ratio = ratio(measured["edge_hits"], measured["edge_misses"])
    print(f"{'edge hit ratio':<30}{bench_ratio:>14.2%}{metric_ratio:>14.2%}"
          f"{metric_ratio - bench_ratio:>+11.2f}pt")  # fmt: skip
    print(f"{'5xx':<30}{run['server_errors']:>14}{measured['server_errors']:>14.0f}")
    print(f"{'page cache hits at the app':<30}{'':>14}{measured['page_cache_hits']:>14,.0f}")


def main():
    if not monitoring.available():
        raise SystemExit("bench-metrics needs prometheus and prometheus-varnish-exporter")
    database_url = scratch_database_url("newsportal_bench")
    if sys.argv[1:] == ["run"]:
        print(json.dumps(newsroom_day.day(database_url, keyed=True, observe=observe)))
        return
    env = environment(database_url, newsroom_day.PORT)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", os.environ.get("BENCH_ARTICLES", "10000"))
    out = subprocess.run(
        [sys.executable, __file__, "run"], capture_output=True, text=True, check=True
    ).stdout
    print_table(json.loads(out.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
