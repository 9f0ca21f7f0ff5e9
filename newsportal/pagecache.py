"""A full-page cache for anonymous readers; generic plumbing that imports no app.

Pages are stored per URL, host and variant, with the keys of what they show (see
newsportal/invalidation.py: a purge of any of its keys makes a stored page stale). The apps tell
the cache the rest, in their `AppConfig.ready()`:

- `vary_on(func)`: `func(request) -> str | None` names the variant of a page this request gets
  (the consent app: the decision in the visitor's cookie, and Global Privacy Control). Pages
  differ between readers only by these, never by the whole Cookie header. None means the request's
  variant cannot be named (a forged cookie): it is served uncached and marked private.
- `limit_lifetime(func)`: `func() -> seconds or None` bounds how long any page may be kept (the
  articles app: until the next scheduled article goes live).
- `add_default_keys(func)`: `func(request, response) -> keys` every such response carries (the
  consent app: "policy" on every HTML page, which shows the banner).
- Views add the keys of what they show with `add_keys(response, *keys)`.

Cacheable responses carry their keys to the edge as `xkey` (Varnish), `Surrogate-Key` (Fastly)
and `Cache-Tag` (Cloudflare).
"""

import hashlib
import time
from collections.abc import Callable
from importlib import import_module
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from newsportal import querystrings, replica
from newsportal.invalidation import (
    EVERYTHING,
    purged_since,
    recent_stamps,
    stamps,
    started_stamp,
)
from newsportal.languages import strip_language
from newsportal.ratelimit import over_limit, too_many

UNCACHEABLE_CONTROLS = ("private", "no-store", "no-cache")

_variants: list[Callable] = []
_lifetime_limits: list[Callable] = []
_default_keys: list[Callable] = []


def _register(registry: list, func: Callable) -> Callable:
    if func not in registry:
        registry.append(func)
    return func


def vary_on(func: Callable) -> Callable:
    """Register `func(request) -> str | None` as part of every page's cache key."""
    return _register(_variants, func)


def limit_lifetime(func: Callable) -> Callable:
    """Register `func() -> seconds or None` as a bound on every page's lifetime."""
    return _register(_lifetime_limits, func)


def add_default_keys(func: Callable) -> Callable:
    """Register `func(request, response) -> keys` that every cacheable response carries."""
    return _register(_default_keys, func)


def keep_at_most(response, seconds: float):
    """Keep `response` (here and at the edge) no longer than `seconds`: what it shows changes
    by the clock then."""
    response.max_lifetime = min(getattr(response, "max_lifetime", seconds), seconds)
    return response


def add_keys(response, *keys: str):
    """Name what `response` shows, so that a purge of any of these keys drops it."""
    response.cache_keys = getattr(response, "cache_keys", frozenset()) | set(keys)
    return response


def page_lifetime() -> int:
    """How long a page may be kept: the setting, or less where an app says so."""
    lifetime = settings.PAGE_CACHE_SECONDS
    for limit in _lifetime_limits:
        remaining = limit()
        if remaining is not None:
            lifetime = min(lifetime, int(remaining))
    return max(lifetime, 0)


