"""Prometheus as `make cluster` runs it (deploy/monitoring.py): it loads the alerting rules and
scrapes every kind of target, the app's /metrics, Varnish, PostgreSQL and Redis, each up."""

import shutil
import time

import pytest
from django.db import connection

from deploy import edge, monitoring
from deploy.edge import free_port
from tests.helpers import start_redis_server

pytestmark = [
    pytest.mark.skipif(
        not (monitoring.available() and edge.available() and shutil.which("redis-server")),
        reason="prometheus and its exporters, varnishd or redis-server missing (make test "
        "installs them)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,  # real servers, and scrapes every 5 seconds
]


@pytest.fixture
def redis_server():
    port = free_port()
    server = start_redis_server(port)
    yield f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait(5)


def database_url() -> str:
    """The test database, as the exporter's driver takes it."""
    params = connection.get_connection_params()
    host = params.get("host") or "127.0.0.1"
    port = params.get("port") or 5432
    where = f"@:{port}/{params['dbname']}?host={host}" if host.startswith("/") else (
        f"@{host}:{port}/{params['dbname']}"
    )  # fmt: skip
    return f"postgresql://{params.get('user') or 'postgres'}{where}"


def test_prometheus_loads_the_rules_and_every_target_is_up(live_server, redis_server, tmp_path):
    port = int(live_server.url.rsplit(":", 1)[1])
    varnish = edge.Varnish(free_port(), [port])
    watch = monitoring.Monitoring(free_port(), tmp_path)
    try:
        watch.app_servers([f"127.0.0.1:{port}"])
        watch.varnish(varnish.name, free_port())
        watch.postgres(database_url(), free_port())
        watch.redis(redis_server, free_port())
        watch.start()
        health = watch.wait_until_up(60)
        assert set(job.split("/")[0] for job in health) == {"newsportal", "varnish", "postgres",
                                                            "redis"}  # fmt: skip
        assert all(state == "up" for state in health.values()), health
        for _ in range(30):  # the exporters reach what they watch, not only answer
            if watch.query("min(pg_up)") == 1 and watch.query("min(redis_up)") == 1:
                break
            time.sleep(1)
        assert watch.query("min(pg_up)") == 1 and watch.query("min(redis_up)") == 1
        assert watch.query("count(newsportal_disk_free_bytes)") >= 1
        rules = [rule["name"] for group in watch.api("rules")["groups"] for rule in group["rules"]]
        assert {"ServerErrors", "EdgeHitRatioLow", "PurgesFailing", "DiskFilling"} <= set(rules)
    finally:
        watch.stop()
        varnish.stop()
