"""Migrations that a table of a million rows survives while the site keeps serving.

Each migration's SQL (as `sqlmigrate` prints it) is read by django-migration-linter's PostgreSQL
analyser, every warning taken as an error, plus one check of ours it lacks: a column added with a
volatile default (`random()`, `gen_random_uuid()`, `clock_timestamp()`...) makes PostgreSQL
write that value into every row, under an exclusive lock. Refused, with the safe pattern
(README, "Migrations on a large table"):

- CREATE INDEX / DROP INDEX without CONCURRENTLY: the table takes no writes for the whole build.
  Use AddIndexConcurrently / RemoveIndexConcurrently in a migration with `atomic = False`.
- A NOT NULL column without a default: fails on existing rows, or rewrites. Add it nullable (or
  with a constant `db_default`), fill it in batches, then set NOT NULL.
- A column's type changed: most changes rewrite the table. Add a new column, fill, switch.
- A unique constraint added (its index is built under lock): CREATE UNIQUE INDEX CONCURRENTLY
  first, then the constraint USING that index.
- Dropping or renaming a column or table: the code still running during a deploy reads it.
  Stop using it in one release, remove it in the next.

Migrations written before the rule ran on small tables and are listed in APPLIED_BEFORE; the
check reads every other migration of our apps.
"""

import re
from unittest import mock

from django.db import connection
from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser.analyser import analyse_sql_statements
from django_migration_linter.sql_analyser.base import Check, CheckMode, CheckType
from django_migration_linter.sql_analyser.postgresql import PostgresqlAnalyser

# Each app's last migration written before the rule (they ran on small tables).
APPLIED_BEFORE = {"articles": 18, "consent": 10}
APPS = list(APPLIED_BEFORE)
VOLATILE = re.compile(
    r"ADD COLUMN .* DEFAULT .*\b(random|gen_random_uuid|uuid_generate_v[14]\w*|"
    r"clock_timestamp|timeofday|nextval|uuidv[47])\s*\(",
    re.IGNORECASE,
)


class LargeTableAnalyser(PostgresqlAnalyser):
    migration_checks = [
        *PostgresqlAnalyser.migration_checks,
        Check(
            code="VOLATILE_DEFAULT",
            fn=lambda sql, **kw: VOLATILE.search(sql),
            message="a column added with a volatile default rewrites the table",
            mode=CheckMode.ONE_LINER,
            type=CheckType.ERROR,
        ),
    ]


def problems(sql_statements: list[str]) -> list[str]:
    """What makes this SQL unsafe on a large table: the codes of the checks it fails."""
    errors, _ignored, warnings = analyse_sql_statements(LargeTableAnalyser, sql_statements)
    return sorted({issue.code for issue in [*errors, *warnings]})


def written_before(app_label: str, name: str) -> bool:
    return int(name[:4]) <= APPLIED_BEFORE[app_label]


def unsafe_migrations() -> dict[str, list[str]]:
    """{app.migration: [check codes]} for each migration of ours, not written before the rule,
    that would lock or rewrite a large table."""
    linter = MigrationLinter(include_apps=APPS, no_cache=True, no_output=True)
    found = {}
    for (app_label, name), _migration in sorted(linter.migration_loader.disk_migrations.items()):
        if app_label not in APPS or written_before(app_label, name):
            continue
        # sqlmigrate only collects the SQL; inside a test's transaction a non-atomic migration
        # (CREATE INDEX CONCURRENTLY) would refuse to be printed.
        with mock.patch.object(connection, "in_atomic_block", False):
            codes = problems(linter.get_sql(app_label, name))
        if codes:
            found[f"{app_label}.{name}"] = codes
    return found
