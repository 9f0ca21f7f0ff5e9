"""A Redis outage is not a site outage: pages are served uncached, nothing answers 500.

A private redis-server on a free port, stopped in the middle of the test.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import Client

from deploy.edge import free_port
from tests.factories import make_article
from tests.helpers import decide

pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
    pytest.mark.django_db,
]


@pytest.fixture
def redis_cache(settings):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsportal.rediscache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    yield server
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
