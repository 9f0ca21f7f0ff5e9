from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from articles.models import Tag
from newsportal.invalidation import EVERYTHING, stamps, started_stamp

_sections = {}  # {language: (stamp of "all", sections)}


def current_sections(request=None) -> list[tuple[str, str]]:
    """The header's sections (topics editors chose) in the page's language, kept in the
    process; they go with the "all" stamp, which a change of sections purges
    (articles/caching.py), so the check is the stamp every page reads anyway."""
    stamp = stamps([EVERYTHING], request)[EVERYTHING] or started_stamp(EVERYTHING)
    language = get_language()
    stored = _sections.get(language)
    if stored is None or stored[0] != stamp:
        stored = _sections[language] = (stamp, Tag.sections())
    return stored[1]


def sections(request):
    return {"sections": SimpleLazyObject(lambda: current_sections(request))}
