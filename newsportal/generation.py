"""The site's content generation: one value in the shared cache that says "what readers may see
has changed". The page cache keys pages on it, and each process checks its own snapshots (the
cookie policy) against it; starting a new generation drops them all at once.

Both the plumbing and the apps import this module; it imports neither.
"""

import uuid

from django.core.cache import cache

KEY = "page:generation"


def current(request=None) -> str:
    """The current generation, read from the cache at most once per request."""
    if request is not None and hasattr(request, "content_generation"):
        return request.content_generation
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, uuid.uuid4().hex, None)
        value = cache.get(KEY)
    if request is not None:
        request.content_generation = value
    return value


def bump(**kwargs) -> None:
    """Start a new generation (also usable as a signal receiver)."""
    cache.set(KEY, uuid.uuid4().hex, None)
