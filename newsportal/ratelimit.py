"""Per-client request limits for the endpoints that cost the most, in fixed one-minute windows.

A client is an IPv4 address or an IPv6 /64, as seen through trusted proxies (clientip.py).
Counting is atomic on every backend: Redis and the local-memory cache count atomically by
themselves; the file cache reads and writes a count as two steps, so its counts are taken under
an exclusive file lock (shared by every process of the machine). When the cache cannot be
reached, limits let requests through (fail open): reading must not stop with Redis, and the
admin's lockout, which matters most, lives in PostgreSQL.
"""

import fcntl
import hashlib
import time
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.shortcuts import render

from newsportal import metrics
from newsportal.clientip import client_network


def increment(key: str) -> int:
    """The key's count after one more, atomically; 1 when it vanished (evicted, unreachable)."""
    with exclusive(caches["default"]):  # the backend itself, not the `cache` proxy
        cache.add(key, 0, 90)
        try:
            return cache.incr(key)
        except ValueError:
            return 1


@contextmanager
def exclusive(backend):
    """A machine-wide lock for backends that count in two steps (the file cache)."""
    if not isinstance(backend, FileBasedCache):
        yield
        return
    Path(backend._dir).mkdir(parents=True, exist_ok=True)
    with open(Path(backend._dir) / "ratelimit.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def over_limit(request, scope: str) -> bool:
    """Count one more request of this client in `scope`; whether it is past RATE_LIMITS[scope]."""
    client = hashlib.blake2b(client_network(request).encode(), digest_size=8).hexdigest()
    key = f"rate:{scope}:{client}:{int(time.time() // 60)}"
    if increment(key) <= settings.RATE_LIMITS[scope]:
        return False
    metrics.RATE_LIMITED.labels(scope).inc()
    return True


def too_many(request):
    """The 429 page, with when to come back."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(60 - int(time.time() % 60))
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(scope: str, methods=None):
    """Answer 429 (with Retry-After) once a client exceeds RATE_LIMITS[scope] in a minute
    (counting only `methods`, when given)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods and request.method not in methods:
                return view(request, *args, **kwargs)
            if over_limit(request, scope):
                return too_many(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
