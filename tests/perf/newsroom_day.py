"""`make bench`, the newsroom day: readers through the edge while an editor keeps changing things.

10,000 articles behind Varnish (deploy/varnish/), one gunicorn app server, Redis. Readers: wrk at
32 connections, requesting pages with a Zipf distribution (the front page and the newest stories
hot, a long tail of old articles, some topic pages and searches), paced at BENCH_DAY_RATE requests
a second (4,000; 0: as fast as they can). Paced, because here one machine's two cores carry the
readers, the edge, the app, PostgreSQL and Redis: unpaced, wrk and Varnish take them whole at
25,000 requests a second (most of it in the kernel's network stack, where nice does not reach) and
the editor's commits wait for seconds; a newsroom runs its edge on machines of its own. Meanwhile
an editor changes an article every 5 seconds (a headline edit, an unpublish, a publish, a retag)
and, for every change, a monitor polls every page that shows it through the edge until the new
version is served: staleness is the time from the commit to that moment. After an unpublish, any
copy of the article served by the edge is counted as a violation. Run with keyed purges, then once
more with every change dropping every page (PURGE_EVERYTHING_ON_CHANGE), side by side.
"""

import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Server, environment, manage, redis_url, scratch_database_url

sys.path.insert(0, str(ROOT))
from deploy.edge import Varnish, free_port

PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = int(os.environ.get("BENCH_DAY_SECONDS", "120"))
EDIT_EVERY = 5
CONNECTIONS = 32
RATE = int(os.environ.get("BENCH_DAY_RATE", "4000"))


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:  # a timeout under load: not an answer yet
        return 0, ""


def zipf_paths(articles, tags, count=20000, seed=7) -> list[str]:
    """Paths as readers ask for them: a few very often, most rarely."""
    rng = random.Random(seed)
    pool = ["/", *[a.get_absolute_url() for a in articles], *[t.get_absolute_url() for t in tags]]
    pool += ["/search/?q=railway", "/search/?q=harvest", "/tags/", "/feeds/rss/"]
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(pool))]
    return rng.choices(pool, weights, k=count)


def wrk_script(paths: list[str], folder: Path, rate: int = RATE) -> Path:
    """wrk asks `paths` in turn, paced at `rate` requests a second (0: as fast as it can), and
    counts the 5xx."""
    script = folder / "paths.lua"
    listed = ",".join(json.dumps(p) for p in paths)
    script.write_text(
        f"paths = {{{listed}}}\ncounter = 0\n"
        "request = function()\n  counter = counter + 1\n"
        "  return wrk.format('GET', paths[(counter % #paths) + 1])\nend\n"
        # Each connection waits this long before each request: RATE requests a second in all.
        f"delay = function() return {CONNECTIONS * 1000 / rate if rate else 0} end\n"
        "threads = {}\nsetup = function(thread) table.insert(threads, thread) end\n"
        "server_errors = 0\n"
        "response = function(status, headers, body)\n"
        "  if status >= 500 then server_errors = server_errors + 1 end\nend\n"
        "done = function(summary, latency, requests)\n  local total = 0\n"
        "  for _, t in ipairs(threads) do total = total + t:get('server_errors') end\n"
        "  io.write(string.format('server errors: %d\\n', total))\nend\n"
    )
    return script


def varnish_counters(workdir: Path) -> dict:
    out = subprocess.run(
        ["varnishstat", "-n", str(workdir), "-1", "-j"], capture_output=True, text=True
    ).stdout
    counters = json.loads(out).get("counters", json.loads(out))
    return {name: counters[f"MAIN.{name}"]["value"] for name in ("cache_hit", "cache_miss",
                                                                  "backend_req")}  # fmt: skip


def watch(edge_url, url, predicate, committed, purged, unpublished, seen, violations):
    """Poll one page through the edge until it shows the change; note any unpublished copy."""
    status = 0
    while time.time() < committed + 10:
        status, body = fetch(edge_url + url)
        if predicate(status, body):
            break
        if unpublished and url.startswith("/articles/") and status == 200 and time.time() > purged:
            violations.append(url)
        time.sleep(0.01)
    seen[url] = time.time() - committed
    if os.environ.get("BENCH_DEBUG"):
        print(url, round(seen[url], 3), status, file=sys.stderr)


