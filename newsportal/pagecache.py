"""A full-page cache for anonymous readers; generic plumbing that imports no app.

Pages are stored under the content generation (newsportal/generation.py), so starting a new
generation drops every stored page at once. The apps tell the cache the rest, in their
`AppConfig.ready()`:

- `vary_on(func)`: `func(request) -> str` names the variant of a page this request gets (the
  consent app: undecided / declined / accepted / the chosen categories). Pages differ between
  readers only by these, never by the whole Cookie header.
- `limit_lifetime(func)`: `func() -> seconds or None` bounds how long any page may be kept (the
  articles app: until the next scheduled article goes live). Zero or less means that moment has
  passed: a new generation starts, so what was stored before it is dropped.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from newsportal import generation

UNCACHEABLE_CONTROLS = ("private", "no-store", "no-cache")

_variants: list[Callable] = []
_lifetime_limits: list[Callable] = []


def vary_on(func: Callable) -> Callable:
    """Register `func(request) -> str` as part of every page's cache key."""
    if func not in _variants:
        _variants.append(func)
    return func


def limit_lifetime(func: Callable) -> Callable:
    """Register `func() -> seconds or None` as a bound on every page's lifetime."""
    if func not in _lifetime_limits:
        _lifetime_limits.append(func)
    return func


def page_lifetime() -> int:
    """How long a page may be kept: the setting, or less where an app says so."""
    lifetime = settings.PAGE_CACHE_SECONDS
    for limit in _lifetime_limits:
        remaining = limit()
        if remaining is None:
            continue
        if remaining <= 0:
            generation.bump()  # the moment passed: whatever was stored is out of date
            return 0
        lifetime = min(lifetime, int(remaining))
    return lifetime


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
                patch_cache_control(response, private=True)
                patch_vary_headers(response, ["Cookie"])
            return response

        key = self.key(request, generation.current(request))
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self.is_storable(response):
            lifetime = page_lifetime()
            if lifetime > 0:
                patch_vary_headers(response, ["Cookie", "Sec-GPC"])
                patch_cache_control(
                    response,
                    public=True,
                    max_age=0,
                    s_maxage=min(lifetime, settings.PAGE_CDN_SECONDS),
                    stale_while_revalidate=settings.PAGE_CDN_SECONDS,
                )
                if not response.has_header("ETag"):
                    set_response_etag(response)
                cache.set(
                    key, (response.status_code, dict(response.items()), response.content), lifetime
                )
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def is_anonymous_page_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
            # Only known parameters: random query strings must not fill the cache.
            and set(request.GET) <= settings.PAGE_CACHE_QUERY_PARAMETERS
        )

    @staticmethod
    def key(request, gen: str) -> str:
        path = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
        variant = ":".join(func(request) for func in _variants)
        return f"page:{gen}:{variant}:{request.get_host()}:{path}"

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
