"""Issue 15 in Chromium: the front page's hierarchy at 390 and 1280 px, crops, "2 h ago", the
focal point picked with a click, and share links made without losing unsaved edits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Image, ReadCount
from tests.browser.helpers import axe_violations, caret_at_the_end
from tests.factories import make_article, make_tag
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_cover(article, size, focus=(50, 50)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    article.cover = Image.objects.create(
        file=SimpleUploadedFile("c.jpg", image_bytes(size=size), "image/jpeg"),
        alt="A picture", focus_x=focus[0], focus_y=focus[1],
    )  # fmt: skip
    article.save()
    return article


@pytest.fixture
def front(site, media_root, settings):
    settings.SERVE_MEDIA = True
    make_tag("Politics", section_position=1)
    make_tag("Economy", section_position=2)
    now = timezone.now()
    stories = [
        make_article(f"Story number {n}", published_at=now - timedelta(hours=2, minutes=n))
        for n in range(8)
    ]
    with_cover(stories[0], (600, 1000), focus=(70, 20))  # a portrait lead
    with_cover(stories[1], (1600, 900))
    with_cover(stories[5], (2000, 500))
    ReadCount.add_one(stories[6].pk)
    return stories


@pytest.mark.parametrize("width", [390, 1280])
def test_the_front_page_reads_like_a_news_site(page, site, front, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site.url + "/")
    lead = page.locator(".lead-story")
    beside = page.locator(".secondary-story")
    expect(beside).to_have_count(3)
    lead_box, first_beside = lead.bounding_box(), beside.first.bounding_box()
    if width == 1280:
        # Wide (issue 32.2): the three stories under the lead, the latest beside them and the
        # most read beside those, as a newspaper lays out its front.
        assert first_beside["y"] > lead_box["y"] + lead_box["height"] - 1
        assert lead_box["width"] > 500  # about half the page
        latest = page.locator(".latest").bounding_box()
        assert latest["x"] > lead_box["x"] + lead_box["width"]
        assert page.locator(".most-read").bounding_box()["x"] > latest["x"] + latest["width"]
    else:
        assert first_beside["y"] > lead_box["y"] + lead_box["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    # Every crop is 16:9 whatever the picture's shape, centred where the editor said.
    for image in page.locator("img.crop").all():
        box = image.bounding_box()
        if box is None:
            continue  # not shown at this width (the latest column's thumbnails on a desktop)
        assert abs(box["width"] / box["height"] - 16 / 9) < 0.02
    lead_image = page.locator(".lead-image")
    assert lead_image.evaluate("i => getComputedStyle(i).objectPosition") == "70% 20%"
    # Sections in the header, the most read list, and "2 h ago" written from the <time>.
    expect(page.locator(".sections a")).to_have_text(["Politics", "Economy", "All topics"])
    expect(page.locator(".most-read li")).to_have_text(["Story number 6"])
    expect(lead.locator("time")).to_have_text("2 h ago")
    assert "Almaty time" in lead.locator("time").get_attribute("title")
    assert axe_violations(page) == ""


def test_the_article_page_counts_a_read_with_its_beacon(page, site, front):
    page.goto(site.url + front[3].get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert ReadCount.objects.get(article=front[3]).count == 1
    assert page.context.cookies() == []  # counted without a cookie


def test_a_tall_cover_fits_the_screen_on_the_article(page, site, front):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + front[0].get_absolute_url())
    box = page.locator(".cover img").bounding_box()
    assert box["height"] <= 900 * 0.8 + 1  # the 600x1000 portrait no longer fills 1,008 px


def test_the_focal_point_is_set_by_clicking_the_picture(page, site, front, django_user_model):
    django_user_model.objects.create_superuser("chief", "c@example.com", "pass-Word-42")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "pass-Word-42")
    page.click("input[type=submit]")
    page.goto(site.url + f"/admin/articles/article/{front[1].pk}/change/")
    picture = page.locator("[data-focal-picker]")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    expect(page.locator("#id_cover_focus_x")).to_have_value("25")
    expect(page.locator("#id_cover_focus_y")).to_have_value("75")
    expect(page.locator(".focal-marker")).to_be_visible()
    # Share links: made without leaving the page, so an unsaved edit stays in the form.
    page.fill("#id_title", "An edit not saved yet")
    page.get_by_role("button", name="Make a share link").click()
    expect(page.locator(".share-list .share-url")).to_have_count(1)
    expect(page.locator("#id_title")).to_have_value("An edit not saved yet")
    page.get_by_role("button", name="Save and continue editing").click()
    front[1].refresh_from_db()
    assert (front[1].title, front[1].cover.focus_x, front[1].cover.focus_y) == (
        "An edit not saved yet", 25, 75,
    )  # fmt: skip


def test_a_feed_opened_in_a_browser_reads_as_a_page(page, site, front):
    response = page.goto(site.url + "/feeds/rss/")
    assert response.ok
    headline = page.get_by_text("Story number 0", exact=True)
    expect(headline).to_be_visible()
    assert headline.evaluate("e => getComputedStyle(e).fontWeight") == "700"


def test_text_typed_after_a_link_does_not_join_it(page, site, django_user_model):
    """Issue 15.3: with the library's autolink on, the link mark was inclusive."""
    article = make_article(body='<p>See <a href="https://example.org/">the report</a></p>')
    django_user_model.objects.create_superuser("chief", "c@example.com", "pass-Word-42")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "pass-Word-42")
    page.click("input[type=submit]")
    page.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    editor = page.locator(".tiptap.ProseMirror[contenteditable=true]")
    caret_at_the_end(page, editor)
    page.keyboard.type(" today.")
    # The heading menu's caret is drawn, not a glyph a font may lack.
    caret = page.locator(".prose-menubar__selected").first
    assert caret.evaluate("e => getComputedStyle(e, '::after').content") == '""'
    page.get_by_role("button", name="Save and continue editing").click()
    article.refresh_from_db()
    assert '<a href="https://example.org/" rel="noopener noreferrer">the report</a> today.' in (
        article.body
    )