def editor(edge_url: str, stop_at: float, results: list) -> None:
    """Change one thing every EDIT_EVERY seconds; measure how long the edge takes to show it."""
    from articles.models import Article, Tag

    if os.environ.get("BENCH_DEBUG"):  # where a slow write spends its time
        from django.db.models import Model

        from newsportal import edge, invalidation

        for module, name in ((invalidation, "purge"), (edge, "send"), (Model, "save_base")):
            original = getattr(module, name)

            def timed(*args, _original=original, _name=name, **kwargs):
                started = time.time()
                result = _original(*args, **kwargs)
                print(_name, round(time.time() - started, 3), file=sys.stderr)
                return result

            setattr(module, name, timed)

    newest = list(Article.objects.published().order_by("-published_at")[:3])
    hot, leaving, retagged = newest
    spare_tag = Tag.objects.exclude(articles=retagged).order_by("pk").first()
    n = 0
    while time.time() + EDIT_EVERY < stop_at:
        time.sleep(EDIT_EVERY)
        n += 1
        kind = ["edit", "unpublish", "publish", "retag"][(n - 1) % 4]
        checks = []  # (url, predicate on (status, body))
        if kind == "edit":
            hot.title = re.sub(r" \[edit \d+\]$", "", hot.title) + f" [edit {n}]"
            title = hot.title
            checks = [(hot.get_absolute_url(), lambda s, b, t=title: t in b),
                      ("/", lambda s, b, t=title: t in b)]  # fmt: skip
            checks += [(tag.get_absolute_url(), lambda s, b, t=title: t in b)
                       for tag in hot.tags.all()]  # fmt: skip
            target = hot
        elif kind in ("unpublish", "publish"):
            leaving.status = (
                Article.Status.DRAFT if kind == "unpublish" else Article.Status.PUBLISHED
            )
            gone = kind == "unpublish"
            link = f'href="{leaving.get_absolute_url()}"'  # headlines may repeat; links do not
            # Gone: an address that was public answers 410 (retired_address in
            # articles/reading/article_page.py).
            checks = [(leaving.get_absolute_url(), lambda s, b, g=gone: (s in (404, 410)) == g),
                      ("/", lambda s, b, t=link, g=gone: (t in b) != g)]  # fmt: skip
            checks += [(tag.get_absolute_url(), lambda s, b, t=link, g=gone: (t in b) != g)
                       for tag in leaving.tags.all()]  # fmt: skip
            target = leaving
        else:
            old = retagged.tags.order_by("pk").first()
            link = f'href="{retagged.get_absolute_url()}"'
            checks = [(old.get_absolute_url(), lambda s, b, t=link: t not in b),
                      (spare_tag.get_absolute_url(), lambda s, b, t=link: t in b)]  # fmt: skip
            target = None
        committed = time.time()
        if target is not None:
            target.save()  # autocommit: the purge runs as soon as the row is written
        else:
            retagged.tags.remove(old)
            retagged.tags.add(spare_tag)
            spare_tag = old
        purged = time.time()
        seen, violations = {}, []
        if os.environ.get("BENCH_DEBUG"):
            print(kind, "written in", round(purged - committed, 3), file=sys.stderr)
        watchers = [
            threading.Thread(
                target=watch,
                args=(edge_url, url, predicate, committed, purged, kind == "unpublish", seen,
                      violations),
            )
            for url, predicate in checks
        ]  # fmt: skip
        for watcher in watchers:
            watcher.start()
        for watcher in watchers:
            watcher.join()
        slowest = max(seen, key=seen.get)
        worst, violations = seen[slowest], len(violations)
        if kind == "unpublish":  # keep asking for a while: no copy may come back
            for _ in range(20):
                violations += fetch(edge_url + leaving.get_absolute_url())[0] == 200
                time.sleep(0.05)
        results.append(
            {"kind": kind, "staleness": worst, "slowest": slowest, "violations": violations}
        )


