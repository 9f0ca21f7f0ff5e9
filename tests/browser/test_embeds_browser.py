"""Issue 11.3 in Chromium: before consent the page asks nothing of any provider; "Load this once"
loads one embed on this page only; "Always allow" records a decision and loads them all, now and
on later pages; both buttons are reachable by keyboard; axe finds nothing."""

import pytest
from playwright.sync_api import expect

from newsportal.consent.models import ConsentEvent
from tests.browser.helpers import axe_violations
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
TELEGRAM = "https://t.me/durov/123"


def bare(url, text=None):
    return f'<p><a href="{url}">{text or url}</a></p>'


@pytest.fixture
def story(site):
    body = "<p>Herders return.</p>" + bare(YOUTUBE, "The herders' song") + bare(TELEGRAM)
    return make_article("Herders return", body=body)


@pytest.fixture
def outside(page, site):
    """Every request the page makes to another host, answered with nothing."""
    asked = []

    def route(route):
        if route.request.url.startswith(site.url):
            return route.continue_()
        asked.append(route.request.url)
        return route.fulfill(status=204, body="")

    page.route("**/*", route)
    return asked


def test_before_consent_no_request_reaches_any_provider(page, site, story, outside):
    page.goto(site.url + story.get_absolute_url())
    page.wait_for_load_state("networkidle")
    expect(page.locator("figure.embed")).to_have_count(2)
    expect(page.locator("iframe")).to_have_count(0)
    assert outside == []
    first = page.locator("#embed-1")
    expect(first).to_contain_text("YouTube: The herders' song")
    expect(first.get_by_role("link", name="Open it on YouTube")).to_have_attribute("href", YOUTUBE)
    assert axe_violations(page) == ""


def test_load_this_once_loads_one_embed_on_this_page_only(page, site, story, outside):
    page.goto(site.url + story.get_absolute_url())
    page.locator("#embed-1").get_by_role("button", name="Load this once").click()
    frame = page.locator("#embed-1 iframe")
    expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    expect(frame).to_be_focused()
    expect(page.locator("#embed-2 iframe")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert outside and all(url.startswith("https://www.youtube-nocookie.com/") for url in outside)
    assert not ConsentEvent.objects.exists()  # nothing recorded, nothing remembered
    page.reload()
    expect(page.locator("iframe")).to_have_count(0)


def test_always_allow_records_a_decision_and_loads_every_embed(page, site, story, outside):
    page.goto(site.url + story.get_absolute_url())
    page.locator("#embed-2").get_by_role("button", name="Always allow external media").click()
    expect(page.locator("#embed-1 iframe")).to_have_count(1)  # both, without a reload
    expect(page.locator("#embed-2 iframe")).to_have_attribute(
        "src", "https://t.me/durov/123?embed=1"
    )
    event = ConsentEvent.objects.get()
    assert event.choices == {"analytics": False, "marketing": False, "media": True}
    later = make_article("Another story", body=bare("https://vimeo.com/76979871"))
    page.goto(site.url + later.get_absolute_url())
    expect(page.locator("iframe")).to_have_attribute(
        "src", "https://player.vimeo.com/video/76979871?dnt=1"
    )  # rendered with the page, from the decision


def test_the_keyboard_reaches_both_buttons(page, site, story):
    page.goto(site.url + story.get_absolute_url())
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Load this once" in reached
    assert "Always allow external media" in reached


def test_without_javascript_the_link_and_always_allow_work(browser, site, story):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + story.get_absolute_url())
    expect(page.get_by_role("button", name="Load this once")).to_have_count(0)  # needs a script
    expect(page.get_by_role("link", name="Open it on YouTube")).to_be_visible()
    page.locator("#embed-1").get_by_role("button", name="Always allow external media").click()
    page.wait_for_load_state()
    assert page.url.endswith(story.get_absolute_url() + "#embed-1")
    expect(page.locator("#embed-1 iframe")).to_have_count(1)
    context.close()


# Issue 32.6: the frame takes the placeholder's place without moving the text; paper shows links


@pytest.mark.parametrize("width", [390, 1280])
def test_loading_an_embed_moves_nothing_below_it(browser, site, story, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site.url)
               else r.fulfill(status=204, body=""))  # fmt: skip
    page.goto(site.url + story.get_absolute_url())
    box = page.locator("#embed-1 .embed-box")
    before = box.bounding_box()
    below = page.locator("#embed-2").bounding_box()["y"]
    page.locator("#embed-1").get_by_role("button", name="Load this once").click()
    expect(page.locator("#embed-1 iframe")).to_have_count(1)
    after = box.bounding_box()
    assert round(after["height"]) == round(before["height"])  # same size
    assert page.locator("#embed-2").bounding_box()["y"] == below  # nothing moved
    context.close()


def test_on_paper_an_embed_is_its_link_not_buttons(page, site, story):
    page.goto(site.url + story.get_absolute_url())
    page.emulate_media(media="print")
    first = page.locator("#embed-1")
    expect(first.get_by_role("button", name="Load this once")).to_be_hidden()
    expect(first.get_by_role("link", name="Open it on YouTube")).to_be_visible()
    after = first.get_by_role("link", name="Open it on YouTube").evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert YOUTUBE in after
