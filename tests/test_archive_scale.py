"""Pages and admin screens whose cost does not grow with the archive (issue 27): the same
number of queries with 50 articles as with 500, and counts of long lists said to be estimates."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Author, Correction, Image, Tag
from newsportal import long_lists

pytestmark = pytest.mark.django_db


def generate(articles):
    call_command("generate_articles", articles=articles, tags=12, authors=4, pictures=1,
                 verbosity=0)  # fmt: skip


def addresses(article, tag, author, picture) -> dict[str, str]:
    admin, auto = "/admin/articles/", "/admin/autocomplete/?app_label=articles&model_name=article"
    return {
        "front page": "/",
        "front page, older": "/?page=2",
        "article": article.get_absolute_url(),
        "topic": f"/tags/{tag.slug}/",
        "author": f"/authors/{author.slug}/",
        "topic index": "/tags/",
        "search": "/search/?q=railway",
        "search, two words": "/search/?q=railway+harvest",
        "feed": "/feeds/atom/",
        "topic feed": f"/tags/{tag.slug}/rss/",
        "sitemap index": "/sitemap.xml",
        "sitemap": "/sitemap-articles.xml",
        "news sitemap": "/sitemap-news.xml",
        "corrections": "/corrections/",
        "admin: articles": f"{admin}article/",
        "admin: articles, published": f"{admin}article/?state=published",
        "admin: articles, a topic": f"{admin}article/?topic={tag.pk}",
        "admin: articles, an author": f"{admin}article/?author__id__exact={author.pk}",
        "admin: articles, a search": f"{admin}article/?q=railway",
        "admin: articles, page 2": f"{admin}article/?p=2",
        "admin: article": f"{admin}article/{article.pk}/change/",
        "admin: history": f"{admin}article/{article.pk}/history/",
        "admin: pictures": f"{admin}image/",
        "admin: topic autocomplete": f"{auto}&field_name=tags&term=a",
        "admin: author autocomplete": f"{auto}&field_name=author&term=a",
        "admin: consent records": "/admin/consent/consentrecord/",
        "admin: consent decisions": "/admin/consent/consentevent/",
    }


def queries_per_address(client) -> dict[str, int]:
    article = Article.objects.get(slug="generated-00007")
    Correction.objects.create(article=article, text="A name was misspelt.")
    tag = Tag.objects.get(slug="generated-tag-0")
    author = Author.objects.get(slug="generated-author-0")
    picture = Image.objects.filter(alt__startswith="Generated picture").first()
    counts = {}
    for name, url in addresses(article, tag, author, picture).items():
        cache.clear()  # as after a purge: every part of the page made again
        ContentType.objects.clear_cache()  # as a new worker: asked once per process
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in (200, 301, 302), (name, response.status_code)
        counts[name] = len(queries)
    return counts


@pytest.mark.slow  # 600 generated articles: make test, not make check
def test_no_page_or_admin_screen_asks_more_of_a_larger_archive(staff_client, settings):
    settings.PAGE_CACHE_ENABLED = False
    generate(100)  # a second page of English articles on the front page, a correction
    small = queries_per_address(staff_client)
    generate(500)
    large = queries_per_address(staff_client)
    assert large == small


def test_a_long_list_is_counted_by_estimate_and_says_so(staff_client, monkeypatch):
    generate(50)
    url = "/admin/articles/article/"
    assertNotContains(staff_client.get(url), "about 50 articles")
    assertContains(staff_client.get(url), "50 articles")
    monkeypatch.setattr(long_lists, "EXACT_UP_TO", 20)  # 50 is a long list now
    response = staff_client.get(url)
    assert response.context["cl"].paginator.estimated
    assertContains(response, "about ")
    assert response.context["cl"].result_count > 20


def test_an_estimated_list_still_pages_and_finds(staff_client, monkeypatch):
    generate(50)
    monkeypatch.setattr(long_lists, "EXACT_UP_TO", 20)
    assert staff_client.get("/admin/articles/article/?p=2").status_code == 200
    title = Article.objects.get(slug="generated-00003").title
    found = staff_client.get("/admin/articles/article/", {"q": title})
    assert "generated-00003" in [a.slug for a in found.context["cl"].result_list]


def test_the_years_of_a_long_list_are_the_years_it_has(staff_client, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    generate(50)
    Article.objects.filter(slug="generated-00049").update(
        published_at=timezone.now() - timedelta(days=3 * 366)
    )
    expected = sorted({a.year for a in Article.objects.dates("published_at", "year")})
    monkeypatch.setattr(long_lists, "EXACT_UP_TO", 20)
    years = Article.objects.all().datetimes("published_at", "year")
    assert sorted({y.year for y in years}) == expected
    assert len(expected) == 2  # the year in between has none


@pytest.mark.parametrize(
    "query",
    ["topic=abc", "topic=99999999999999999999", "picture=99999999999999999999", "topic=-1",
     "q=" + "x" * 500, "p=99999", "p=abc"],
)  # fmt: skip
def test_the_article_list_answers_any_filter_value_without_failing(staff_client, query):
    generate(30)
    assert staff_client.get(f"/admin/articles/article/?{query}").status_code in (200, 302)


def test_an_estimate_is_said_to_be_one_beside_the_search_too(staff_client, monkeypatch):
    generate(50)
    monkeypatch.setattr(long_lists, "EXACT_UP_TO", 5)
    whole = staff_client.get("/admin/articles/article/").content.decode()
    assert "results (" not in whole  # the whole list: its count is the table's
    filtered = staff_client.get("/admin/articles/article/", {"state": "published"})
    assert filtered.context["cl"].paginator.estimated
    assertContains(filtered, "about ", count=2)  # beside the search, and under the list
