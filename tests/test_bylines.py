"""Shared bylines: several authors in order, the lead first. Each is named on the page ("By A, B
and C" in each language), in the cards, feeds and structured data; each author's page and feed
lists the article; an Author may edit a draft they share, and only those."""

import json
import re

import feedparser
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Byline
from articles.reading.caching import author_key
from newsportal.invalidation import EVERYTHING, started_stamp
from tests.factories import make_article, make_author
from tests.forms import change_url, form_data
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
ADD = reverse("admin:articles_article_add")


def share(article, *authors):
    for position, author in enumerate(authors, start=1):
        Byline.objects.create(article=article, author=author, position=position)
    return article


@pytest.fixture
def trio():
    dana, erlan, aida = (
        make_author("Dana Sarsen"),
        make_author("Erlan Ospan"),
        make_author("Aida Nur"),
    )
    article = share(make_article("Summit ends", author=dana), erlan, aida)
    return {"article": article, "dana": dana, "erlan": erlan, "aida": aida}


def json_ld(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1))


def byline_text(response) -> str:
    html = response.content.decode()
    header = html[html.index("<header>", html.index('<article class="article"')) :]
    meta = re.search(r'<p class="meta meta-parts">(.*?)</p>', header, re.S).group(1)
    first = re.search(r"<span>(.*?)</span>", meta, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", first)).strip()


# Readers


def test_the_page_reads_by_a_b_and_c_in_order_each_linked(client, trio):
    response = client.get(trio["article"].get_absolute_url())
    assert byline_text(response) == "By Dana Sarsen, Erlan Ospan and Aida Nur"
    html = response.content.decode()
    for who in ("dana", "erlan", "aida"):
        assert f'href="{trio[who].get_absolute_url()}" rel="author"' in html


def test_one_author_reads_as_before(client):
    article = make_article("Alone", author=make_author("Dana Sarsen"))
    assert byline_text(client.get(article.get_absolute_url())) == "By Dana Sarsen"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Авторы: Dana Sarsen, Erlan Ospan и Aida Nur"),
        ("kk", "Авторлары: Dana Sarsen, Erlan Ospan және Aida Nur"),
        ("uz", "Mualliflar: Dana Sarsen, Erlan Ospan va Aida Nur"),
    ],
)
def test_the_byline_is_in_the_pages_language(client, language, expected):
    dana, erlan, aida = (
        make_author("Dana Sarsen"),
        make_author("Erlan Ospan"),
        make_author("Aida Nur"),
    )
    article = share(make_article("Саммит", author=dana, language=language), erlan, aida)
    assert byline_text(client.get(article.get_absolute_url())) == expected


def test_two_authors_are_joined_by_and_alone(client):
    article = share(make_article("Pair", author=make_author("Dana")), make_author("Erlan"))
    assert byline_text(client.get(article.get_absolute_url())) == "By Dana and Erlan"


def test_the_order_is_the_editors_not_the_alphabets(client, trio):
    Byline.objects.filter(author=trio["aida"]).update(position=0)
    response = client.get(trio["article"].get_absolute_url())
    assert byline_text(response) == "By Dana Sarsen, Aida Nur and Erlan Ospan"


def test_cards_name_every_author(client, trio):
    html = client.get("/").content.decode()
    card = html[html.index("Summit ends") :]
    assert re.search(r"Dana Sarsen</a>, <a[^>]*>Erlan Ospan</a> and <a[^>]*>Aida Nur</a>", card)


def test_each_authors_page_and_feeds_list_the_shared_article(client, trio):
    for who in ("dana", "erlan", "aida"):
        author = trio[who]
        assertContains(client.get(author.get_absolute_url()), "Summit ends")
        for name in ("articles:author-rss", "articles:author-atom"):
            feed = feedparser.parse(client.get(reverse(name, args=[author.slug])).content)
            assert [entry.title for entry in feed.entries] == ["Summit ends"], (who, name)
            assert feed.entries[0].author == "Dana Sarsen, Erlan Ospan and Aida Nur"


def test_a_co_author_is_in_the_author_sitemap_and_has_their_page_in_each_language(client, trio):
    sitemap = client.get("/sitemap-authors.xml").content.decode()
    assert trio["erlan"].get_absolute_url() in sitemap
    assert client.get(f"/ru{trio['erlan'].get_absolute_url()}").status_code == 404  # none in ru


