"""Parts of pages kept between renders under purge keys; generic plumbing that imports no app.

The page cache keeps whole pages, one per consent variant, and a purge of any key a page shows
drops it. What a page is made of often changed less: an article page is purged when a related
article changes, when the cookie policy changes, or is asked for in a new variant, while the
article itself is as it was. `cached(name, build)` keeps what `build()` returns with the keys it
names, as the page cache does (newsportal/invalidation.py): it is used while none of its keys
is purged, never stored when one was purged while it was being built, and lives no longer than
a page may (the next scheduled publication).
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache

from newsportal.invalidation import EVERYTHING, purged_since, stamps
from newsportal.pagecache import page_lifetime


def cache_key(name: str) -> str:
    """Short whatever the name holds (an address may be long)."""
    return "fragment:" + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def valid(names: Iterable[str], request=None) -> dict[str, Any]:
    """{name: value} of the stored fragments none of whose keys was purged since they were
    stored: one read of the cache and one of the stamps, however many names."""
    names = {cache_key(name): name for name in names}
    stored = cache.get_many(names)
    keys = {key for _, recorded in stored.values() for key in recorded}
    current = stamps(keys, request)
    return {
        names[key]: value
        for key, (value, recorded) in stored.items()
        if all(current[k] == stamp for k, stamp in recorded.items())
    }


def cached(name: str, build: Callable[[], tuple[Any, Iterable[str]]], request=None, found=None):
    """What `build() -> (value, keys)` returns, from the cache while none of `keys` is purged.

    `found`: what `valid()` returned for several names at once. Exceptions from `build`
    (Http404...) pass through and nothing is kept.
    """
    if found is None:
        found = valid([name], request)
    if name in found:
        return found[name]
    started = time.time()
    value, keys = build()
    recorded = stamps({EVERYTHING, *keys})  # read now, not earlier in the request
    lifetime = page_lifetime()
    if lifetime > 0 and not purged_since(recorded, started):
        cache.set(cache_key(name), (value, recorded), lifetime)
    return value
