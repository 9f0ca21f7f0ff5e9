"""A full-page cache for anonymous readers.

Pages differ between readers only by their consent state (the banner, and scripts allowed after
consent), so the cache key holds that state instead of the whole Cookie header. Any edit that can
change a page starts a new cache generation, so every stored page is dropped at once; and no page
is kept past the moment the next scheduled article goes live.
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

GENERATION_KEY = "page:generation"
UNCACHEABLE_CONTROLS = ("private", "no-store", "no-cache")


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    return value


def invalidate(**kwargs) -> None:
    """Drop every cached page (signal receiver for any content that pages show)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def seconds_until_next_publication(gen: str) -> float | None:
    """Computed once per generation: the scheduled time only changes when an article is saved."""
    from articles.models import Article

    key = f"page:{gen}:next-publication"
    at = cache.get(key)
    if at is None:
        when = Article.objects.next_publication_at()
        at = when.timestamp() if when else 0
        cache.set(key, at, settings.PAGE_CACHE_SECONDS)
    return at - time.time() if at else None


def page_lifetime(gen: str) -> int:
    """How long a page may be kept: never past the next scheduled publication."""
    lifetime = settings.PAGE_CACHE_SECONDS
    remaining = seconds_until_next_publication(gen)
    if remaining is not None:
        if remaining <= 0:
            invalidate()  # an article went live: whatever was stored is out of date
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

        gen = request.page_generation = generation()  # read_consent() reuses it
        key = self.key(request, gen)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self.is_storable(response):
            lifetime = page_lifetime(gen)
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
        return f"page:{gen}:{request.consent.cache_key}:{request.get_host()}:{path}"

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
