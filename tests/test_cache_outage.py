"""A Redis outage is not a site outage: pages are served uncached, nothing answers 500; a paused
Redis costs one timeout, not one per call; an unpublish during the outage does not come back; and
what is in Redis can never run code in the app.

A private redis-server on a free port, stopped or paused in the middle of the test.
"""

import pickle
import shutil
import signal
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from articles.models import Article
from deploy.edge import free_port
from newsportal import rediscache
from newsportal.models import MissedPurge
from tests.factories import make_article
from tests.helpers import decide, start_redis_server

pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
    pytest.mark.django_db,
]


@pytest.fixture(autouse=True)
def closed_breaker():
    """Each test starts with Redis trusted again in this process."""
    rediscache.breaker.update(open_until=0.0, failed=False)
    rediscache.counts.update(errors=0, skipped=0, unsigned=0)
    yield
    rediscache.breaker.update(open_until=0.0, failed=False)


@pytest.fixture
def redis_cache(settings):
    port = free_port()
    server = start_redis_server(port)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsportal.rediscache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    server.port = port
    yield server
    server.send_signal(signal.SIGCONT)  # if a test paused it
    server.kill()
    server.wait(5)
    caches["default"].close()


def test_pages_search_and_decisions_survive_redis_going_away(redis_cache, caplog):
    article = make_article("Herders return")
    reader = Client()
    assert reader.get(article.get_absolute_url())["X-Cache"] == "miss"
    assert reader.get(article.get_absolute_url())["X-Cache"] == "hit"
    redis_cache.kill()
    redis_cache.wait(5)
    for url in [article.get_absolute_url(), "/", "/tags/", "/feeds/rss/", "/cookies/"]:
        assert reader.get(url).status_code == 200, url
    assert reader.get("/search/", {"q": "herders"}).status_code == 200  # limits fail open
    assert decide(Client(), "accept").status_code == 303
    assert caplog.text.count("Redis unreachable") == 1  # one line, not one per request


class Marker:
    """A pickle that, unpickled, creates a file: what an attacker who can write to Redis
    would put there to run code in the app."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))


def test_an_entry_the_site_did_not_sign_is_never_unpickled(redis_cache, tmp_path, caplog):
    article = make_article("Herders return")
    reader = Client()
    assert reader.get(article.get_absolute_url())["X-Cache"] == "miss"
    server = redis.Redis(port=redis_cache.port)
    forged = pickle.dumps(Marker(tmp_path / "ran"))
    keys = server.keys("*")
    assert keys  # the page, its parts and stamps are there
    for key in keys:
        server.set(key, forged)
    assert caches["default"].get("anything-forged") is None
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200 and "Herders return" in response.content.decode()
    assert not (tmp_path / "ran").exists()  # nothing ran
    assert rediscache.counts["unsigned"] >= 1
    assert "not signed by this site" in caplog.text


def test_a_paused_redis_costs_one_timeout_not_one_per_call(redis_cache, settings):
    settings.CACHE_BREAKER_SECONDS = 60
    article = make_article("Herders return")
    reader = Client()
    reader.get(article.get_absolute_url())
    redis_cache.send_signal(signal.SIGSTOP)  # hangs: every call would wait its timeout
    for url in [article.get_absolute_url(), "/", "/tags/"]:
        assert reader.get(url).status_code == 200
    assert rediscache.counts["errors"] == 1  # one call waited; the others skipped Redis
    assert rediscache.counts["skipped"] > 3


def test_an_unpublish_during_an_outage_does_not_come_back(redis_cache, settings, committed):
    settings.CACHE_BREAKER_SECONDS = 0.2
    article = make_article("Herders return")
    reader = Client()
    reader.get(article.get_absolute_url())
    assert reader.get(article.get_absolute_url())["X-Cache"] == "hit"
    redis_cache.send_signal(signal.SIGSTOP)
    article.status = Article.Status.DRAFT
    with committed():
        article.save()
    assert MissedPurge.objects.exists()  # recorded in PostgreSQL
    assert reader.get(article.get_absolute_url()).status_code == 410
    redis_cache.send_signal(signal.SIGCONT)  # Redis is back, with the old page in it
    time.sleep(0.3)  # the breaker lets Redis be tried again
    assert reader.get(article.get_absolute_url()).status_code == 410
    assert reader.get("/").content.decode().count("Herders return") == 0
    assert not MissedPurge.objects.exists()  # written, then forgotten
