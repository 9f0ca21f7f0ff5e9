"""Reading the site in a real browser: accessible, responsive and readable in both schemes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, layout_shifts
from tests.factories import make_article, make_author, make_tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(site):
    tag = make_tag("Energy", slug="energy")
    author = make_author("Dana Bekova", slug="dana-bekova")
    story = make_article(
        "A pipeline deal between neighbours is signed in the capital after long talks",
        standfirst="Two countries agree on gas.", body="<h2>Background</h2><p>Text.</p>" * 10,
        tags=[tag], author=author,
    )  # fmt: skip
    make_article("Older energy news", tags=[tag], author=author)
    return {
        "front page": "/",
        "article": story.get_absolute_url(),
        "tag page": "/tags/energy/",
        "author page": "/authors/dana-bekova/",
        "search results": "/search/?q=pipeline",
        "topics": "/tags/",
        "cookie page": "/cookies/",
    }


@pytest.mark.parametrize(
    "name",
    ["front page", "article", "tag page", "author page", "search results", "topics", "cookie page"],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(page, site, pages, name, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site.url + pages[name])
    assert axe_violations(page) == ""


@pytest.mark.parametrize("name", ["front page", "article", "search results", "cookie page"])
def test_nothing_overflows_a_320_pixel_screen(browser, site, pages, name):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.url + pages[name])
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert layout_shifts(page) == []
    context.close()


def test_the_skip_link_takes_keyboard_users_to_the_content(page, site, pages):
    page.goto(site.url + pages["article"])
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # the fragment lands a moment later
    expect(page.locator("#main")).to_be_focused()


def test_search_from_the_header(page, site, pages):
    page.goto(site.url + "/")
    page.get_by_role("searchbox", name="Search articles").first.fill("pipeline")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("pipeline")
    expect(page.get_by_role("link", name="A pipeline deal", exact=False)).to_be_visible()


# Issue 15, 13: small things a reader notices


def test_tap_targets_are_at_least_44_px_on_a_phone(browser, live_server, shipped_policy):
    story = make_article("Herders return", tags=[make_tag("Steppe")], author=make_author("Dana"))
    make_article("Another story", tags=[make_tag("Water")])
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("/", story.get_absolute_url()):
        page.goto(live_server.url + path)
        heights = page.eval_on_selector_all(
            ".tag, .byline, .share a, .site-header nav a",
            "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height])",
        )
        assert heights and all(h >= 44 for _, h in heights), heights
    context.close()


def test_print_shows_the_site_and_the_address_without_topic_pills(
    page, live_server, shipped_policy
):
    story = make_article("Herders return", tags=[make_tag("Steppe")])
    page.goto(live_server.url + story.get_absolute_url())
    expect(page.locator(".print-only")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.locator(".print-only")).to_contain_text(story.get_absolute_url())
    expect(page.locator(".article-footer .tags")).to_be_hidden()
