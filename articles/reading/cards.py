"""Article cards, rendered once and shared from the cache: most of what a list page costs.

A list page asks the database only for which articles it shows (`card_rows`: their ids and
last changes, no bodies, no tags, no authors), then for all their cards in one cache read, and
loads and renders only the cards it did not find.

A card's key names the article's last save and the purge stamps of everything a card shows
(articles/reading/caching.py purges them after commit): "article-<id>" (its own fields, its tags,
its cover picture), "cards" (a renamed tag or author) and "all" (every release). Any change makes a
new key, so a stored card is never stale and is never purged: it is simply not asked for again.
A card rendered from data read before a commit can only be stored under the key of the stamps
read before that commit's purge, which no reader asks for after it.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.models import Article
from articles.reading.caching import CARDS, article_key
from newsportal.invalidation import EVERYTHING, stamps

CARD = "articles/_card.html"
LEAD = "articles/_lead.html"
SECONDARY = "articles/_secondary.html"
LIFETIME = 24 * 3600


def card_rows(queryset):
    """What a list needs to find its cards: each article's id and time of its last save (and
    of its publication: where the next page begins)."""
    return queryset.values_list("pk", "updated_at", "published_at", named=True)


def card_key(row, template: str, heading_level: int, found: dict) -> str:
    shown = (
        row.pk, row.updated_at, found[article_key(row.pk)], found[CARDS], found[EVERYTHING],
        template, heading_level, get_language(),
        settings.TIME_ZONE, settings.TIME_LABEL, settings.MEDIA_URL,
    )  # fmt: skip
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"card:{digest}"


def render_cards(rows, heading_level: int = 2, request=None) -> list[str]:
    """The HTML of each row's card (rows from `card_rows`), in order."""
    return [
        card for card in render_many([(row, CARD, heading_level) for row in rows], request) if card
    ]


def render_many(wanted, request=None) -> list[str | None]:
    """The HTML of each (row, template, heading level), in order, in one read of the cache;
    None for an article unpublished since the list was read."""
    found = stamps([CARDS, EVERYTHING, *(article_key(row.pk) for row, *_ in wanted)], request)
    keys = [card_key(row, template, level, found) for row, template, level in wanted]
    cards = cache.get_many(keys)
    missing = {
        key: (row.pk, template, level)
        for key, (row, template, level) in zip(keys, wanted, strict=True)
        if key not in cards
    }
    if missing:
        pks = {pk for pk, *_ in missing.values()}
        articles = Article.objects.for_listing().in_bulk(pks)
        rendered = {
            key: render_to_string(template, {"article": articles[pk], "heading_level": level})
            for key, (pk, template, level) in missing.items()
            if pk in articles
        }
        cache.set_many(rendered, LIFETIME)
        cards.update(rendered)
    return [mark_safe(cards[key]) if key in cards else None for key in keys]
