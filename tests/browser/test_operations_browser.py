"""The Site health page in Chromium: an Editor reads it at a phone's width and a desk's, with
no script of its own, axe 0; and the shared byline in the article's form."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Byline
from newsportal import traffic
from tests.browser.helpers import axe_violations
from tests.factories import make_article, make_author

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-passphrase-42"


@pytest.fixture
def signed_in_editor(page, site, django_user_model):
    user = django_user_model.objects.create_user("erlan", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "erlan")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("erlan")
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_an_editor_reads_site_health(signed_in_editor, site, width):
    page = signed_in_editor
    page.set_viewport_size({"width": width, "height": 900})
    article = make_article("Pipeline deal")
    for _ in range(3):
        page.request.get(site.url + article.get_absolute_url())
    traffic.flush()
    scripts = []
    page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
    page.goto(site.url + "/admin/")
    page.get_by_role("link", name="Site health").click()
    expect(page.get_by_role("heading", name="Site health")).to_be_visible()
    expect(page.locator("figure.health-chart svg")).to_have_count(2)
    expect(page.get_by_text("articles:article")).to_be_visible()
    assert not [url for url in scripts if "site-health" in url or "health" in url]
    assert axe_violations(page) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_editor_shares_a_byline_in_the_form(signed_in_editor, site):
    page = signed_in_editor
    dana, erlan = make_author("Dana Sarsen"), make_author("Erlan Ospan")
    article = make_article("Summit ends", author=dana)
    Byline.objects.create(article=article, author=erlan)
    page.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    group = page.locator("#bylines-group")
    expect(group).to_contain_text("Shared byline")
    expect(group.locator("select[name='bylines-0-author']")).to_have_value(str(erlan.pk))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(site.url + article.get_absolute_url())
    expect(page.locator(".meta-parts")).to_contain_text("By Dana Sarsen and Erlan Ospan")
