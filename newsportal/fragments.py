"""Parts of pages kept between renders under purge keys; generic plumbing that imports no app.

The page cache keeps whole pages, one per consent variant, and a purge of any key a page shows
drops it. What a page is made of often changed less: an article page is purged when a related
article changes, when the cookie policy changes, or is asked for in a new variant, while the
article itself is as it was. `cached(name, build)` keeps what `build()` returns with the keys it
names, as the page cache does (newsportal/invalidation.py): it is used while none of its keys
is purged, never stored when one was purged while it was being built, and lives no longer than
a page may (the next scheduled publication).

Each process also keeps the parts it used last (LOCAL_ENTRIES of them), still checked against
the shared stamps on every use: a part found here costs the stamps' read alone, not the read of
the part and its unpickling. Only parts stored under a release stamp ("all", which migrate sets)
are kept here: an emptied shared cache resets that stamp, and so drops them all.
"""

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache

from newsportal import metrics, replica
from newsportal.invalidation import EVERYTHING, purged_since, stamps
from newsportal.pagecache import page_lifetime


def cache_key(name: str) -> str:
    """Short whatever the name holds (an address may be long)."""
    return "fragment:" + hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


LOCAL_ENTRIES = 1000
_local: OrderedDict = OrderedDict()  # cache key -> (value, recorded stamps), newest last


def remember(key: str, entry: tuple) -> None:
    if entry[1].get(EVERYTHING):
        _local[key] = entry
        _local.move_to_end(key)
        if len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def valid(names: Iterable[str], request=None) -> dict[str, Any]:
    """{name: value} of the stored fragments none of whose keys was purged since they were
    stored: one read of the stamps, and one of the shared cache for those this process does
    not hold, however many names."""
    names = {cache_key(name): name for name in names}
    stored = {key: _local[key] for key in names if key in _local}
    if len(stored) < len(names):
        stored.update(cache.get_many([key for key in names if key not in stored]))
    current = stamps({k for _, recorded in stored.values() for k in recorded}, request)
    found = {}
    for key, entry in stored.items():
        if all(current[k] == stamp for k, stamp in entry[1].items()):
            found[names[key]] = entry[0]
            remember(key, entry)
        elif _local.pop(key, None) is not None:  # another process may have built it anew
            found.update(valid([names[key]], request))
    return found


def cached(name: str, build: Callable[[], tuple[Any, Iterable[str]]], request=None, found=None):
    """What `build() -> (value, keys)` returns, from the cache while none of `keys` is purged.

    `found`: what `valid()` returned for several names at once. Exceptions from `build`
    (Http404...) pass through and nothing is kept.
    """
    if found is None:
        found = valid([name], request)
    if name in found:
        metrics.KEPT_PARTS.labels("hit").inc()
        return found[name]
    metrics.KEPT_PARTS.labels("miss").inc()
    started = time.time() - replica.staleness()  # read from a replica: as old as it may be
    value, keys = build()
    recorded = stamps({EVERYTHING, *keys})  # read now, not earlier in the request
    lifetime = page_lifetime()
    if lifetime > 0 and not purged_since(recorded, started):
        cache.set(cache_key(name), (value, recorded), lifetime)
        remember(cache_key(name), (value, recorded))
    return value
