"""Live coverage for readers: a live article's updates, newest first, with the pinned ones and
the key events summarised above them; the page of earlier updates (by keyset, for readers
without JavaScript and for search engines); and the small address an open page asks every few
seconds for updates newer than its newest. Each is kept between readers and purged by the
article's live key when an update is posted, corrected or deleted (caching.live_update_changed),
so readers polling through the edge cost the origin nothing between two updates."""

import secrets
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from articles.models import Article, LiveUpdate
from articles.reading.caching import article_key, live_key
from articles.reading.paging import EPOCH, Cursor, keyset_rows
from newsportal.fragments import cached
from newsportal.pagecache import add_keys

PAGE_SIZE = 20
NEW_AT_MOST = 50  # a page that slept longer reloads the list instead
HIGHLIGHTS = 10
BEGINNING = Cursor(EPOCH, 0)


def live_article(slug: str) -> Article:
    """The published live article at `slug` in the page's language, else 404: no update of a
    draft, a scheduled or an unpublished article leaks through these addresses."""
    return get_object_or_404(
        Article.objects.published()
        .in_language()
        .only("pk", "slug", "title", "language", "is_live", "live_ends_at", "published_at"),
        slug=slug,
        is_live=True,
    )


def shown_updates(article):
    return LiveUpdate.objects.shown().filter(article=article).select_related("author")


def updates_block(article, before: Cursor | None = None):
    """One page of updates (newest first, or older than `before`), with the highlights and the
    cursors that page on: a kept part (its keys: the article's and its live key)."""
    rows = keyset_rows(shown_updates(article), "published_at", PAGE_SIZE, before=before)
    page = rows[:PAGE_SIZE]
    highlights = []
    if before is None:  # pinned and key events, in one read
        marked = shown_updates(article).filter(Q(is_pinned=True) | Q(is_key_event=True))
        highlights = list(marked[: 2 * HIGHLIGHTS])
    block = {
        "version": secrets.token_hex(8),  # names the article's HTML rendered with it
        "due": next_timed(article),
        "updates": page,
        "pinned": [u for u in highlights if u.is_pinned][:HIGHLIGHTS],
        "key_events": [u for u in highlights if u.is_key_event][:HIGHLIGHTS],
        # What an open page asks for updates after: its newest, or the beginning of time.
        "newest": str(Cursor(page[0].published_at, page[0].pk) if page else BEGINNING),
        "older": str(Cursor(page[-1].published_at, page[-1].pk)) if len(rows) > PAGE_SIZE else "",
    }
    return block, [article_key(article.pk), live_key(article.pk)]


def next_timed(article):
    """When the article's next update timed for later appears, or None."""
    later = LiveUpdate.objects.filter(article=article, published_at__gt=timezone.now())
    return later.order_by("published_at").values_list("published_at", flat=True).first()


def kept_until_due(name: str, build, request) -> dict:
    """`cached(name, build)`, but not past the block's `due`, when an update timed for later
    appears: a kept part is only purged by a change, and this one changes by the clock."""
    block = cached(name, build, request)
    while block["due"] is not None and block["due"] <= timezone.now():
        name = f"{name}:{block['due'].timestamp()}"
        block = cached(name, build, request)
    return block


def live_context(article, request) -> dict:
    """What an article page shows of its live coverage."""
    block = kept_until_due(
        f"live:{get_language()}:{article.pk}", partial(updates_block, article), request
    )
    return {**block, "poll_seconds": settings.LIVE_POLL_SECONDS}


def parse_cursor(request, name: str) -> Cursor | None:
    text = request.GET.get(name, "")
    if not text:
        return None
    cursor = Cursor.parse(text)
    if cursor is None:
        raise Http404("Not a place in the updates.")
    return cursor


@require_GET
def updates_page(request, slug):
    """A page of a live article's updates: the newest, or those older than `?before=`. Readers
    without JavaScript follow "Show newer updates" and "Show earlier updates" here."""
    article = live_article(slug)
    before = parse_cursor(request, "before")
    name = f"live:{get_language()}:{article.pk}:{before}"
    block = kept_until_due(name, partial(updates_block, article, before), request)
    response = TemplateResponse(
        request,
        "articles/live_updates.html",
        {"article": article, "live": block, "earlier": before is not None},
    )
    return add_keys(response, article_key(article.pk), live_key(article.pk))


@require_GET
def new_updates(request, slug):
    """The updates newer than `?after=` (the newest an open page shows), as HTML for the page to
    insert: the same for every reader, so the edge answers all of them between two updates."""
    article = live_article(slug)
    after = parse_cursor(request, "after")
    if after is None:
        raise Http404("Ask for the updates after one.")
    name = f"live-new:{get_language()}:{article.pk}:{after}"

    def newer():
        rows = keyset_rows(shown_updates(article), "published_at", NEW_AT_MOST, after=after)
        found = rows[:NEW_AT_MOST][::-1]  # read oldest first, shown newest first
        newest = str(Cursor(found[0].published_at, found[0].pk)) if found else str(after)
        block = {"updates": found, "newest": newest, "complete": len(rows) <= NEW_AT_MOST,
                 "due": next_timed(article)}  # fmt: skip
        return block, [article_key(article.pk), live_key(article.pk)]

    block = kept_until_due(name, newer, request)
    response = TemplateResponse(
        request,
        "articles/live_new.html",
        {"article": article, "live": block, "running": article.live_running},
    )
    return add_keys(response, article_key(article.pk), live_key(article.pk))
