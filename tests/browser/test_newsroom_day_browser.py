"""Issue 30 in Chromium: what a newsroom day found, typed as an editor types (key by key) and read
as a reader reads. Screenshots go to $SCREENSHOTS when it names a folder (to be looked at)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from articles.models import Article, Image, Tag
from articles.newsroom.slugs import slug_for
from tests.browser.helpers import caret_at_the_end, caret_in, screenshot
from tests.factories import make_article, make_tag
from tests.images import figure, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-passphrase-42"
HEADLINE = "Қазақстан мен Өзбекстан су туралы келісімге қол қойды"


@pytest.fixture
def pictures(settings, media_root):
    settings.SERVE_MEDIA = True
    colours = {"Reservoir": (40, 90, 160), "Dam": (160, 90, 40), "Canal": (40, 160, 90)}
    return [
        Image.objects.create(
            file=SimpleUploadedFile(f"{alt}.jpg", image_bytes(size=(1600, 1000), color=colour)),
            alt=alt,
            credit="Photo: A. Sadykova",
        )
        for alt, colour in colours.items()
    ]


@pytest.fixture
def signed_in(page, site, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


def open_editor(page, site, article):
    page.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    area = page.locator(".ProseMirror[contenteditable=true]")
    expect(area).to_be_visible()
    return area


def save(page):
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


# 1 and 9: the illustrated story as readers see it


@pytest.mark.parametrize("width", [1280, 390])
def test_the_illustrated_story_reads_right(browser, site, pictures, width):
    reservoir, dam, canal = pictures
    long_link = "https://example.org/" + "very-long-address-without-any-break-" * 4
    article = make_article(
        HEADLINE,
        body=f"{figure(reservoir, 'Су қоймасы')}<p>Бірінші абзац.</p>"
        f'<p>Толығырақ: <a href="{long_link}">{long_link}</a></p>'
        "<blockquote><p>Дәйексөз.</p></blockquote><h2>Тақырыпша</h2><p>Тағы мәтін.</p>"
        f"{figure(dam, 'Бөгет')}{figure(canal)}<p>Соңы.</p>",
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.url + article.get_absolute_url())
    gallery = page.locator(".body .gallery")
    expect(gallery).to_have_count(1)
    expect(gallery.locator("figure")).to_have_count(2)
    expect(gallery.locator("p, h2, blockquote")).to_have_count(0)
    for img in page.locator(".body figure img").all():
        img.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete", arg=img.element_handle())
        assert img.evaluate("i => i.naturalWidth") > 0  # every picture is drawn
        assert img.evaluate("i => i.getBoundingClientRect().height") > 50  # not an empty box
    # The subheading spans the column: it is not a half-width cell beside a picture.
    heading = page.locator(".body h2").bounding_box()
    column = page.locator(".body").bounding_box()
    assert heading["width"] > column["width"] * 0.9
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # long links wrap
    screenshot(page, f"illustrated-story-{width}", full_page=True)
    context.close()


# 3: the caption trap, typed key by key


def test_enter_leaves_a_caption_and_a_picture_inserted_from_it_goes_below(
    signed_in, site, pictures
):
    page = signed_in
    reservoir, dam, _ = pictures
    article = make_article("Water", body=f"<p>Intro.</p>{figure(reservoir, 'Су қоймасы')}")
    editor = open_editor(page, site, article)
    caption = page.locator(".ProseMirror figcaption")
    caret_in(page, caption, editor)
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("A paragraph after the picture.")
    # The picture button pressed from inside a caption: a new picture, below, not a replacement.
    caret_in(page, caption, editor)
    page.locator(".prose-menubar__button[title=figure]").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Insert Figure")
    dialog.locator("input[name=imageUrl]").fill(dam.url)
    dialog.locator("input[name=altText]").fill("Dam")
    dialog.get_by_role("button", name="Insert", exact=True).click()
    save(page)
    article.refresh_from_db()
    order = (
        rf'data-file="{reservoir.pk}"><figcaption>Су қоймасы</figcaption></figure>'
        rf'.*data-file="{dam.pk}".*<p>A paragraph after the picture.</p>'
    )
    assert re.search(order, article.body), article.body
    assert set(article.inline_images.all()) == {reservoir, dam}
    assert "A paragraph after the picture.</figcaption>" not in article.body


def test_the_block_menu_shows_a_picture_when_one_is_selected(signed_in, site, pictures):
    page = signed_in
    article = make_article("Water", body=f"<p>Intro.</p>{figure(pictures[0], 'Caption')}")
    open_editor(page, site, article)
    page.locator(".ProseMirror figure img").click()
    selected = page.locator(".prose-menubar__selected").first
    expect(selected).not_to_contain_text("question_mark")
    expect(selected).to_contain_text("image")


# 2: a typed address becomes a link, and a media address on its own line an embed


def test_a_typed_video_address_on_its_own_line_becomes_an_embed(signed_in, site):
    page = signed_in
    article = make_article("Video", body="<p>Intro.</p>")
    area = open_editor(page, site, article)
    caret_at_the_end(page, area)
    page.keyboard.press("Enter")
    page.keyboard.type("https://youtu.be/dQw4w9WgXcQ")
    page.keyboard.press("Enter")
    page.keyboard.type("Typed after it.")
    save(page)
    article.refresh_from_db()
    assert '<figure data-embed="youtube"><a href="https://youtu.be/dQw4w9WgXcQ">' in article.body
    assert "<p>Typed after it.</p>" in article.body  # not part of the link


# 5 and 6: a Kazakh headline's address, and topics that pick what exists


def test_a_kazakh_headline_makes_its_address_and_enter_picks_the_suggested_topic(signed_in, site):
    page = signed_in
    make_tag("Kazakhstan", slug="kazakhstan")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + "/admin/articles/article/add/")
    page.get_by_label("Title").press_sequentially(HEADLINE)
    page.keyboard.press("Tab")  # (Playwright types Cyrillic letters without key events)
    expect(page.get_by_label("Slug")).to_have_value(slug_for(HEADLINE, 300))
    title_width = page.get_by_label("Title").bounding_box()["width"]
    assert title_width > 600  # the headline is read whole while typed
    expect(page.locator("select#id_tags[data-topics-ready]")).to_have_count(1)  # set up
    topics = page.locator(".field-tags .select2-selection")
    topics.click()
    page.keyboard.type("Kazakh")
    expect(page.locator(".select2-results__option--highlighted")).to_have_text("Kazakhstan")
    expect(page.locator(".select2-results__option").last).to_have_text("New topic: “Kazakh”")
    page.keyboard.press("Enter")
    page.keyboard.type("Су ресурстары")
    expect(page.locator(".select2-results__option")).to_have_text(["New topic: “Су ресурстары”"])
    page.keyboard.press("Enter")
    screenshot(page, "article-form-1280", full_page=True)
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Мәтін.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get()
    assert article.slug == "qazaqstan-men-ozbekstan-su-turaly-kelisimge-qol-qoydy"
    assert sorted(article.tags.values_list("slug", flat=True)) == ["kazakhstan", "su-resurstary"]
    assert Tag.objects.count() == 2
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot(page, "article-form-390", full_page=True)


# 7: two editors on one story


def test_leaving_a_form_with_unsaved_changes_asks_first(signed_in, site):
    page = signed_in
    article = make_article("Water")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.goto(site.url + f"/admin/articles/article/{article.pk}/change/")
    page.goto(site.url + "/admin/")  # nothing changed: no question
    assert asked == []
    page.go_back()
    page.get_by_label("Title").press_sequentially(" and rivers")
    page.get_by_role("link", name="Articles").first.click()
    expect(page).to_have_url(re.compile(r"/change/$"))  # stayed: the question was dismissed
    assert asked == ["beforeunload"]
    page.get_by_role("button", name="Save and continue editing").click()  # saving never asks
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert asked == ["beforeunload"]


def test_the_second_editor_sees_what_the_first_changed_field_by_field(
    browser, site, signed_in, django_user_model
):
    first = signed_in
    django_user_model.objects.create_superuser(
        "dana", "d@example.com", PASSWORD, first_name="Dana", last_name="Bekova"
    )
    article = make_article("Herders return", body="<p>The herd moved north.</p>")
    url = f"{site.url}/admin/articles/article/{article.pk}/change/"
    first.goto(url)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    second = context.new_page()
    second.goto(site.url + "/admin/login/")
    second.fill("#id_username", "dana")
    second.fill("#id_password", PASSWORD)
    second.click("input[type=submit]")
    second.goto(url)
    expect(second.locator("[data-presence]")).to_contain_text("has this article open too")
    first.get_by_label("Standfirst").fill("Their new lead.")
    first.get_by_label("Title").fill("Herders return north")
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist .success")).to_be_visible()
    second.get_by_label("Title").fill("Herders come back")
    second.get_by_role("button", name="Save and continue editing").click()
    table = second.locator(".conflict-table")
    expect(table).to_contain_text("Their new lead.")
    expect(table.get_by_role("row", name=re.compile("Headline"))).to_contain_text(
        "Herders return north"
    )
    expect(second.get_by_label("Standfirst")).to_have_value("Their new lead.")  # merged in
    expect(second.get_by_label("Title")).to_have_value("Herders come back")  # yours kept
    assert second.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(second, "conflict-390", full_page=True)
    second.set_viewport_size({"width": 1280, "height": 900})
    screenshot(second, "conflict-1280", full_page=True)
    context.close()
