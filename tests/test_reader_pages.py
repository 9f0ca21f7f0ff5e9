"""Issue 15: the reader's pages and the admin's frictions, point by point (browser checks are
in tests/browser/test_reader_pages_browser.py)."""

import re
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ReadCount, RetiredFile, ShareLink, Tag
from tests.factories import make_article, make_author, make_tag
from tests.forms import change_url, form_data, open_and_post
from tests.images import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


# 12. Times in the newsroom's time zone, with its name; "ago" on lists


def test_times_are_in_the_newsrooms_zone_with_its_name(client, settings):
    settings.TIME_ZONE, settings.TIME_LABEL = "Asia/Almaty", "Almaty time"
    when = timezone.make_aware(timezone.datetime(2026, 11, 27, 4, 5), timezone.UTC)
    article = make_article("Herders return", published_at=when)
    page = client.get(article.get_absolute_url())
    # 04:05 UTC is 09:05 in Almaty (UTC+5); the <time> keeps the exact moment.
    assertContains(
        page,
        '<time datetime="2026-11-27T04:05:00+00:00">27 November 2026, 09:05 Almaty time</time>',
    )
    front = client.get("/")
    # Lists: the day alone (short on a phone), the exact time as its title; "2 h ago" where a
    # whole list is from the last day (static/js/site.js; issue 32.4).
    assertContains(front, 'data-ago title="27 November 2026, 09:05 Almaty time">27 Nov 2026</time>')


# 11. Crops around a focal point the editor sets


def test_the_focal_point_is_set_in_the_admin_and_crops_centre_on_it(admin_client, client):
    article = make_article("Herders return")
    response = open_and_post(
        admin_client, article, cover_image=upload(image_bytes(size=(600, 1000))),
        cover_alt="A herder", cover_focus_x="72", cover_focus_y="18",
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.cover.focus_x, article.cover.focus_y) == (72, 18)
    front = client.get("/").content.decode()
    assert re.search(r'<img class="lead-image crop fx-70 fy-20"', front)
    page = client.get(article.get_absolute_url())
    assertContains(page, '<img class="fx-70 fy-20"')  # the article: whole, or cut around it
    # Saved again unchanged: the point stays (a form that does not send it keeps it too).
    assert open_and_post(admin_client, article).status_code == 302
    article.refresh_from_db()
    assert (article.cover.focus_x, article.cover.focus_y) == (72, 18)
    assert open_and_post(admin_client, article, cover_focus_x="").status_code == 302
    article.refresh_from_db()
    assert article.cover.focus_x == 72


@pytest.mark.parametrize("value", ["101", "-1", "middle"])
def test_a_focal_point_outside_the_picture_is_refused(admin_client, value):
    article = make_article()
    response = open_and_post(admin_client, article, cover_focus_x=value)
    assert response.status_code == 200
    assert "cover_focus_x" in response.context["adminform"].form.errors


def test_cards_show_a_16_to_9_crop_whatever_the_pictures_shape(admin_client, client):
    for n in range(4):
        make_article(f"Top story {n}")  # made first: the newest (factories count back in time)
    for size in ((600, 1000), (2000, 500)):
        article = make_article()
        open_and_post(
            admin_client, article, cover_image=upload(image_bytes(size=size)), cover_alt="x"
        )
    html = client.get("/").content.decode()
    linked = r'<a class="thumb" href="[^"]+" tabindex="-1" aria-hidden="true">'
    thumbs = re.findall(linked + r'<img class="crop [^"]+"[^>]*>', html)
    assert len(thumbs) == 2  # each picture links to its story (issue 32.2)
    assert all('width="160" height="90"' in thumb for thumb in thumbs)


# 10. A front page with a hierarchy, sections and a most read list


def test_sections_chosen_by_editors_lead_every_pages_header(client, committed):
    make_article(tags=[make_tag("Politics", section_position=2)])
    make_tag("Economy", section_position=1)
    make_tag("Sport")  # a topic, not a section
    article = make_article()
    for path in ("/", article.get_absolute_url(), "/tags/", "/search/?q=x"):
        html = client.get(path).content.decode()
        nav = re.search(r'<nav class="sections" aria-label="Sections">(.*?)</nav>', html).group(1)
        assert re.findall(r">([^<]+)</a>", nav) == ["Economy", "Politics", "All topics"], path
    # A new section reaches pages already cached.
    assert client.get("/")["X-Cache"] == "hit"
    with committed():
        Tag.objects.filter(name="Sport").update()  # nothing: no purge
        sport = Tag.objects.get(name="Sport")
        sport.section_position = 3
        sport.save()
    page = client.get("/")
    assert page["X-Cache"] == "miss"
    assertContains(page, ">Sport</a></li>")
    with committed():
        sport.section_position = None
        sport.save()
    assertNotContains(client.get("/"), ">Sport</a></li>")


