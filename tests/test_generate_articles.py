"""The benchmark data set: the sizes asked for, repeatable, and published."""

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Tag

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_articles", articles=30, tags=5, authors=3, **options)


def test_generates_published_articles_with_realistic_bodies():
    generate()
    articles = Article.objects.filter(slug__startswith="generated-")
    assert articles.count() == 30
    assert Tag.objects.filter(slug__startswith="generated-").count() == 5
    assert Author.objects.filter(slug__startswith="generated-").count() == 3
    assert Article.objects.published().count() == 30
    for article in articles:
        words = len(article.body.split())
        assert 200 <= words <= 900, words
        assert 1 <= article.tags.count() <= 4


def test_the_same_seed_gives_the_same_articles():
    generate()
    first = list(Article.objects.order_by("slug").values_list("title", flat=True))
    generate(replace=True)
    assert list(Article.objects.order_by("slug").values_list("title", flat=True)) == first


def test_running_again_adds_nothing():
    generate()
    generate()
    assert Article.objects.count() == 30
