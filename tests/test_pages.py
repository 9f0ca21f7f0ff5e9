import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from articles.reading.views import PAGE_SIZE
from newsportal.errors import server_error
from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_tag_and_author():
    """A tag and an author with more articles than one page holds, each with several tags."""
    tag, author = make_tag("Diplomacy", slug="diplomacy"), make_author("Aigerim Sadykova")
    extra = [make_tag(), make_tag()]
    articles = [make_article(tags=[tag, *extra], author=author) for _ in range(PAGE_SIZE + 5)]
    return {"tag": tag, "author": author, "articles": articles}


def test_front_page_leads_with_the_newest_then_lists_the_rest_newest_first(
    client, busy_tag_and_author
):
    newest, *beside = busy_tag_and_author["articles"][:4]
    fifth = busy_tag_and_author["articles"][4]
    response = client.get(reverse("articles:home"))
    # Issue 15.10: a hierarchy, a lead and three stories beside it, then the latest.
    assert [row.pk for row in response.context["top"]] == [a.pk for a in (newest, *beside)]
    assert response.context["articles"][0].pk == fifth.pk
    assert not {newest.pk, *(a.pk for a in beside)} & {a.pk for a in response.context["articles"]}
    assert newest.get_absolute_url() in response.context["lead"]
    assert len(response.context["secondary"]) == 3
    assertContains(response, '<section class="top-stories" aria-label="Top stories">')
    assertContains(response, '<h3 class="secondary-title">', count=3)
    assertContains(response, newest.title)
    assertContains(response, "Aigerim Sadykova")
    assertContains(response, 'href="/tags/', count=None)
    assertContains(response, f'datetime="{newest.published_at.isoformat(timespec="seconds")}"')


def test_the_newest_featured_article_leads_even_when_older(client, busy_tag_and_author):
    featured = busy_tag_and_author["articles"][-1]
    featured.is_featured = True
    featured.save()
    response = client.get(reverse("articles:home"))
    top = response.context["top"]
    assert [top[0].pk, top[1].pk] == [featured.pk, busy_tag_and_author["articles"][0].pk]
    assert featured.get_absolute_url() in response.context["lead"]


def test_front_page_second_page_holds_the_rest_without_the_lead(client, busy_tag_and_author):
    response = client.get(reverse("articles:home"), {"page": 2}, follow=True)
    # 25 articles: four top stories and 20 on the first page, then 1
    assert len(response.context["articles"]) == 1
    assert response.context["lead"] is None
    assertContains(response, 'rel="prev"')


def test_article_page_renders_title_body_and_tags(client, busy_tag_and_author):
    article = busy_tag_and_author["articles"][0]
    response = client.get(article.get_absolute_url())
    assertTemplateUsed(response, "articles/article_detail.html")
    assertContains(response, f"<h1>{article.title}</h1>", html=True)
    assertContains(response, "<p>Body text.</p>", html=True)
    assertContains(response, 'href="/tags/diplomacy/"')
    assertContains(response, "<h1>", count=1)


def test_tag_page_lists_its_articles(client, busy_tag_and_author):
    make_article("Elsewhere")
    response = client.get(busy_tag_and_author["tag"].get_absolute_url())
    assertContains(response, "<h1>Diplomacy</h1>", html=True)
    assert len(response.context["articles"]) == PAGE_SIZE
    assert "Elsewhere" not in response.content.decode()


def test_author_page_lists_their_articles(client, busy_tag_and_author):
    response = client.get(busy_tag_and_author["author"].get_absolute_url())
    assertContains(response, "<h1>Aigerim Sadykova</h1>", html=True)
    assert len(response.context["articles"]) == PAGE_SIZE


@pytest.mark.parametrize(
    ("name", "budget"),
    # Lists: which articles (ids), then the cards not in the cache (the articles, their tags).
    # search: one more for the topics named like the query (issue 15.9), one for what the other
    # languages hold (issue 32.3), and the newest matches are chosen before the best of them
    # are ranked (issue 27).
    # home: one more for each section's newest stories (issue 32.2).
    [("home", 6), ("article", 4), ("tag", 5), ("author", 5), ("search", 7)],
)
def test_pages_keep_their_query_budget(
    client, busy_tag_and_author, warm_caches, django_assert_max_num_queries, name, budget, settings
):
    """Uncached pages stay within budget; counts do not grow with articles, tags or authors.
    Rendered again (a page is purged far more often than what it is made of changes), none
    asks the database again: not even search, whose findings are kept per query."""
    args = {
        "home": [],
        "article": [busy_tag_and_author["articles"][0].slug],
        "tag": [busy_tag_and_author["tag"].slug],
        "author": [busy_tag_and_author["author"].slug],
        "search": [],
    }[name]
    url = reverse(f"articles:{name}", args=args) + ("?q=article" if name == "search" else "")
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        assert client.get(url)["X-Cache"] == "hit"
    settings.PAGE_CACHE_ENABLED = False  # as after a purge of the page alone
    with django_assert_max_num_queries(0):
        again = client.get(url)
    assert again.content == response.content


@pytest.mark.parametrize(
    ("url", "last"),
    [("/?page=999999", "/?before="), ("/tags/diplomacy/?page=99", "/tags/diplomacy/?before="),
     ("/search/?q=pipeline&page=40", "/search/?q=pipeline")],
)  # fmt: skip
def test_a_page_past_the_end_leads_to_the_last_page(client, busy_tag_and_author, url, last):
    make_article("Pipeline deal")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(last)
    oldest = busy_tag_and_author["articles"][-1]  # the fixture's are newest first
    if "before" in last:
        assertContains(client.get(response["Location"]), oldest.get_absolute_url())


@pytest.mark.parametrize(
    ("url", "first"),
    [("/?page=abc", "/"), ("/?page=0", "/"), ("/?page=-1", "/"), ("/?page=1.5", "/"),
     ("/?page=%00", "/"), ("/?page=2&page=3", "/"),
     ("/tags/diplomacy/?page=abc", "/tags/diplomacy/"),
     ("/search/?q=pipeline&page=x", "/search/?q=pipeline")],
)  # fmt: skip
def test_a_page_number_that_is_no_page_leads_to_the_first_page(client, busy_tag_and_author, url,
                                                                first):  # fmt: skip
    """As one past the end leads to the last (issue 32.7: both alike)."""
    response = client.get(url)
    assert (response.status_code, response["Location"]) in {(301, first), (302, first)}


@pytest.mark.parametrize(
    "url",
    [
        "/articles/no-such-article/",
        "/articles/" + "a" * 2000 + "/",
        "/articles/привет-мир/",
        "/articles/%F0%9F%92%A5/",
        "/articles/%ff%fe/",
        "/tags/no-such-tag/",
        "/authors/nobody/",
        "/no/such/page/",
    ],
)
def test_malformed_urls_get_a_styled_404(client, busy_tag_and_author, url):
    response = client.get(url)
    assert response.status_code == 404
    assertContains(response, "Go to the front page", status_code=404)


def test_server_error_page_links_back_without_context_processors(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Go to the front page" in response.content


def test_favicon_ico_points_at_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_no_empty_latest_heading_under_a_lone_lead(client, committed):
    with committed():
        make_article("The only story")
    assertNotContains(client.get("/"), ">Latest</h2>")
    with committed():
        for n in range(4):
            make_article(f"Story {n}")
    assertContains(client.get("/"), ">Latest</h2>")  # a lead, three beside it, one more
