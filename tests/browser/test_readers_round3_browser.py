"""Issue 32 in Chromium: what a reader trips on, measured (the banner in every language)."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import layout_shifts, screenshot
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("prefix", ["", "/ru", "/kk", "/uz"])
def test_the_banner_takes_under_a_quarter_of_a_phone_with_equal_buttons(browser, site, prefix):
    make_article("Herders return", language=prefix.strip("/") or "en", body="<p>Words.</p>" * 30)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site.url + prefix + "/")
    banner = page.locator("#consent-banner").bounding_box()
    assert banner["height"] < 844 / 4, (prefix, banner["height"])
    buttons = page.locator("#consent-banner .consent-actions > .btn, #consent-banner summary.btn")
    boxes = [box for box in (b.bounding_box() for b in buttons.all())]
    assert len(boxes) == 3
    assert len({round(box["height"]) for box in boxes}) == 1, boxes  # equal buttons
    assert len({round(box["y"]) for box in boxes}) == 1  # one row
    assert layout_shifts(page) == []
    screenshot(page, f"banner-390{prefix.replace('/', '-') or '-en'}")
    context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (640, 400)])
def test_the_header_is_compact_on_a_phone_and_at_double_zoom(browser, site, width, height):
    """32.4: about a tenth of a phone; at 200 % zoom (1280x800 seen as 640x400) the header
    leaves most of the first screen to the page; language choice and search are still there."""
    make_article("Herders return", body="<p>Words.</p>" * 30)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site.url + "/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= max(height * 0.125, 100), header
    languages = page.get_by_role("navigation", name="Language")
    expect(languages.get_by_role("link", name="Русский")).to_be_visible()
    expect(page.get_by_role("link", name="Search", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"header-{width}x{height}")
    context.close()


def test_one_time_format_per_list(browser, site):
    """32.4: a list says "min ago" for all its articles or none, never one of each."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_tag

    now = timezone.now()
    fresh, old = make_tag("Fresh", slug="fresh"), make_tag("Old", slug="old")
    for minutes in (3, 30, 90):
        make_article(
            f"Fresh {minutes}", tags=[fresh], published_at=now - timedelta(minutes=minutes)
        )
    make_article("Fresh too", tags=[old], published_at=now - timedelta(minutes=5))
    make_article("Days old", tags=[old], published_at=now - timedelta(days=3))
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site.url + "/tags/fresh/")
    texts = page.locator("main time").all_text_contents()
    assert texts and all("ago" in text for text in texts), texts
    page.goto(site.url + "/tags/old/")
    texts = page.locator("main time").all_text_contents()
    assert len(texts) == 2 and not any("ago" in text for text in texts), texts
    for time in page.locator("main time").all():
        assert time.evaluate("t => t.getClientRects().length") == 1  # never wraps alone
    context.close()


def test_switching_to_a_language_without_a_translation_says_so(page, site):
    """32.7: the reader lands on that language's front page and is told why."""
    article = make_article("Only in English", body="<p>Words.</p>")
    page.goto(site.url + article.get_absolute_url())
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    expect(page).to_have_url(f"{site.url}/ru/#no-translation")
    expect(page.locator("#no-translation")).to_be_visible()
    expect(page.locator("#no-translation")).to_contain_text("нет перевода")
    page.goto(site.url + "/ru/")
    expect(page.locator("#no-translation")).to_be_hidden()  # an ordinary visit: nothing said


@pytest.fixture
def newsroom(site, media_root, settings):
    """A working front page: 40 stories over five topics, some with pictures, some read."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from articles.models import Image, ReadCount
    from tests.factories import make_tag
    from tests.images import image_bytes

    settings.SERVE_MEDIA = True
    topics = [make_tag(name) for name in ("Politics", "Economy", "Water", "Energy", "Sport")]
    now = timezone.now()
    picture = Image.objects.create(
        file=SimpleUploadedFile("c.jpg", image_bytes(size=(1600, 900)), "image/jpeg"), alt="Steppe"
    )
    stories = []
    for n in range(40):
        story = make_article(
            f"Headline number {n} about the region and its neighbours",
            tags=[topics[n % 5]], published_at=now - timedelta(hours=3 + n),
            cover=picture if n % 3 == 0 else None,
        )  # fmt: skip
        stories.append(story)
    for story in stories[5:10]:
        ReadCount.add_one(story.pk)
    return stories


@pytest.mark.parametrize("prefix", ["", "/ru"])
def test_the_front_page_is_as_dense_as_a_newspapers(browser, site, newsroom, prefix):
    """32.2: 15 or more headlines on the first 1280x800 screen, most read beside the latest,
    sections with their own stories, every picture a link; one calm column on a phone."""
    from articles.models import Article

    if prefix:
        Article.objects.update(language="ru")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.url + prefix + "/")
    page.evaluate("document.querySelector('#consent-banner')?.remove()")  # counted as decided
    screenshot(page, f"front-1280{prefix.replace('/', '-') or '-en'}")
    headlines = page.locator("main a[href*='/articles/']:not([aria-hidden])")
    above = [box for box in (a.bounding_box() for a in headlines.all()) if box and box["y"] < 800]
    assert len(above) >= 15, len(above)
    assert page.locator(".most-read").bounding_box()["y"] < 800  # most read is on screen
    expect(page.locator(".front-section")).to_have_count(4)
    for picture in page.locator("main img").all():
        assert picture.evaluate("i => !!i.closest('a[href]')")  # each picture leads to its story
    assert layout_shifts(page) == []
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(site.url + prefix + "/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = [phone.locator(s).bounding_box() for s in (".top-stories", ".latest", ".most-read")]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # one column
    screenshot(phone, f"front-390{prefix.replace('/', '-') or '-en'}")
    phone.context.close()
    context.close()


def test_the_language_switcher_comes_first_in_tab_order_as_on_screen(page, site):
    """32.7: after the skip link, Tab reaches the languages (first on screen) before search."""
    page.goto(site.url + "/")
    page.locator("#consent-banner").evaluate("b => b.remove()")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('nav')?.getAttribute('aria-label')")
    assert focused == "Language"
