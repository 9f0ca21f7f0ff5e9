"""Full-text search: ranked, highlighted, current after every save, and unbreakable by input."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.reading.search import MAX_QUERY_CHARS, clean_query
from newsportal.invalidation import EVERYTHING, started_stamp
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db


def results(client, q, **params):
    return titles(client.get("/search/", {"q": q, **params}))


def titles(response) -> list[str]:
    """The headlines of a page of results, in order."""
    assert response.status_code == 200
    found = re.findall(
        r'<h2 class="card-title"><a href="[^"]*">(.*?)</a>', response.content.decode()
    )
    return [unescape(title) for title in found]


def test_title_outranks_standfirst_outranks_body(client):
    make_article("Body", standfirst="Nothing", body="<p>The railway is long.</p>")
    make_article("Railway news", standfirst="Nothing", body="<p>Other.</p>")
    make_article("Lead", standfirst="A railway opens", body="<p>Other.</p>")
    assert results(client, "railway") == ["Railway news", "Lead", "Body"]


def test_stemming_finds_other_forms(client):
    make_article("Presidents agreed", body="<p>They agreed on railways.</p>")
    assert results(client, "railway agreement") == []  # "agreement" is another stem
    assert results(client, "railway agree") == ["Presidents agreed"]


def test_results_show_a_highlighted_snippet_without_other_markup(client):
    make_article("Trade", body="<p>Mutual trade could rise to <strong>ten billion</strong>.</p>")
    response = client.get("/search/", {"q": "billion"})
    assertContains(response, "<mark>billion</mark>")
    assertNotContains(response, "<strong>")


def test_drafts_and_scheduled_articles_are_not_found(client):
    make_article("Secret draft railway", status=Article.Status.DRAFT)
    assert results(client, "railway") == []


def test_the_index_follows_every_save(client):
    article = make_article("Old words")
    article.title = "Fresh vocabulary"
    article.save()
    assert results(client, "vocabulary") == ["Fresh vocabulary"]
    assert results(client, "old") == []


def test_websearch_syntax_works(client):
    make_article("Kazakh railway")
    make_article("Uzbek railway")
    assert results(client, "railway -uzbek") == ["Kazakh railway"]
    assert sorted(results(client, "kazakh or uzbek")) == ["Kazakh railway", "Uzbek railway"]
    assert results(client, '"uzbek railway"') == ["Uzbek railway"]


def test_cyrillic_queries_find_cyrillic_text(client):
    make_article("Новый этап", body="<p>Казахстан и Узбекистан</p>")
    assert results(client, "Узбекистан") == ["Новый этап"]


def test_results_are_paginated_and_keep_the_query(client):
    for n in range(25):
        make_article(f"Railway {n}")
    response = client.get("/search/", {"q": "railway"})
    assert len(response.context["articles"]) == 20
    assertContains(response, 'href="?q=railway&amp;page=2"')
    assert len(results(client, "railway", page=2)) == 5


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "a" * 10_000,
        "!!! ((( ))) ::: &&& |||",
        '"unbalanced',
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        "nul\x00byte",
        "\x1b[31mcolour\x07",
        "the and of",  # only stop words
        "\U0001d518\U0001d52b \U0001f684 railway",  # mathematical letters and an emoji
        "\u049a\u0430\u0437\u0430\u049b\u0441\u0442\u0430\u043d O\u02bbzbekiston",
    ],
)
def test_hostile_or_odd_queries_never_fail(client, q):
    make_article("Railway")
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")


def test_queries_are_capped_and_cleaned():
    assert clean_query("a\x00b\tc") == "a b c"
    assert len(clean_query("x" * 1000)) == MAX_QUERY_CHARS


def test_empty_search_shows_the_form_only(client):
    response = client.get("/search/")
    assertContains(response, 'role="search"')
    assertNotContains(response, "No articles match")


def test_a_misspelt_query_gets_did_you_mean_suggestions(client):
    tag = make_tag("Uzbekistan")
    make_article("Uzbekistan and Kazakhstan sign a treaty", tags=[tag])
    response = client.get("/search/", {"q": "Uzbekstan"})
    assert list(response.context["articles"]) == []
    assert [tag.name for tag in response.context["topics"]] == ["Uzbekistan"]
    assert [a.title for a in response.context["suggestions"]] == [
        "Uzbekistan and Kazakhstan sign a treaty"
    ]
    assertContains(response, "Did you mean:")
    # The topic leads to its page (which has articles), never to a search that may find none.
    assertContains(response, f'href="{tag.get_absolute_url()}">the topic Uzbekistan</a>')
    # The word, corrected from the headlines, leads to a search that finds them (issue 32.3).
    assertContains(response, '<a href="?q=uzbekistan">uzbekistan</a>')
    assert client.get("/search/", {"q": "uzbekistan"}).context["articles"]


def test_a_misspelt_topic_never_suggests_a_search_that_finds_nothing(client):
    """Issue 15.9: "Diplomcy" suggested "Diplomacy", whose search found nothing (the word is
    only the topic's name), and which then suggested itself again."""
    tag = make_tag("Diplomacy")
    make_article("Ministers meet in Tashkent", tags=[tag])
    response = client.get("/search/", {"q": "Diplomcy"})
    assertContains(response, f'href="{tag.get_absolute_url()}">the topic Diplomacy</a>')
    topic_page = client.get(tag.get_absolute_url())
    assertContains(topic_page, "Ministers meet in Tashkent")


def test_search_shows_the_topics_named_like_the_query_beside_the_results(client):
    tag = make_tag("Diplomacy")
    make_article("Diplomacy in the steppe", tags=[tag])
    make_article("Harvest", tags=[make_tag("Agriculture")])
    response = client.get("/search/", {"q": "diplomacy"})
    assert [a.title for a in response.context["articles"]] == ["Diplomacy in the steppe"]
    topics = f'<p class="search-topics">Topics: <a class="tag" href="{tag.get_absolute_url()}">'
    assertContains(response, topics)
    # (the header names the most used topics as sections: only the results' part is asked)
    main = response.content.decode().split('<main id="main"', 1)[1]
    assert "Agriculture" not in main


def test_no_suggestions_for_queries_with_results_or_nothing_alike(client):
    make_article("Railway")
    assert "suggestions" not in client.get("/search/", {"q": "railway"}).context
    nothing = client.get("/search/", {"q": "zzzqqq"})
    assert nothing.context["suggestions"] == []
    assert nothing.context["topics"] == []
    assertNotContains(nothing, "Did you mean")


# Issue 32.3: search finds the story in any language


def test_words_of_another_language_lead_to_its_results_and_the_switcher_keeps_the_query(client):
    make_article("Экономика растёт", language="ru", body="<p>Экономика страны растёт.</p>")
    make_article("Экономика и торговля", language="ru")
    make_article("Trade grows", body="<p>Trade.</p>")
    page = client.get("/search/", {"q": "экономика"})
    html = page.content.decode()
    assert 'href="/ru/search/?q=%D1%8D%D0%BA%D0%BE%D0%BD%D0%BE%D0%BC%D0%B8%D0%BA%D0%B0"' in html
    assert "2 results in Русский" in html
    switcher = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    assert "/ru/search/?q=" in switcher and "/kk/search/?q=" in switcher


def test_a_typo_suggests_the_word_not_headlines(client):
    make_article("Railway to the sea opens")
    make_article("Railway bridge repaired")
    html = client.get("/search/", {"q": "railwy"}).content.decode()
    assert '<a href="?q=railway">railway</a>' in html
    assert "Railway to the sea opens</a>" not in html  # the word, not three headlines


def test_a_common_word_is_ranked_among_its_newest_matches_and_says_there_are_more(
    client, monkeypatch, settings
):
    settings.PAGE_CACHE_ENABLED = False  # asked again after a change made outside a commit
    monkeypatch.setattr("articles.reading.search.CANDIDATES", 3)
    now = timezone.now()
    for age in range(4):
        make_article(
            f"Body {age}", body="<p>A railway.</p>", published_at=now - timedelta(days=age)
        )
    make_article("Railway in the title, years ago", published_at=now - timedelta(days=3000))
    response = client.get("/search/", {"q": "railway"})
    assert [a.title for a in response.context["articles"]] == ["Body 0", "Body 1", "Body 2"]
    assertContains(response, "More than 3 results: the best of the newest 3 are shown first")
    # Within the newest, the best first: a headline outranks a mention in the text.
    make_article("Railway today", published_at=now - timedelta(hours=1))
    assert results(client, "railway")[0] == "Railway today"
    # Fewer matches than that: each is ranked and counted exactly.
    assertContains(client.get("/search/", {"q": "years"}), "1 result")


def test_matches_elsewhere_are_counted_up_to_a_bound(client, monkeypatch):
    monkeypatch.setattr("articles.reading.search.ELSEWHERE", 2)
    monkeypatch.setattr("articles.reading.views.ELSEWHERE", 2)
    for n in range(3):
        make_article(f"Экономика {n}", language="ru")
    make_article("Экономика Казахстана", language="kk")
    response = client.get("/search/", {"q": "экономика"})
    assertContains(response, "More than 2 results in Русский")
    assertContains(response, "1 result in Қазақша")


@pytest.mark.parametrize("language", ["en", "ru", "kk", "uz"])
def test_each_language_is_searched_through_its_own_index(language):
    """The query's expression is the index's (PostgreSQL matches them by their parse): were they
    to differ, every search would scan the table."""
    from django.db import connection

    from articles.models.languages import language_vector
    from articles.reading.search import websearch

    with translation.override(language), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
        vector = language_vector(language)
        found = Article.objects.alias(vector=vector).filter(vector=websearch("word"))
        plan = found.order_by().explain()
    assert f"article_search_{language}_idx" in plan


def test_the_archive_generator_keeps_the_search_statistics_it_set_aside():
    from django.db import connection

    from articles.management.commands.generate_articles import indexes_set_aside

    def targets():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, a.attstattarget FROM pg_attribute a JOIN pg_class c "
                "ON c.oid = a.attrelid WHERE c.relname LIKE 'article_search_%%_idx'"
            )
            return dict(cursor.fetchall())

    before = targets()
    assert set(before.values()) == {1000} and len(before) == 4
    with indexes_set_aside(["articles_article"], lambda line: None):
        assert targets() == {}
    assert targets() == before


def test_what_a_query_found_is_kept_for_the_next_reader_until_a_list_changes(
    client, settings, committed, django_assert_max_num_queries
):
    settings.PAGE_CACHE_ENABLED = False  # the findings themselves are kept, not only the page
    started_stamp(EVERYTHING)  # as on a running site: processes keep what they read
    with committed():
        make_article("Railway opens")
    assert results(client, "railway") == ["Railway opens"]
    with django_assert_max_num_queries(0):
        assert results(client, "railway") == ["Railway opens"]
    with committed():
        make_article("Railway extended", published_at=timezone.now())
    assert results(client, "railway") == ["Railway extended", "Railway opens"]
