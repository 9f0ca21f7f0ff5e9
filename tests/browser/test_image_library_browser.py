"""Issue 11.2 in Chromium: the editor's figure button opens the library, a chosen picture goes
into the text, and the public page shows it with its caption and credit; axe finds nothing."""

import contextlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.models import Image
from tests.browser.helpers import axe_violations, caret_at_the_end
from tests.factories import make_article
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_picture_chosen_in_the_library_goes_into_the_text(
    page, site, media_root, settings, django_user_model
):
    settings.SERVE_MEDIA = True
    Image.objects.create(
        file=SimpleUploadedFile("h.jpg", image_bytes(size=(1600, 1000)), "image/jpeg"),
        alt="Herders on the pasture", credit="Photo: A. Sadykova",
    )  # fmt: skip
    article = make_article("Herders return", body="<p>Spring comes.</p>")
    django_user_model.objects.create_superuser("chief", "c@example.com", "pass-Word-42")
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "pass-Word-42")
    page.click("input[type=submit]")
    page.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    caret_at_the_end(page, page.locator(".tiptap.ProseMirror[contenteditable=true]"))
    page.locator(".prose-menubar__button[title=figure]").click()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Browse...").click()
    picker = opened.value
    picker.wait_for_load_state()
    with contextlib.suppress(PlaywrightError):  # the picker closes itself on the click
        picker.get_by_role("button", name="Herders on the pasture").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.locator("input[name=altText]")).to_have_value("Herders on the pasture")
    dialog.locator("input[name=caption]").fill("Spring on the high pastures")
    dialog.get_by_role("button", name="Insert", exact=True).click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    image = Image.objects.get()
    assert list(article.inline_images.all()) == [image]
    page.goto(site.url + article.get_absolute_url())
    figure = page.locator("figure.inline-image")
    expect(figure.locator("figcaption")).to_have_text(
        "Spring on the high pastures Photo: A. Sadykova"
    )
    picture = figure.locator("img")
    picture.scroll_into_view_if_needed()
    expect(picture).to_have_attribute("loading", "lazy")
    page.wait_for_function("i => i.complete", arg=picture.element_handle())  # no eval: CSP
    assert picture.evaluate("i => i.naturalWidth") > 0  # a rendition really loads
    assert axe_violations(page) == ""
