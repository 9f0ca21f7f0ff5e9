"""Live coverage in Chromium: a reader's open page shows new updates within seconds without a
reload, without moving what they read and without taking their focus; without JavaScript the
"Show newer updates" link does the same."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import LiveUpdate
from tests.browser.helpers import axe_violations, layout_shifts, screenshot
from tests.factories import make_article, make_author

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coverage(site, settings):
    settings.LIVE_POLL_SECONDS = 0.5
    now = timezone.now()
    article = make_article("Election night", is_live=True, published_at=now - timedelta(hours=1),
                           body="<p>Polling stations across the country.</p>" * 12)  # fmt: skip
    reporter = make_author("Aigerim Sadykova")
    for n in range(8):
        LiveUpdate.objects.create(
            article=article, author=reporter, published_at=now - timedelta(minutes=10 * (n + 1)),
            body=f"<p>Update {n}: turnout figures from the regions.</p>" * 3,
            headline="Turnout rises" if n == 3 else "", is_key_event=n == 3,
        )  # fmt: skip
    return article


def post(article, text):
    return LiveUpdate.objects.create(article=article, body=f"<p>{text}</p>")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_new_update_waits_behind_a_button_while_the_reader_reads_the_list(
    browser, site, coverage, width
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.url + coverage.get_absolute_url())
    screenshot(page, f"live-top-{width}")
    # The reader is down in the updates, a link in them focused.
    page.locator("#live .live-update").nth(4).scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")
    reading = page.locator("#live .live-time").nth(4)
    reading.focus()
    before = page.evaluate("window.scrollY")
    update = post(coverage, "Results: the count is complete.")
    button = page.locator("[data-live-show]")
    expect(button).to_be_visible(timeout=5000)
    expect(button).to_have_text("1 new update")
    expect(page.locator("[data-live-status]")).to_have_text("1 new update")
    assert page.evaluate("window.scrollY") == before  # nothing moved
    expect(reading).to_be_focused()  # nor was the focus taken
    assert page.locator(f"#update-{update.pk}").count() == 0
    assert layout_shifts(page) == []
    screenshot(page, f"live-button-{width}")
    button.click()
    expect(page.locator(f"#update-{update.pk}")).to_be_focused()
    expect(page.locator("#live .live-update").first).to_contain_text("the count is complete")
    assert axe_violations(page) == ""
    context.close()


def test_a_new_update_appears_at_once_above_a_reader_at_the_top(browser, site, coverage):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site.url + coverage.get_absolute_url())
    before = page.evaluate("window.scrollY")
    post(coverage, "Polls close in the east.")
    expect(page.locator("#live .live-update").first).to_contain_text("Polls close", timeout=5000)
    assert page.evaluate("window.scrollY") == before
    expect(page.locator("[data-live-show]")).to_be_hidden()
    assert layout_shifts(page) == []  # the list's top was below the screen
    assert axe_violations(page) == ""
    context.close()


def test_without_javascript_show_newer_updates_shows_them(browser, site, coverage):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + coverage.get_absolute_url())
    post(coverage, "A second count is ordered.")
    page.get_by_role("link", name="Show newer updates").click()
    expect(page.locator(".live .live-update").first).to_contain_text("second count")
    assert page.get_by_role("link", name="Show earlier updates").count() == 0  # eight fit
    context.close()


def test_the_end_of_coverage_stops_the_page(browser, site, coverage):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.url + coverage.get_absolute_url())
    coverage.live_ends_at = timezone.now()
    coverage.save()
    post(coverage, "Last word.")  # purges the updates' address: the next ask says it ended
    expect(page.locator("#live-title")).to_have_text("Live coverage has ended", timeout=5000)
    context.close()


PASSWORD = "a-long-passphrase-42"


def test_an_editor_covers_a_story_live_from_a_phone_while_a_reader_watches(
    browser, site, settings, django_user_model
):
    """The issue's day: an Editor starts a live page, posts ten updates from a 390 px phone,
    pins one, corrects one and ends the coverage; a reader's open page shows each update within
    seconds, and the end."""
    settings.LIVE_POLL_SECONDS = 0.5
    django_user_model.objects.create_superuser("desk", "desk@example.com", PASSWORD)
    story = make_article("Flood on the river", published_at=timezone.now() - timedelta(hours=1))
    contexts = [browser.new_context(viewport={"width": 390, "height": 844}),
                browser.new_context(viewport={"width": 1280, "height": 800})]  # fmt: skip
    try:
        editor_and_reader(site, story, *(context.new_page() for context in contexts))
    finally:
        for context in contexts:  # the reader's page polls: stopped before the server is
            context.close()


def editor_and_reader(site, story, phone, reader):
    phone.goto(site.url + "/admin/login/")
    phone.get_by_label("Username").fill("desk")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    # Start the live page: tick it on the article's form.
    phone.goto(site.url + f"/admin/articles/article/{story.pk}/change/")
    phone.get_by_role("checkbox", name="Live coverage").check()
    phone.get_by_role("button", name="Save and continue editing").click()
    phone.get_by_role("link", name="Post an update").click()
    reader.goto(site.url + story.get_absolute_url())
    for n in range(1, 11):
        started = time.monotonic()
        phone.get_by_role("textbox", name="Update").fill(f"Water level report {n}.")
        if n == 3:
            phone.get_by_label("Pin to the top").check()
        phone.get_by_role("button", name="Post").click()
        expect(phone.get_by_text("Posted: readers see it within seconds.")).to_be_visible()
        expect(reader.locator("#live")).to_contain_text(f"Water level report {n}.", timeout=5000)
        assert time.monotonic() - started < 5
    screenshot(phone, "live-post-update-390")
    # Correct the first: from its line on the phone screen.
    phone.locator(".live-list li").last.get_by_role("link", name="Correct, pin or delete").click()
    phone.get_by_label("Body").fill("<p>Water level report 1, corrected: 4.2 metres.</p>")
    phone.get_by_label("Correction").fill("The level was 4.2 metres, not 2.4.")
    phone.get_by_role("button", name="Save", exact=True).click()
    reader.reload()
    expect(reader.locator("#live")).to_contain_text("4.2 metres, not 2.4")
    expect(reader.locator(".live-pinned")).to_contain_text("Water level report 3.")
    # End the coverage: the open page says so.
    phone.goto(site.url + f"/admin/articles/article/{story.pk}/change/")
    now = timezone.localtime()
    phone.locator("#id_live_ends_at_0").fill(now.strftime("%Y-%m-%d"))
    phone.locator("#id_live_ends_at_1").fill(now.strftime("%H:%M:%S"))
    phone.get_by_role("button", name="Save and continue editing").click()
    expect(phone.locator(".messagelist .success")).to_be_visible()
    LiveUpdate.objects.create(article=story, body="<p>Last word.</p>")  # the address is asked
    expect(reader.locator("#live-title")).to_have_text("Live coverage has ended", timeout=5000)
    assert LiveUpdate.objects.filter(article=story).count() == 11
