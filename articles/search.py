"""PostgreSQL full-text search over published articles."""

import re

import nh3
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F

from articles.models import Article

MAX_QUERY_CHARS = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(raw: str) -> str:
    """What a reader typed, without control characters (PostgreSQL refuses NUL), capped."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", raw).split())[:MAX_QUERY_CHARS]


def search(text: str):
    """Published articles matching `text` (web-search syntax: "phrases", or, -not), ranked."""
    query = SearchQuery(text, search_type="websearch", config="english")
    return (
        Article.objects.for_listing()
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                "body",
                query,
                config="english",
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=40,
                min_words=20,
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def safe_snippet(snippet: str) -> str:
    """The highlighted excerpt with only <mark> left: the body's own tags are cut mid-way."""
    return nh3.clean(snippet, tags={"mark"}, attributes={})
