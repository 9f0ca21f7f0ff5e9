"""Public pages read from a streaming replica (DATABASE_REPLICA_URL) while it keeps up.

Only what the page cache serves to everyone reads the replica: the page cache's anonymous page
requests run inside `public_reads()`. The admin, every signed-in editor (their first page view
after a save included: read-your-writes), every write, consent decisions and every other request
read and write the primary. A replica that lags more than REPLICA_MAX_LAG seconds, or does not
answer, is skipped, never an error: each process asks it how far behind it is at most every
REPLICA_CHECK_SECONDS.

A page read from the replica may miss a change committed up to REPLICA_MAX_LAG (plus one check)
seconds ago: the page cache keeps it only if nothing it shows was purged in that window, so a
page rendered from a replica that has not yet replayed an edit is served, never kept.
"""

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

ALIAS = "replica"
logger = logging.getLogger(__name__)
_public_reads = contextvars.ContextVar("public_reads", default=False)
_state = {"checked": float("-inf"), "lag": None}  # this process's last look

# How far behind the replica is: nothing when it has replayed all it received from a primary it
# streams from; else the age of the last change it replayed. A promoted replica is a primary.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


def configured() -> bool:
    return ALIAS in settings.DATABASES


@contextlib.contextmanager
def public_reads():
    """Reads inside go to the replica if it is usable now (a page everyone is served alike):
    decided once, so that one page never mixes the two."""
    token = _public_reads.set(configured() and usable())
    try:
        yield
    finally:
        _public_reads.reset(token)


def lag() -> float | None:
    """The replica's lag in seconds as last measured (None: it did not answer)."""
    now = time.monotonic()
    if now - _state["checked"] >= settings.REPLICA_CHECK_SECONDS:
        _state["checked"], _state["lag"] = now, measure()
    return _state["lag"]


def measure() -> float | None:
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("replica: skipped, it does not answer (%s)", str(error).strip())
        connections[ALIAS].close()
        return None


def usable() -> bool:
    seconds = lag()
    return seconds is not None and seconds <= settings.REPLICA_MAX_LAG


def staleness() -> float:
    """How old, at most, what this request reads may be: 0 unless it reads the replica."""
    if _public_reads.get():
        return settings.REPLICA_MAX_LAG + settings.REPLICA_CHECK_SECONDS
    return 0.0


def status() -> str:
    """For /readyz: the replica's state in a line."""
    if not configured():
        return "replica: none"
    seconds = lag()
    if seconds is None:
        return "replica: skipped (not answering)"
    if seconds > settings.REPLICA_MAX_LAG:
        return f"replica: skipped (lag {seconds:.1f} s > {settings.REPLICA_MAX_LAG:g} s)"
    return f"replica: in use (lag {seconds:.1f} s)"


class ReplicaRouter:
    """Django's database router: public page reads to the replica when usable, all else to the
    primary ("default")."""

    def db_for_read(self, model, **hints):
        return ALIAS if _public_reads.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
