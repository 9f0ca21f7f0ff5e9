"""Per-client request limits for the endpoints that cost the most, in fixed one-minute windows.

A client is an IPv4 address or an IPv6 /64, as seen through trusted proxies (clientip.py).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from newsportal.clientip import client_network


def rate_limited(scope: str, methods=None):
    """Answer 429 (with Retry-After) once a client exceeds RATE_LIMITS[scope] in a minute
    (counting only `methods`, when given)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods and request.method not in methods:
                return view(request, *args, **kwargs)
            now = time.time()
            window = int(now // 60)
            client = hashlib.blake2b(client_network(request).encode(), digest_size=8).hexdigest()
            key = f"rate:{scope}:{client}:{window}"
            cache.add(key, 0, 90)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr: count this one only
                count = 1
            if count > settings.RATE_LIMITS[scope]:
                response = render(request, "429.html", status=429)
                response["Retry-After"] = str(60 - int(now % 60))
                response["Cache-Control"] = "no-store"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
