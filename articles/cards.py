"""Article cards, rendered once and shared from the cache: most of what a list page costs.

A card's key is a digest of everything the card shows (headline, lead, time, picture, byline,
tags) and of the site's release (the purge stamp of "all", which every deploy's migrate moves):
any change to what it shows makes a new key, so a cached card is never stale and nothing needs
purging. A list page asks for all its cards in one cache read and renders only the missing ones.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from newsportal.invalidation import EVERYTHING, stamps

TEMPLATE = "articles/_card.html"
LIFETIME = 24 * 3600


def card_key(article, heading_level: int, release: float) -> str:
    author, cover = article.author, article.cover
    shown = (
        article.pk, article.slug, article.title, article.standfirst, article.published_at,
        cover and (cover.file.name, cover.width, cover.height, cover.focus_class, cover.alt,
                   sorted(cover.renditions.items())),
        author and (author.slug, author.name),
        [(tag.url_slug, tag.label) for tag in article.tags.all()],
        heading_level, release, get_language(),
        settings.TIME_ZONE, settings.TIME_LABEL, settings.MEDIA_URL,
    )  # fmt: skip
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"card:{digest}"


def render_cards(articles, heading_level: int = 2, request=None) -> list[str]:
    """The HTML of each article's card, in order."""
    articles = list(articles)
    release = stamps([EVERYTHING], request)[EVERYTHING]
    keys = [card_key(article, heading_level, release) for article in articles]
    found = cache.get_many(keys)
    missing = {}
    for key, article in zip(keys, articles, strict=True):
        if key not in found:
            found[key] = missing[key] = render_to_string(
                TEMPLATE, {"article": article, "heading_level": heading_level}
            )
    if missing:
        cache.set_many(missing, LIFETIME)
    return [mark_safe(found[key]) for key in keys]
