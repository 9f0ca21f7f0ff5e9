"""How each language is searched: PostgreSQL's stemmers for English and Russian; for Kazakh and
Uzbek, which PostgreSQL has none for, the `simple` configuration (whole words, lower case) over
text whose apostrophes are taken out, so that Uzbek's oʻ and gʻ match however they were typed
(o', oʻ, o‘, o’, o`: "Oʻzbekiston" and "O'zbekiston" are one word)."""

from django.contrib.postgres.search import SearchVector
from django.db.models import F, Func, TextField, Value

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
