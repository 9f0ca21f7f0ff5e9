"""Issue 12: the portal in English, Russian, Kazakh and Uzbek, with articles linked to their
translations (work in progress: what is built so far, tested)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, TagName
from newsportal.consent.models import ConsentEvent, CookiePolicy, PolicyTranslation
from newsportal.consent.translations import install
from tests.factories import make_article, make_author, make_tag
from tests.forms import change_url, form_data
from tests.helpers import SAME_ORIGIN, post_form
from tests.test_readers import VNU

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def story():
    """An English original and its Russian translation, published, sharing a topic."""
    tag = make_tag("Diplomacy", slug="diplomacy")
    TagName.objects.create(tag=tag, language="ru", name="Дипломатия", slug="diplomatiya")
    original = make_article("Allies on the steppe", slug="allies", tags=[tag])
    translation = make_article(
        "Союзники в степи", slug="soyuzniki", language="ru", translation_of=original, tags=[tag]
    )
    return original, translation, tag


# 1-2. The interface in each language, at its prefix; English at today's addresses


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Latest news"), ("ru", "Последние новости"), ("kk", "Соңғы жаңалықтар"),
     ("uz", "Soʻnggi yangiliklar")],
)  # fmt: skip
def test_each_language_has_its_front_page_with_its_lang(client, language, heading):
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/")
    assert response.status_code == 200
    assert html_lang(response) == language
    assertContains(response, heading)
    assert response["Content-Language"] == language
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "page", ["articles:tags", "articles:search", "consent:cookies", "articles:corrections"]
)
def test_every_generic_page_exists_in_every_language(client, language, page):
    from django.utils import translation

    with translation.override(language):
        url = reverse(page)
    response = client.get(url)
    assert response.status_code == 200
    assert html_lang(response) == language


def test_english_addresses_are_unchanged_and_the_browser_language_redirects_nothing(client):
    article = make_article("Herders return", slug="herders-return")
    assert article.get_absolute_url() == "/articles/herders-return/"
    for url in ["/", "/articles/herders-return/", "/tags/", "/search/?q=herders", "/cookies/"]:
        response = client.get(url, headers={"Accept-Language": "ru,kk;q=0.9"})
        assert response.status_code == 200, url
        assert html_lang(response) == "en"


@pytest.mark.parametrize("url", ["/fr/", "/de/articles/anything/", "/ru-RU/", "/en/"])
def test_an_unknown_language_prefix_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_error_pages_speak_the_addresss_language(client):
    response = client.get("/ru/articles/no-such-thing/")
    assert response.status_code == 404
    assert html_lang(response) == "ru"
    assertContains(response, "Страница не найдена", status_code=404)


# 3. Articles in a language, linked to their translations


def test_an_article_and_its_translation_offer_each_other(client):
    original, translation, _ = story()
    assert translation.get_absolute_url() == "/ru/articles/soyuzniki/"
    for article in (original, translation):
        page = client.get(article.get_absolute_url()).content.decode()
        alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', page))
        assert alternates == {
            "en": settings.SITE_URL + "/articles/allies/",
            "ru": settings.SITE_URL + "/ru/articles/soyuzniki/",
            "x-default": settings.SITE_URL + "/articles/allies/",
        }
    # The switcher: Russian leads to the translation, Kazakh (none) to its front page.
    page = client.get(original.get_absolute_url())
    assertContains(page, '<a href="/ru/articles/soyuzniki/" lang="ru" hreflang="ru">')
    assertContains(page, '<a href="/kk/#no-translation" lang="kk" hreflang="kk" rel="nofollow">')


def test_an_unpublished_translation_is_never_offered(client):
    original, translation, _ = story()
    translation.status = Article.Status.DRAFT
    translation.save()
    page = client.get(original.get_absolute_url())
    assertNotContains(page, "soyuzniki")
    assertNotContains(page, 'hreflang="x-default"')  # one language: no alternates


def test_an_article_asked_for_under_another_language_moves_there(client):
    story()
    response = client.get("/articles/soyuzniki/")
    assert response.status_code == 301
    assert response["Location"] == "/ru/articles/soyuzniki/"


def test_each_language_lists_its_own_articles(client):
    story()
    english, russian = client.get("/"), client.get("/ru/")
    assertContains(english, "Allies on the steppe")
    assertNotContains(english, "Союзники в степи")
    assertContains(russian, "Союзники в степи")
    assertNotContains(russian, "Allies on the steppe")
    # The topic in Russian: its Russian name at its Russian address; the English slug leads there.
    topic = client.get("/ru/tags/diplomatiya/")
    assertContains(topic, "<h1>Дипломатия</h1>", html=True)
    assertContains(topic, "Союзники в степи")
    assert client.get("/ru/tags/diplomacy/")["Location"] == "/ru/tags/diplomatiya/"
    # A language without articles on the topic has no page for it.
    assert client.get("/kk/tags/diplomacy/").status_code == 404


def test_feeds_are_per_language(client):
    story()
    russian = feedparser.parse(client.get("/ru/feeds/rss/").content)
    assert [e.title for e in russian.entries] == ["Союзники в степи"]
    assert russian.feed.language == "ru"
    assert russian.entries[0].link.endswith("/ru/articles/soyuzniki/")
    english = feedparser.parse(client.get("/feeds/atom/").content)
    assert [e.title for e in english.entries] == ["Allies on the steppe"]
    topic = feedparser.parse(client.get("/ru/tags/diplomatiya/rss/").content)
    assert [e.title for e in topic.entries] == ["Союзники в степи"]
    assert topic.entries[0].tags[0].term == "Дипломатия"


def test_dates_are_written_in_the_pages_language(client, settings):
    settings.TIME_ZONE, settings.TIME_LABEL = "Asia/Almaty", "Almaty time"
    from django.utils import timezone

    when = timezone.make_aware(timezone.datetime(2026, 11, 27, 4, 5), timezone.UTC)
    article = make_article("Союзники", language="ru", published_at=when)
    assertContains(
        client.get(article.get_absolute_url()), "27 ноября 2026, 09:05 по времени Алматы"
    )
    uzbek = make_article("Ittifoqchilar", language="uz", published_at=when)
    assertContains(client.get(uzbek.get_absolute_url()), "27-noyabr 2026, 09:05 Almati vaqti")


@pytest.mark.parametrize(
    ("url", "budget"),
    [("/ru/", 5), ("/ru/articles/soyuzniki/", 4), ("/ru/tags/diplomatiya/", 5)],
)  # the English pages' budgets (tests/test_pages.py)
def test_pages_in_russian_keep_the_english_query_budgets(
    client, django_assert_max_num_queries, url, budget
):
    from django.utils import translation

    from articles.reading.breaking import strip
    from articles.reading.caching import seconds_until_next_publication
    from articles.reading.front_page import most_read
    from articles.reading.sections import current_sections
    from newsportal.consent.policy import current_policy

    story()
    with translation.override("ru"):  # what a running site keeps, per language
        current_sections(), most_read("ru"), current_policy(), seconds_until_next_publication()
        strip("ru")
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    with django_assert_max_num_queries(0):
        assert client.get(url)["X-Cache"] == "hit"


# The editor: translate, see the translations, refuse a mixed group


def test_translate_to_russian_makes_a_linked_draft_and_the_original_lists_it(staff_client):
    original = make_article("Allies on the steppe", slug="allies", tags=[make_tag()])
    page = staff_client.get(change_url(original))
    assertContains(page, "Translate to Русский")
    response = staff_client.post(reverse("admin:article-translate", args=[original.pk, "ru"]))
    copy = Article.objects.get(language="ru")
    assert response["Location"] == change_url(copy)
    assert (copy.translation_of, copy.status, copy.title) == (original, "draft", original.title)
    assert list(copy.tags.all()) == list(original.tags.all())
    # Asked again: the one that exists opens, nothing is doubled.
    staff_client.post(reverse("admin:article-translate", args=[original.pk, "ru"]))
    assert Article.objects.filter(language="ru").count() == 1
    # The original changes after the translation: the list says the translation is older.
    original.body = "<p>New facts.</p>"
    original.save()
    assertContains(staff_client.get(change_url(original)), "older than the original")
    # The translation, opened and saved again unchanged, saves (and is no longer older).
    data = form_data(staff_client.get(change_url(copy)).content.decode(), "article_form")
    data["_continue"] = ["Save and continue editing"]
    assert staff_client.post(change_url(copy), data).status_code == 302
    assertNotContains(staff_client.get(change_url(original)), "older than the original")


def test_a_translation_in_the_originals_language_is_refused(staff_client):
    original = make_article("Allies", slug="allies")
    other = make_article("Allies again", slug="allies-again", status="draft")
    data = form_data(staff_client.get(change_url(other)).content.decode(), "article_form")
    data.update({"translation_of": [str(original.pk)], "language": ["en"]})
    response = staff_client.post(change_url(other), data)
    assert response.status_code == 200
    assertContains(response, "a translation is in another language")
    other.refresh_from_db()
    assert other.translation_of is None


# 4. Search per language


def test_russian_search_is_stemmed(client):
    make_article("Новый этап отношений", language="ru", body="<p>Союзнические отношения.</p>")
    assertContains(client.get("/ru/search/", {"q": "отношения"}), "Новый этап отношений")
    # English search does not find the Russian article (each language its own results).
    assertNotContains(client.get("/search/", {"q": "отношения"}), "Новый этап отношений")


@pytest.mark.parametrize(
    "typed", ["Oʻzbekiston", "O'zbekiston", "O‘zbekiston", "O’zbekiston", "O`zbekiston"]
)
def test_uzbek_search_matches_every_apostrophe(client, typed):
    make_article("Oʻzbekiston va Qozogʻiston", language="uz", body="<p>Toqayev tashrifi.</p>")
    assertContains(client.get("/uz/search/", {"q": typed}), "Oʻzbekiston va Qozogʻiston")


def test_kazakh_search_finds_kazakh_words(client):
    make_article("Тоқаев Ташкентте", language="kk", body="<p>Сапар.</p>")
    assertContains(client.get("/kk/search/", {"q": "Тоқаев"}), "Тоқаев Ташкентте")


# 5. Consent in the visitor's language


@pytest.fixture
def translated_policy(shipped_policy):
    install(CookiePolicy, PolicyTranslation)


@pytest.mark.django_db(transaction=True)
def test_the_banner_speaks_russian_and_the_decision_records_it(client, translated_policy):
    page = client.get("/ru/")
    assertContains(page, "Ваш выбор о cookie")
    assertContains(page, "С вашего разрешения мы используем")
    assertContains(page, 'action="/ru/consent/"')
    version = CookiePolicy.objects.first().version
    response = post_form(
        client, "/ru/consent/",
        {"decision": "decline", "next": "/ru/", "policy_version": version, "language": "ru"},
        **SAME_ORIGIN,
    )  # fmt: skip
    assert response.status_code in (303, 409)
    if response.status_code == 303:
        assert ConsentEvent.objects.get().language == "ru"


@pytest.mark.django_db(transaction=True)
def test_a_missing_translation_falls_back_to_english_and_is_recorded_so(client, shipped_policy):
    policy = CookiePolicy.objects.first()
    page = client.get("/uz/")
    assertContains(page, policy.banner_text)  # English, never empty
    assertContains(page, 'name="language" value="en"')
    response = post_form(
        client, "/uz/consent/",
        {"decision": "accept", "next": "/uz/", "policy_version": policy.version},
        **SAME_ORIGIN,
    )  # fmt: skip
    assert response.status_code == 303
    assert response["Location"] == "/uz/"
    assert ConsentEvent.objects.get().language == "en"


# Translations: complete, compiled


@pytest.mark.parametrize("language", ["ru", "kk", "uz"])
def test_every_reader_facing_string_is_translated(language):
    with open(ROOT / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f, locale=language)
    untranslated = [
        m.id for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]  # fmt: skip
    assert untranslated == []
    assert len(catalog) > 100


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext's xgettext is not installed")
def test_the_po_files_hold_every_string_the_code_marks(tmp_path):
    """makemessages over a copy of the code finds nothing the committed .po files lack."""
    for name in ["articles", "newsportal", "templates", "locale", "manage.py"]:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    # makemessages never connects: a database address of its own keeps the copy from starting
    # a private PostgreSQL server in the temporary folder (and leaving it running).
    unused = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/makemessages"}
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "makemessages", "-l", "ru", "--no-location",
         "--no-obsolete"],
        cwd=tmp_path, check=True, capture_output=True, env=unused,
    )  # fmt: skip
    assert not (tmp_path / "var" / "postgres").exists()  # no server was started there
    with open(tmp_path / "locale/ru/LC_MESSAGES/django.po", "rb") as f:
        found = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(ROOT / "locale/ru/LC_MESSAGES/django.po", "rb") as f:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert found - committed == set()


# Sitemaps and author pages: every alternate points back


def sitemap_alternates(client, url) -> dict[str, dict[str, str]]:
    """{loc: {hreflang: href}} of a sitemap section."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(client.get(url).content)
    sm, xhtml = "{http://www.sitemaps.org/schemas/sitemap/0.9}", "{http://www.w3.org/1999/xhtml}"
    return {
        url.find(f"{sm}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{xhtml}link")
        }
        for url in root.iter(f"{sm}url")
    }