def test_the_page_counts_a_read_without_cookies_or_personal_data(client):
    article = make_article()
    page = client.get(article.get_absolute_url())
    beacon = reverse("articles:count-read", args=[article.pk])
    assertContains(page, f'data-read="{beacon}"')
    # What navigator.sendBeacon(url) sends: a POST with no body and no content type.
    response = client.generic("POST", beacon, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="R/1")
    assert response.status_code == 204
    assert not response.cookies
    client.generic("POST", beacon)
    count = ReadCount.objects.get()
    assert (count.article_id, count.count, count.day) == (article.pk, 2, timezone.localdate())
    # Nothing about the reader is kept: the row has no other field.
    assert {f.name for f in ReadCount._meta.get_fields()} == {"id", "article", "day", "count"}


@pytest.mark.parametrize("bad", ["draft", "unknown", "get"])
def test_the_read_beacon_refuses_what_is_not_a_published_article(client, bad):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    if bad == "get":
        assert client.get(reverse("articles:count-read", args=[draft.pk])).status_code == 405
    else:
        pk = draft.pk if bad == "draft" else 999_999
        assert client.generic("POST", reverse("articles:count-read", args=[pk])).status_code == 404
    assert not ReadCount.objects.exists()
    assert client.generic("POST", "/read/abc/").status_code == 404


def test_the_front_page_lists_the_most_read_and_keeps_its_budget(
    client, warm_caches, django_assert_max_num_queries
):
    quiet, popular = make_article("Quiet story"), make_article("Popular story")
    old = make_article("Read last week")
    for _ in range(3):
        ReadCount.add_one(popular.pk)
    ReadCount.add_one(quiet.pk)
    ReadCount.objects.create(article=old, day=timezone.localdate() - timedelta(days=7), count=50)
    assert [a.title for a in ReadCount.most_read("en")] == ["Popular story", "Quiet story"]
    from django.core.cache import cache

    cache.delete("articles:most-read:en")
    with django_assert_max_num_queries(6):  # the budget of 5, and the list counted once
        html = client.get("/").content.decode()
    aside = re.search(r'<aside class="most-read".*?</aside>', html, re.S).group(0)
    assert re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', aside) == [
        "Popular story", "Quiet story",
    ]  # fmt: skip


# 13. Author pages, author feeds, the topic index, lists


