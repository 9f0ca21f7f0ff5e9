"""`make loadtest`: mixed traffic at 64 connections for a bounded time, on loopback only.

Readers fetch every page type while many distinct visitors make consent decisions. Run once
undisturbed and once with PostgreSQL restarted half-way. Prints the counts that matter: 5xx
answers, and whether every acknowledged decision left exactly one ConsentEvent.

`make soak` (`loadtest.py soak`): 10 minutes of the same traffic on a private Redis, restarted at
a third of the way and PostgreSQL at two thirds, with each gunicorn worker's memory (RSS) at the
start and at the end.
"""

import collections
import http.client
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, environment, manage, scratch_database_url

PORT = int(os.environ.get("LOADTEST_PORT", "8766"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "120"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "64"))
READ_PATHS = ["/", "/?page=2", "/tags/generated-tag-3/", "/authors/generated-author-2/",
              "/search/?q=railway", "/cookies/", "/?utm_source=newsletter", "/feeds/rss/",
              "/sitemap.xml", "/sitemap-articles.xml", "/tags/generated-tag-3/atom/"]  # fmt: skip


def shown_policy_version() -> str:
    """The cookie-policy version the banner shows: what every decision answers."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=15)
    connection.request("GET", "/cookies/")
    page = connection.getresponse().read().decode()
    connection.close()
    return re.search(r'name="policy_version" value="(\d+)"', page).group(1)


def run(seconds: int, restart_at: float | None, events=()) -> dict:
    """The traffic for `seconds`; PostgreSQL restarted at `restart_at`, and each (time, action)
    of `events` done at its time."""
    stop = time.monotonic() + seconds
    version = shown_policy_version()
    statuses = collections.Counter()
    acknowledged = [0]
    slowest = [0.0]
    lock = threading.Lock()

    def worker(seed):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=15)
        while time.monotonic() < stop:
            deciding = rng.random() < 0.2
            start = time.monotonic()
            try:
                if deciding:  # a new visitor each time: no cookie, a decision of their own
                    body = urlencode({"decision": rng.choice(["accept", "decline", "choose"]),
                                      "category": "analytics", "next": "/",
                                      "policy_version": version})  # fmt: skip
                    connection.request("POST", "/consent/", body, {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Sec-Fetch-Site": "same-origin",
                    })  # fmt: skip
                else:
                    path = rng.choice(
                        [*READ_PATHS, f"/articles/generated-{rng.randrange(500):05d}/"]
                    )
                    connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = "connection error"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=15)
            with lock:
                statuses[status] += 1
                slowest[0] = max(slowest[0], time.monotonic() - start)
                if deciding and status == 303:
                    acknowledged[0] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    if restart_at is not None:
        events = [*events, (restart_at, restart_postgres)]
    for at, action in sorted(events, key=lambda event: event[0]):
        time.sleep(max(0, at - (time.monotonic() - started)))
        action()
    for thread in threads:
        thread.join()
    return {"statuses": statuses, "acknowledged": acknowledged[0], "slowest": slowest[0]}


def restart_postgres():
    from newsportal import localdb

    print("loadtest: restarting PostgreSQL ...", flush=True)
    localdb.restart()


def worker_memory(server) -> dict[int, float]:
    """Each gunicorn worker's resident memory, in MiB."""
    import psutil

    workers = psutil.Process(server.process.pid).children()
    return {w.pid: w.memory_info().rss / 2**20 for w in workers}


