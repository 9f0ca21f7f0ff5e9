"""Issue 11.1-2 (library and pictures in the text): the image library, its picker for the
editor, pictures and galleries inside articles, usage and protected deletion."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Image, RetiredFile
from tests.factories import make_article
from tests.forms import form_data, open_and_post
from tests.images import exif_with_gps_and_rotation, figure, image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PICK = reverse("admin:articles_image_pick")


def add_image(client, alt="Herders on the pasture", credit="Photo: A. Sadykova", **extra):
    data = {"file": upload(image_bytes(size=(1600, 1000), **extra)), "alt": alt,
            "caption": "", "credit": credit, "focus_x": "50", "focus_y": "50"}  # fmt: skip
    response = client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Image.objects.get(alt=alt)


def test_the_library_keeps_pictures_cleaned_with_renditions_and_lists_them(admin_client):
    image = add_image(admin_client, exif=exif_with_gps_and_rotation())
    assert image.file.name.startswith("library/")
    assert "herders" not in image.file.name  # a draft's picture description is news
    assert (image.width, image.height) == (1000, 1600)  # turned upright
    assert sorted(image.widths, key=int) == ["480", "800"]
    assert image.renditions["share"].endswith("-share.jpg")  # for link previews
    with default_storage.open(image.file.name) as stored:
        assert b"GPS" not in stored.read()
    listing = admin_client.get(reverse("admin:articles_image_changelist"), {"q": "pasture"})
    assertContains(listing, 'class="library-thumb"')
    assertContains(listing, "not used yet")
    # Opened and saved again with nothing changed: the same file, no new renditions.
    change = reverse("admin:articles_image_change", args=[image.pk])
    data = form_data(admin_client.get(change).content.decode(), "image_form")
    assert admin_client.post(change, data).status_code == 302
    again = Image.objects.get()
    assert (again.file.name, again.renditions) == (image.file.name, image.renditions)


def test_a_picture_in_the_text_is_drawn_from_the_library(admin_client, client):
    image = add_image(admin_client)
    article = make_article(body=f"<p>Text.</p>{figure(image, 'Spring on the <em>jailoo</em>')}")
    assert list(article.inline_images.all()) == [image]
    html = client.get(article.get_absolute_url()).content.decode()
    shown = re.search(r'<figure class="inline-image">.*?</figure>', html, re.S).group(0)
    assert f'srcset="{image.srcset}"' in shown
    assert 'sizes="(min-width: 44rem) 42rem, 100vw"' in shown
    assert 'width="1600" height="1000"' in shown and 'loading="lazy"' in shown
    assert 'alt="Herders on the pasture"' in shown
    assert (
        '<figcaption>Spring on the <em>jailoo</em> <span class="credit">Photo: A. Sadykova' in shown
    )
    # The library's usage says where it is shown, and links to those articles.
    listing = admin_client.get(reverse("admin:articles_image_changelist"))
    assertContains(listing, f'?picture={image.pk}">1 article</a>')
    used_in = admin_client.get(reverse("admin:articles_article_changelist"), {"picture": image.pk})
    assert used_in.status_code == 200
    assertContains(used_in, article.title)


def test_used_in_lists_exactly_the_articles_that_show_the_picture(admin_client):
    picture, other = add_image(admin_client), add_image(admin_client, alt="Other picture")
    in_text = make_article("Shows it in the text", body=figure(picture))
    as_cover = make_article("Shows it as cover", cover=picture)
    make_article("Shows another", body=figure(other))
    make_article("Shows nothing")
    listing = admin_client.get(reverse("admin:articles_image_changelist"))
    assertContains(listing, f'?picture={picture.pk}">2 articles</a>')
    used_in = admin_client.get(
        reverse("admin:articles_article_changelist"), {"picture": picture.pk}
    )
    shown = list(used_in.context["cl"].result_list)
    assert sorted(a.title for a in shown) == sorted([in_text.title, as_cover.title])
    assertContains(used_in, "Herders on the pasture")  # the sidebar names the picture


def test_pictures_one_after_another_are_a_gallery(admin_client, client):
    one, two = add_image(admin_client, alt="One"), add_image(admin_client, alt="Two")
    article = make_article(body=f"{figure(one)}{figure(two)}<p>After.</p>{figure(one)}")
    html = client.get(article.get_absolute_url()).content.decode()
    gallery = re.search(
        r'<div class="gallery" role="group" aria-label="Gallery">(.*?)</div>', html, re.S
    )
    assert gallery.group(1).count('<figure class="inline-image">') == 2
    assert gallery.group(1).count('sizes="(min-width: 44rem) 21rem, 50vw"') == 2
    assert html.count('<figure class="inline-image">') == 3  # the last one stands alone


@pytest.mark.parametrize(
    "body",
    [
        '<figure><img src="https://evil.example/track.gif" alt="x"></figure>',
        '<figure><img src="/media/covers/other.jpg" alt="x" data-file="999999"></figure>',
        '<p><img src="x" onerror="alert(1)"></p>',
        '<figure><img src="data:image/png;base64,AAAA" alt="x"></figure>',
    ],
)
def test_pictures_not_from_the_library_are_removed(body):
    article = make_article(body=f"<p>Kept.</p>{body}")
    assert article.body == "<p>Kept.</p>"
    assert not article.inline_images.exists()


def test_a_library_address_without_its_id_is_tied_to_its_record(admin_client):
    image = add_image(admin_client)
    article = make_article(body=f'<figure><img src="{image.url}" alt="Herders"></figure>')
    assert f'data-file="{image.pk}"' in article.body
    assert list(article.inline_images.all()) == [image]


def test_a_picture_in_use_cannot_be_deleted_one_not_in_use_can(admin_client, committed):
    used, spare = add_image(admin_client, alt="Used"), add_image(admin_client, alt="Spare")
    article = make_article("Herders return", body=figure(used))
    delete = reverse("admin:articles_image_delete", args=[used.pk])
    page = admin_client.get(delete)
    assertContains(page, "Used is shown in the article “Herders return”")
    assert admin_client.post(delete, {"post": "yes"}).status_code == 200  # refused, says why
    changelist = reverse("admin:articles_image_changelist")
    both = {"action": "delete_selected", "_selected_action": [used.pk, spare.pk], "post": "yes"}
    assertContains(admin_client.post(changelist, both), "shown in the article")
    assert Image.objects.count() == 2
    files = [used.file.name, *used.renditions.values()]
    assert all(default_storage.exists(name) for name in files)
    spare_files = [spare.file.name, *spare.renditions.values()]
    with committed():
        response = admin_client.post(reverse("admin:articles_image_delete", args=[spare.pk]),
                                     {"post": "yes"})  # fmt: skip
    assert response.status_code == 302
    assert list(Image.objects.values_list("alt", flat=True)) == ["Used"]
    # After the commit: the renditions are gone, the original is kept for its retention period.
    original, *renditions = spare_files
    assert not any(default_storage.exists(name) for name in renditions)
    assert default_storage.exists(original) and RetiredFile.objects.filter(name=original).exists()
    assert article.inline_images.get() == used


def test_a_new_file_for_a_picture_reaches_every_page_that_shows_it(admin_client, client, committed):
    image = add_image(admin_client)
    with committed():
        article = make_article(body=figure(image))
    url = article.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    old = image.file.name
    change = reverse("admin:articles_image_change", args=[image.pk])
    data = form_data(admin_client.get(change).content.decode(), "image_form")
    data["file"] = upload(image_bytes(size=(1200, 800), color=(10, 10, 200)), "new.jpg")
    data["credit"] = ["Photo: Reuters"]
    with committed():
        assert admin_client.post(change, data).status_code == 302
    image.refresh_from_db()
    assert image.file.name != old and RetiredFile.objects.filter(name=old).exists()
    page = client.get(url)
    assert page["X-Cache"] == "miss"
    assertContains(page, image.srcset)
    assertContains(page, "Photo: Reuters")


def test_the_editor_browses_the_library_and_adds_to_it(admin_client):
    add_image(admin_client, alt="Herders on the pasture")
    add_image(admin_client, alt="A yurt at dawn")
    page = admin_client.get(PICK, {"CKEditorFuncNum": "3", "q": "yurt"})
    assertContains(page, 'data-callback="3"')
    assertContains(page, 'data-alt="A yurt at dawn"')
    assertNotContains(page, 'data-alt="Herders on the pasture"')
    added = admin_client.post(
        PICK + "?CKEditorFuncNum=3",
        {"file": upload(image_bytes()), "alt": "Eagle hunter", "caption": "", "credit": ""},
    )
    assertContains(added, "Added to the library: Eagle hunter")
    assert Image.objects.get(alt="Eagle hunter").uploaded_by.username == "admin"
    refused = admin_client.post(PICK, {"file": upload(b"not an image"), "alt": "x"})
    assert refused.status_code == 200 and not Image.objects.filter(alt="x").exists()
    # The editor's figure button opens it.
    article = make_article()
    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(
        change,
        "&quot;pickerUrl&quot;:&quot;/admin/articles/image/pick/&quot;",
    )


def test_the_picker_is_for_the_newsroom_only(client):
    assert client.get(PICK).status_code == 302  # to the sign-in


def test_a_cover_uploaded_with_the_article_joins_the_library(admin_client):
    article = make_article()
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(change).content.decode(), "article_form")
    data.update(cover_image=upload(image_bytes()), cover_alt=["Herders"], cover_credit=["AP"])
    assert admin_client.post(change, data).status_code == 302
    picture = Image.objects.get()
    assert (picture.alt, picture.credit, picture.uploaded_by.username) == ("Herders", "AP", "admin")
    article.refresh_from_db()
    assert article.cover == picture


def test_a_cover_is_chosen_from_the_library_and_its_texts_edited_there(admin_client, client):
    picture = add_image(admin_client, alt="A yurt at dawn", credit="Photo: A. S.")
    article = make_article("Herders return")
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(admin_client.get(change).content.decode(), "article_form")
    data.update(cover=[str(picture.pk)], cover_caption=["Dawn at the summer camp"])
    data["_continue"] = ["Save"]
    assert admin_client.post(change, data).status_code == 302
    article.refresh_from_db()
    picture.refresh_from_db()
    assert article.cover == picture
    assert picture.caption == "Dawn at the summer camp"  # the library's own text, edited here
    page = client.get(article.get_absolute_url())
    assertContains(page, 'alt="A yurt at dawn"')
    assertContains(page, 'Dawn at the summer camp <span class="credit">Photo: A. S.</span>')
    # Opened and saved again unchanged: same cover, same texts, no new library picture.
    data = form_data(admin_client.get(change).content.decode(), "article_form")
    data["_continue"] = ["Save"]
    assert admin_client.post(change, data).status_code == 302
    assert Image.objects.count() == 1
    article.refresh_from_db()
    assert article.cover == picture
    # Used as a cover: listed as used, and protected.
    listing = admin_client.get(reverse("admin:articles_image_changelist"))
    assertContains(listing, f'?picture={picture.pk}">1 article</a>')
    delete = reverse("admin:articles_image_delete", args=[picture.pk])
    assertContains(admin_client.get(delete), "protected")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_covers_move_into_the_library_and_back():
    """articles 0013-0015: each cover becomes a library picture (same file, texts and focal
    point) and the article points at it; going back puts everything on the article again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("articles", "0012_image_library")]
    after = [("articles", "0015_remove_article_cover_columns")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Article = old.get_model("articles", "Article")
    Article.objects.create(
        title="Herders return", slug="herders-return", body="<p>Text.</p>",
        cover_image="covers/2026/11/herders-return-abc.jpg", cover_alt="Herders",
        cover_caption="Spring", cover_credit="AP", cover_focus_x=70, cover_focus_y=20,
        cover_width=1600, cover_height=1000, cover_renditions={"480": "renditions/x-480.webp"},
    )  # fmt: skip
    Article.objects.create(title="No picture", slug="no-picture", body="<p>Text.</p>")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    moved = new.get_model("articles", "Article").objects.get(slug="herders-return")
    picture = moved.cover
    assert (picture.file.name, picture.alt, picture.caption, picture.credit) == (
        "covers/2026/11/herders-return-abc.jpg", "Herders", "Spring", "AP",
    )  # fmt: skip
    assert (picture.focus_x, picture.focus_y, picture.width, picture.height) == (70, 20, 1600, 1000)
    assert picture.renditions == {"480": "renditions/x-480.webp"}
    assert new.get_model("articles", "Image").objects.count() == 1
    assert new.get_model("articles", "Article").objects.get(slug="no-picture").cover is None

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps
    restored = back.get_model("articles", "Article").objects.get(slug="herders-return")
    assert (restored.cover_image.name, restored.cover_alt, restored.cover_focus_x) == (
        "covers/2026/11/herders-return-abc.jpg", "Herders", 70,
    )  # fmt: skip
    assert back.get_model("articles", "Image").objects.count() == 0
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # as the other tests expect


def test_a_gallery_holds_only_pictures_that_stand_next_to_each_other(admin_client, client):
    """The trial's story: a picture, then paragraphs, a quote and a subheading, then two
    pictures. Only the last two are a gallery; the text between stays full width, and every
    picture is drawn (on the page and in the preview)."""
    first, second, third = (add_image(admin_client, alt=a) for a in ("First", "Second", "Third"))
    body = (
        f"{figure(first, 'The reservoir')}<p>One paragraph.</p><p>Another.</p>"
        "<blockquote><p>A quote.</p></blockquote><h2>A subheading</h2><p>More text.</p>"
        f"{figure(second, 'Second caption')}\n{figure(third)}<p>The end.</p>"
    )
    article = make_article(body=body, status="draft", published_at=None)
    preview = admin_client.get(reverse("articles:preview", args=[article.pk]))
    article.status, article.published_at = "published", article.created_at
    article.save()
    for html in (preview.content.decode(), client.get(article.get_absolute_url()).content.decode()):
        galleries = re.findall(r'<div class="gallery"[^>]*>(.*?)</div>', html, re.S)
        assert len(galleries) == 1
        assert re.findall(r'alt="(\w+)"', galleries[0]) == ["Second", "Third"]
        assert "<p>" not in galleries[0] and "<h2>" not in galleries[0]
        drawn = re.findall(r'<figure class="inline-image"><img src="([^"]+)"', html)
        assert len(drawn) == 3
        assert all(default_storage.exists(src.removeprefix("/media/")) for src in drawn)
        assert html.index("A subheading") < html.index('<div class="gallery"')
        assert "The reservoir" in html and "Second caption" in html


def test_a_caption_whose_picture_was_not_from_the_library_is_kept_and_the_editor_told(
    admin_client,
):
    article = make_article(body="<p>Intro.</p>")
    response = open_and_post(
        admin_client, article,
        body='<p>Intro.</p><figure><img src="https://elsewhere.example/x.jpg" alt="">'
        "<figcaption>Typed under a picture from elsewhere</figcaption></figure><p>End.</p>",
    )  # fmt: skip
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == (
        "<p>Intro.</p><p>Typed under a picture from elsewhere</p><p>End.</p>"
    )  # nothing typed is dropped
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("did not come from the image library" in m for m in shown), shown


# Issue 31.2: Authors change only their own pictures that nothing published shows, and see
# their own and the public ones.


def test_authors_see_and_change_only_their_own_pictures_and_the_public_ones(
    admin_client, django_user_model
):
    from tests.helpers import signed_in

    writer, author = signed_in(django_user_model, "Authors", "writer")
    other, _ = signed_in(django_user_model, "Authors", "other")
    mine = Image.objects.create(file=upload(image_bytes()), alt="Mine", uploaded_by=writer)
    theirs = Image.objects.create(file=upload(image_bytes()), alt="Embargoed", uploaded_by=other)
    public = Image.objects.create(file=upload(image_bytes()), alt="Public", uploaded_by=writer)
    make_article("Running story", cover=public)
    listing = author.get(reverse("admin:articles_image_changelist")).content.decode()
    assert "Mine" in listing and "Public" in listing and "Embargoed" not in listing
    picker = author.get(PICK).content.decode()
    assert "Mine" in picker and "Public" in picker and "Embargoed" not in picker
    found = author.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "cover", "term": ""},
    ).json()["results"]
    assert sorted(r["text"] for r in found) == ["Mine", "Public"]
    # Changing: their own unpublished picture yes; a published one or another's, no.
    change = lambda image: reverse("admin:articles_image_change", args=[image.pk])  # noqa: E731
    data = form_data(author.get(change(mine)).content.decode(), "image_form")
    assert author.post(change(mine), {**data, "alt": ["Mine, described"]}).status_code == 302
    assert author.post(change(public), {**data, "alt": ["Defaced"]}).status_code == 403
    assert author.get(change(theirs)).status_code == 302  # "does not exist", to the list
    assert set(Image.objects.values_list("alt", flat=True)) == {
        "Mine, described", "Embargoed", "Public"
    }  # fmt: skip
    # Editors as before.
    editor_data = form_data(admin_client.get(change(public)).content.decode(), "image_form")
    reply = admin_client.post(change(public), {**editor_data, "alt": ["Public, reworded"]})
    assert reply.status_code == 302


