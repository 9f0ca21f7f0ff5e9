"""Real images made with Pillow for upload tests."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(kind="JPEG", size=(640, 400), exif=None, color=(200, 40, 40)) -> bytes:
    out = BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(out, kind, **options)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with_gps_and_rotation() -> bytes:
    """EXIF saying 'rotate 90°' (orientation 6) and carrying a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)}  # GPS
    return exif.tobytes()


def figure(image, caption="") -> str:
    """A library picture in an article's text as the editor writes it."""
    caption = f"<figcaption>{caption}</figcaption>" if caption else ""
    img = f'<img src="{image.url}" alt="{image.alt}" data-file="{image.pk}">'
    return f"<figure>{img}{caption}</figure>"
