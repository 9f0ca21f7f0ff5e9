"""PostgreSQL full-text search over published articles."""

import difflib
import re
from collections import Counter
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
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, Left
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import get_language

from articles.models import Article, Tag, TagName
from articles.models.languages import (
    APOSTROPHES,
    NORMALISED,
    is_default_language,
    language_vector,
    normalise,
    page_language,
    search_config,
)
from articles.reading.caching import CARDS, LISTS

MAX_QUERY_CHARS = 200
# Ranked: the best of the newest CANDIDATES matches (a word in a third of a million stories
# would otherwise be ranked in every one of them); counted elsewhere up to ELSEWHERE.
CANDIDATES = 200
ELSEWHERE = 100
SUGGESTIONS = 3
SIMILAR_TOPICS = 20
SUGGESTION_POOL = 1000
WORD_SIMILARITY = 0.6  # pg_trgm's own threshold for "%>"
TAG_SIMILARITY = 0.3
SNIPPET_SOURCE_CHARS = 2000
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


def matching(text: str, language: str | None = None):
    """The published articles of `language` (the page's) matching `text` (web-search syntax:
    "phrases", or, -not), through that language's own search index."""
    language = page_language(language)
    return (
        Article.objects.published()
        .filter(language=language)
        .alias(vector=language_vector(language))
        .filter(vector=websearch(text, language))
    )


def newest_matches(text: str) -> list[int]:
    """The ids of the newest CANDIDATES + 1 matches (the one more says there are more).

    Bounded whatever the word: PostgreSQL reads a rare word's few matches from the index, and
    meets the newest of a common word's within a few hundred rows, walking the dates; which is
    which it knows from the language's own statistics (language_vector)."""
    return list(
        matching(text)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[: CANDIDATES + 1]
    )


def ranked(text: str, candidates: list[int]) -> list[int]:
    """The ids of `candidates` (newest_matches), best first (headline over lead over text)."""
    query = websearch(text)
    return list(
        Article.objects.filter(pk__in=candidates[:CANDIDATES])
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-published_at", "-id")
        .values_list("pk", flat=True)
    )


def found(text: str) -> tuple[dict, list[str]]:
    """Everything a search page shows of `text` but its page of articles, and the keys of what
    it depends on (any list may change it): kept between readers (newsportal/fragments.py), as
    a popular query is asked by many (and each page of it asks for all of this).

    `ranked`: ids, best first, of the best among the newest CANDIDATES matches; `more`: whether
    there are more matches than that."""
    candidates = newest_matches(text)
    best = ranked(text, candidates)
    result = {"ranked": best, "more": len(candidates) > CANDIDATES,
              "elsewhere": in_other_languages(text)}  # fmt: skip
    if best:
        result["topics"] = topics(text)
    else:
        result["topics"] = topics(text, looking_alike=True)
        result["suggestions"] = suggestions(text)
        better = corrected(text, [a.title for a in result["suggestions"]])
        # Offered only where it finds something: never a search that finds nothing.
        result["corrected"] = better if better and matching(better).exists() else None
    return result, [LISTS, CARDS]


def results_page(ids: list[int], text: str) -> tuple[str, list[str]]:
    """One page of results, in `ids`' order, each with its snippet, as HTML (rendering twenty
    results is most of what a page of a kept query costs)."""
    articles = Article.objects.for_listing().in_bulk(ids)
    page = [articles[pk] for pk in ids if pk in articles]
    if page:
        add_snippets(page, text)
    html = render_to_string("articles/_search_results.html", {"articles": page})
    return html, [LISTS, CARDS]


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


def topics(text: str, looking_alike: bool = False) -> list:
    """Public topics whose name contains the query, or (`looking_alike`, when nothing matched:
    "did you mean") looks like it (pg_trgm). Each leads to its page, which has articles: never
    to another search that may find nothing.

    Names that come close are found first, in English and in the page's language (few, by
    index: every topic's likeness is only computed for "did you mean"); those are then named as
    the page names them, and each asked whether it has an article in the page's language,
    stopping at its first (a topic on a third of a million articles is not read whole)."""
    close = Q(name__icontains=text)
    if looking_alike:
        close |= Q(name__trigram_similar=text)
    near = set(Tag.objects.filter(close).values_list("pk", flat=True)[:SIMILAR_TOPICS])
    if not is_default_language():
        names = TagName.objects.filter(close, language=get_language())
        near.update(names.values_list("tag_id", flat=True)[:SIMILAR_TOPICS])
    if not near:
        return []
    shown = Article.objects.published().in_language()
    listed = Article.tags.through.objects.filter(tag=OuterRef("pk"), article__in=shown)
    alike = Q(local_name__icontains=text)
    if looking_alike:
        alike |= Q(similarity__gt=TAG_SIMILARITY)
    found = (
        Tag.objects.localized()  # named in the page's language
        .filter(pk__in=near)
        .annotate(similarity=TrigramSimilarity("local_name", text))
        .filter(alike, Exists(listed))
        .order_by("-similarity", "local_name")
    )
    return list(found[:SUGGESTIONS])


def suggestions(text: str) -> list:
    """ "Did you mean": headlines that look like a query that found nothing (pg_trgm), among the
    newest SUGGESTION_POOL of the page's language: the words readers look for are the news's."""
    recent = (
        Article.objects.published()
        .in_language()
        .order_by("-published_at", "-id")
        .values("pk")[:SUGGESTION_POOL]
    )
    return list(
        Article.objects.filter(pk__in=recent)
        .annotate(similarity=TrigramWordSimilarity(text, "title"))
        .filter(similarity__gte=WORD_SIMILARITY)
        .order_by("-similarity", "-published_at")
        .only("title", "slug", "language")[:SUGGESTIONS]
    )


def in_other_languages(text: str) -> dict[str, int]:
    """{language: how many of its articles match, up to ELSEWHERE + 1}, for the languages
    other than the page's, each searched as its own articles are indexed (one query):
    "экономика" typed on the English site finds the Russian articles."""
    current = get_language()
    found = [
        matching(text, code).order_by().values_list("language", flat=True)[: ELSEWHERE + 1]
        for code, _ in settings.LANGUAGES
        if code != current
    ]
    return Counter(found[0].union(*found[1:], all=True).order_by()) if found else {}


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
