"""An editor's day in a real browser: sign in, write, illustrate, publish, see it live."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(django_user_model, site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    django_user_model.objects.create_superuser("chief", "chief@example.com", "a-long-passphrase-42")
    return "chief", "a-long-passphrase-42"


def test_an_editor_writes_illustrates_and_publishes(page, site, editor, tmp_path):
    csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp_errors.append(m.text))
    photo = tmp_path / "steppe.jpg"
    photo.write_bytes(image_bytes(size=(1200, 800)))

    page.goto(site.url + "/admin/")
    page.get_by_label("Username").fill(editor[0])
    page.get_by_label("Password").fill(editor[1])
    page.get_by_role("button", name="Log in").click()
    page.goto(site.url + "/admin/articles/article/add/")

    page.get_by_label("Title").press_sequentially("Rail link opens across the steppe")
    expect(page.get_by_label("Slug")).to_have_value("rail-link-opens-across-the-steppe")
    editor_area = page.locator(".ProseMirror[contenteditable=true]")
    editor_area.click()
    page.keyboard.type("Trains now run daily. ")
    page.keyboard.press("Control+b")
    page.keyboard.type("A first.")
    page.locator("#id_cover_image").set_input_files(str(photo))
    page.get_by_label("Alt text").fill("A train on the open steppe")
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    article = Article.objects.get()
    assert "<strong>A first.</strong>" in article.body
    page.goto(site.url + "/")
    lead = page.locator(".lead-story")
    expect(lead).to_contain_text("Rail link opens across the steppe")
    image = lead.get_by_role("img", name="A train on the open steppe")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not csp_errors, csp_errors