def test_sitemaps_per_language_carry_alternates_that_point_back(client):
    story()
    index = client.get("/sitemap.xml").content.decode()
    for section in ["articles", "articles-ru", "tags", "tags-ru", "authors"]:
        assert f"/sitemap-{section}.xml</loc>" in index
    assert "sitemap-articles-kk.xml" not in index  # no Kazakh articles: no Kazakh section
    listed = {}
    for section in ["articles", "articles-ru", "tags", "tags-ru"]:
        listed.update(sitemap_alternates(client, f"/sitemap-{section}.xml"))
    site = settings.SITE_URL
    assert listed[f"{site}/ru/articles/soyuzniki/"] == {
        "en": f"{site}/articles/allies/", "ru": f"{site}/ru/articles/soyuzniki/",
        "x-default": f"{site}/articles/allies/",
    }  # fmt: skip
    assert listed[f"{site}/ru/tags/diplomatiya/"]["en"] == f"{site}/tags/diplomacy/"
    for loc, alternates in listed.items():  # each alternate lists this page back
        for language, href in alternates.items():
            if language != "x-default":
                assert listed[href][language] == href
                assert loc in listed[href].values()


def test_an_author_page_offers_the_languages_they_write_in(client):
    from tests.factories import make_author

    author = make_author("Dana Bekova", slug="dana-bekova")
    make_article("In English", author=author)
    page = client.get("/authors/dana-bekova/")
    assertNotContains(page, 'hreflang="x-default"')  # one language so far
    assert client.get("/ru/authors/dana-bekova/").status_code == 404
    make_article("По-русски", author=author, language="ru")
    page = client.get("/ru/authors/dana-bekova/").content.decode()
    alternates = dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', page))
    assert alternates["en"] == settings.SITE_URL + "/authors/dana-bekova/"
    assert alternates["ru"] == settings.SITE_URL + "/ru/authors/dana-bekova/"


