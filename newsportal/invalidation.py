"""Purge by key: what changed is said once, after commit, to our page cache and to every edge.

Every cached page names the keys of what it shows ("article-12", "lists", "policy"...). A change
purges its keys in `transaction.on_commit`, never before: a reader arriving between the save and
the commit cannot re-cache the old page under the new state.

Our own cache does not keep an index of pages per key (which would race on every backend but
Redis). Instead a purge writes a *stamp* per key: `purged:<key>` = the time of the purge. A stored
page remembers the stamps of its keys as they were when it was rendered, and is only served while
they are unchanged; a page whose keys were purged while it was being rendered is not stored at all
(`purged_since`), since it may show what the database held before the commit. Stamps carry a
margin so that app servers whose clocks differ by less than that still agree (NTP keeps them
within milliseconds); a page rendered within the margin after a purge is served but not stored.

Both the plumbing and the apps import this module; it imports no app.
"""

import logging
import random
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.dispatch import receiver

from newsportal import edge, metrics
from newsportal.rediscache import cache_recovered

logger = logging.getLogger(__name__)

EVERYTHING = "all"  # a key every page carries
LAST_PURGE = "health:last-purge"  # when a purge last went out (newsportal/sitehealth.py)


def stamp_key(key: str) -> str:
    return f"purged:{key}"


_read_together: set[str] = set()


def read_together(*keys: str) -> None:
    """Declare keys that nearly every page reads (the cookie policy, the header's sections): a
    request's first read of stamps fetches them too, so that later ones cost no round trip."""
    _read_together.update(keys)


def stamps(keys: Iterable[str], request=None) -> dict[str, float]:
    """The current stamp of each key (0 where it was never purged); one cache read.

    With a request, stamps already read during it are reused: the page cache, the kept parts
    and the cookie policy ask for some of the same ones.
    """
    keys = list(keys)
    known = getattr(request, "purge_stamps", None) if request is not None else None
    wanted = [k for k in keys if known is None or k not in known]
    if request is not None and known is None:
        wanted += sorted(_read_together.difference(wanted))
    found = cache.get_many([stamp_key(k) for k in wanted]) if wanted else {}
    fresh = {k: found.get(stamp_key(k), 0) for k in wanted}
    if request is not None:
        request.purge_stamps = {**(known or {}), **fresh}
        return {k: request.purge_stamps[k] for k in keys}
    return fresh


_seen: dict[str, tuple[float, float]] = {}  # key -> (its stamp, when this process read it)
SEEN_KEYS = 10_000


def recent_stamps(keys: Iterable[str], request, max_age: float) -> dict[str, float]:
    """`stamps(keys, request)`, or what this process read of them less than `max_age` seconds
    ago: a page served a thousand times a second asks the shared cache a few times a second.
    A purge made by this process is seen by it at once (`write_stamps`)."""
    keys = list(keys)
    now = time.monotonic()
    seen = [_seen.get(k) for k in keys]
    if max_age > 0 and all(s is not None and now - s[1] <= max_age for s in seen):
        return {k: s[0] for k, s in zip(keys, seen, strict=True)}
    found = stamps(keys, request)
    if len(_seen) > SEEN_KEYS:
        _seen.clear()
    _seen.update((k, (stamp, now)) for k, stamp in found.items())
    return found


def started_stamp(key: str) -> float:
    """The key's stamp, given one if it has none, for readers that must notice a cache that was
    emptied (a process-local snapshot taken before that would otherwise never be reloaded).

    A random number below 1, unlike a purge's time: it changes the stamp without looking like a
    purge that happened while a page was being rendered.
    """
    cache.add(stamp_key(key), random.random() or 0.5, None)
    return cache.get(stamp_key(key), 0)


def purged_since(recorded: dict[str, float], started: float) -> bool:
    """Whether any of these keys was purged after `started` (the render may predate a commit)."""
    return any(stamp >= started for stamp in recorded.values())


def purge(keys: Iterable[str]) -> None:
    """Purge now: the stamps in our cache, then every edge. Call it after commit."""
    keys = sorted(set(keys))
    if not keys:
        return
    started = time.perf_counter()
    if settings.PURGE_EVERYTHING_ON_CHANGE:  # the old way, kept to measure against
        keys = [EVERYTHING]
    if write_stamps(keys):
        metrics.PURGES.labels("cache", "sent").inc()
    else:
        # The cache is down: it serves nothing meanwhile, but what it held comes back with it.
        # Recorded, and written again as soon as it answers (replay_missed_purges).
        metrics.PURGES.labels("cache", "failed").inc()
        logger.warning("page cache: purge of %s missed (cache unavailable)", " ".join(keys))
        record_missed(keys)
    edge.purge(keys)
    metrics.PURGE_DELAY.observe(time.perf_counter() - started)
    cache.set(LAST_PURGE, time.time(), None)  # for the site health page


def write_stamps(keys: Iterable[str]) -> bool:
    """Stamp `keys` as purged now in our cache; whether the cache took them."""
    keys = list(keys)
    now = time.time() + settings.PURGE_CLOCK_MARGIN
    for key in keys:
        _seen.pop(key, None)
    try:
        return not cache.set_many({stamp_key(k): now for k in keys}, None)
    except Exception:
        return False


def record_missed(keys: Iterable[str]) -> None:
    from newsportal.models import MissedPurge

    try:
        MissedPurge.objects.create(keys=sorted(keys))
    except DatabaseError:
        logger.error("page cache: could not record the missed purge of %s", " ".join(keys))


@receiver(cache_recovered)
def replay_missed_purges(**kwargs) -> None:
    """Write again the purges the cache missed while it was away (and tell the edges again:
    they may have fetched the old page back from it), then forget them."""
    from newsportal.models import MissedPurge

    try:
        missed = list(MissedPurge.objects.all()[:1000])
    except DatabaseError:
        return
    keys = sorted({key for row in missed for key in row.keys})
    if keys and write_stamps(keys):
        edge.purge(keys)
        MissedPurge.objects.filter(pk__in=[row.pk for row in missed]).delete()
        logger.warning("page cache: %d missed purge(s) written now that it answers", len(missed))


def purge_on_commit(keys: Iterable[str]) -> None:
    """Purge `keys` once the current transaction commits (at once outside a transaction)."""
    keys = frozenset(keys)
    if keys:
        transaction.on_commit(lambda: purge(keys))
