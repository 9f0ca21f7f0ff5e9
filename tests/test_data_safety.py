"""Backups restore every article, tag and consent event; every migration can be undone."""

import re

import psycopg2
import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client

from articles.models import Image
from newsportal import backup
from newsportal.consent.models import ConsentEvent
from tests.factories import make_article, make_tag
from tests.helpers import decide
from tests.images import image_bytes, upload

RESTORED = "newsportal_restore_check"


pytestmark = pytest.mark.slow


@pytest.fixture
def scratch_database(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED}")
        cursor.execute(f"CREATE DATABASE {RESTORED}")
    yield RESTORED
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")


def caches_cleared():
    for cache in caches.all():
        cache.clear()


def count_rows(database, table):
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    with psycopg2.connect(**{**params, "dbname": database}) as restored, restored.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database(tmp_path, scratch_database, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "covers").mkdir(parents=True)
    (tmp_path / "media" / "covers" / "steppe.jpg").write_bytes(b"picture")
    tags = [make_tag(), make_tag()]
    for _ in range(3):
        make_article(tags=tags)
    for decision in ["accept", "decline"]:
        decide(Client(), decision)
    assert ConsentEvent.objects.count() == 2

    path = backup.dump(tmp_path / "backups")
    assert path.stat().st_size > 0
    assert path.stat().st_mode & 0o077 == 0  # password hashes and sessions: owner-only
    assert backup.media_archive(path).stat().st_mode & 0o077 == 0
    settings.MEDIA_ROOT = tmp_path / "fresh-machine"  # the uploads come back with the dump
    backup.restore(path, scratch_database)
    assert (tmp_path / "fresh-machine" / "covers" / "steppe.jpg").read_bytes() == b"picture"

    assert count_rows(scratch_database, "articles_article") == 3
    assert count_rows(scratch_database, "articles_tag") == 2
    assert count_rows(scratch_database, "articles_article_tags") == 6
    assert count_rows(scratch_database, "consent_consentevent") == 2


@pytest.mark.django_db(transaction=True)
def test_a_restored_machine_shows_the_article_with_its_cover(tmp_path, scratch_database, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    cover = Image.objects.create(file=upload(image_bytes()), alt="Herd")
    article = make_article("Herders return", cover=cover)
    path = backup.dump(tmp_path / "backups")
    article.delete()  # gone from this machine: only the backup has it

    settings.MEDIA_ROOT = fresh = tmp_path / "fresh-machine"
    backup.restore(path, scratch_database)
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = scratch_database
    try:
        caches_cleared()
        response = Client().get(article.get_absolute_url())
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
    assert response.status_code == 200
    page = response.content.decode()
    assert "Herders return" in page and 'alt="Herd"' in page
    images = re.findall(rf'src="{settings.MEDIA_URL}([^"]+)"', page)
    assert images, "the article page shows its cover"
    for name in images:  # every picture the page shows is on the fresh machine's disk
        assert (fresh / name).stat().st_size > 0


@pytest.mark.django_db(transaction=True)
def test_every_migration_can_be_undone_and_redone():
    call_command("migrate", "consent", "zero", verbosity=0)
    call_command("migrate", "articles", "zero", verbosity=0)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert not [t for t in tables if t.startswith(("articles_", "consent_"))]
    call_command("migrate", verbosity=0)
    make_article("Back again")


@pytest.mark.django_db
def test_backups_use_the_client_programs_of_the_servers_version():
    """pg_dump 17 writes settings a PostgreSQL 15 server refuses (DATABASE_URL may name one)."""
    major = str(connection.pg_version // 10000)
    for program in ("pg_dump", "pg_restore"):
        assert backup.version_of(backup.client_program(program)) == major
