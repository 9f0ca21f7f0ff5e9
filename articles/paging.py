"""A paginator that counts once per change of the list, not once per page view.

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

    @cached_property
    def count(self):
        stamp = stamps([self.purge_key], self.request)[self.purge_key]
        key = f"count:{get_language()}:{self.purge_key}:{stamp}"  # each language lists its own
        count = cache.get(key)
        if count is None:
            count = super().count
            lifetime = page_lifetime()
            if lifetime > 0:
                cache.set(key, count, lifetime)
        return count
