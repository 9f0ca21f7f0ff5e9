"""The newsroom's tools in Chromium: two editors at once, autosave, and admin pages that fit."""

import pytest
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, Autosave, Correction
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def editors(django_user_model, site, browser):
    for name in ("chief", "deputy"):
        django_user_model.objects.create_superuser(name, f"{name}@example.com", PASSWORD)
    yield ["chief", "deputy"]
    for context in browser.contexts:  # no autosave may still be posting at teardown
        context.close()


def signed_in_page(browser, site, name, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Site administration")).to_be_visible()
    return page


def test_two_editors_at_once_the_second_save_is_refused_and_nothing_is_lost(browser, site, editors):
    article = make_article("Herders return", body="<p>The herd moved north.</p>")
    url = f"{site.url}/admin/articles/article/{article.pk}/change/"
    first, second = (signed_in_page(browser, site, name) for name in editors)
    first.goto(url)
    second.goto(url)
    first.get_by_label("Title").fill("Herders return to the north")
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.get_by_label("Title").fill("Herders come back")
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.locator(".errorlist.nonfield")).to_contain_text(
        "saved this article while you were editing it"
    )
    expect(second.get_by_label("Title")).to_have_value("Herders come back")  # nothing lost
    article.refresh_from_db()
    assert article.title == "Herders return to the north"
    second.get_by_role("link", name="compare with their version").click()
    expect(second.get_by_role("heading", name="Revisions")).to_be_visible()


def test_autosave_keeps_what_is_typed_and_offers_it_back_after_a_crash(browser, site, editors):
    article = make_article("Herders return")
    page = signed_in_page(browser, site, "chief")
    page.goto(f"{site.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Title").fill("Typed before the crash")
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft copy kept", timeout=15000)
    assert Autosave.objects.get().data["title"] == ["Typed before the crash"]
    assert not Version.objects.get_for_object(article).exists()
    page.context.close()  # the browser crashes

    page = signed_in_page(browser, site, "chief")
    page.goto(f"{site.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_role("link", name="Restore them into the form").click()
    expect(page.get_by_label("Title")).to_have_value("Typed before the crash")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_newsroom_admin_pages_fit_the_screen(browser, site, editors, width):
    article = make_article("Herders return", body="<p>The herd moved north.</p>" * 20)
    Correction.objects.create(article=article, text="The herd was 300 head, not 3,000.")
    page = signed_in_page(browser, site, "chief", width)
    page.goto(f"{site.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Title").fill("Herders return north")
    page.get_by_role("button", name="Save and continue editing").click()
    version = Version.objects.get_for_object(article).first()
    Article.objects.filter(pk=article.pk).update(title="Another title")
    pages = {
        "change form": f"/admin/articles/article/{article.pk}/change/",
        "history": f"/admin/articles/article/{article.pk}/history/",
        "compare": f"/admin/articles/article/{article.pk}/revisions/{version.pk}/",
        "review queue": "/admin/articles/article/?state=review",
        "redirects": "/admin/articles/redirect/add/",
        "consent dashboard": "/admin/consent/consentevent/dashboard/",
    }
    for name, path in pages.items():
        page.goto(site.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
    page.goto(site.url + pages["change form"])
    share = page.locator(".share-links").bounding_box()
    form = page.locator("#article_form").bounding_box()
    assert share["x"] <= form["x"] + 1 and share["width"] >= form["width"] - 2  # in the flow