def soak():
    import shutil
    import subprocess

    from common import ROOT

    sys.path.insert(0, str(ROOT))
    from deploy.edge import free_port

    if not shutil.which("redis-server"):
        raise SystemExit("soak: needs redis-server (apt-get install redis-server)")
    seconds = int(os.environ.get("SOAK_SECONDS", "600"))
    redis_port = free_port()
    command = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no"]  # fmt: skip
    redis = [subprocess.Popen(command, stdout=subprocess.DEVNULL)]

    def restart_redis():
        print("soak: restarting Redis ...", flush=True)
        redis[0].terminate()
        redis[0].wait(10)
        time.sleep(2)
        redis[0] = subprocess.Popen(command, stdout=subprocess.DEVNULL)

    database_url = scratch_database_url("newsportal_loadtest")
    env = environment(
        database_url, PORT, CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        RATE_LIMIT_CONSENT="1000000", RATE_LIMIT_SEARCH="1000000", RATE_LIMIT_RENDER="1000000",
    )  # fmt: skip
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", "500", "--tags", "30", "--authors", "10")
    server = Server(env)
    try:
        time.sleep(5)
        run(10, None)  # warm every worker up before the first reading
        events_before = consent_events(env)
        before = worker_memory(server)
        result = run(seconds, None, [(seconds / 3, restart_redis), (2 * seconds / 3,
                                                                   restart_postgres)])  # fmt: skip
        after = worker_memory(server)
    finally:
        server.stop()
        redis[0].terminate()
    statuses = result["statuses"]
    errors_5xx = sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)
    events = consent_events(env) - events_before
    print(f"\nsoak: {seconds} s at {CONNECTIONS} connections, Redis restarted at {seconds // 3} s, "
          f"PostgreSQL at {2 * seconds // 3} s")  # fmt: skip
    by_status = dict(sorted(statuses.items(), key=str))
    print(f"  requests: {sum(statuses.values())}  by status: {by_status}")
    print(f"  5xx answers: {errors_5xx}  slowest: {result['slowest'] * 1000:.0f} ms")
    print(f"  decisions acknowledged: {result['acknowledged']}  ConsentEvents written: {events}")
    mean_before = sum(before.values()) / len(before)
    mean_after = sum(after.values()) / len(after)
    print(f"  worker memory (RSS): start {sorted(round(v) for v in before.values())} MiB, "
          f"end {sorted(round(v) for v in after.values())} MiB; mean {mean_before:.0f} -> "
          f"{mean_after:.0f} MiB ({(mean_after / mean_before - 1) * 100:+.1f} %)")  # fmt: skip


def consent_events(env) -> int:
    import psycopg2
    from django.db import connection

    names = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CACHE_URL")
    os.environ.update({k: env[k] for k in names})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    import django

    django.setup()
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    with psycopg2.connect(**params) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM consent_consentevent")
        return cursor.fetchone()[0]


def main():
    sys.stdout.reconfigure(line_buffering=True)
    database_url = scratch_database_url("newsportal_loadtest")
    # Many distinct visitors arrive from one loopback address here: lift the per-client limits.
    env = environment(
        database_url, PORT, RATE_LIMIT_CONSENT="1000000", RATE_LIMIT_SEARCH="1000000",
        RATE_LIMIT_RENDER="1000000",
    )  # fmt: skip
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", "500", "--tags", "30", "--authors", "10")
    manage(env, "shell", "-c", "from newsportal.consent.models import *; "
           "ConsentEvent.objects.all().delete(); ConsentRecord.objects.all().delete()")  # fmt: skip
    restartable = not os.environ.get("DATABASE_URL")
    runs = [("undisturbed", None)]
    runs.append(
        ("PostgreSQL restarted", SECONDS / 2) if restartable else ("(no restart run)", None)
    )
    total_events_before = 0
    for label, restart_at in runs:
        if label.startswith("("):
            print(
                "loadtest: DATABASE_URL points elsewhere; the restart run needs the private server"
            )
            continue
        server = Server(env)
        try:
            result = run(SECONDS, restart_at)
        finally:
            server.stop()
        events = consent_events(env) - total_events_before
        total_events_before += events
        statuses = result["statuses"]
        errors_5xx = sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)
        print(f"\n{label}: {SECONDS}s at {CONNECTIONS} connections")
        by_status = dict(sorted(statuses.items(), key=str))
        print(f"  requests: {sum(statuses.values())}  by status: {by_status}")
        print(
            f"  5xx answers: {errors_5xx} (of which 503 with Retry-After: {statuses.get(503, 0)})"
        )
        print(f"  decisions acknowledged: {result['acknowledged']}  ConsentEvents written: {events}"
              f"  -> {'equal' if events == result['acknowledged'] else 'MISMATCH'}")  # fmt: skip
        print(f"  slowest answer: {result['slowest'] * 1000:.0f} ms")


if __name__ == "__main__":
    soak() if sys.argv[1:] == ["soak"] else main()
