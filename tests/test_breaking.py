"""The breaking-news line: on every public page of its language from its start to its end, with
no page rendered again for it, gone at its end with nothing to do."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, BreakingNews
from newsportal.invalidation import EVERYTHING, started_stamp
from tests.factories import make_article, make_tag
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
LINE = "Polls close: results expected after midnight"


@pytest.fixture
def story():
    started_stamp(EVERYTHING)  # as on a running site
    return make_article("Election night", tags=[make_tag("Politics", slug="politics")])


def set_line(committed, language="en", minutes=60, starts_in=0, **fields):
    now = timezone.now()
    with committed():
        return BreakingNews.objects.create(
            text=LINE, language=language, starts_at=now + timedelta(minutes=starts_in),
            ends_at=now + timedelta(minutes=minutes), **fields,
        )  # fmt: skip


def later(minutes):
    at = timezone.now() + timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=at), mock.patch(
        "time.time", return_value=at.timestamp()
    )


def test_the_line_shows_on_every_page_of_its_language_without_rendering_them_again(
    client, story, committed
):
    pages = ["/", story.get_absolute_url(), "/tags/politics/", "/search/?q=election"]
    for page in pages:
        assert client.get(page).status_code == 200  # stored before the line exists
    set_line(committed, article=story)
    for page in pages:
        response = client.get(page)
        assert response["X-Cache"] == "hit", page  # not rendered again
        assert int(response["Content-Length"]) == len(response.content)  # what is sent now
        assertContains(response, LINE)
        assertContains(response, f'<a href="{story.get_absolute_url()}">{LINE}</a>')
        assertNotContains(response, "<esi:include")
    assertNotContains(client.get("/ru/"), LINE)  # another language's pages


def test_a_line_whose_story_is_not_public_shows_without_a_link(client, story, committed):
    set_line(committed, article=story)
    story.status = Article.Status.DRAFT
    with committed():
        story.save()
    response = client.get("/")
    assertContains(response, LINE)
    assertNotContains(response, f'href="{story.get_absolute_url()}"')


def test_it_comes_and_goes_by_the_clock_with_nothing_to_do(client, story, committed):
    set_line(committed, starts_in=10, minutes=30)
    assertNotContains(client.get("/"), LINE)
    now, clock = later(11)
    with now, clock:
        assertContains(client.get("/"), LINE)
    now, clock = later(31)
    with now, clock:
        assertNotContains(client.get("/"), LINE)


def test_the_line_alone_is_kept_until_it_changes_by_the_clock(client, story, committed):
    set_line(committed, minutes=5)
    response = client.get(reverse("articles:breaking"))
    assertContains(response, LINE)
    assert "breaking" in response["xkey"].split()
    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 0 < max_age <= 300


def test_behind_an_edge_pages_keep_the_include_for_it_to_fill(client, story, committed):
    set_line(committed)
    response = client.get("/", HTTP_SURROGATE_CAPABILITY="edge=ESI/1.0")
    assertContains(response, '<esi:include src="/breaking/"/>')
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assertNotContains(response, LINE)
    ru = client.get("/ru/", HTTP_SURROGATE_CAPABILITY="edge=ESI/1.0")
    assertContains(ru, '<esi:include src="/ru/breaking/"/>')


def test_a_browser_revalidating_its_copy_gets_the_new_line(client, story, committed):
    first = client.get("/")
    etag = first["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    set_line(committed)
    again = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assertContains(again, LINE)


def test_editors_set_the_line_and_an_end_before_the_start_is_refused(
    django_user_model, committed, client
):
    _, editor = signed_in(django_user_model, "Editors", "desk")
    add = reverse("admin:articles_breakingnews_add")
    assert editor.get(add).status_code == 200
    now = timezone.localtime()
    form = {
        "text": LINE, "language": "en",
        "starts_at_0": now.strftime("%Y-%m-%d"), "starts_at_1": now.strftime("%H:%M:%S"),
        "ends_at_0": now.strftime("%Y-%m-%d"), "ends_at_1": "00:00:00",
    }  # fmt: skip
    refused = editor.post(add, {**form, "ends_at_0": "2000-01-01"})
    assertContains(refused, "The end must come after the start.")
    soon = now + timedelta(hours=1)
    with committed():
        saved = editor.post(add, {**form, "ends_at_0": soon.strftime("%Y-%m-%d"),
                                  "ends_at_1": soon.strftime("%H:%M:%S")})  # fmt: skip
    assert saved.status_code == 302
    assertContains(client.get("/"), LINE)
    # Opened again and saved unchanged: still one line, still showing.
    news = BreakingNews.objects.get()
    change = reverse("admin:articles_breakingnews_change", args=[news.pk])
    assert editor.get(change).status_code == 200
    with committed():
        editor.post(change, {**form, "ends_at_0": soon.strftime("%Y-%m-%d"),
                             "ends_at_1": soon.strftime("%H:%M:%S")})  # fmt: skip
    assert BreakingNews.objects.count() == 1
    assertContains(client.get("/"), LINE)


def test_authors_cannot_set_the_line(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "writer")
    assert author.get(reverse("admin:articles_breakingnews_add")).status_code == 403
