"""Lists paged by keyset (issue 27.2): every article once, in order, at page edges and with equal
timestamps; addresses that name their articles for good; old `?page=N` links still answer."""

from datetime import timedelta
from itertools import chain

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Correction
from articles.reading.paging import Cursor
from articles.reading.views import PAGE_SIZE
from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_made_each_time(settings):
    settings.PAGE_CACHE_ENABLED = False


def walk(client, url, direction="older", addresses=None):
    """Every page from `url` on, following the older (or newer) link: [[article ids], ...]."""
    pages = []
    while url:
        response = client.get(url, follow=True)  # the newest page is the list's own address
        assert response.status_code == 200, url
        page = response.context["page_obj"]
        pages.append([row.pk for row in response.context["articles"]])
        if addresses is not None:
            addresses.append(url)
        has_more = page.has_older if direction == "older" else page.has_newer
        if has_more:
            cursor = page.older if direction == "older" else page.newer
            parameter = "before" if direction == "older" else "after"
            assertContains(response, f'href="?{parameter}={cursor}"')
            url = f"{response.request['PATH_INFO']}?{parameter}={cursor}"
        else:
            url = None
    return pages


def newest_first(articles):
    return [a.pk for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]


@pytest.mark.parametrize("count", [PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE, 2 * PAGE_SIZE + 1])
def test_a_topic_is_walked_to_its_end_at_every_page_edge(client, count):
    tag = make_tag("Steppe", slug="steppe")
    articles = [make_article(tags=[tag]) for _ in range(count)]
    pages = walk(client, "/tags/steppe/")
    assert [len(page) for page in pages] == [
        min(PAGE_SIZE, count - n) for n in range(0, count, PAGE_SIZE)
    ]
    assert list(chain(*pages)) == newest_first(articles)


def test_articles_published_at_the_same_moment_are_each_listed_once(client):
    """A breaking story in four languages, an import: many rows share a time to the
    microsecond. The id breaks the tie, in both directions."""
    author = make_author("Aigerim Sadykova", slug="aigerim")
    moment = timezone.now() - timedelta(hours=1)
    articles = [make_article(author=author, published_at=moment) for _ in range(2 * PAGE_SIZE + 7)]
    articles += [make_article(author=author) for _ in range(3)]  # a few at other times
    addresses = []
    older = walk(client, "/authors/aigerim/", addresses=addresses)
    assert list(chain(*older)) == newest_first(articles)
    # And back: from the last page, the newer links give the same pages in reverse.
    assert walk(client, addresses[-1], direction="newer") == older[::-1]


def test_the_front_page_walks_the_archive_without_its_top_stories_twice(client):
    articles = [make_article() for _ in range(3 * PAGE_SIZE)]
    pages = walk(client, "/")
    top = client.get("/").context["top"]
    assert [row.pk for row in top] + list(chain(*pages)) == newest_first(articles)


def test_a_page_address_keeps_naming_the_same_articles_when_more_are_published(client, committed):
    tag = make_tag("Steppe", slug="steppe")
    for _ in range(2 * PAGE_SIZE):
        make_article(tags=[tag])
    older = client.get("/tags/steppe/").context["page_obj"].older
    before = [row.pk for row in client.get(f"/tags/steppe/?before={older}").context["articles"]]
    with committed():  # the list's kept rows are purged
        for _ in range(5):
            make_article(tags=[tag], published_at=timezone.now())
    after = [row.pk for row in client.get(f"/tags/steppe/?before={older}").context["articles"]]
    assert after == before


def test_an_old_page_number_leads_to_where_that_page_began(client):
    tag = make_tag("Steppe", slug="steppe")
    articles = [make_article(tags=[tag]) for _ in range(3 * PAGE_SIZE + 4)]
    by_offset = newest_first(articles)
    for number in (2, 3, 4):
        response = client.get("/tags/steppe/", {"page": number})
        assert response.status_code == 301
        shown = [row.pk for row in client.get(response["Location"]).context["articles"]]
        assert shown == by_offset[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]


@pytest.mark.parametrize(
    "query",
    ["before=abc", "before=", "after=12-x", "before=1-2&after=1-2", "before=1-2&before=3-4",
     "before=-99999999999999999-1", "after=%00"],
)  # fmt: skip
def test_a_cursor_that_is_none_leads_to_the_first_page(client, query):
    tag = make_tag("Steppe", slug="steppe")
    make_article(tags=[tag])
    response = client.get(f"/tags/steppe/?{query}")
    assert (response.status_code, response["Location"]) == (301, "/tags/steppe/")


