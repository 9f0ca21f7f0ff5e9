"""The migration check (issue 27.6): every migration since the rule is safe on a large table,
and the check refuses each unsafe pattern (a test each) while letting the safe one through."""

from unittest import mock

import pytest
from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from tests.migration_safety import problems, unsafe_migrations

pytestmark = pytest.mark.django_db


def sql_of(*operations, atomic=True) -> list[str]:
    """The SQL `sqlmigrate` would print for a migration of `operations` on today's articles."""
    migration = migrations.Migration("9999_proposed", "articles")
    migration.operations, migration.atomic = list(operations), atomic
    state = MigrationLoader(connection).project_state()
    # Only collected, never run: outside the test's transaction as a non-atomic migration is.
    outside = mock.patch.object(
        connection, "in_atomic_block", atomic and connection.in_atomic_block
    )
    with outside, connection.schema_editor(collect_sql=True, atomic=atomic) as editor:
        migration.apply(state, editor, collect_sql=True)
    return ["BEGIN;", *editor.collected_sql, "COMMIT;"] if atomic else editor.collected_sql


def test_every_migration_since_the_rule_is_safe_on_a_large_table():
    assert unsafe_migrations() == {}


def test_a_column_that_must_be_filled_with_no_default_is_refused():
    field = models.IntegerField(null=False)
    assert "NOT_NULL" in problems(sql_of(migrations.AddField("article", "words", field)))


def test_a_column_with_a_volatile_default_is_refused():
    field = models.UUIDField(db_default=RandomUUID())
    sql = sql_of(migrations.AddField("article", "token", field))
    assert "VOLATILE_DEFAULT" in problems(sql)


def test_an_index_built_inside_a_transaction_is_refused():
    index = models.Index(fields=["updated_at"], name="article_updated_idx")
    codes = problems(sql_of(migrations.AddIndex("article", index)))
    assert "CREATE_INDEX" in codes


def test_a_type_change_is_refused():
    field = models.BigIntegerField(default=0, editable=False)
    codes = problems(sql_of(migrations.AlterField("article", "lock_version", field)))
    assert "ALTER_COLUMN" in codes


def test_a_dropped_column_is_refused():
    assert "DROP_COLUMN" in problems(sql_of(migrations.RemoveField("article", "seo_description")))


def test_the_safe_patterns_pass():
    index = models.Index(fields=["updated_at"], name="article_updated_idx")
    assert problems(sql_of(AddIndexConcurrently("article", index), atomic=False)) == []
    nullable = models.IntegerField(null=True)
    assert problems(sql_of(migrations.AddField("article", "words", nullable))) == []
    constant = models.IntegerField(db_default=0)
    assert problems(sql_of(migrations.AddField("article", "words", constant))) == []
