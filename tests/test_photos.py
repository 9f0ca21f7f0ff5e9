"""Issue 11.4: photos as cameras and phones make them are accepted, keep their colours, lose
their location, and serve Google Discover."""

import re
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageCms
from pytest_django.asserts import assertContains

from articles.models import Article
from tests.images import exif_with_gps_and_rotation, upload
from tests.test_editors import ADD, article_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

# A stand-in for a phone's Display P3 profile: what matters is that the bytes travel unchanged.
PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo(kind, size=(1600, 1200), **options) -> bytes:
    first = Image.new("RGB", size, (30, 140, 90))
    out = BytesIO()
    if kind == "MPO":  # a camera's JPEG with a second picture (a depth map, a gain map)
        options["append_images"] = [Image.new("RGB", (320, 240), (0, 0, 0))]
        options["save_all"] = True
    first.save(out, kind, **options)
    return out.getvalue()


def stored_cover():
    article = Article.objects.get()
    with default_storage.open(article.cover.file.name) as stored:
        data = stored.read()
    return article, data


@pytest.mark.parametrize(
    ("kind", "name"), [("MPO", "DSC01234.JPG"), ("HEIF", "IMG_0042.HEIC"), ("AVIF", "photo.avif")]
)
def test_photos_from_cameras_and_phones_are_accepted_and_stored_as_jpeg(staff_client, kind, name):
    data = photo(kind, exif=exif_with_gps_and_rotation(), icc_profile=PROFILE)
    with Image.open(BytesIO(data)) as opened:
        assert opened.format == kind  # the file really is what a camera or phone makes
    response = staff_client.post(
        ADD, article_post(cover_image=upload(data, name, "image/jpeg"), cover_alt="Herders")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article, stored = stored_cover()
    assert article.cover.file.name.endswith(".jpg")
    with Image.open(BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (1200, 1600)  # turned upright (EXIF orientation 6)
        assert not image.getexif().get(0x8825)  # no GPS position
        assert image.info.get("icc_profile") == PROFILE  # colours kept
    assert "1200" in article.cover.renditions  # large enough for Discover


def test_renditions_keep_the_colour_profile(staff_client):
    data = photo("JPEG", icc_profile=PROFILE)
    staff_client.post(ADD, article_post(cover_image=upload(data), cover_alt="Sky"))
    article = Article.objects.get()
    for name in article.cover.renditions.values():
        with default_storage.open(name) as stored, Image.open(stored) as rendition:
            assert rendition.info.get("icc_profile") == PROFILE, name


def test_article_pages_allow_large_image_previews(staff_client, client):
    staff_client.post(ADD, article_post(cover_image=upload(photo("JPEG")), cover_alt="Sky"))
    article = Article.objects.get()
    page = client.get(article.get_absolute_url())
    assertContains(page, '<meta name="robots" content="max-image-preview:large">')
    assertContains(page, '-1600.webp"')  # the largest rendition, 1600 px wide, in the page
    # Link previews get a JPEG (issue 32.7: some still read no WebP), 1200 px wide.
    og = re.search(r'<meta property="og:image" content="([^"]+)"', page.content.decode())[1]
    assert og.endswith("-share.jpg")
    name = og.split("/media/", 1)[1]
    with default_storage.open(name) as stored, Image.open(stored) as shared:
        assert (shared.format, shared.width) == ("JPEG", 1200)


@pytest.mark.parametrize("kind", ["GIF", "BMP", "TIFF"])
def test_other_formats_are_still_refused_with_the_list_of_accepted_ones(staff_client, kind):
    response = staff_client.post(
        ADD,
        article_post(
            cover_image=upload(photo(kind, size=(400, 300)), f"x.{kind.lower()}"), cover_alt="x"
        ),
    )
    assert response.status_code == 200
    error = str(response.context["adminform"].form.errors["cover_image"])
    assert "files are not accepted: use JPEG (also from cameras and phones: MPO, HEIC)" in error
    assert not Article.objects.exists()