def day(database_url: str, keyed: bool, observe=None) -> dict:
    """One day; `observe(edge, phase)` is called "before" and "after" the readers (the metrics
    bench reads Prometheus then) and what it returns is added to the figures."""
    cache = redis_url(6) or "file://var/perf-cache"
    edge_port = free_port()
    env = environment(
        database_url, PORT, CACHE_URL=cache, EDGE_PURGE_URLS=f"http://127.0.0.1:{edge_port}/",
        TRUSTED_PROXIES="127.0.0.1", RATE_LIMIT_SEARCH="100000000", RATE_LIMIT_RENDER="100000000",
        PURGE_EVERYTHING_ON_CHANGE=str(not keyed).lower(), EDGE_REPURGE_SECONDS="1",
    )  # fmt: skip
    os.environ.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.PURGE_EVERYTHING_ON_CHANGE = not keyed  # this process is the editor
    from articles.models import Article, Tag

    server = Server(env)
    workdir = Path(tempfile.mkdtemp(prefix="newsportal-day-"))
    # The edge and the load generator yield to the app, the database and the editor: here all
    # share two cores, where a newsroom runs the edge on machines of its own. Without this, the
    # 30,000 requests a second they make between them starve the editor's save for seconds.
    edge = Varnish(edge_port, [PORT], workdir, memory="512m", nice=10)
    try:
        articles = list(Article.objects.published().order_by("-published_at")[:10000])
        tags = list(Tag.objects.order_by("pk")[:30])
        script = wrk_script(zipf_paths(articles, tags), workdir)
        observed = observe(edge, "before") if observe else {}
        before = varnish_counters(edge.name)
        stop_at = time.time() + SECONDS
        changes = []
        editing = threading.Thread(target=editor, args=(edge.url, stop_at, changes))
        editing.start()
        out = subprocess.run(
            # The load generator yields to the system it measures (both share two cores here).
            ["nice", "-n", "10", "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
             "-s", str(script),
             edge.url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        editing.join()
        after = varnish_counters(edge.name)
        if observe:
            observed = observe(edge, "after", observed)
    finally:
        edge.stop()
        server.stop()
    from bench import parse_duration

    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    hits = after["cache_hit"] - before["cache_hit"]
    misses = after["cache_miss"] - before["cache_miss"]
    staleness = sorted(c["staleness"] for c in changes)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": parse_duration(latency["50"]),
        "p99": parse_duration(latency["99"]),
        "errors": int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
        + sum(map(int, re.findall(r"(?:connect|read|write|timeout) (\d+)", out))),
        "hit_ratio": hits / max(1, hits + misses),
        "origin_rps": (after["backend_req"] - before["backend_req"]) / SECONDS,
        "changes": len(changes),
        "stale_p50": statistics.median(staleness) if staleness else 0,
        "stale_max": staleness[-1] if staleness else 0,
        "violations": sum(c["violations"] for c in changes),
        "server_errors": int((re.search(r"server errors: (\d+)", out) or [0, 0])[1]),
        "slowest": max(changes, key=lambda c: c["staleness"]) if changes else None,
        "wrk_requests": int(re.search(r"(\d+) requests in", out)[1]),
        "edge_hits": hits,
        "edge_misses": misses,
        "origin_requests": after["backend_req"] - before["backend_req"],
        **observed,
    }


def main():
    database_url = scratch_database_url("newsportal_bench")
    env = environment(database_url, PORT)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", os.environ.get("BENCH_ARTICLES", "10000"))
    mode = sys.argv[1] if len(sys.argv) > 1 else "both"
    runs = {}
    # Each run in a process of its own (settings are read once per process).
    if mode == "both":
        for name in ("keyed", "everything"):
            out = subprocess.run(
                [sys.executable, __file__, name], capture_output=True, text=True, check=True
            ).stdout
            runs[name] = json.loads(out.strip().splitlines()[-1])
        print_table(runs)
    else:
        print(json.dumps(day(database_url, keyed=mode == "keyed")))


def print_table(runs: dict) -> None:
    print(f"newsroom day: {SECONDS} s, readers at {CONNECTIONS} connections through Varnish, "
          f"a change every {EDIT_EVERY} s")  # fmt: skip
    rows = [
        ("requests/s", "rps", "{:.0f}"), ("p50 ms", "p50", "{:.2f}"), ("p99 ms", "p99", "{:.2f}"),
        ("non-2xx (the unpublished article's 410s)", "errors", "{}"),
        ("edge hit ratio", "hit_ratio", "{:.1%}"),
        ("origin requests/s", "origin_rps", "{:.1f}"), ("changes", "changes", "{}"),
        ("staleness p50 s", "stale_p50", "{:.3f}"), ("staleness p100 s", "stale_max", "{:.3f}"),
        ("unpublished served after purge", "violations", "{}"),
        ("server errors (5xx)", "server_errors", "{}"),
    ]  # fmt: skip
    print(f"{'':<34}{'purge by key':>16}{'drop everything':>18}")
    for label, key, fmt in rows:
        print(f"{label:<34}{fmt.format(runs['keyed'][key]):>16}"
              f"{fmt.format(runs['everything'][key]):>18}")  # fmt: skip


if __name__ == "__main__":
    main()
