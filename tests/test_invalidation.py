"""Purge by key, after commit: an edit reaches exactly the pages that show it, at once."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from newsportal.pagecache import PageCacheMiddleware
from tests.factories import make_article, make_author, make_tag

pytestmark = pytest.mark.django_db


def cached(client, *urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url


def states(client, *urls):
    return [client.get(url)["X-Cache"] for url in urls]


@pytest.fixture
def desk():
    energy, politics = make_tag("Energy"), make_tag("Politics")
    dana = make_author("Dana")
    return {
        "a": make_article("Pipeline deal", tags=[energy], author=dana),
        "b": make_article("Election called", tags=[politics]),
        "energy": energy,
        "politics": politics,
    }


def test_a_typo_fix_purges_its_own_page_only(client, desk, committed):
    a, b = desk["a"], desk["b"]
    urls = [b.get_absolute_url(), "/", desk["energy"].get_absolute_url(), a.get_absolute_url()]
    cached(client, *urls)
    a.body = "<p>Corrected text.</p>"
    with committed():
        a.save()
    assert states(client, *urls) == ["hit", "hit", "hit", "miss"]
    assertContains(client.get(a.get_absolute_url()), "Corrected text.")


def test_a_new_headline_purges_the_lists_that_show_it_and_nothing_else(client, desk, committed):
    a, b = desk["a"], desk["b"]
    politics = desk["politics"].get_absolute_url()
    cached(client, b.get_absolute_url(), politics, "/", "/feeds/rss/", a.get_absolute_url())
    a.title = "Pipeline deal signed"
    with committed():
        a.save()
    assert states(client, b.get_absolute_url(), politics) == ["hit", "hit"]
    for url in ["/", "/feeds/rss/", a.get_absolute_url(), desk["energy"].get_absolute_url()]:
        assertContains(client.get(url), "Pipeline deal signed")


def test_retagging_purges_both_tags_pages(client, desk, committed):
    a = desk["a"]
    make_article("Gas prices", tags=[desk["energy"]])  # the topic keeps a page of its own
    energy, politics = desk["energy"].get_absolute_url(), desk["politics"].get_absolute_url()
    cached(client, energy, politics)
    with committed():
        a.tags.set([desk["politics"]])
    assertNotContains(client.get(energy), "Pipeline deal")
    assertContains(client.get(politics), "Pipeline deal")


def test_unpublishing_purges_the_article_and_every_list(client, desk, committed):
    a = desk["a"]
    urls = [a.get_absolute_url(), "/", desk["energy"].get_absolute_url(), "/sitemap.xml"]
    cached(client, *urls[1:])
    client.get(urls[0])
    a.status = Article.Status.DRAFT
    with committed():
        a.save()
    assert (
        client.get(a.get_absolute_url()).status_code == 410
    )  # it was public: gone, not "not found"
    for url in urls[1:]:  # (the topic has nothing public left: its page is gone too)
        assert "Pipeline deal" not in client.get(url).content.decode()


def test_a_related_box_is_purged_with_the_article_it_shows(client, desk, committed):
    energy = desk["energy"]
    neighbour = make_article("Gas prices", tags=[energy])
    cached(client, neighbour.get_absolute_url())
    desk["a"].title = "Pipeline deal off"
    with committed():
        desk["a"].save()
    assertContains(client.get(neighbour.get_absolute_url()), "Pipeline deal off")


def test_renaming_an_author_purges_the_bylines(client, desk, committed):
    cached(client, desk["a"].get_absolute_url(), "/", desk["b"].get_absolute_url())
    author = desk["a"].author
    author.name = "Dana Bekova"
    with committed():
        author.save()
    assertContains(client.get(desk["a"].get_absolute_url()), "Dana Bekova")
    assertContains(client.get("/"), "Dana Bekova")
    assert client.get(desk["b"].get_absolute_url())["X-Cache"] == "hit"  # no byline of hers


def test_nothing_is_purged_before_the_commit(client, desk, django_capture_on_commit_callbacks):
    cached(client, desk["a"].get_absolute_url())
    desk["a"].status = Article.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        desk["a"].save()
        assert client.get(desk["a"].get_absolute_url())["X-Cache"] == "hit"
    assert callbacks  # the purge waits for the commit


def test_cacheable_pages_name_their_keys_for_the_edge(client, desk):
    response = client.get(desk["a"].get_absolute_url())
    keys = set(response["xkey"].split())
    assert {"all", "policy", f"article-{desk['a'].pk}", f"tagname-{desk['energy'].pk}"} <= keys
    assert response["Surrogate-Key"] == response["xkey"]
    assert set(response["Cache-Tag"].split(",")) == keys
    assert {"lists", "cards"} <= set(client.get("/")["xkey"].split())


def test_a_forged_consent_cookie_is_served_privately_and_never_stored(client, desk):
    client.cookies["consent"] = "1.abc.analytics+marketing:forged:signature"
    response = client.get("/")
    assert "private" in response["Cache-Control"]
    assert "xkey" not in response
    assert client.get("/").get("X-Cache") != "hit"


# Real commits: a reader on another connection, and the edge


@pytest.mark.django_db(transaction=True)
def test_a_reader_between_save_and_commit_cannot_recache_the_old_page(shipped_policy):
    """The reader renders the article as committed before the save, and stores it only after
    the purge: that copy must not be served."""
    article = make_article("Herders return", slug="herders-return")
    url = article.get_absolute_url()
    saved, committed = threading.Event(), threading.Event()
    original_store = PageCacheMiddleware.store

    def store_after_commit(self, *args):
        committed.wait(10)
        original_store(self, *args)

    def reader():
        saved.wait(10)
        with mock.patch.object(PageCacheMiddleware, "store", store_after_commit):
            assert Client().get(url).status_code == 200  # the old state: not yet committed

    thread = threading.Thread(target=reader)
    thread.start()
    # No clock margin (conftest): a purge sent before the commit would look older than the render.
    with transaction.atomic():
        article.status = Article.Status.DRAFT
        article.save()
        saved.set()
        threading.Event().wait(0.3)  # the reader renders meanwhile
    committed.set()
    thread.join(10)
    assert Client().get(url).status_code == 410


class PurgeRecorder(BaseHTTPRequestHandler):
    received: list = []

    def do_PURGE(self):
        self.received.append((self.path, self.headers.get("xkey-purge")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def edge(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    PurgeRecorder.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}/"]
    settings.EDGE_REPURGE_SECONDS = 0
    yield PurgeRecorder.received
    server.shutdown()


def test_every_edge_gets_the_purged_keys_after_commit(desk, committed, edge):
    desk["a"].body = "<p>New text.</p>"
    with committed():
        desk["a"].save()
        assert edge == []  # not before the commit
    assert edge == [("/", f"article-{desk['a'].pk}")]


def test_an_edge_that_does_not_answer_never_fails_a_save(desk, committed, settings, caplog):
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]  # discard port: nothing listens
    with committed():
        desk["a"].save()
    assert "did not answer" in caplog.text


def test_with_an_edge_pages_may_stay_there_for_their_lifetime(client, desk, edge, settings):
    response = client.get(desk["a"].get_absolute_url())
    assert f"s-maxage={settings.PAGE_CACHE_SECONDS}" in response["Cache-Control"]


def test_shared_cards_follow_a_renamed_tag(client, desk, committed):
    cached(client, "/", desk["politics"].get_absolute_url())
    desk["energy"].name = "Power"
    with committed():
        desk["energy"].save()
    assertContains(client.get("/"), ">Power</a>")
    assertNotContains(client.get("/"), ">Energy</a>")


def test_list_pages_follow_new_articles(client, committed, settings):
    tag = make_tag("Steppe")
    for _ in range(21):
        make_article(tags=[tag])
    assertContains(client.get(tag.get_absolute_url()), 'rel="next"')  # 20, then 1
    assertNotContains(client.get("/"), 'rel="next"')  # four top stories, then 17: one page
    with committed():
        for _ in range(21):
            make_article(tags=[tag])
    older = client.get(tag.get_absolute_url()).context["page_obj"].older
    second = client.get(tag.get_absolute_url(), {"before": older})
    assert len(second.context["articles"]) == 20  # 42: 20, 20, then 2
    assertContains(second, 'rel="next"')
    assertContains(client.get("/"), 'rel="next"')  # four top stories, then 38