def test_an_author_page_has_photo_role_bio_and_a_feed(admin_client, client, committed):
    author = make_author("Aigerim Sadykova")
    page = admin_client.get(reverse("admin:articles_author_change", args=[author.pk]))
    data = form_data(page.content.decode(), "author_form")
    data.update(role=["Central Asia correspondent"], bio=["Writes from Almaty."])
    data["photo"] = upload(image_bytes(size=(1200, 1200)))
    assert admin_client.post(page.request["PATH_INFO"], data).status_code == 302
    author.refresh_from_db()
    assert author.photo.name.startswith(f"authors/{author.slug}-")
    assert author.photo.width == 400  # made small; cleaned like every upload
    make_article("Herders return", author=author)
    html = client.get(author.get_absolute_url())
    assertContains(html, '<img class="author-photo"')
    assertContains(html, '<p class="author-role">Central Asia correspondent</p>')
    assertContains(html, "Writes from Almaty.")
    feed_url = reverse("articles:author-rss", args=[author.slug])
    assertContains(html, f'href="{feed_url}"')
    served = client.get(feed_url)
    # It reads as a page in a browser (a CSS stylesheet), and stays a valid feed.
    assert served.content.split(b"\n")[1].startswith(b'<?xml-stylesheet type="text/css"')
    feed = feedparser.parse(served.content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Herders return"]
    atom = feedparser.parse(client.get(reverse("articles:author-atom", args=[author.slug])).content)
    assert atom.version == "atom10" and len(atom.entries) == 1
    # Saved again with nothing changed: the photo stays as it is.
    page = admin_client.get(reverse("admin:articles_author_change", args=[author.pk]))
    data = form_data(page.content.decode(), "author_form")
    assert admin_client.post(page.request["PATH_INFO"], data).status_code == 302
    author.refresh_from_db()
    assert author.photo.width == 400
    # A new photo replaces the old one, retired once the change is committed (kept for a while).
    old = author.photo.name
    page = admin_client.get(reverse("admin:articles_author_change", args=[author.pk]))
    data = form_data(page.content.decode(), "author_form")
    data["photo"] = upload(image_bytes(size=(600, 600), color=(0, 90, 0)))
    with committed():
        assert admin_client.post(page.request["PATH_INFO"], data).status_code == 302
    author.refresh_from_db()
    assert author.photo.name != old
    assert default_storage.exists(author.photo.name)
    assert RetiredFile.objects.filter(name=old).exists()


def test_no_author_feed_before_anything_of_theirs_is_public(client):
    author = make_author()
    make_article(author=author, status=Article.Status.DRAFT, published_at=None)
    assert client.get(reverse("articles:author-rss", args=[author.slug])).status_code == 404
    assert client.get("/authors/nobody/rss/").status_code == 404


def test_the_topic_index_is_grouped_by_first_letter(client):
    for name in ("Agriculture", "aviation", "Banking", "Zoology"):
        make_article(tags=[make_tag(name)])
    html = client.get("/tags/").content.decode()
    assert re.findall(r'<h2 id="letter-\d+">(\w)</h2>', html) == ["A", "B", "Z"]
    assertContains(
        client.get("/tags/"), '<nav class="letters" aria-label="Topics by first letter">'
    )


# 2. No silent loss: share links listed, made without leaving the page; the cover


def test_share_links_are_listed_with_expiry_and_made_without_leaving_the_page(admin_client):
    draft = make_article("Draft", status=Article.Status.DRAFT, published_at=None)
    share = reverse("admin:article-share", args=[draft.pk])
    answer = admin_client.post(share, {"hours": "24"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    link = ShareLink.objects.get()
    assert link.url in answer.json()["html"]
    assert timedelta(hours=23, minutes=59) < link.expires_at - timezone.now() <= timedelta(hours=24)
    page = admin_client.get(change_url(draft))
    assertContains(page, f'value="{link.url}"')
    assertContains(page, "data-copy")
    assert Client().get(link.url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    # Revoking asks first; then the list is empty and the link stops working.
    revoke = reverse("admin:article-revoke", args=[draft.pk])
    refused = admin_client.post(revoke, {}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "tick the box" in refused.json()["html"]
    assert admin_client.post(revoke, {"confirm": "yes"}).status_code == 302
    assertNotContains(admin_client.get(change_url(draft)), f'value="{link.url}"')
    assert Client().get(link.url.removeprefix("http://127.0.0.1:8000")).status_code == 404
    bad = admin_client.post(share, {"hours": "5"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400


def test_a_cover_chosen_before_a_validation_error_is_named_not_silently_dropped(admin_client):
    article = make_article()
    response = open_and_post(
        admin_client, article, title="", cover_image=upload(image_bytes(), name="herders.jpg"),
        cover_alt="Herders",
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert (
        "herders.jpg" in errors["cover_image"][0] and "choose it again" in errors["cover_image"][0]
    )


# 3. Writing: a new topic typed into the tag box


def test_a_new_topic_typed_into_the_tag_box_is_made_on_save(admin_client):
    existing = make_tag("Diplomacy")
    article = make_article()
    response = open_and_post(
        admin_client, article, tags=[str(existing.pk), "Water rights", "diplomacy"]
    )
    assert response.status_code == 302
    assert sorted(t.name for t in article.tags.all()) == ["Diplomacy", "Water rights"]
    made = Tag.objects.get(name="Water rights")
    assert made.slug == "water-rights"
    # Saved again: nothing new is made.
    assert open_and_post(admin_client, article).status_code == 302
    assert Tag.objects.count() == 2
    assertContains(admin_client.get(change_url(article)), 'data-tags="true"')


def test_a_typed_topic_survives_a_validation_error_and_a_too_long_one_is_refused(admin_client):
    article = make_article()
    response = open_and_post(admin_client, article, title="", tags=["Water rights"])
    assert response.status_code == 200
    assertContains(response, '<option value="Water rights" selected>Water rights</option>')
    assert not Tag.objects.exists()
    response = open_and_post(admin_client, article, tags=["x" * 101])
    assert response.status_code == 200
    assert "at most 100 characters" in str(response.context["adminform"].form.errors["tags"])


# 5. The Author's read-only view; a preview's share buttons


def test_an_author_reading_their_published_article_sees_text_and_picture(
    admin_client, django_user_model
):
    article = make_article(body="<p>Herders <strong>return</strong>.</p>")
    open_and_post(admin_client, article, cover_image=upload(image_bytes()), cover_alt="Herders")
    user = django_user_model.objects.create_user("writer", password=None, is_staff=True)
    user.groups.add(Group.objects.get(name="Authors"))
    article.refresh_from_db()
    article.author = make_author(user=user)
    article.save()
    client = Client()
    client.force_login(user)
    page = client.get(change_url(article))
    assert page.status_code == 200
    assertContains(page, '<div class="body-as-read"><p>Herders <strong>return</strong>.</p></div>')
    assertNotContains(page, "&lt;p&gt;Herders")
    assertContains(page, "<img src=")
    assertContains(page, "data-focal-picker")


def test_a_preview_has_no_share_buttons_for_an_address_that_is_not_public(admin_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    page = admin_client.get(reverse("articles:preview", args=[draft.pk]))
    assertContains(page, "Preview.")
    assertNotContains(page, 'aria-label="Share this article"')
    assertNotContains(page, "data-read=")  # nor counted as read
