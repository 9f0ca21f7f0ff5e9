"""What the articles app tells the site's page cache (newsportal/pagecache.py): any change to
what public pages show starts a new content generation, and no page outlives the next scheduled
publication (so a scheduled article appears at its minute with nothing to run)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from articles.models import Article, Author, Tag
from newsportal import generation, pagecache


def seconds_until_next_publication() -> float | None:
    """Computed once per generation: the scheduled time only changes when an article is saved."""
    key = f"page:{generation.current()}:next-publication"
    at = cache.get(key)
    if at is None:
        when = Article.objects.next_publication_at()
        at = when.timestamp() if when else 0
        cache.set(key, at, settings.PAGE_CACHE_SECONDS)
    return at - time.time() if at else None


def register() -> None:
    pagecache.limit_lifetime(seconds_until_next_publication)
    for model in (Article, Tag, Author):
        name = model.__name__
        post_save.connect(generation.bump, sender=model, dispatch_uid=f"pages-saved-{name}")
        post_delete.connect(generation.bump, sender=model, dispatch_uid=f"pages-deleted-{name}")
    m2m_changed.connect(
        generation.bump, sender=Article.tags.through, dispatch_uid="pages-article-tags"
    )
    # A release runs migrate: pages rendered by the previous code and settings are dropped too.
    post_migrate.connect(generation.bump, dispatch_uid="pages-migrated")
