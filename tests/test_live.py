"""Live coverage: updates posted from a phone reach the live page, its updates' addresses, its
feed and its structured data after commit (and only after), never leak from an unpublished
article, page by keyset and are purged by key."""

import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, LiveUpdate
from articles.reading import live
from articles.reading.paging import Cursor
from newsportal.invalidation import EVERYTHING, started_stamp
from tests.factories import make_article, make_author
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def coverage():
    started_stamp(EVERYTHING)  # as on a running site: processes keep what they read
    return make_article(
        "Election night", author=make_author("Dana"), is_live=True, published_at=timezone.now()
    )


def post(article, body="<p>Polls close.</p>", minutes_ago=0, **fields):
    return LiveUpdate.objects.create(
        article=article,
        body=body,
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def newest_cursor(client, article) -> str:
    page = client.get(article.get_absolute_url()).content.decode()
    return re.search(r'data-newest="([^"]+)"', page).group(1)


def new_updates_url(article, after) -> str:
    return f"{reverse('articles:live-new', args=[article.slug])}?after={after}"


# Readers


def test_the_live_page_lists_updates_newest_first_with_their_own_links(client, coverage):
    first = post(coverage, "<p>Polls close.</p>", minutes_ago=10)
    second = post(coverage, "<p>First results.</p>", minutes_ago=5, headline="Results")
    page = client.get(coverage.get_absolute_url())
    html = page.content.decode()
    assert html.index("First results") < html.index("Polls close")
    assertContains(page, f'id="update-{second.pk}"')
    assertContains(page, f'href="{coverage.get_absolute_url()}#update-{first.pk}"')
    assertContains(page, "Show newer updates")  # without JavaScript: the page again
    assertContains(page, "js/live.js")


def test_pinned_and_key_events_are_summarised_at_the_top(client, coverage):
    post(coverage, "<p>Turnout at 61 percent.</p>", minutes_ago=20, is_key_event=True)
    post(coverage, "<p>How to follow tonight.</p>", minutes_ago=30, is_pinned=True)
    post(coverage, "<p>Routine.</p>", minutes_ago=1)
    html = client.get(coverage.get_absolute_url()).content.decode()
    summary = html[html.index('id="live-title"') : html.index("data-live-list")]
    assert "How to follow tonight" in summary and "Key events" in summary
    assert "Turnout at 61 percent" in summary and "Routine" not in summary


def test_new_updates_reach_the_updates_address_after_commit_and_only_after(
    client, coverage, django_capture_on_commit_callbacks
):
    post(coverage, minutes_ago=5)
    after = newest_cursor(client, coverage)
    url = new_updates_url(coverage, after)
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks() as callbacks:
        post(coverage, "<p>Recount ordered.</p>")
        assertNotContains(client.get(url), "Recount ordered")  # not committed: not purged
    for callback in callbacks:
        callback()
    fresh = client.get(url)
    assert fresh["X-Cache"] == "miss"
    assertContains(fresh, "Recount ordered")
    assert "live-" in fresh["xkey"] and f"article-{coverage.pk}" in fresh["xkey"]


@pytest.mark.parametrize("change", ["correct", "pin", "delete"])
def test_correcting_pinning_and_deleting_reach_the_page(client, coverage, committed, change):
    update = post(coverage, "<p>Turnout 16 percent.</p>", minutes_ago=1)
    client.get(coverage.get_absolute_url())
    with committed():
        if change == "delete":
            update.delete()
        else:
            update.body = "<p>Turnout 61 percent.</p>"
            update.correction = "The turnout was 61 percent, not 16." if change == "correct" else ""
            update.is_pinned = change == "pin"
            update.save()
    page = client.get(coverage.get_absolute_url())
    assert page["X-Cache"] == "miss"
    if change == "delete":
        assertNotContains(page, "Turnout")
    else:
        assertContains(page, "Turnout 61 percent")
        assertNotContains(page, "Turnout 16 percent")
    if change == "correct":
        assertContains(page, "The turnout was 61 percent, not 16.")
    if change == "pin":
        assertContains(page, "Pinned")


@pytest.mark.parametrize("state", ["draft", "scheduled", "not live"])
def test_an_unpublished_or_unlive_article_leaks_no_update(client, coverage, state):
    update = post(coverage, "<p>Secret count.</p>")
    if state == "draft":
        Article.objects.filter(pk=coverage.pk).update(status=Article.Status.DRAFT)
    elif state == "scheduled":
        Article.objects.filter(pk=coverage.pk).update(
            published_at=timezone.now() + timedelta(hours=1)
        )
    else:
        Article.objects.filter(pk=coverage.pk).update(is_live=False)
    slug = coverage.slug
    for url in (
        new_updates_url(coverage, Cursor(update.published_at - timedelta(1), 0)),
        reverse("articles:live-updates", args=[slug]),
        reverse("articles:live-atom", args=[slug]),
    ):
        assert client.get(url).status_code == 404, url
    assertNotContains(client.get("/search/", {"q": "secret"}), "Secret count")


@pytest.mark.parametrize("timed", ["update", "end"])
def test_a_timed_update_or_end_shows_on_cached_pages_when_its_time_comes(client, coverage, timed):
    post(coverage, "<p>Counting.</p>", minutes_ago=1)
    if timed == "update":
        post(coverage, "<p>Embargoed statement.</p>", minutes_ago=-2)
    else:
        Article.objects.filter(pk=coverage.pk).update(
            live_ends_at=timezone.now() + timedelta(minutes=2)
        )
    url = coverage.get_absolute_url()
    page = client.get(url)
    assertNotContains(page, "Embargoed statement")
    assertNotContains(page, "data-live-title>Live coverage has ended")
    assert client.get(url)["X-Cache"] == "hit"
    later = timezone.now() + timedelta(minutes=2, seconds=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("time.time", return_value=later.timestamp()),
    ):
        page = client.get(url)
    ended = "data-live-title>Live coverage has ended"
    assertContains(page, "Embargoed statement" if timed == "update" else ended)


def test_earlier_updates_page_by_keyset_with_equal_times(client, coverage, monkeypatch):
    monkeypatch.setattr(live, "PAGE_SIZE", 2)
    moment = timezone.now() - timedelta(minutes=5)
    updates = [post(coverage, f"<p>Update {n}.</p>") for n in range(5)]
    LiveUpdate.objects.filter(pk__in=[u.pk for u in updates]).update(published_at=moment)
    seen, url = [], coverage.get_absolute_url()
    page = client.get(url).content.decode()
    seen += re.findall(r"Update (\d)\.", page[page.index("data-live-list") :])
    while (older := re.search(r'href="([^"]*/live/[^"]*\?before=[^"]+)"', page)) is not None:
        page = client.get(older.group(1).replace("&amp;", "&")).content.decode()
        seen += re.findall(r"Update (\d)\.", page[page.index("live-updates") :])
    assert seen == ["4", "3", "2", "1", "0"]


@pytest.mark.parametrize("after", ["nonsense", "-", "99999999999999999999-1", ""])
def test_a_malformed_cursor_is_a_404_not_an_error(client, coverage, after):
    url = f"{reverse('articles:live-new', args=[coverage.slug])}?after={after}"
    assert client.get(url).status_code == 404
    assert client.get(f"{reverse('articles:live-updates', args=[coverage.slug])}?before={after}")\
        .status_code in (200, 404)  # fmt: skip


def test_the_live_page_and_its_updates_address_keep_a_query_budget(
    client, coverage, django_assert_max_num_queries
):
    for n in range(30):
        post(coverage, f"<p>Update {n}.</p>", minutes_ago=60 - n, author=make_author(f"R{n}"))
    client.get("/")  # what a process reads once: the schedule, the policy, the sections...
    # An article page's 4 (tests/test_pages.py), and its updates, pinned, key events, next
    # timed update: however many updates and authors.
    with django_assert_max_num_queries(8):
        assert client.get(coverage.get_absolute_url()).status_code == 200
    url = new_updates_url(coverage, Cursor(timezone.now() - timedelta(days=1), 0))
    with django_assert_max_num_queries(3):  # the article, its updates, its next timed one
        assert client.get(url).status_code == 200


def test_when_coverage_ends_the_page_says_so_and_stops_updating(client, coverage):
    post(coverage, minutes_ago=3)
    Article.objects.filter(pk=coverage.pk).update(live_ends_at=timezone.now() - timedelta(1))
    page = client.get(coverage.get_absolute_url())
    assertContains(page, "Live coverage has ended")
    assertNotContains(page, "data-new-url")
    assertNotContains(page, "js/live.js")


# Structured data, feed, news sitemap


def json_ld(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_live_blog_posting_names_coverage_and_updates(client, coverage, committed):
    update = post(coverage, "<p>Polls close at eight.</p>", headline="Polls close",
                  author=make_author("Aigerim"))  # fmt: skip
    data = json_ld(client.get(coverage.get_absolute_url()))
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] and "coverageEndTime" not in data
    (entry,) = data["liveBlogUpdate"]
    assert entry["@type"] == "BlogPosting"
    assert entry["headline"] == "Polls close"
    assert entry["articleBody"] == "Polls close at eight."
    assert entry["author"]["name"] == "Aigerim"
    assert entry["url"].endswith(f"#update-{update.pk}")
    for required in ("headline", "datePublished", "author", "publisher", "mainEntityOfPage"):
        assert required in data
    coverage.live_ends_at = timezone.now() + timedelta(hours=2)
    with committed():
        coverage.save()
    assert json_ld(client.get(coverage.get_absolute_url()))["coverageEndTime"]


def test_the_live_page_has_an_atom_feed_of_its_updates(client, coverage):
    update = post(coverage, "<p>Count resumes.</p>", headline="Count resumes")
    feed = client.get(reverse("articles:live-atom", args=[coverage.slug]))
    assert feed.status_code == 200
    assertContains(feed, "<title>Count resumes</title>")
    assertContains(feed, f"#update-{update.pk}")


def test_a_live_article_stays_in_the_news_sitemap_while_live(client, coverage):
    Article.objects.filter(pk=coverage.pk).update(published_at=timezone.now() - timedelta(days=5))
    assertContains(client.get("/sitemap-news.xml"), coverage.slug)
    Article.objects.filter(pk=coverage.pk).update(live_ends_at=timezone.now() - timedelta(1))
    client.get("/")
    assertNotContains(client.get("/sitemap-news.xml?fresh=1"), coverage.slug)


# The newsroom


def post_screen(article) -> str:
    return reverse("admin:articles_article_post_update", args=[article.pk])


def test_an_author_posts_to_their_live_article_from_the_phone_screen(
    client, coverage, django_user_model, committed
):
    user, author_client = signed_in(django_user_model, "Authors", "reporter")
    coverage.author.user = user
    coverage.author.save()
    screen = author_client.get(post_screen(coverage))
    assert screen.status_code == 200
    assertContains(screen, 'name="body"')
    with committed():
        done = author_client.post(post_screen(coverage),
                                  {"body": "Crowds gather.", "is_key_event": "on"})  # fmt: skip
    assert done.status_code == 302
    update = LiveUpdate.objects.get()
    assert update.is_key_event and update.author == coverage.author
    assertContains(client.get(coverage.get_absolute_url()), "Crowds gather.")
    # Saved again unchanged, from its own page: still one update, a revision more.
    change = reverse("admin:articles_liveupdate_change", args=[update.pk])
    form = author_client.get(change)
    assert form.status_code == 200
    again = author_client.post(change, {
        "headline": "", "body": update.body, "is_key_event": "on",
        "published_at_0": timezone.localtime(update.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(update.published_at).strftime("%H:%M:%S"),
        "correction": "",
    })  # fmt: skip
    assert again.status_code == 302
    assert LiveUpdate.objects.count() == 1
    from reversion.models import Version

    assert Version.objects.get_for_object(update).count() == 2


def test_others_cannot_post_to_an_article_that_is_not_theirs(coverage, django_user_model):
    _, other = signed_in(django_user_model, "Authors", "stranger")
    assert other.get(post_screen(coverage)).status_code == 403
    assert other.post(post_screen(coverage), {"body": "Hijack."}).status_code == 403
    assert not LiveUpdate.objects.exists()


def test_an_empty_update_is_refused_with_a_message(staff_client, coverage):
    response = staff_client.post(post_screen(coverage), {"body": "   "})
    assert response.status_code == 200
    assertContains(response, "This field is required")
    assert not LiveUpdate.objects.exists()


def test_update_bodies_are_sanitized(staff_client, coverage):
    staff_client.post(
        post_screen(coverage), {"body": '<p onclick="x()">Hi<script>x()</script></p>'}
    )
    assert LiveUpdate.objects.get().body == "<p>Hi</p>"


def test_the_article_form_shows_its_updates_and_the_post_link(staff_client, coverage):
    post(coverage, "<p>From the inline.</p>")
    form = staff_client.get(reverse("admin:articles_article_change", args=[coverage.pk]))
    assertContains(form, "From the inline.")
    assertContains(form, post_screen(coverage))
