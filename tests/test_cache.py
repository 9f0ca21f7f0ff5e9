"""The full-page cache: what it stores, what it never stores, and that edits show at once."""

import socket
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django.utils.cache import patch_cache_control
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from newsportal.consent.models import CookiePolicy
from newsportal.invalidation import EVERYTHING, started_stamp
from newsportal.pagecache import PageCacheMiddleware
from tests.factories import make_article, make_author, make_tag
from tests.helpers import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article("Original headline", tags=[make_tag("Energy")], author=make_author("Dana"))


def get_twice(client, url, **headers):
    first, second = client.get(url, **headers), client.get(url, **headers)
    return first, second


def test_second_anonymous_request_is_a_hit_with_no_query(client, story, django_assert_num_queries):
    first = client.get("/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def hit_without_reading_the_page(client, url) -> bool:
    """A hit served from this process's own copy: one read, of purge stamps only (the local
    memory cache of the tests reads each key of a get_many with get)."""
    from django.core.cache import cache

    with mock.patch.object(cache, "get", wraps=cache.get) as get, \
         mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:  # fmt: skip
        response = client.get(url)
    singles = [call.args[0] for call in get.call_args_list]
    return (
        response["X-Cache"] == "hit"
        and get_many.call_count == 1
        and sorted(singles) == sorted(get_many.call_args.args[0])
        and all(key.startswith("purged:") for key in singles)
    )


def test_a_hit_from_the_process_own_copy_reads_only_the_stamps(client, story):
    client.get("/")
    assert hit_without_reading_the_page(client, "/")


def test_another_process_serves_the_shared_copy_and_keeps_its_own(client, story):
    first = client.get("/")
    caches["pages_here"].clear()  # a worker that has not served it yet
    assert not hit_without_reading_the_page(client, "/")  # read from the shared cache...
    assert hit_without_reading_the_page(client, "/")  # ...and kept
    assert client.get("/").content == first.content


def test_within_the_stamp_window_a_hit_asks_nothing_and_a_purge_elsewhere_arrives_after_it(
    client, story, settings
):
    from django.core.cache import cache

    settings.PAGE_CACHE_STAMP_SECONDS = 0.3
    url = story.get_absolute_url()
    client.get(url)
    client.get(url)  # read the stamps of its keys
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert client.get(url)["X-Cache"] == "hit"
    assert get_many.call_count == 0
    # Another app server purges the page: this one serves its copy for the rest of the window.
    Article.objects.filter(pk=story.pk).update(title="Changed on another server")
    caches["versioned"].clear()
    cache.set(f"purged:article-{story.pk}", time.time())
    assertNotContains(client.get(url), "Changed on another server")
    time.sleep(0.35)
    assertContains(client.get(url), "Changed on another server")


def test_a_purge_by_this_process_is_seen_by_it_at_once(client, story, settings, committed):
    settings.PAGE_CACHE_STAMP_SECONDS = 60
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    story.title = "Changed here"
    with committed():
        story.save()
    assertContains(client.get(url), "Changed here")


@pytest.mark.parametrize("page, trips", [("front", 2), ("article", 1), ("topic", 2)])
def test_a_page_rendered_with_its_parts_kept_reads_few_stamps(client, story, settings, page, trips):
    """The kept parts, the header's sections and the cookie policy each check their stamps: the
    sections' and the policy's ride along with the first read, and none is read twice. (The
    front page and a topic's learn from the first which cards they show: a second read.)"""
    from django.core.cache import cache

    url = {"front": "/", "article": story.get_absolute_url(),
           "topic": story.tags.get().get_absolute_url()}[page]  # fmt: skip
    settings.PAGE_CACHE_ENABLED = False
    started_stamp(EVERYTHING)  # as on a running site: processes keep what they read
    client.get(url)  # the parts are kept
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert client.get(url).status_code == 200
    reads = [call.args[0] for call in get_many.call_args_list]
    stamps = [keys for keys in reads if all(k.startswith("purged:") for k in keys)]
    assert len(stamps) == trips
    assert {"purged:policy", "purged:lists", "purged:all"} <= set(stamps[0])
    assert sum(len(keys) for keys in stamps) == len(set().union(*stamps))


@pytest.mark.parametrize("url", ["/feeds/rss/", "/tags/energy/", "/"])
def test_an_emptied_shared_cache_is_noticed_by_every_process_own_copy(client, story, url):
    """Redis restarted empty, every purge stamp gone with it: a process's own copy of a page
    is not served again, even one (a feed) whose keys had never been purged."""
    assert client.get(url)["X-Cache"] == "miss"
    caches["default"].clear()
    assert client.get(url)["X-Cache"] == "miss"


def test_cached_page_keeps_security_headers(client, story):
    _, hit = get_twice(client, story.get_absolute_url())
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_pages_vary_on_consent_state_not_on_other_cookies(client, story):
    client.get("/")
    client.cookies["_ga"] = "GA1.1.42"  # an unrelated cookie: the same page
    same = client.get("/")
    assert same["X-Cache"] == "hit"
    assertContains(same, 'id="consent-banner"')
    decide(client, "decline")
    declined = client.get("/")
    assert declined["X-Cache"] == "miss"
    assertNotContains(declined, 'id="consent-banner"')
    other_visitor = Client()
    decide(other_visitor, "decline")
    assert other_visitor.get("/")["X-Cache"] == "hit"  # same state, shared page


def test_public_pages_tell_caches_how_long_and_on_what_they_vary(client, story):
    response = client.get(story.get_absolute_url())
    control = response["Cache-Control"]
    assert "public" in control and "s-maxage=" in control and "stale-while-revalidate=" in control
    assert "Cookie" in response["Vary"] and "Sec-GPC" in response["Vary"]


def test_conditional_get_answers_304(client, story):
    response = client.get(story.get_absolute_url())
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(story.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_signed_in_editors_are_never_served_or_stored(staff_client, story):
    response = staff_client.get("/")
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert Client().get("/")["X-Cache"] == "miss"  # nothing was stored for the editor


@pytest.mark.parametrize("url", ["/no/such/page/", "/?q=spam", "/?page=abc"])
def test_errors_and_unknown_parameters_are_not_stored(client, story, url):
    client.get(url)
    assert client.get(url).get("X-Cache") != "hit"


def sets_a_cookie(response):
    response.set_cookie("x", "1")


def is_private(response):
    patch_cache_control(response, private=True)  # as a preview is


@pytest.mark.parametrize("personalise", [sets_a_cookie, is_private])
def test_personal_responses_are_never_stored(rf, personalise):
    def view(request):
        response = HttpResponse("a page")
        personalise(response)
        return response

    request = rf.get("/")
    request.consent = mock.Mock(cache_key="undecided")
    middleware = PageCacheMiddleware(view)
    middleware(request)
    assert middleware(request)["X-Cache"] == "miss"


@pytest.mark.slow
def test_static_files_are_hashed_and_precompressed(settings, tmp_path):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    css = [p.name for p in (tmp_path / "css").iterdir() if p.name.startswith("site.")]
    hashed = [name for name in css if name.count(".") == 2 and name.endswith(".css")]
    assert hashed, css
    assert f"{hashed[0]}.gz" in css and f"{hashed[0]}.br" in css


# Invalidation


def test_editing_an_article_updates_every_cached_page_at_once(client, story, committed):
    for url in ["/", story.get_absolute_url(), "/tags/" + story.tags.get().slug + "/"]:
        client.get(url)
    story.title = "Corrected headline"
    with committed():
        story.save()
    for url in ["/", story.get_absolute_url(), "/tags/" + story.tags.get().slug + "/"]:
        response = client.get(url)
        assertContains(response, "Corrected headline")
        assertNotContains(response, "Original headline")


def test_unpublishing_or_deleting_removes_it_at_once(client, story, committed):
    other = make_article("Other story")
    client.get("/")
    client.get(story.get_absolute_url())
    story.status = Article.Status.DRAFT
    with committed():
        story.save()
    assertNotContains(client.get("/"), "Original headline")
    assert client.get(story.get_absolute_url()).status_code == 410  # gone, not "not found"
    client.get(other.get_absolute_url())
    with committed():
        other.delete()
    assert client.get(other.get_absolute_url()).status_code == 410


def test_editing_a_tag_or_an_author_updates_the_article_page(client, story, committed):
    client.get(story.get_absolute_url())
    tag, author = story.tags.get(), story.author
    tag.name, author.name = "Power", "Dana K."
    with committed():
        tag.save()
        author.save()
    response = client.get(story.get_absolute_url())
    assertContains(response, "Power")
    assertContains(response, "Dana K.")


def test_retagging_updates_the_page(client, story, committed):
    client.get(story.get_absolute_url())
    with committed():
        story.tags.add(make_tag("Climate"))
    assertContains(client.get(story.get_absolute_url()), "Climate")


def test_a_new_cookie_policy_shows_at_once(client, story, committed):
    client.get("/")
    with committed():
        CookiePolicy.objects.create(banner_text="Brand new banner.", policy_text="Policy.")
    assertContains(client.get("/"), "Brand new banner.")


def test_a_scheduled_article_appears_on_cached_pages_when_its_time_comes(client, story):
    scheduled = make_article("Embargoed story", published_at=timezone.now() + timedelta(minutes=2))
    assertNotContains(client.get("/"), "Embargoed story")
    assert client.get("/")["X-Cache"] == "hit"
    later = timezone.now() + timedelta(minutes=2, seconds=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("time.time", return_value=later.timestamp()),
    ):
        response = client.get("/")
        assertContains(response, "Embargoed story")
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_no_page_is_kept_past_the_next_publication(client, story):
    make_article("Soon", published_at=timezone.now() + timedelta(seconds=90))
    with mock.patch.object(caches["default"], "set", wraps=caches["default"].set) as cache_set:
        client.get("/")
    stored_pages = [
        call.args for call in cache_set.call_args_list if call.args[0].startswith("page:")
    ]
    assert len(stored_pages) == 1
    assert 0 < stored_pages[0][2] <= 90


# Health


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


def test_readyz_reports_503_when_the_database_is_down(client):
    from django.db import DatabaseError

    with mock.patch("newsportal.health.connection.cursor", side_effect=DatabaseError("gone")):
        assert client.get("/readyz").status_code == 503


# The same behaviour on Redis, the production backend


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.3).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
def test_cache_and_invalidation_work_on_redis(client, story, settings, committed):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsportal.rediscache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{time.time_ns()}",
        },
    }
    assert client.get(story.get_absolute_url())["X-Cache"] == "miss"
    assert client.get(story.get_absolute_url())["X-Cache"] == "hit"
    story.title = "Redis-fresh headline"
    with committed():
        story.save()
    assertContains(client.get(story.get_absolute_url()), "Redis-fresh headline")
    caches["default"].clear()


@pytest.mark.parametrize("host", ["10.0.0.11:8000", "0.0.0.0"])
def test_health_answers_a_probe_that_knows_the_server_by_its_address(client, settings, host):
    """The edge's probe asks by the app server's address (or a socket's 0.0.0.0) over plain
    HTTP: neither a 400 for an unknown host nor a redirect to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    assert client.get("/healthz", HTTP_HOST=host).content == b"ok\n"
    assert client.get("/readyz", HTTP_HOST=host).status_code == 200
    client.raise_request_exception = False
    assert client.get("/", HTTP_HOST=host).status_code == 400  # pages still check the host
