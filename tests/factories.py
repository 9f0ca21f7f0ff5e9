"""Small helpers that make valid objects; pass only what a test is about."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Author, Tag

_numbers = itertools.count(1)


def make_tag(name=None, **overrides):
    n = next(_numbers)
    name = name or f"Tag {n}"
    return Tag.objects.create(**{"name": name, "slug": f"tag-{n}", **overrides})


def make_author(name=None, **overrides):
    n = next(_numbers)
    return Author.objects.create(
        **{"name": name or f"Author {n}", "slug": f"author-{n}", **overrides}
    )


def make_article(title=None, *, tags=(), **overrides):
    n = next(_numbers)
    fields = {
        "title": title or f"Article {n}",
        "slug": f"article-{n}",
        "standfirst": "A short lead.",
        "body": "<p>Body text.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(minutes=n),
        **overrides,
    }
    article = Article.objects.create(**fields)
    article.tags.set(tags)
    return article
