"""The breaking-news line at the top of every public page of a language.

Pages carry it as an edge-side include (`<esi:include src="/breaking/"/>`, newsportal/includes.py):
no page is rendered again or purged for it. The edge fills it from its own copy of /breaking/
(purged by the "breaking" key, kept no longer than the line's end); the app fills pages it
serves itself from a snapshot this process keeps, checked against the same key's stamp (read
with the page's others: one cache read) and dropped at the line's end or the next one's start.
A change of a line, or of the story it links, purges the key.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from articles.models import Article, BreakingNews
from articles.models.languages import page_language
from newsportal import includes
from newsportal.invalidation import purge_on_commit, read_together, recent_stamps, started_stamp
from newsportal.languages import language_of_path
from newsportal.pagecache import add_keys, keep_at_most

BREAKING = "breaking"
QUIET = timedelta(hours=1)  # with no line and none scheduled: looked at again after this
LOOKAHEAD = 20  # lines not yet ended read at once: the one showing and when the next starts

logger = logging.getLogger(__name__)
_shown: dict[str, tuple] = {}  # language -> (stamps, until, html)


def current(language: str, now) -> tuple[str, object]:
    """(the line showing in `language` now, as HTML; when what shows next changes): one query."""
    public = Article.objects.published().filter(pk=OuterRef("article_id"))
    coming = list(
        BreakingNews.objects.filter(language=language, ends_at__gt=now)
        .select_related("article")
        .annotate(story_public=Exists(public))  # what readers may see: its one definition
        .order_by("starts_at", "-id")[:LOOKAHEAD]
    )
    started = [news for news in coming if news.starts_at <= now]
    news = started[-1] if started else None  # the newest started
    changes = [n.starts_at for n in coming if n.starts_at > now] + [n.ends_at for n in started]
    link = news.article.get_absolute_url() if news and news.story_public else ""
    with translation.override(language):
        html = render_to_string("articles/_breaking.html", {"news": news, "link": link})
    return html, min(changes, default=now + QUIET)


def strip(language: str, request=None) -> tuple[str, float]:
    """(the line's HTML in `language`, seconds until it changes by the clock)."""
    # As fresh as the page it goes into (PAGE_CACHE_STAMP_SECONDS): a cached page asks the
    # shared cache nothing more for it.
    found = recent_stamps([BREAKING], request, settings.PAGE_CACHE_STAMP_SECONDS)
    stamp = found[BREAKING] or started_stamp(BREAKING)
    now = timezone.now()
    kept = _shown.get(language)
    if kept is None or kept[0] != stamp or kept[1] <= now:
        html, until = current(language, now)
        kept = _shown[language] = (stamp, until, html)
    return kept[2], (kept[1] - now).total_seconds()


def fill(request, src: str) -> str:
    """What pages this app serves itself show for `<esi:include src="/…/breaking/"/>`; nothing
    while the database cannot say (a page is never lost to its breaking line)."""
    try:
        return strip(language_of_path(src), request)[0]
    except DatabaseError:
        logger.warning("breaking news: the database did not answer; pages go without the line")
        return ""


@require_GET
def breaking(request):
    """The line alone, for the edge to include in every page: purged by its key, kept until
    it changes by the clock."""
    html, seconds = strip(page_language(), request)
    response = HttpResponse(html)
    return keep_at_most(add_keys(response, BREAKING), max(1, seconds))


def changed(sender, instance, **kwargs):
    """A line set, changed or removed: the line, at the edge and here (no page is purged:
    they include it), after commit."""
    purge_on_commit({BREAKING})


def story_changed(sender, instance, created=False, **kwargs):
    """A line's story published, unpublished or moved: its link."""
    if not created and BreakingNews.objects.filter(article_id=instance.pk).exists():
        purge_on_commit({BREAKING})


def register() -> None:
    read_together(BREAKING)  # read with the page's other stamps
    includes.fills("/breaking/", fill)
    post_save.connect(changed, sender=BreakingNews, dispatch_uid="purge-breaking-saved")
    post_delete.connect(changed, sender=BreakingNews, dispatch_uid="purge-breaking-deleted")
    post_save.connect(story_changed, sender=Article, dispatch_uid="purge-breaking-story")
