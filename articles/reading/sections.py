"""The header's sections: the topics editors chose, else the most used, per language."""

from django.utils.translation import get_language

from articles.models import Tag
from articles.reading.caching import LISTS
from newsportal.invalidation import EVERYTHING, stamps, started_stamp

_sections = {}  # {language: (stamps, section topics, their (name, address))}


def current_section_tags(request=None) -> list:
    """The header's sections (topics editors chose, else the most used) in the page's language,
    kept in the process; they go with the "all" stamp, which a change of sections purges
    (articles/reading/caching.py), and the lists' (the most used change with them): stamps
    every page reads anyway."""
    found = stamps([EVERYTHING, LISTS], request)
    stamp = (found[EVERYTHING] or started_stamp(EVERYTHING), found[LISTS])
    language = get_language()
    stored = _sections.get(language)
    if stored is None or stored[0] != stamp:
        tags = Tag.section_tags()
        stored = _sections[language] = (
            stamp,
            tags,
            [(t.label, t.get_absolute_url()) for t in tags],
        )
    return stored[1]


def current_sections(request=None) -> list[tuple[str, str]]:
    """(name, address) of the header's sections."""
    current_section_tags(request)
    return _sections[get_language()][2]
