"""Lists newest first, paged by keyset, each page's rows read once per change of the list.

A page is the rows just older than a cursor (`?before=<time>-<id>`), or just newer
(`?after=`), or the newest: no OFFSET (page 2,000 of a topic costs what page 1 does) and no
COUNT(*) (the most expensive query a list page had). Its address names the same articles for
good, however many are published after it. An old `?page=N` address leads there once.

A page's rows are kept under a key that holds the purge stamp of the list (read before the
rows are), so any change to the list makes a new key; rows read from the old state can only be
stored under the old key, which nobody reads again. They live no longer than a page may (the
next scheduled publication changes lists without a purge).
"""

import re
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language

from newsportal.invalidation import stamps
from newsportal.pagecache import page_lifetime


def kept(purge_key: str, what: str, request=None):
    """(key, value) of `what` of the list named `purge_key` as it is now (each language has
    its own); value None when it is not kept."""
    stamp = stamps([purge_key], request)[purge_key]
    key = f"{what}:{get_language()}:{purge_key}:{stamp}"
    return key, cache.get(key)


def keep(key: str, value):
    lifetime = page_lifetime()
    if lifetime > 0:
        cache.set(key, value, lifetime)
    return value


class Cursor(NamedTuple):
    """A place in a list ordered newest first: (time, id) of the row it is at. Spelled in
    addresses as `<microseconds since 1970>-<id>`: `?before=1714557600123456-8123`."""

    at: datetime
    pk: int

    def __str__(self):
        return f"{(self.at - EPOCH) // timedelta(microseconds=1)}-{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        match = CURSOR.fullmatch(text)
        if not match:
            return None
        micro, pk = map(int, match.groups())
        try:
            return cls(EPOCH + timedelta(microseconds=micro), pk)
        except OverflowError:
            return None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURSOR = re.compile(r"(-?\d{1,17})-(\d{1,18})")


class KeysetPage:
    """One page of a list by keyset: the rows just older than a cursor (`before`), or just
    newer (`after`), or the newest (neither), from at most size + 1 rows (keyset_rows)."""

    def __init__(self, rows, size, field, before=None, after=None):
        self.field = field
        self.is_first = before is None and after is None
        more = len(rows) > size
        rows = rows[:size]
        if after is not None:
            rows.reverse()  # read oldest first, shown newest first
        self.object_list = rows
        self.has_older = bool(rows) and (more if after is None else True)
        self.has_newer = bool(rows) and not self.is_first and (after is None or more)
        self.query = f"before={before}" if before else f"after={after}" if after else ""

    def __len__(self):
        return len(self.object_list)

    def cursor(self, row) -> Cursor:
        return Cursor(getattr(row, self.field), row.pk)

    @property
    def newest(self):
        """When the page's newest row was published (or made)."""
        return getattr(self.object_list[0], self.field) if self.object_list else None

    @property
    def older(self) -> str:
        """The cursor of the page after this one."""
        return str(self.cursor(self.object_list[-1]))

    @property
    def newer(self) -> str:
        return str(self.cursor(self.object_list[0]))


def keyset_rows(queryset, field: str, size: int, before=None, after=None) -> list:
    """At most size + 1 rows of `queryset` (ordered by -field, -id) older than `before`, or
    newer than `after` (then oldest first), or the newest: the extra one says there are more.
    The time bound comes first, so the list's index is read from the cursor on."""
    if before is not None:
        at, pk = before
        queryset = queryset.filter(
            Q(**{f"{field}__lte": at}), Q(**{f"{field}__lt": at}) | Q(pk__lt=pk)
        )
    elif after is not None:
        at, pk = after
        queryset = queryset.filter(
            Q(**{f"{field}__gte": at}), Q(**{f"{field}__gt": at}) | Q(pk__gt=pk)
        )
        queryset = queryset.order_by(field, "pk")
    return list(queryset[: size + 1])