def test_without_compiled_translations_pages_fall_back_to_english_never_empty(
    client, settings, tmp_path
):
    settings.LOCALE_PATHS = [tmp_path]  # no .mo at all (Django resets its catalogues)
    response = client.get("/ru/")
    assert html_lang(response) == "ru"
    assertContains(response, "Latest news")
    assertContains(response, "Skip to content")
    assert "{{" not in response.content.decode() and "%(" not in response.content.decode()


@pytest.mark.slow
@pytest.mark.skipif(
    not (VNU.exists() and shutil.which("java")), reason="the Nu validator needs npm and java"
)
def test_russian_and_uzbek_pages_are_valid_html(client, tmp_path):
    original, translation, _ = story()
    make_article("Oʻzbekiston", slug="ozbekiston", language="uz", translation_of=original)
    pages = {
        "ru-front": "/ru/", "ru-article": translation.get_absolute_url(),
        "ru-topic": "/ru/tags/diplomatiya/", "ru-search": "/ru/search/?q=союзники",
        "uz-front": "/uz/", "uz-article": "/uz/articles/ozbekiston/", "uz-cookies": "/uz/cookies/",
        "uz-404": "/uz/nothing/",
    }  # fmt: skip
    for name, url in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *sorted(tmp_path.iterdir())],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