def test_json_ld_names_each_author_in_order(client, trio):
    data = json_ld(client.get(trio["article"].get_absolute_url()))
    assert [a["name"] for a in data["author"]] == ["Dana Sarsen", "Erlan Ospan", "Aida Nur"]
    assert all(a["@type"] == "Person" and a["url"].startswith("http") for a in data["author"])


def test_a_co_author_of_a_draft_has_no_public_page_for_it(client):
    draft = make_article("Secret", author=make_author("Dana"), status=Article.Status.DRAFT)
    erlan = make_author("Erlan")
    share(draft, erlan)
    assert client.get(erlan.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:author-rss", args=[erlan.slug])).status_code == 404


def test_shared_bylines_keep_the_query_budgets(client, warm_caches, django_assert_max_num_queries):
    dana = make_author("Dana")
    others = [make_author(f"Reporter {n}") for n in range(3)]
    articles = [share(make_article(f"Story {n}", author=dana), *others) for n in range(12)]
    for url, budget in [
        (articles[0].get_absolute_url(), 4),
        (others[1].get_absolute_url(), 5),
        (reverse("articles:author-rss", args=[others[1].slug]), 3),
    ]:
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
        assertContains(response, "Reporter 2")


# Purges


def test_adding_or_removing_a_co_author_purges_their_page_and_the_articles(client, committed):
    started_stamp(EVERYTHING)
    dana, erlan = make_author("Dana"), make_author("Erlan")
    article = make_article("Summit ends", author=dana)
    make_article("Earlier", author=erlan)  # Erlan has a page before
    urls = [erlan.get_absolute_url(), article.get_absolute_url(), dana.get_absolute_url()]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
    with committed():
        byline = Byline.objects.create(article=article, author=erlan)
    assert [client.get(url)["X-Cache"] for url in urls] == ["miss", "miss", "miss"]
    assertContains(client.get(erlan.get_absolute_url()), "Summit ends")
    with committed():
        byline.delete()
    assertNotContains(client.get(erlan.get_absolute_url()), "Summit ends")
    assertNotContains(client.get(article.get_absolute_url()), "Erlan")


def test_swapping_a_co_author_purges_both_pages(committed, django_capture_on_commit_callbacks):
    dana, erlan, aida = make_author("Dana"), make_author("Erlan"), make_author("Aida")
    article = make_article("Summit ends", author=dana)
    Byline.objects.create(article=article, author=erlan)
    byline = Byline.objects.get()
    byline.author = aida
    with django_capture_on_commit_callbacks() as callbacks:
        byline.save()
    purged = set()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("newsportal.invalidation.purge", lambda keys: purged.update(keys))
        for callback in callbacks:
            callback()
    assert {author_key(erlan.pk), author_key(aida.pk), author_key(dana.pk)} <= purged


def test_unpublishing_purges_every_co_authors_page(client, trio, committed):
    url = trio["aida"].get_absolute_url()
    client.get(url)
    article = trio["article"]
    article.status = Article.Status.DRAFT
    with committed():
        article.save()
    assert client.get(url).status_code == 404


# The newsroom


def test_editors_add_order_and_resave_a_shared_byline_in_the_admin(staff_client):
    dana, erlan, aida = make_author("Dana"), make_author("Erlan"), make_author("Aida")
    article = make_article("Summit ends", author=dana)
    data = form_data(staff_client.get(change_url(article)).content.decode(), "article_form")
    data.update({
        "bylines-TOTAL_FORMS": ["2"], "bylines-0-author": [str(erlan.pk)],
        "bylines-0-position": ["2"], "bylines-1-author": [str(aida.pk)],
        "bylines-1-position": ["1"], "_continue": ["Save and continue editing"],
    })  # fmt: skip
    response = staff_client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(pk=article.pk)
    assert [a.name for a in article.authors] == ["Dana", "Aida", "Erlan"]
    # The second time: open what was saved, save it unchanged, then change one field.
    page = staff_client.get(change_url(article)).content.decode()
    assert "Shared byline" in page
    again = form_data(page, "article_form")
    assert again["bylines-INITIAL_FORMS"] == ["2"]
    assert staff_client.post(change_url(article), again).status_code == 302
    assert [a.name for a in Article.objects.get(pk=article.pk).authors] == ["Dana", "Aida", "Erlan"]
    again = form_data(staff_client.get(change_url(article)).content.decode(), "article_form")
    again["title"] = ["Summit ends in a deal"]
    assert staff_client.post(change_url(article), again).status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title == "Summit ends in a deal"
    assert [a.name for a in article.authors] == ["Dana", "Aida", "Erlan"]


def test_the_lead_twice_or_a_co_author_twice_is_refused_and_nothing_is_lost(staff_client):
    dana, erlan = make_author("Dana"), make_author("Erlan")
    article = share(make_article("Summit ends", author=dana), erlan)
    data = form_data(staff_client.get(change_url(article)).content.decode(), "article_form")
    data.update({"bylines-TOTAL_FORMS": ["2"], "bylines-1-author": [str(dana.pk)],
                 "bylines-1-position": ["2"], "title": ["Changed"]})  # fmt: skip
    response = staff_client.post(change_url(article), data)
    assert response.status_code == 200
    assertContains(response, "This is the lead author already.")
    data["bylines-1-author"] = [str(erlan.pk)]
    response = staff_client.post(change_url(article), data)
    assert response.status_code == 200
    assertContains(response, "This author is already on the byline.")
    article.refresh_from_db()
    assert article.title == "Summit ends"
    assert [a.name for a in article.authors] == ["Dana", "Erlan"]


def test_a_post_without_the_byline_section_keeps_the_byline(staff_client, trio):
    article = trio["article"]
    data = form_data(staff_client.get(change_url(article)).content.decode(), "article_form")
    data = {k: v for k, v in data.items() if not k.startswith("bylines-")}
    data["title"] = ["Summit ends, in short"]
    assert staff_client.post(change_url(article), data).status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title == "Summit ends, in short"
    assert [a.name for a in article.authors] == ["Dana Sarsen", "Erlan Ospan", "Aida Nur"]


def test_an_author_edits_a_draft_they_share_and_the_lead_stays(django_user_model):
    user, client = signed_in(django_user_model, "Authors", "erlan")
    erlan, dana = make_author("Erlan", user=user), make_author("Dana")
    shared = share(make_article("Shared draft", author=dana, status=Article.Status.DRAFT), erlan)
    others = make_article("Someone else's", author=dana, status=Article.Status.DRAFT)
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Shared draft" in changelist and "Someone else" not in changelist
    data = form_data(client.get(change_url(shared)).content.decode(), "article_form")
    data["title"] = ["Shared draft, edited"]
    assert client.post(change_url(shared), data).status_code == 302
    shared.refresh_from_db()
    assert shared.title == "Shared draft, edited"
    assert shared.author == dana  # not taken over by who saved it
    assert [a.name for a in shared.authors] == ["Dana", "Erlan"]
    assert client.get(change_url(others)).status_code == 302  # not theirs: back to the list
    assert client.get(reverse("articles:preview", args=[shared.pk])).status_code == 200
    assert client.get(reverse("articles:preview", args=[others.pk])).status_code == 404


def test_an_author_cannot_edit_a_shared_article_once_published(django_user_model):
    user, client = signed_in(django_user_model, "Authors", "erlan")
    article = share(make_article("Out", author=make_author("Dana")), make_author(user=user))
    data = form_data(client.get(change_url(article)).content.decode(), "article_form")
    data["title"] = ["Hijacked"]
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.title == "Out"


def test_an_author_on_a_shared_live_byline_may_post_updates(django_user_model):
    user, client = signed_in(django_user_model, "Authors", "erlan")
    article = share(make_article("Count", author=make_author("Dana"), is_live=True),
                    make_author(user=user))  # fmt: skip
    url = reverse("admin:articles_article_post_update", args=[article.pk])
    assert client.get(url).status_code == 200
    other = make_article("Other count", author=make_author("Aida"), is_live=True)
    assert (
        client.get(reverse("admin:articles_article_post_update", args=[other.pk])).status_code
        == 403
    )


def test_a_translation_keeps_the_shared_byline(trio):
    copy = trio["article"].translate("ru")
    assert [a.name for a in copy.authors] == ["Dana Sarsen", "Erlan Ospan", "Aida Nur"]
