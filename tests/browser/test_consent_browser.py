"""The cookie banner in a real browser: with and without JavaScript, by mouse and by keyboard."""

import pytest
from playwright.sync_api import expect

from newsportal.consent.models import ConsentEvent, ConsentRecord
from tests.browser.helpers import axe_violations, layout_shifts
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_article(site):
    return make_article("A story to read", body="<p>Words.</p>" * 30)


def banner(page):
    return page.get_by_role("region", name="Your choice about cookies")


def test_first_visit_shows_the_banner_without_shifting_the_layout(page, site, live_article):
    page.goto(site.url + live_article.get_absolute_url())
    expect(banner(page)).to_be_visible()
    for name in ["Accept all", "Decline"]:
        expect(banner(page).get_by_role("button", name=name)).to_be_visible()
    expect(banner(page).get_by_text("Choose", exact=True)).to_be_visible()
    assert layout_shifts(page) == []


def test_the_three_choices_are_the_same_size(page, site, live_article):
    page.goto(site.url + "/")
    boxes = [
        banner(page).get_by_role("button", name="Accept all").bounding_box(),
        banner(page).get_by_role("button", name="Decline").bounding_box(),
        banner(page).get_by_text("Choose", exact=True).bounding_box(),
    ]
    assert len({(round(b["width"]), round(b["height"])) for b in boxes}) == 1, boxes


def test_a_banner_read_only_in_part_waits_out_of_sight(page, site, live_article):
    """A slow phone paints what it has read so far: a banner painted without its buttons would
    grow upwards as they arrive and move the page. Served cut off inside the banner's form (as a
    slow connection leaves it), the banner is not shown; served whole, it is."""
    url = site.url + live_article.get_absolute_url()
    whole = page.request.get(url).text()
    half_read = whole[: whole.index('class="consent-actions"')]
    page.route(url, lambda route: route.fulfill(body=half_read, content_type="text/html"))
    page.goto(url)
    expect(page.locator("#consent-banner")).to_be_attached()
    expect(page.locator("#consent-banner")).to_be_hidden()
    page.unroute(url)
    page.goto(url)
    expect(banner(page)).to_be_visible()


@pytest.mark.parametrize(("button", "choices"), [
    ("Decline", {"analytics": False, "marketing": False, "media": False}),
    ("Accept all", {"analytics": True, "marketing": True, "media": True}),
])  # fmt: skip
def test_a_decision_hides_the_banner_survives_a_reload_and_is_stored(
    page, site, live_article, button, choices
):
    page.goto(site.url + live_article.get_absolute_url())
    banner(page).get_by_role("button", name=button).click()
    expect(banner(page)).to_have_count(0)
    assert page.url.endswith(live_article.get_absolute_url())  # no navigation happened
    expect(page.locator("#main")).to_be_focused()
    page.reload()
    expect(banner(page)).to_have_count(0)
    assert ConsentRecord.objects.get().choices == choices


def test_choose_then_change_the_choice_on_the_cookie_page(page, site, live_article):
    page.goto(site.url + "/")
    banner(page).get_by_text("Choose", exact=True).click()
    banner(page).get_by_label("Analytics").check()
    banner(page).get_by_role("button", name="Save my choices").click()
    expect(banner(page)).to_have_count(0)
    assert ConsentRecord.objects.get().choices == {
        "analytics": True,
        "marketing": False,
        "media": False,
    }

    # The footer says the new state at once (updated in place), and leads to the settings.
    page.get_by_role("link", name="Cookies: analytics allowed").click()
    expect(page.get_by_text("You allowed: Analytics")).to_be_visible()
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("status")).to_contain_text("you declined all optional cookies")
    expect(page.get_by_role("link", name="Cookies: declined")).to_be_visible()
    assert ConsentRecord.objects.get().choices == {
        "analytics": False,
        "marketing": False,
        "media": False,
    }
    assert ConsentEvent.objects.count() == 2