def test_an_editor_names_a_topic_in_russian_and_saves_it_again(staff_client, client):
    tag = make_tag("Diplomacy", slug="diplomacy")
    make_article("Союзники", language="ru", tags=[tag])
    url = reverse("admin:articles_tag_change", args=[tag.pk])
    data = form_data(staff_client.get(url).content.decode(), "tag_form")
    data.update({"names-TOTAL_FORMS": ["1"], "names-0-language": ["ru"],
                 "names-0-name": ["Дипломатия"], "names-0-slug": ["diplomatiya"]})  # fmt: skip
    assert staff_client.post(url, data).status_code == 302
    assertContains(client.get("/ru/tags/diplomatiya/"), "<h1>Дипломатия</h1>", html=True)
    # Opened again and saved unchanged: nothing doubles, nothing is lost.
    data = form_data(staff_client.get(url).content.decode(), "tag_form")
    assert staff_client.post(url, data).status_code == 302
    assert list(TagName.objects.values_list("name", flat=True)) == ["Дипломатия"]
    # Another topic cannot take the same Russian address.
    other = make_tag("Diplomats", slug="diplomats")
    url = reverse("admin:articles_tag_change", args=[other.pk])
    data = form_data(staff_client.get(url).content.decode(), "tag_form")
    data.update({"names-TOTAL_FORMS": ["1"], "names-0-language": ["ru"],
                 "names-0-name": ["Дипломаты"], "names-0-slug": ["diplomatiya"]})  # fmt: skip
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assertContains(response, "Another topic has this address in this language.")


