"""The breaking-news line at the top of every public page of a language.

Pages carry it as an edge-side include (`<esi:include src="/breaking/"/>`, newsportal/includes.py):
no page is rendered again or purged for it. The edge fills it from its own copy of /breaking/
(purged by the "breaking" key, kept no longer than the line's end); the app fills pages it
serves itself from a snapshot this process keeps, checked against the same key's stamp (read
with the page's others: one cache read) and dropped at the line's end or the next one's start.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from articles.models import Article, BreakingNews
from articles.models.languages import page_language
from articles.reading.caching import LISTS
from newsportal import includes
from newsportal.invalidation import purge_on_commit, read_together, recent_stamps, started_stamp
from newsportal.languages import language_of_path
from newsportal.pagecache import add_keys, keep_at_most

BREAKING = "breaking"
QUIET = timedelta(hours=1)  # with no line and none scheduled: looked at again after this

_shown: dict[str, tuple] = {}  # language -> (stamps, until, html)


def current(language: str, now) -> tuple:
    """(the line showing in `language` now or None, when what shows next changes)."""
    showing = BreakingNews.objects.showing(language, now).first()
    starts = BreakingNews.objects.filter(language=language, starts_at__gt=now).aggregate(
        next=Min("starts_at")
    )["next"]
    ends = [at for at in (showing and showing.ends_at, starts) if at]
    return showing, min(ends, default=now + QUIET)


def strip(language: str, request=None) -> tuple[str, float]:
    """(the line's HTML in `language`, seconds until it changes by the clock)."""
    # As fresh as the page it goes into (PAGE_CACHE_STAMP_SECONDS): a cached page asks the
    # shared cache nothing more for it. LISTS: its story published or withdrawn.
    found = recent_stamps([BREAKING, LISTS], request, settings.PAGE_CACHE_STAMP_SECONDS)
    stamp = (found[BREAKING] or started_stamp(BREAKING), found[LISTS])
    now = timezone.now()
    kept = _shown.get(language)
    if kept is None or kept[0] != stamp or kept[1] <= now:
        news, until = current(language, now)
        story = news and news.article_id and Article.objects.published().filter(
            pk=news.article_id).only("slug", "language").first()  # fmt: skip
        link = story.get_absolute_url() if story else ""
        with translation.override(language):
            html = render_to_string("articles/_breaking.html", {"news": news, "link": link})
        kept = _shown[language] = (stamp, until, html)
    return kept[2], (kept[1] - now).total_seconds()


def fill(request, src: str) -> str:
    """What pages this app serves itself show for `<esi:include src="/…/breaking/"/>`."""
    return strip(language_of_path(src), request)[0]


@require_GET
def breaking(request):
    """The line alone, for the edge to include in every page: purged by its key, kept until
    it changes by the clock."""
    html, seconds = strip(page_language(), request)
    response = HttpResponse(html)
    return keep_at_most(add_keys(response, BREAKING, LISTS), max(1, seconds))


def changed(sender, instance, **kwargs):
    """A line set, changed or removed: the line, at the edge and here (no page is purged:
    they include it), after commit."""
    purge_on_commit({BREAKING})


def register() -> None:
    read_together(BREAKING)  # read with the page's other stamps
    includes.fills("/breaking/", fill)
    post_save.connect(changed, sender=BreakingNews, dispatch_uid="purge-breaking-saved")
    post_delete.connect(changed, sender=BreakingNews, dispatch_uid="purge-breaking-deleted")
