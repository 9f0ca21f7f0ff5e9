"""How each language is searched: PostgreSQL's stemmers for English and Russian; for Kazakh and
Uzbek, which PostgreSQL has none for, the `simple` configuration (whole words, lower case) over
text whose apostrophes are taken out, so that Uzbek's oʻ and gʻ match however they were typed
(o', oʻ, o‘, o’, o`: "Oʻzbekiston" and "O'zbekiston" are one word)."""

import functools

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import Case, F, Func, TextField, Value, When
from django.urls import reverse
from django.utils import translation

SEARCH_CONFIGS = {"en": "english", "ru": "russian", "kk": "simple", "uz": "simple"}
NORMALISED = {"kk", "uz"}
APOSTROPHES = "'ʻʼ‘’`´ʹ′"
_DELETE_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def normalise(text: str, language: str) -> str:
    """A reader's query written as the documents of `language` are indexed."""
    return text.translate(_DELETE_APOSTROPHES) if language in NORMALISED else text


def indexed_text(field: str, language: str):
    """The column as `language`'s documents are indexed (an immutable SQL expression)."""
    if language in NORMALISED:
        return Func(
            F(field), Value(APOSTROPHES), Value(""), function="translate", output_field=TextField()
        )
    return F(field)


def document_vector(language: str):
    """Headline outweighs lead, lead outweighs text."""
    config = search_config(language)
    return (
        SearchVector(indexed_text("title", language), weight="A", config=config)
        + SearchVector(indexed_text("standfirst", language), weight="B", config=config)
        + SearchVector(indexed_text("body", language), weight="C", config=config)
    )


def language_vector(language: str):
    """The search vector of `language`'s articles, NULL for the others: each language's search
    index is built on this expression (articles/models/articles.py), so PostgreSQL keeps
    statistics of each language's words apart. A word common in English but rare in Russian is
    then known as such, and a Russian search for it reads its few matches from the index
    instead of walking the Russian archive newest first to meet them."""
    return Case(When(language=language, then=F("search_vector")), output_field=SearchVectorField())


LANGUAGE_NAMES = dict(settings.LANGUAGES)


TRANSLATED_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]


def page_language(language: str | None = None) -> str:
    """`language`, else the page's (the active one), else English."""
    return language or translation.get_language() or settings.LANGUAGE_CODE


def is_default_language(language: str | None = None) -> bool:
    return page_language(language) == settings.LANGUAGE_CODE


SLUG_PLACEHOLDER = "__slug__"


@functools.cache
def _url_with_placeholder(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name, args=[SLUG_PLACEHOLDER])


def slug_url(name: str, slug: str, language: str | None = None) -> str:
    """reverse(name, args=[slug]) in `language` (the page's by default), resolved once per URL
    name and language: list pages link hundreds of times.

    Kept because it pays: front and tag pages whose cards are not kept render 14-17% faster than
    with reverse() per link, above the 3-9% run-to-run spread (tests/perf/tricks.py, part of
    make bench).
    """
    return _url_with_placeholder(name, page_language(language)).replace(SLUG_PLACEHOLDER, slug, 1)