@pytest.mark.parametrize(
    ("language", "reading", "day", "topics"),
    [("en", "1 min read", "27 November 2026, 09:05 Almaty time", "Topics:"),
     ("ru", "1 минута чтения", "27 ноября 2026, 09:05 по времени Алматы", "Темы:"),
     ("kk", "1 мин оқу", "27 қараша 2026, 09:05 Алматы уақыты", "Тақырыптар:"),
     ("uz", "1 daqiqada oʻqiladi", "27-noyabr 2026, 09:05 Almati vaqti", "Mavzular:")],
)  # fmt: skip
def test_an_article_page_speaks_its_language(client, settings, language, reading, day, topics):
    from django.utils import timezone

    settings.TIME_ZONE, settings.TIME_LABEL = "Asia/Almaty", "Almaty time"
    when = timezone.make_aware(timezone.datetime(2026, 11, 27, 4, 5), timezone.UTC)
    tag = make_tag("Diplomacy")
    article = make_article("A story", language=language, published_at=when, tags=[tag])
    response = client.get(article.get_absolute_url())
    assert html_lang(response) == language
    for text in (reading, day, topics):
        assertContains(response, text)


def test_sections_are_named_in_the_pages_language(client):
    diplomacy = make_tag("Diplomacy", slug="diplomacy", section_position=1)
    TagName.objects.create(tag=diplomacy, language="ru", name="Дипломатия", slug="diplomatiya")
    make_article(tags=[diplomacy])
    make_article(tags=[diplomacy], language="ru")
    for path, name in [
        ("/", ">Diplomacy</a>"),
        ("/ru/", ">Дипломатия</a>"),
        ("/", ">Diplomacy</a>"),
    ]:
        header = client.get(path).content.decode().split("</header>")[0]
        assert name in header, path


