from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from articles.models import Tag
from newsportal.invalidation import EVERYTHING, stamps

SECTIONS_KEY = "articles:sections"


def current_sections(request=None) -> list[tuple[str, str]]:
    """The header's sections (topics editors chose), read from the cache; they go with the
    "all" stamp, which a change of sections purges (articles/caching.py)."""
    stamp = stamps([EVERYTHING], request)[EVERYTHING]
    stored = cache.get(SECTIONS_KEY)
    if stored is None or stored[0] != stamp:
        stored = (stamp, Tag.sections())
        cache.set(SECTIONS_KEY, stored, None)
    return stored[1]


def sections(request):
    return {"sections": SimpleLazyObject(lambda: current_sections(request))}