def test_the_whole_flow_with_the_keyboard_alone(page, site, live_article):
    page.goto(site.url + live_article.get_absolute_url())
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(banner(page).get_by_role("link", name="Read the cookie policy")).to_be_focused()
    page.keyboard.press("Tab")
    expect(banner(page).get_by_role("button", name="Accept all")).to_be_focused()
    page.keyboard.press("Tab")
    expect(banner(page).get_by_role("button", name="Decline")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # opens "Choose"
    page.keyboard.press("Tab")  # the necessary box is disabled: straight to Analytics
    expect(banner(page).get_by_label("Analytics")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(banner(page).get_by_label("Marketing")).to_be_checked()
    page.keyboard.press("Tab")
    expect(banner(page).get_by_label("External media")).to_be_focused()
    page.keyboard.press("Tab")
    expect(banner(page).get_by_role("button", name="Save my choices")).to_be_focused()
    page.keyboard.press("Enter")
    expect(banner(page)).to_have_count(0)
    assert ConsentRecord.objects.get().choices == {
        "analytics": False,
        "marketing": True,
        "media": False,
    }


def test_everything_works_with_javascript_disabled(browser, site, live_article):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + live_article.get_absolute_url())
    banner(page).get_by_role("button", name="Decline").click()
    page.wait_for_load_state()
    # Sent back to the story as they had it (issue 32.5), not to the footer; the footer's line
    # says what they chose.
    assert page.url == site.url + live_article.get_absolute_url()
    expect(banner(page)).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    expect(page.locator("#consent-choice")).to_contain_text("Cookies: declined")
    page.goto(site.url + "/cookies/")
    expect(page.get_by_text("You declined all optional cookies.")).to_be_visible()
    page.get_by_role("button", name="Accept all").click()
    expect(page.get_by_text("You accepted all cookies.")).to_be_visible()
    assert ConsentEvent.objects.count() == 2
    context.close()


@pytest.mark.parametrize("path", ["/", "article", "/cookies/"])
def test_axe_finds_no_violations_with_the_banner_open(page, site, live_article, path):
    page.goto(site.url + (live_article.get_absolute_url() if path == "article" else path))
    if path != "/cookies/":
        expect(banner(page)).to_be_visible()
        banner(page).get_by_text("Choose", exact=True).click()
    assert axe_violations(page) == ""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_contrast_problems_in_either_colour_scheme(page, site, live_article, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(site.url + live_article.get_absolute_url())
    assert axe_violations(page) == ""


def test_google_consent_mode_starts_denied_and_follows_the_choice(
    page, site, live_article, settings
):
    settings.GOOGLE_TAG_ID = "G-TEST123"
    page.goto(site.url + "/")
    consent_calls = """() => window.dataLayer
        .filter((args) => args[0] === "consent")
        .map((args) => [args[1], args[2].analytics_storage, args[2].ad_storage])"""
    expect(page.locator("script[data-tag-id]")).to_have_count(1)
    page.wait_for_function("() => window.dataLayer && window.dataLayer.length > 0")
    assert page.evaluate(consent_calls) == [["default", "denied", "denied"]]
    banner(page).get_by_text("Choose", exact=True).click()
    banner(page).get_by_label("Analytics").check()
    banner(page).get_by_role("button", name="Save my choices").click()
    expect(banner(page)).to_have_count(0)
    assert page.evaluate(consent_calls)[-1] == ["update", "granted", "denied"]


# The banner never hides what has focus, and a decision keeps the reader's place


HIDDEN_BEHIND_BANNER = """() => {
    const banner = document.querySelector("[data-consent-banner]");
    const el = document.activeElement;
    if (!banner || !el || el === document.body || banner.contains(el)) return false;
    const r = el.getBoundingClientRect(), b = banner.getBoundingClientRect();
    return r.bottom > b.top + 1;  // any part of it under the banner
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_no_tab_stop_is_hidden_behind_the_open_banner(browser, site, width):
    for n in range(12):
        make_article(f"Story {n}", tags=[])
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(site.url + "/")
    hidden, stops = [], 0
    for _ in range(70):
        page.keyboard.press("Tab")
        stops += 1
        if page.evaluate(HIDDEN_BEHIND_BANNER):
            hidden.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert stops == 70 and not hidden, hidden
    context.close()


def test_the_page_h1_leads_the_heading_order_with_the_banner_open(page, site, live_article):
    page.goto(site.url + live_article.get_absolute_url())
    expect(banner(page)).to_be_visible()
    assert page.evaluate("document.querySelector('h1, h2, h3, h4').tagName") == "H1"


def test_a_decision_keeps_the_readers_place_and_says_it_was_saved(page, site, live_article):
    page.goto(site.url + live_article.get_absolute_url())
    page.mouse.wheel(0, 700)
    page.wait_for_function("window.scrollY > 300")
    before = page.evaluate("window.scrollY")
    banner(page).get_by_role("button", name="Decline").click()
    expect(banner(page)).to_have_count(0)
    toast = page.get_by_role("status").filter(has_text="Saved: you declined all optional cookies")
    expect(toast).to_be_visible()
    assert abs(page.evaluate("window.scrollY") - before) <= 2


def test_the_cookie_page_form_shows_what_was_saved(page, site):
    page.goto(site.url + "/cookies/")
    page.get_by_role("checkbox", name="Analytics").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status").first).to_contain_text("you allowed: analytics")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator("[data-consent-current]")).to_contain_text("you declined")
    expect(
        page.get_by_role("checkbox", name="Analytics")
    ).not_to_be_checked()  # saving now grants nothing
    page.get_by_role("button", name="Accept all").click()
    expect(page.get_by_role("checkbox", name="Marketing")).to_be_checked()
