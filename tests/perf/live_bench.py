"""`make bench-live`: a breaking-news day on one live page, through Varnish.

10,000 articles (make bench's database), one of them live coverage, behind Varnish
(deploy/varnish/) and one gunicorn app server with Redis. Readers, paced by wrk at
BENCH_LIVE_RATE requests a second (9,600: twenty times what the newsroom day's hottest page gets,
4,000 requests a second of which a Zipf draw gives the front page 12 %): half open the live
page, half are open pages asking the updates' address for what is newer than the update they
opened with (one address for all of them: the edge answers it between two updates). Meanwhile
an editor posts an update every 5 s and corrects an earlier one every 30 s. Readers polling at
the edge (POLLERS of them, every POLL_SECONDS so the moment is measured finely; pages ask every
5 s) note when each update reaches them; a watcher notes when each correction shows on the page.
Printed: the edge's hit ratio, origin requests a second, each update's time to reach a polling
reader (p50/p100) and each correction's, and the 5xx. Not a test: it asserts nothing.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Server, environment, manage, redis_url, scratch_database_url
from newsroom_day import CONNECTIONS, fetch, varnish_counters, wrk_script

sys.path.insert(0, str(ROOT))
from deploy.edge import Varnish, free_port

PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = int(os.environ.get("BENCH_LIVE_SECONDS", "60"))
RATE = int(os.environ.get("BENCH_LIVE_RATE", "9600"))
POST_EVERY, CORRECT_EVERY = 5, 30
POLLERS, POLL_SECONDS = 8, 0.1
NEWEST = re.compile(r'data-newest="([^"]+)"')
UPDATE = re.compile(r'id="update-(\d+)"')


def poller(edge_url: str, new_url: str, newest: str, stop_at: float, seen: dict) -> None:
    """An open page: asks for what is newer than its newest, notes when each update arrives."""
    while time.time() < stop_at:
        status, body = fetch(f"{edge_url}{new_url}?after={newest}")
        if status == 200:
            now = time.time()
            for pk in UPDATE.findall(body):
                seen.setdefault(int(pk), []).append(now)
            newest = NEWEST.search(body)[1] if NEWEST.search(body) else newest
        time.sleep(POLL_SECONDS)


def editor(article, edge_url: str, stop_at: float, posted: dict, corrected: list) -> None:
    """Post every POST_EVERY s; correct a recent update every CORRECT_EVERY s, and watch the
    page through the edge until the correction shows."""
    from articles.models import LiveUpdate

    n, last_correction = 0, time.time()
    while time.time() < stop_at - POST_EVERY:
        n += 1
        update = LiveUpdate.objects.create(
            article=article, body=f"<p>Update {n}: the count goes on in the regions.</p>"
        )  # committed: the purge follows it
        posted[update.pk] = time.time()
        if time.time() - last_correction >= CORRECT_EVERY:
            last_correction = time.time()
            # A recent one: on the page a reader has open.
            target = LiveUpdate.objects.filter(article=article, correction="").order_by("-pk")[1]
            target.body = f"<p>Corrected {target.pk}: the count was finished at dawn.</p>"
            target.correction = "The time of the count was wrong."
            target.save()
            committed = time.time()
            while time.time() < committed + 10:
                if f"Corrected {target.pk}:" in fetch(edge_url + article.get_absolute_url())[1]:
                    break
                time.sleep(0.02)
            corrected.append(time.time() - committed)
        time.sleep(max(0, POST_EVERY - (time.time() - posted[update.pk])))


def run(database_url: str) -> dict:
    edge_port = free_port()
    env = environment(
        database_url, PORT, CACHE_URL=redis_url(6) or "file://var/perf-cache",
        EDGE_PURGE_URLS=f"http://127.0.0.1:{edge_port}/", TRUSTED_PROXIES="127.0.0.1",
        RATE_LIMIT_RENDER="100000000", EDGE_REPURGE_SECONDS="1",
    )  # fmt: skip
    os.environ.update(env, DJANGO_SETTINGS_MODULE="newsportal.settings")
    import django

    django.setup()
    from django.utils import timezone

    from articles.models import Article, LiveUpdate

    article = Article.objects.published().filter(language="en").order_by("-published_at").first()
    Article.objects.filter(pk=article.pk).update(is_live=True, live_ends_at=None)
    LiveUpdate.objects.filter(article=article).delete()
    for n in range(20):
        LiveUpdate.objects.create(
            article=article, body=f"<p>Earlier update {n}.</p>",
            published_at=timezone.now() - timedelta(minutes=60 - n),
        )  # fmt: skip
    article.refresh_from_db()
    from django.urls import reverse

    page = article.get_absolute_url()
    new_url = reverse("articles:live-new", args=[article.slug])
    server = Server(env)
    workdir = Path(tempfile.mkdtemp(prefix="newsportal-live-"))
    edge = Varnish(edge_port, [PORT], workdir, memory="256m", nice=10)
    try:
        deadline = time.monotonic() + 10  # the edge answers once its backend is seen healthy
        while not NEWEST.search(body := fetch(edge.url + page)[1]) and time.monotonic() < deadline:
            time.sleep(0.2)
        opened_with = NEWEST.search(body)[1]
        script = wrk_script([page, f"{new_url}?after={opened_with}"], workdir, RATE)
        before = varnish_counters(edge.name)
        stop_at = time.time() + SECONDS
        posted, corrected, seen = {}, [], {}
        threads = [threading.Thread(target=editor, args=(article, edge.url, stop_at, posted,
                                                         corrected))]  # fmt: skip
        threads += [
            threading.Thread(target=poller, args=(edge.url, new_url, opened_with, stop_at, seen))
            for _ in range(POLLERS)
        ]
        for thread in threads:
            thread.start()
        out = subprocess.run(
            ["nice", "-n", "10", "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
             "-s", str(script), edge.url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        for thread in threads:
            thread.join()
        after = varnish_counters(edge.name)
    finally:
        edge.stop()
        server.stop()
    hits = after["cache_hit"] - before["cache_hit"]
    misses = after["cache_miss"] - before["cache_miss"]
    # Each update's time to each polling reader (POLL_SECONDS of it is the polling's own).
    reach = sorted(t - posted[pk] for pk, times in seen.items() if pk in posted for t in times)
    missed = sum(1 for pk in posted if len(seen.get(pk, [])) < POLLERS)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "hit_ratio": hits / max(1, hits + misses),
        "origin_rps": (after["backend_req"] - before["backend_req"]) / SECONDS,
        "updates": len(posted), "missed": missed,
        "reach_p50": statistics.median(reach) if reach else 0,
        "reach_max": reach[-1] if reach else 0,
        "corrections": len(corrected),
        "correct_max": max(corrected, default=0),
        "server_errors": int((re.search(r"server errors: (\d+)", out) or [0, 0])[1]),
    }  # fmt: skip


def main():
    database_url = scratch_database_url("newsportal_bench")
    env = environment(database_url, PORT)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", "10000")
    result = run(database_url)
    print(f"\nlive page: {SECONDS} s, readers paced at {RATE} requests a second through Varnish "
          f"(half the page, half its updates' address), an update every {POST_EVERY} s and a "
          f"correction every {CORRECT_EVERY} s, {POLLERS} readers polling every "
          f"{POLL_SECONDS} s")  # fmt: skip
    rows = [
        ("requests/s", f"{result['rps']:.0f}"),
        ("edge hit ratio", f"{result['hit_ratio']:.2%}"),
        ("origin requests/s", f"{result['origin_rps']:.1f}"),
        ("updates posted", f"{result['updates']}"),
        ("update to a polling reader p50 s", f"{result['reach_p50']:.3f}"),
        ("update to a polling reader p100 s", f"{result['reach_max']:.3f}"),
        ("updates a reader never got", f"{result['missed']}"),
        ("corrections", f"{result['corrections']}"),
        ("correction on the page, slowest s", f"{result['correct_max']:.3f}"),
        ("server errors (5xx)", f"{result['server_errors']}"),
    ]
    for label, value in rows:
        print(f"{label:<38}{value:>12}")


if __name__ == "__main__":
    main()
