"""The admin's long lists (a million articles, millions of consent records) without reading
every row on each page view, as Django's admin otherwise does twice.

- Counts: exact up to EXACT_UP_TO rows (a bounded subquery), PostgreSQL's own estimate beyond
  (EXPLAIN: the same cost at any size), and said to be one ("about 1,000,000 articles").
- The date drill-down's years: one index probe per year, where Django asks for the distinct
  years of every row.
"""

from datetime import datetime

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.functional import cached_property

EXACT_UP_TO = 10_000


def estimated_count(queryset) -> int:
    """How many rows the planner expects `queryset` to have (from the table's statistics)."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter that can match nothing
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatingPaginator(Paginator):
    """A paginator whose count is exact up to EXACT_UP_TO and estimated above (`estimated`)."""

    estimated = False

    @cached_property
    def count(self):
        guess = estimated_count(self.object_list)
        if guess <= EXACT_UP_TO:  # then counted, reading at most EXACT_UP_TO + 1 rows
            bounded = self.object_list.order_by()[: EXACT_UP_TO + 1].count()
            if bounded <= EXACT_UP_TO:
                return bounded
        self.estimated = True
        return max(guess, EXACT_UP_TO + 1)


class EstimatedCounts:
    """For a ModelAdmin of a long list: its pages counted as above, and no second count of the
    whole table beside a filtered one (unfiltered, the list's count is the table's)."""

    paginator = EstimatingPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return WholeCountChangeList


class WholeCountChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        if not self.get_filters_params() and not self.query:  # the whole table
            self.full_result_count = self.result_count  # no "1000000 results (Show all)"


class IndexedYears:
    """For the QuerySet of a long list with a date drill-down (ModelAdmin.date_hierarchy): its
    years found from its first and last row and one "any row that year?" (LIMIT 1) a year in
    between: 25 index probes for a newsroom's 25 years, where Django reads every row for its
    year. The first and last rows are each read as the first in the index's order: PostgreSQL
    does that for MIN() over a table, but over a filtered join it reads every row. Short lists
    (a search, a rare topic) are asked as Django asks: their few rows are read at once."""

    def is_long(self) -> bool:
        """Longer than EXACT_UP_TO rows by the planner's estimate; a short list is asked as
        Django asks (its whole rows read: few), a long one by index probes."""
        if "_long" not in self.__dict__:
            self.__dict__["_long"] = estimated_count(self) > EXACT_UP_TO
        return self.__dict__["_long"]

    def aggregate(self, *args, **kwargs):
        span = _min_and_max(kwargs) if not args else None
        if span is None:
            return super().aggregate(*args, **kwargs)
        (low_name, low_field), (high_name, high_field) = span
        known = self.__dict__.setdefault("_spans", {})  # asked twice by the drill-down
        if (low_field, high_field) not in known:
            known[low_field, high_field] = self._span(low_field, high_field)
        low, high = known[low_field, high_field]
        return {low_name: low, high_name: high}

    def _span(self, low_field, high_field):
        if low_field == high_field and not self.is_long():
            # Its few values read at once: asked as MIN() and MAX(), PostgreSQL would walk the
            # field's index through the whole table, testing each row for the filter.
            values = self.order_by().values_list(low_field, flat=True)[: EXACT_UP_TO + 1]
            found = [value for value in values if value is not None]
            if len(found) <= EXACT_UP_TO:
                return (min(found), max(found)) if found else (None, None)

        def first(field, order):
            rows = self.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)
            return rows.order_by(order).first()

        return first(low_field, low_field), first(high_field, f"-{high_field}")

    def datetimes(self, field_name, kind, *args, **kwargs):
        if kind != "year" or not self.is_long():
            return super().datetimes(field_name, kind, *args, **kwargs)
        rows = self.order_by()
        span = self.aggregate(first=Min(field_name), last=Max(field_name))
        if span["first"] is None:
            return []
        first, last = (timezone.localtime(span[end]).year for end in ("first", "last"))
        zone = timezone.get_current_timezone()
        starts = {year: datetime(year, 1, 1, tzinfo=zone) for year in range(first, last + 2)}
        during = lambda year: {  # noqa: E731
            f"{field_name}__gte": starts[year],
            f"{field_name}__lt": starts[year + 1],
        }
        return [
            starts[year]
            for year in range(first, last + 1)
            if year in (first, last) or rows.filter(**during(year)).exists()
        ]


def _min_and_max(aggregates: dict):
    """((name, field) of the Min, (name, field) of the Max) when `aggregates` is exactly a Min
    and a Max of one plain field each; else None."""
    kinds = {type(a): (name, a) for name, a in aggregates.items()}
    if len(aggregates) != 2 or set(kinds) != {Min, Max}:
        return None
    pairs = []
    for kind in (Min, Max):
        name, aggregate = kinds[kind]
        expression = aggregate.get_source_expressions()[0]
        if aggregate.filter is not None or not hasattr(expression, "name"):
            return None
        pairs.append((name, expression.name))
    return pairs


class LongListQuerySet(IndexedYears, models.QuerySet):
    """The QuerySet of a model whose admin list grows into the millions."""
