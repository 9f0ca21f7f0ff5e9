"""Minute counts of what the app servers answered, for the site health page: each process adds
up its requests in memory and writes them every TRAFFIC_FLUSH_SECONDS in one statement (INSERT
... ON CONFLICT adds them to the other processes'), so a request costs no query, and the page
works with or without Prometheus."""

import logging
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection

from newsportal import metrics

logger = logging.getLogger(__name__)
KEEP = timedelta(days=2)
_lock = threading.Lock()
_pending: dict[tuple[datetime, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0.0])
_last_flush = [time.monotonic()]

UPSERT = """
INSERT INTO newsportal_trafficminute
    (minute, view, requests, page_hits, page_misses, server_errors, total_ms, max_ms)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (minute, view) DO UPDATE SET
    requests = newsportal_trafficminute.requests + EXCLUDED.requests,
    page_hits = newsportal_trafficminute.page_hits + EXCLUDED.page_hits,
    page_misses = newsportal_trafficminute.page_misses + EXCLUDED.page_misses,
    server_errors = newsportal_trafficminute.server_errors + EXCLUDED.server_errors,
    total_ms = newsportal_trafficminute.total_ms + EXCLUDED.total_ms,
    max_ms = GREATEST(newsportal_trafficminute.max_ms, EXCLUDED.max_ms)
"""


def this_minute() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


def count(view: str, status: int, cache_state: str | None, seconds: float) -> None:
    """One request answered."""
    ms = seconds * 1000
    with _lock:
        row = _pending[(this_minute(), view)]
        row[0] += 1
        row[1] += cache_state == "hit"
        row[2] += cache_state == "miss"
        row[3] += status >= 500
        row[4] += ms
        row[5] = max(row[5], ms)
    if time.monotonic() - _last_flush[0] >= settings.TRAFFIC_FLUSH_SECONDS:
        flush()


def flush() -> None:
    """Write what this process counted (and forget it, written or not: a lost database loses
    a few seconds of counts, never stalls a request twice)."""
    with _lock:
        rows = [(minute, view, *values) for (minute, view), values in _pending.items()]
        _pending.clear()
        _last_flush[0] = time.monotonic()
    if not rows:
        return
    try:
        with connection.cursor() as cursor:
            cursor.executemany(UPSERT, rows)
            if rows[0][0].minute == 0:  # once an hour: forget what is two days old
                cursor.execute(
                    "DELETE FROM newsportal_trafficminute WHERE minute < %s",
                    [this_minute() - KEEP],
                )
    except DatabaseError as error:
        metrics.BACKEND_ERRORS.labels("postgresql").inc()
        logger.warning("traffic: %d minute count(s) not written (%s)", len(rows), error)
