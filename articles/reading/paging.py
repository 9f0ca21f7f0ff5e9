"""A paginator that counts once per change of the list, not once per page view, and reads
each page's articles (their ids, for the cards) once per change too.

COUNT(*) over thousands of published articles is the most expensive query of a list page. The
count is kept under a key that holds the purge stamp of the list (read before counting), so any
change to the list makes a new key; a count made from the old state can only be stored under
the old key, which nobody reads again. It lives no longer than a page may (the next scheduled
publication changes counts without a purge).
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import get_language

from newsportal.invalidation import stamps
from newsportal.pagecache import page_lifetime


class ListPaginator(Paginator):
    def __init__(self, *args, purge_key: str, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.purge_key = purge_key
        self.request = request

    def kept(self, what: str) -> str:
        """The cache key of `what` of this list as it is now (each language lists its own)."""
        stamp = stamps([self.purge_key], self.request)[self.purge_key]
        return f"{what}:{get_language()}:{self.purge_key}:{stamp}"

    @staticmethod
    def keep(key: str, value):
        lifetime = page_lifetime()
        if lifetime > 0:
            cache.set(key, value, lifetime)
        return value

    @cached_property
    def count(self):
        key = self.kept("count")
        count = cache.get(key)
        return self.keep(key, super().count) if count is None else count


class CardListPaginator(ListPaginator):
    """For lists of `card_rows` (articles/reading/cards.py): a page's rows are kept as the count is,
    and both are read at once. Their queryset is only used when they are not kept: it may come
    lazily (a SimpleLazyObject), and is then not even built."""

    def _check_object_list_is_ordered(self):
        """Not here: card_rows lists are ordered, newest first, and asking would build them."""

    def page(self, number):
        count_key, rows_key = self.kept("count"), self.kept(f"rows-{number}")
        found = cache.get_many([count_key, rows_key])
        if count_key in found:
            self.__dict__["count"] = found[count_key]  # where cached_property keeps it
        number = self.validate_number(number)
        rows = found.get(rows_key)
        if rows is None:
            rows = self.keep(rows_key, list(super().page(number).object_list))
        return self._get_page(rows, number, self)