def signed_in(request) -> bool:
    """A session cookie that names a real session (one query, only when one is sent): a made-up
    `sessionid` must not be a way around the cache."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store().exists(key)


def mark_private(response):
    patch_cache_control(response, private=True)
    return response


class StoredPage(NamedTuple):
    status: int
    headers: dict
    content: bytes
    recorded: dict  # the stamps of its keys when it was rendered
    expires: float


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED or not self.is_anonymous_page_request(request):
            response = self.get_response(request)
            if (
                request.method in ("GET", "HEAD")
                and settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                # A signed-in editor's page is theirs alone: no shared cache may hold it.
                mark_private(response)
                patch_vary_headers(response, ["Cookie"])
            return response

        # An unknown Host is a 400 (DisallowedHost) before any stored page is served.
        request.get_host()
        if settings.SESSION_COOKIE_NAME in request.COOKIES and over_limit(request, "render"):
            return too_many(request)  # a made-up session cookie costs a query: within a budget
        redirect = querystrings.canonical_redirect(request)
        if redirect is not None:
            return HttpResponsePermanentRedirect(redirect)
        query = querystrings.cacheable_query(request)
        variant = self.variant(request)
        if variant is None or query is None:
            if over_limit(request, "render"):  # a budget for what no cache can answer
                return too_many(request)
            return mark_private(self.get_response(request))
        key = self.key(request, variant, query)
        stored = self.stored(request, key)
        if stored is not None:
            response = HttpResponse(stored.content, status=stored.status, headers=stored.headers)
            response["X-Cache"] = "hit"
            return response

        if over_limit(request, "render"):
            return too_many(request)
        with replica.public_reads():
            # Read from a replica, what it shows may be older than the render: as old as that.
            started = time.time() - replica.staleness()
            response = self.get_response(request)
        if self.is_storable(response):
            self.store(request, response, key, started)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def stored(request, key: str) -> "StoredPage | None":
        """The page stored under `key` while none of its keys has been purged since its render.

        Each process keeps its own copy of the pages it served (the `pages_here` cache): checking
        that copy costs one small read, its keys' stamps (none where this process read them less
        than PAGE_CACHE_STAMP_SECONDS ago), where the shared copy costs the page too. A stale
        copy is read again from the shared cache, whose stamps are then known."""
        here = caches["pages_here"].get(key)
        if here is not None:
            current = recent_stamps(here.recorded, request, settings.PAGE_CACHE_STAMP_SECONDS)
            if current == here.recorded:
                return here
        stored = cache.get(key)
        if type(stored) is not StoredPage or stamps(stored.recorded, request) != stored.recorded:
            return None
        remaining = stored.expires - time.time()
        if remaining > 0:
            caches["pages_here"].set(key, stored, remaining)
        return stored

    def store(self, request, response, key, started):
        keys = {EVERYTHING, *getattr(response, "cache_keys", ())}
        for func in _default_keys:
            keys.update(func(request, response))
        # "all" is given a stamp if it has none: an emptied shared cache then reads differently
        # from what every process's own copies recorded, and none of them is served again.
        started_stamp(EVERYTHING)
        recorded = stamps(keys)  # read now, not earlier in the request
        lifetime = min(page_lifetime(), int(getattr(response, "max_lifetime", 1e9)))
        if lifetime <= 0 or purged_since(recorded, started):
            # What it shows changed while it was rendered: serve it, but let nobody keep it.
            mark_private(response)
            return
        patch_vary_headers(response, ["Cookie", "Sec-GPC"])
        edge_seconds = lifetime if settings.EDGE_PURGE_URLS else settings.PAGE_CDN_SECONDS
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=min(lifetime, edge_seconds),
            stale_while_revalidate=settings.PAGE_CDN_SECONDS,
        )
        names = sorted(keys)
        response["xkey"] = response["Surrogate-Key"] = " ".join(names)
        response["Cache-Tag"] = ",".join(names)
        if not response.has_header("ETag"):
            set_response_etag(response)
        entry = StoredPage(response.status_code, dict(response.items()), response.content,
                           recorded, time.time() + lifetime)  # fmt: skip
        cache.set(key, entry, lifetime)
        caches["pages_here"].set(key, entry, lifetime)

    @staticmethod
    def is_anonymous_page_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not signed_in(request)
            and not strip_language(request.path).startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
        )

    @staticmethod
    def variant(request) -> str | None:
        parts = [func(request) for func in _variants]
        return None if None in parts else ":".join(parts)

    @staticmethod
    def key(request, variant: str, query: str) -> str:
        address = f"{request.path}?{query}"
        path = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
        # Not the Host header: pages name SITE_URL, never the host they were asked for, so
        # `LOCALHOST:8000` and `127.0.0.1.` are the same page (and cannot multiply entries).
        return f"page:{variant}:{path}"

    @staticmethod
    def is_storable(response) -> bool:
        control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in control for word in UNCACHEABLE_CONTROLS)
            and "Cookie" not in response.get("Vary", "")  # the view read the session
        )
