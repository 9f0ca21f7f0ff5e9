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


def kept(purge_key: str, name: str, compute, request=None):
    """compute(), made once per change of what `purge_key` names (and per language): stored
    under the key's purge stamp, read before computing."""
    stamp = stamps([purge_key], request)[purge_key]
    key = f"{name}:{get_language()}:{purge_key}:{stamp}"
    value = cache.get(key)
    if value is None:
        value = compute()
        lifetime = page_lifetime()
        if lifetime > 0:
            cache.set(key, value, lifetime)
    return value


class ListPaginator(Paginator):
    def __init__(self, *args, purge_key: str, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.purge_key = purge_key
        self.request = request

    @cached_property
    def count(self):
        return kept(self.purge_key, "count", lambda: super(ListPaginator, self).count, self.request)