def test_an_author_cannot_change_a_published_pictures_texts_through_an_article(
    django_user_model,
):
    from tests.factories import make_author
    from tests.helpers import signed_in

    writer, author = signed_in(django_user_model, "Authors", "writer")
    public = Image.objects.create(file=upload(image_bytes()), alt="Public", uploaded_by=writer)
    make_article("Running story", cover=public)
    draft = make_article("My draft", status="draft", published_at=None, cover=public,
                         author=make_author(user=writer))  # fmt: skip
    assert open_and_post(author, draft, title="My draft, again").status_code == 302  # unchanged
    response = open_and_post(author, draft, cover_alt="Defaced")
    assert response.status_code == 200
    assert "only an Editor can change its texts" in str(response.context["adminform"].form.errors)
    public.refresh_from_db()
    assert public.alt == "Public"


# Issue 31.9: pictures that cost a worker seconds, and uploads per person


def sixteen_bit_png(width, height) -> bytes:
    """A PNG of 16-bit RGB channels, written by hand (Pillow writes 8-bit RGB): small on disk
    (one repeated row), large once decoded."""
    import struct
    import zlib

    row = b"\x00" + b"\x12\x34" * 3 * width

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    pixels = zlib.compress(row * height, 1)  # 1.7 MB: the fastest level is small enough
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_picture_too_large_once_decoded_is_refused_before_it_is_decoded(admin_client):
    big = upload(sixteen_bit_png(6300, 6300), name="big.png", content_type="image/png")
    data = {"file": big, "alt": "Big", "caption": "", "credit": "", "focus_x": "50",
            "focus_y": "50"}  # fmt: skip
    response = admin_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 200
    assert "16-bit colour: too large" in str(response.context["adminform"].form.errors)
    assert not Image.objects.exists()
    ordinary = {**data, "file": upload(image_bytes(size=(1600, 1000)))}
    assert admin_client.post(reverse("admin:articles_image_add"), ordinary).status_code == 302


def test_one_person_adds_at_most_uploads_per_hour(admin_client, settings, django_user_model):
    from tests.helpers import signed_in

    settings.UPLOADS_PER_HOUR = 2
    writer, author = signed_in(django_user_model, "Authors", "writer")

    def add(client, alt):
        data = {"file": upload(image_bytes()), "alt": alt, "caption": "", "credit": "",
                "focus_x": "50", "focus_y": "50"}  # fmt: skip
        return client.post(reverse("admin:articles_image_add"), data)

    assert [add(author, f"Mine {n}").status_code for n in range(2)] == [302, 302]
    refused = add(author, "One too many")
    assert refused.status_code == 200
    assert "the most one person may add" in str(refused.context["adminform"].form.errors)
    picker = author.post(PICK, {"file": upload(image_bytes()), "alt": "Via the picker"})
    assert "the most one person may add" in picker.content.decode()
    assert add(admin_client, "Someone else's").status_code == 302  # per person
    assert Image.objects.filter(uploaded_by=writer).count() == 2
