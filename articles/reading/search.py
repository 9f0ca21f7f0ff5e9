"""PostgreSQL full-text search over published articles."""

import difflib
import re
from html import escape, unescape

import nh3
from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Concat, Left
from django.utils.html import strip_tags
from django.utils.translation import get_language

from articles.models import Article, Tag
from articles.models.languages import APOSTROPHES, NORMALISED, normalise, search_config

MAX_QUERY_CHARS = 200
SUGGESTIONS = 3
TAG_SIMILARITY = 0.3
SNIPPET_SOURCE_CHARS = 3000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
WORD = re.compile(r"\w+")


def clean_query(raw: str) -> str:
    """What a reader typed, without control characters (PostgreSQL refuses NUL), capped."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", raw).split())[:MAX_QUERY_CHARS]


def websearch(text: str, language: str | None = None) -> SearchQuery:
    """The reader's words, in the configuration of `language` (the page's by default;
    articles/models/languages.py)."""
    language = language or get_language()
    return SearchQuery(
        normalise(text, language), search_type="websearch", config=search_config(language)
    )


def search(text: str):
    """Published articles of the page's language matching `text` (web-search syntax:
    "phrases", or, -not), ranked."""
    query = websearch(text)
    return (
        Article.objects.for_listing()
        .filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-published_at", "-id")
    )


def add_snippets(articles, text: str) -> None:
    """Set `article.snippet` on one page of results, in one query.

    Asked for in the ranking query, PostgreSQL would build a headline for every match before
    sorting; here it builds one for each article shown. ts_headline parses the whole text it is
    given, so it is given the opening of each article, where news puts what matters. Kazakh and
    Uzbek are matched without their apostrophes (articles/models/languages.py), which ts_headline
    cannot do while showing the text as written: their snippets are marked here instead.
    """
    if get_language() in NORMALISED:
        openings = Article.objects.filter(pk__in=[a.pk for a in articles]).values_list(
            "pk", "standfirst", Left("body", SNIPPET_SOURCE_CHARS)
        )
        found = {pk: marked(f"{lead} {strip_tags(body)}", text) for pk, lead, body in openings}
        for article in articles:
            article.snippet = found.get(article.pk, "")
        return
    snippets = dict(
        Article.objects.filter(pk__in=[a.pk for a in articles])
        .annotate(
            snippet=SearchHeadline(
                # The lead too: a name may be there and not in the text's opening.
                Concat("standfirst", Value(" "), Left("body", SNIPPET_SOURCE_CHARS)),
                websearch(text),
                config=search_config(get_language()),
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=40,
                min_words=20,
            )
        )
        .values_list("pk", "snippet")
    )
    for article in articles:
        article.snippet = snippets.get(article.pk, "")


def safe_snippet(snippet: str) -> str:
    """The highlighted excerpt with only <mark> left: the body's own tags are cut mid-way."""
    return nh3.clean(snippet, tags={"mark"}, attributes={})


def topics(text: str) -> list:
    """Public topics whose name contains the query or looks like it (pg_trgm): shown beside the
    results, and as "did you mean" when nothing matched. Each leads to its page, which has
    articles: never to another search that may find nothing."""
    shown = Article.objects.published().in_language()
    public = Article.tags.through.objects.filter(article__in=shown)
    return list(
        Tag.objects.localized()  # named in the page's language
        .filter(pk__in=public.values("tag_id"))
        .annotate(similarity=TrigramSimilarity("local_name", text))
        .filter(Q(similarity__gt=TAG_SIMILARITY) | Q(local_name__icontains=text))
        .order_by("-similarity", "local_name")[:SUGGESTIONS]
    )


def suggestions(text: str) -> list:
    """ "Did you mean": headlines that look like a query that found nothing (pg_trgm)."""
    return list(
        Article.objects.published()
        .in_language()
        .filter(title__trigram_word_similar=text)
        .annotate(similarity=TrigramWordSimilarity(text, "title"))
        .order_by("-similarity")
        .only("title", "slug", "language")[:SUGGESTIONS]
    )


def in_other_languages(text: str) -> dict[str, int]:
    """{language: how many of its articles match}, for the languages other than the page's,
    each searched as its own articles are indexed (one query): "экономика" typed on the English
    site finds the Russian articles."""
    current = get_language()
    others = [code for code, _ in settings.LANGUAGES if code != current]
    matches = Q()
    for code in others:
        matches |= Q(language=code, search_vector=websearch(text, code))
    found = (
        Article.objects.published()
        .filter(matches)
        .values("language")
        .annotate(count=Count("pk"))
        .order_by("language")
    )
    return {row["language"]: row["count"] for row in found}


def corrected(text: str, titles: list[str]) -> str | None:
    """The query with each mistyped word replaced by the closest word of the headlines that look
    like it ("railwy" -> "railway"); None when no word changes."""
    vocabulary = {word.lower() for title in titles for word in WORD.findall(title)}
    words = WORD.findall(text)
    fixed = [
        word if word.lower() in vocabulary
        else next(iter(difflib.get_close_matches(word.lower(), vocabulary, 1, 0.75)), word)
        for word in words
    ]  # fmt: skip
    return " ".join(fixed) if [w.lower() for w in fixed] != [w.lower() for w in words] else None


TOKEN = re.compile(r"[\w" + re.escape(APOSTROPHES) + r"]+")
SNIPPET_WORDS = (12, 28)  # words before and after the first match


def marked(plain: str, text: str) -> str:
    """An excerpt of `plain` around the first of the query's words, each match in <mark>,
    words compared as the search compares them in Kazakh and Uzbek (case and apostrophes
    aside), the text shown as written."""
    plain = unescape(plain)
    wanted = {w.lower() for w in WORD.findall(normalise(text, "uz"))} - {"or"}
    tokens = list(TOKEN.finditer(plain))
    hits = [i for i, t in enumerate(tokens) if normalise(t.group(), "uz").lower() in wanted]
    if not hits or not tokens:
        return ""
    first = max(0, hits[0] - SNIPPET_WORDS[0])
    last = min(len(tokens) - 1, hits[0] + SNIPPET_WORDS[1])
    parts, end = [], tokens[first].start()
    for i in range(first, last + 1):
        token = tokens[i]
        parts.append(escape(plain[end : token.start()]))
        word = escape(token.group())
        parts.append(f"<mark>{word}</mark>" if i in hits else word)
        end = token.end()
    excerpt = "".join(parts)
    return ("… " if first else "") + excerpt + (" …" if last < len(tokens) - 1 else "")
