"""What a page's query string may say, and its one canonical spelling.

Without this, anyone could fill the page cache with `?q=<random>` on any path, and every reader
arriving from a newsletter or a social network (`utm_*`, `fbclid`, `gclid`) would be rendered
afresh exactly when a story spikes. Tracking parameters never change a page: they are left out
of the cache key and of every link the page makes back to itself. Other parameters are allowed
per path (PAGE_CACHE_QUERY_PARAMETERS); a page number has one spelling, an integer from 2
(`?page=0001`, `?page=+2`, `?page=2&page=2` redirect to it; `?page=1`, and anything that is no
page number, to the bare path).
"""

import re
from urllib.parse import urlencode

from django.conf import settings

from newsportal.languages import strip_language

TRACKING = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|ref_src)$"
)
INTEGER = re.compile(r"^\s*\+?0*(\d{1,9})\s*$")


def meaningful(request) -> list[tuple[str, str]]:
    """The query's parameters without the tracking ones, in a stable order."""
    return sorted(
        (k, v) for k, values in request.GET.lists() if not TRACKING.match(k) for v in values
    )


def clean_path(request) -> str:
    """The page's address without tracking parameters (for the consent form's `next`)."""
    params = meaningful(request)
    return request.path + (f"?{urlencode(params)}" if params else "")


def allowed_parameters(path: str) -> frozenset[str]:
    rules = settings.PAGE_CACHE_QUERY_PARAMETERS
    path = strip_language(path)  # /ru/search/ takes what /search/ takes
    prefix = max((p for p in rules if path.startswith(p)), key=len, default=None)
    return frozenset(rules[prefix]) if prefix is not None else frozenset()


def cacheable_query(request) -> str | None:
    """The canonical query string to key the page on, or None when the page is not cacheable
    with this query (a parameter this path does not take)."""
    params = meaningful(request)
    if not {k for k, _ in params} <= allowed_parameters(request.path):
        return None
    return urlencode(params)


def canonical_redirect(request) -> str | None:
    """Where a non-canonical page number should go, or None when it is canonical. A page number
    that is no page at all (`abc`, `0`, `-1`, `1.5`, two different ones) leads to the first page,
    as one past the end leads to the last (the view's redirect): a reader is never stranded."""
    pages = request.GET.getlist("page")
    if not pages:
        return None
    matches = [INTEGER.match(p) for p in pages]
    numbers = {int(m[1]) for m in matches if m}
    number = numbers.pop() if all(matches) and len(numbers) == 1 else 1
    number = max(number, 1)
    if len(pages) == 1 and pages[0] == str(number) and number >= 2:
        return None  # already canonical
    params = [(k, v) for k, v in meaningful(request) if k != "page"]
    if number >= 2:
        params.append(("page", str(number)))
    return request.path + (f"?{urlencode(sorted(params))}" if params else "")