def test_a_cursor_past_the_end_leads_to_the_first_page_not_an_empty_one(client):
    make_article()
    long_ago = Cursor(timezone.now() - timedelta(days=365 * 40), 1)
    response = client.get(f"/?before={long_ago}")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_cursor_round_trips_through_its_address():
    at = timezone.now().replace(microsecond=123456)
    assert Cursor.parse(str(Cursor(at, 42))) == Cursor(at, 42)
    assert Cursor.parse("1-2-3") is None


def test_pages_of_a_list_have_their_own_canonical_address_and_no_count(client, settings):
    tag = make_tag("Steppe", slug="steppe")
    for _ in range(PAGE_SIZE + 1):
        make_article(tags=[tag])
    older = client.get("/tags/steppe/").context["page_obj"].older
    response = client.get(f"/tags/steppe/?before={older}")
    address = f"{settings.SITE_URL}/tags/steppe/?before={older}"
    assertContains(response, f'rel="canonical" href="{address}"')
    assertNotContains(response, "Page 1 of")


def test_corrections_are_paged_by_when_they_were_made(client):
    corrections = [
        Correction.objects.create(article=make_article(), text=f"Note {n}")
        for n in range(PAGE_SIZE + 3)
    ]
    pages = walk_corrections(client)
    expected = sorted(corrections, key=lambda c: (c.created_at, c.pk), reverse=True)
    assert pages == [c.pk for c in expected]


def walk_corrections(client):
    url, seen = "/corrections/", []
    while url:
        response = client.get(url)
        seen += [c.pk for c in response.context["corrections"]]
        page = response.context["page_obj"]
        url = f"/corrections/?before={page.older}" if page.has_older else None
    return seen


def test_a_withdrawn_article_leaves_no_hole_in_the_pages(client):
    tag = make_tag("Steppe", slug="steppe")
    articles = [make_article(tags=[tag]) for _ in range(PAGE_SIZE + 5)]
    older = client.get("/tags/steppe/").context["page_obj"].older
    last_on_first_page = Article.objects.get(pk=newest_first(articles)[PAGE_SIZE - 1])
    last_on_first_page.status = Article.Status.DRAFT  # the cursor's own article goes
    last_on_first_page.save()
    shown = [row.pk for row in client.get(f"/tags/steppe/?before={older}").context["articles"]]
    assert shown == newest_first(articles)[PAGE_SIZE:]


def sitemap_addresses(client, page=""):
    import xml.etree.ElementTree as ET

    content = client.get(f"/sitemap-articles.xml{page}").content
    return [e.text for e in ET.fromstring(content).iter() if e.tag.endswith("}loc")]


def test_sitemaps_split_at_the_protocols_limit_and_every_address_answers(client, monkeypatch):
    from articles.syndication import sitemaps

    assert sitemaps.SITEMAP_LIMIT == 50_000
    for section in sitemaps.SITEMAPS.values():
        assert section.limit == 50_000
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    articles = [make_article() for _ in range(7)]
    index = client.get("/sitemap.xml").content.decode()
    assert index.count("/sitemap-articles.xml") == 3  # 3 + 3 + 1
    pages = [sitemap_addresses(client, page) for page in ("", "?p=2", "?p=3")]
    assert [len(page) for page in pages] == [3, 3, 1]
    listed = [url.split("8000", 1)[1] for page in pages for url in page]
    assert listed == [a.get_absolute_url() for a in sorted(articles, key=lambda a: a.pk)]
    for path in listed:
        assert client.get(path).status_code == 200
    assert "<lastmod>" in client.get("/sitemap-articles.xml?p=2").content.decode()


def test_a_new_article_joins_the_last_sitemap_page_and_leaves_the_others_alone(
    client, monkeypatch, settings
):
    from articles.syndication import sitemaps

    settings.PAGE_CACHE_ENABLED = False
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    for _ in range(5):
        make_article()
    first, second = sitemap_addresses(client), sitemap_addresses(client, "?p=2")
    newest = make_article(published_at=timezone.now())
    assert sitemap_addresses(client) == first
    assert sitemap_addresses(client, "?p=2") == [
        *second,
        settings.SITE_URL + newest.get_absolute_url(),
    ]


def test_newer_from_the_second_page_is_the_front_page_itself(client):
    for _ in range(2 * PAGE_SIZE):
        make_article()
    older = client.get("/").context["page_obj"].older
    newer = client.get(f"/?before={older}").context["page_obj"].newer
    response = client.get(f"/?after={newer}")
    assert (response.status_code, response["Location"]) == (302, "/")  # with its top stories
