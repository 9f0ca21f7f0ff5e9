"""The front page: the lead, the latest, a few stories per section and the most read."""

from functools import partial

from django.core.cache import cache
from django.db.models import Value
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.generic import ListView

from articles.models import (
    Article,
    ReadCount,
    slug_url,
)
from articles.reading.caching import (
    CARDS,
    LISTS,
)
from articles.reading.cards import CARD, LEAD, SECONDARY, card_rows, render_many
from articles.reading.sections import current_section_tags
from articles.reading.views import PAGE_SIZE, CacheKeysMixin, KeysetMixin, listed
from newsportal.fragments import cached

MOST_READ_KEY = "articles:most-read:{}"


MOST_READ_SECONDS = 300


def most_read(language: str) -> list:
    """A language's most read list, counted again at most every five minutes (its front page
    shows it)."""
    key = MOST_READ_KEY.format(language)
    found = cache.get(key)
    if found is None:
        found = [(a.title, a.get_absolute_url()) for a in ReadCount.most_read(language)]
        cache.set(key, found, MOST_READ_SECONDS)
    return found


FRONT_SECTIONS = 4


SECTION_STORIES = 4


def section_stories(tags, shown: list[int]) -> tuple[list[dict], list[str]]:
    """The newest SECTION_STORIES published stories of each of `tags` in the page's language
    but those `shown` above them, in one query (each topic's newest read from the list's
    index, joined by UNION ALL: a window over every article of a topic on 300,000 of them
    took half a second); and the purge keys they go with."""
    newest = listed().exclude(pk__in=shown).order_by("-published_at", "-id")
    per_topic = [
        newest.filter(pk__in=Article.tags.through.objects.filter(tag=tag).values("article_id"))
        .annotate(section=Value(tag.pk))
        .values_list("section", "title", "slug")[:SECTION_STORIES]
        for tag in tags
    ]
    first, *others = per_topic or [[]]
    rows = first.union(*others, all=True).order_by() if others else first
    stories = {}
    for section, title, slug in rows:
        stories.setdefault(section, []).append((title, slug_url("articles:article", slug)))
    blocks = [
        {"name": tag.label, "url": tag.get_absolute_url(), "stories": stories[tag.pk]}
        for tag in tags
        if tag.pk in stories
    ]
    return blocks, [LISTS, CARDS]


class FrontPageView(CacheKeysMixin, KeysetMixin, ListView):
    """The top stories (featured first, then the newest): a lead and three beside it; then the
    latest articles, and the most read."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/front_page.html"
    TOP = 4

    def get_queryset(self):
        # Only ids and times (the cards come from the cache: articles/reading/cards.py): the top
        # stories kept per change of the lists, never past the next scheduled publication;
        # the page's rows built only when they are not kept (articles/reading/paging.py).
        self.top = cached(f"top:{get_language()}", self.load_top, self.request)
        top = [row.pk for row in self.top]
        return SimpleLazyObject(lambda: card_rows(listed().exclude(pk__in=top)))

    def load_top(self):
        ordered = listed().order_by("-is_featured", "-published_at", "-id")
        return list(card_rows(ordered)[: self.TOP]), [LISTS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first = context["page_obj"].is_first
        top = self.top if first else []
        wanted = [(row, LEAD if i == 0 else SECONDARY, 2) for i, row in enumerate(top)]
        wanted += [(row, CARD, 3) for row in context["articles"]]
        shown = render_many(wanted, self.request)  # one read of the cache for all of them
        top_cards = [card for card in shown[: len(top)] if card]
        lead, secondary = (top_cards[0], top_cards[1:]) if top_cards else (None, [])
        return {
            **context, "top": top, "lead": lead, "secondary": secondary,
            "cards": [card for card in shown[len(top) :] if card],
            "most_read": most_read(get_language()) if first else [],
            "front_sections": self.front_sections([row.pk for row in top]) if first else [],
        }  # fmt: skip

    def front_sections(self, top: list[int]) -> list[dict]:
        """Each section's newest stories under its name, below the latest (not the top stories
        again): kept as a part."""
        tags = current_section_tags(self.request)[:FRONT_SECTIONS]
        named = ",".join(str(tag.pk) for tag in tags)
        key = f"front-sections:{get_language()}:{named}:{','.join(map(str, top))}"
        return cached(key, partial(section_stories, tags, top), self.request)

    def get_purge_key(self):
        return LISTS

    def cache_keys(self, context):
        return [LISTS, CARDS]
