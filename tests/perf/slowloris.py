"""`make drill`: slow clients against gunicorn alone, then against the edge in front of it.

20 connections send a request header one line every few seconds, never finishing it, for 60
seconds, while a reader asks for a page every half second with a 5-second timeout. gunicorn's
sync workers each wait on one connection, so 20 slow clients hold all of them; Varnish reads
headers itself, with its own timeouts, and only complete requests reach the app. Prints how many
of the reader's requests were answered in each case. Not a test: it asserts nothing.
"""

import os
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Server, environment, manage, redis_url, scratch_database_url

sys.path.insert(0, str(ROOT))
from deploy.edge import Varnish, free_port

PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = int(os.environ.get("DRILL_SECONDS", "60"))
SLOW_CLIENTS = 20


def slow_client(port: int, stop_at: float) -> None:
    """Open a connection and dribble a request header that never ends."""
    while time.time() < stop_at:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                while time.time() < stop_at:
                    time.sleep(3)
                    sock.sendall(b"X-Slow: 1\r\n")
        except OSError:
            time.sleep(0.5)  # dropped by the server: come back, as an attacker would


def reader(url: str, stop_at: float, results: dict) -> None:
    while time.time() < stop_at:
        started = time.time()
        try:
            urllib.request.urlopen(url, timeout=5).read()
            results["answered"] += 1
            results["slowest"] = max(results["slowest"], time.time() - started)
        except OSError:
            results["failed"] += 1
        time.sleep(max(0, 0.5 - (time.time() - started)))


def drill(port: int, url: str) -> dict:
    stop_at = time.time() + SECONDS
    attackers = [
        threading.Thread(target=slow_client, args=(port, stop_at), daemon=True)
        for _ in range(SLOW_CLIENTS)
    ]
    for attacker in attackers:
        attacker.start()
    time.sleep(1)
    results = {"answered": 0, "failed": 0, "slowest": 0.0}
    reader(url, stop_at, results)
    return results


def main():
    database_url = scratch_database_url("newsportal_bench")
    env = environment(database_url, PORT, CACHE_URL=redis_url(7) or "file://var/perf-cache",
                      TRUSTED_PROXIES="127.0.0.1")  # fmt: skip
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_articles", "--articles", "1000")
    server = Server(env)
    edge = Varnish(free_port(), [PORT])
    try:
        urllib.request.urlopen(f"{edge.url}/").read()
        direct = drill(PORT, f"http://127.0.0.1:{PORT}/")
        time.sleep(6)  # let gunicorn's workers come back
        behind = drill(edge.port, f"{edge.url}/")
    finally:
        edge.stop()
        server.stop()
    print(f"slow-client drill: {SLOW_CLIENTS} slow connections for {SECONDS} s, "
          "a reader every 0.5 s (5 s timeout)")  # fmt: skip
    print(f"{'':<28}{'answered':>10}{'failed':>8}{'slowest s':>11}")
    for label, r in (("gunicorn alone", direct), ("behind Varnish", behind)):
        print(f"{label:<28}{r['answered']:>10}{r['failed']:>8}{r['slowest']:>11.2f}")


if __name__ == "__main__":
    main()
