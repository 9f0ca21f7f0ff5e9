"""In Chromium: the cookie audit, outdated pages, withdrawal on a registrable domain, phones."""

import threading

import pytest
from django.core.management import CommandError, call_command
from playwright.sync_api import expect

from tests.browser.conftest import CHROME_ARGS, CHROMIUM
from tests.browser.helpers import layout_shifts
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audit(url, *paths):
    """Run `manage.py audit_cookies` in a thread of its own (Playwright's sync API wants its
    own event loop there); its report and the error it ended with, if any."""
    from io import StringIO

    out, outcome = StringIO(), {}

    def run():
        from django.db import connection

        try:
            call_command("audit_cookies", url=url, path=list(paths), pages=4, stdout=out)
        except CommandError as error:
            outcome["error"] = str(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    return out.getvalue(), outcome.get("error")


def test_the_audit_passes_on_the_shipped_site(site):
    make_article("Herders return")
    report, error = audit(site.url)
    assert error is None, report
    lines = report.splitlines()
    assert any(line.split()[:5] == ["consent", "localhost", "Strictly", "necessary", "180"]
               for line in lines), report  # fmt: skip
    assert "first visit: none" in report and "after Accept all: none" in report
    assert "Findings: none" in report


def test_the_audit_fails_on_an_undeclared_cookie_and_on_analytics_before_consent(site, settings):
    settings.ROOT_URLCONF = "tests.cookie_urls"
    report, error = audit(site.url, "/undeclared/", "/sneaky/")
    assert error and "breaks its policy" in error
    assert "first visit: tracker (set on /undeclared/) is not declared in the policy" in report
    assert "first visit: _ga (Analytics) set on /sneaky/ without consent" in report
    assert any(line.split()[:3] == ["tracker", "localhost", "undeclared"]
               for line in report.splitlines()), report  # fmt: skip


@pytest.fixture
def portal_host(browser_type, live_server, shipped_policy, settings):
    """Chromium that resolves www.portal.test (a registrable domain, portal.test) to the
    live server; the site answering to it."""
    settings.ALLOWED_HOSTS = [".portal.test", "localhost", "127.0.0.1"]
    rule = "--host-resolver-rules=MAP www.portal.test 127.0.0.1"
    browser = browser_type.launch(executable_path=CHROMIUM, args=[*CHROME_ARGS, rule])
    port = live_server.url.rsplit(":", 1)[1]
    yield browser, f"http://www.portal.test:{port}"
    browser.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_declining_deletes_google_analytics_cookies_on_the_registrable_domain(
    portal_host, javascript
):
    browser, url = portal_host
    make_article("Herders return")
    context = browser.new_context(java_script_enabled=javascript)
    context.add_cookies([
        {"name": name, "value": "GA1.1.1", "domain": ".portal.test", "path": "/"}
        for name in ("_ga", "_ga_ABC123", "_gcl_au")
    ] + [{"name": "_ga", "value": "GA1.1.2", "url": url}])  # fmt: skip
    page = context.new_page()
    page.goto(url + "/")
    page.get_by_role("region", name="Your choice about cookies").get_by_role(
        "button", name="Decline"
    ).click()
    expect(page.get_by_role("link", name="Cookies: declined")).to_be_visible()
    left = sorted((c["name"], c["domain"]) for c in context.cookies())
    assert [name for name, _ in left] == ["consent"], left
    context.close()


def test_the_banner_leaves_the_story_readable_on_a_phone(browser, live_server, shipped_policy):
    article = make_article("Herders return to the high pastures", body="<p>Words.</p>" * 40)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    banner = page.get_by_role("region", name="Your choice about cookies").bounding_box()
    headline = page.get_by_role("heading", level=1).bounding_box()
    assert banner["height"] <= 844 / 3, banner
    assert headline["y"] + headline["height"] <= banner["y"]  # the headline is not covered
    buttons = [page.get_by_role("button", name=n).bounding_box() for n in ("Accept all", "Decline")]
    assert buttons[0]["y"] == buttons[1]["y"]  # the choices share one row
    assert layout_shifts(page) == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_decision_on_a_page_older_than_the_policy_shows_the_current_text(
    browser, live_server, shipped_policy, javascript
):
    from newsportal.consent.models import ConsentEvent, CookiePolicy

    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + "/")
    CookiePolicy.objects.create(banner_text="A newer banner.", policy_text="Newer policy.")
    page.get_by_role("button", name="Accept all").first.click()
    expect(page.get_by_role("heading", name="Our cookie policy has changed")).to_be_visible()
    expect(page.get_by_text("A newer banner.")).to_be_visible()
    assert not ConsentEvent.objects.exists()  # nothing recorded against a text not shown
    page.get_by_role("button", name="Accept all").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Cookies: all allowed")).to_be_visible()
    if not javascript:  # sent back to the page they decided on
        assert page.url == live_server.url + "/"
    assert list(ConsentEvent.objects.values_list("policy_version", flat=True)) == [2]
    context.close()