def test_an_author_cannot_link_or_copy_another_authors_draft(django_user_model):
    from tests.forms import open_and_post
    from tests.helpers import signed_in

    writer, client = signed_in(django_user_model, "Authors", "writer")
    other, _ = signed_in(django_user_model, "Authors", "other")
    mine = make_article("My story", status="draft", published_at=None,
                        author=make_author(user=writer))  # fmt: skip
    secret = make_article("Secret headline", status="draft", published_at=None,
                          author=make_author(user=other), body="<p>Embargoed.</p>")  # fmt: skip
    public = make_article("Published story", language="en")
    response = open_and_post(client, mine, language="ru", translation_of=str(secret.pk))
    assert response.status_code == 200
    assert "translation_of" in response.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.translation_of is None
    assert open_and_post(client, mine, language="ru", translation_of=str(public.pk)
                         ).status_code == 302  # fmt: skip
    # A link made before this check: the translate button copies nothing.
    Article.objects.filter(pk=mine.pk).update(translation_of=secret, language="ru")
    translate = reverse("admin:article-translate", args=[mine.pk, "kk"])
    assert client.post(translate).status_code == 403
    assert not Article.objects.filter(body__contains="Embargoed", language="kk").exists()


def test_each_languages_feed_has_its_own_title_and_every_item_a_description(client):
    story()
    body = "<h2>Раздел</h2><p>Первый абзац <strong>текста</strong>.</p><p>Второй.</p>"
    make_article("Без подводки", language="ru", standfirst="", body=body)
    english = feedparser.parse(client.get("/feeds/rss/").content)
    russian = feedparser.parse(client.get("/ru/feeds/rss/").content)
    assert english.feed.title != russian.feed.title and "Русский" in russian.feed.title
    topic = feedparser.parse(client.get("/ru/tags/diplomatiya/rss/").content)
    assert "Русский" in topic.feed.title
    described = {e.title: e.description for e in russian.entries}
    assert described["Без подводки"] == "Первый абзац текста."
    assert all(described.values())


def test_uzbek_and_kazakh_results_are_highlighted_as_written(client):
    """32.3: the search matches Uzbek words whatever apostrophe was typed; the snippet marks
    them, the text shown as written."""
    body = "<p>Bugun Oʻzbekiston va Qozogʻiston suv kelishuvini imzoladi.</p>"
    make_article("Suv kelishuvi", language="uz", body=body)
    html = client.get("/uz/search/", {"q": "O'zbekiston"}).content.decode()
    assert "<mark>Oʻzbekiston</mark> va Qozogʻiston" in html
    make_article("Сапар", language="kk", body="<p>Тоқаев Ташкентте болды.</p>")
    html = client.get("/kk/search/", {"q": "тоқаев"}).content.decode()
    assert "<mark>Тоқаев</mark> Ташкентте" in html


def test_a_russian_name_in_the_lead_is_highlighted(client):
    make_article("Визит в Ташкент", language="ru", standfirst="Мирзиёев встретил гостей.",
                 body="<p>Переговоры прошли в столице.</p>")  # fmt: skip
    html = client.get("/ru/search/", {"q": "Мирзиёев"}).content.decode()
    assert "<mark>Мирзиёев</mark>" in html
