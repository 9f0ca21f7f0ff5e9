"""Cover images: validated with Pillow, cleaned (orientation applied, metadata dropped) and cut
into WebP renditions for `srcset`, once, when an image is uploaded.

Photos arrive as cameras and phones make them: a JPEG with a multi-picture segment (MPO, the
first picture is the photo), HEIC/HEIF from iPhones (pillow-heif) and AVIF are accepted and
stored as JPEG, which every browser, feed reader and link preview shows."""

import secrets
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Accepted and stored as another format: {what arrives: what is stored}.
CONVERTED_FORMATS = {"MPO": "JPEG", "HEIF": "JPEG", "AVIF": "JPEG"}
ACCEPTED = "JPEG (also from cameras and phones: MPO, HEIC), PNG, WebP or AVIF"
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: more is a mistake or a decompression bomb
# What decoding may produce: a 24-megapixel camera photo is 72 MB; a 6300x6300 PNG of 16-bit
# channels (300 KB on disk) would be 238 MB and seconds of a worker.
MAX_DECODED_BYTES = 100 * 1024 * 1024
MAX_ASPECT_RATIO = 10  # a banner 10 times as wide as tall still works; a 2000x2 strip does not
RENDITION_WIDTHS = (480, 800, 1200, 1600)


def validate_image(upload) -> None:
    """Refuse anything but a sound JPEG, PNG or WebP of a sensible size, with a clear message.

    Only a new upload is checked: the stored image passed these checks when it arrived, and an
    ordinary save must neither re-read it nor fail when it has gone (a database-only restore).
    """
    if getattr(upload, "_committed", False):
        return
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1_048_576:.1f} MB; images may be at most "
            f"{MAX_BYTES // 1_048_576} MB.", code="too_big"
        )  # fmt: skip
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ALLOWED_FORMATS and image.format not in CONVERTED_FORMATS:
                raise ValidationError(
                    f"{image.format or 'This'} files are not accepted: use {ACCEPTED}.",
                    code="format",
                )
            long_side, short_side = max(image.size), max(1, min(image.size))
            if long_side / short_side > MAX_ASPECT_RATIO:
                raise ValidationError(
                    f"The image is {image.width}x{image.height} pixels: at most "
                    f"{MAX_ASPECT_RATIO} times as wide as tall (or as tall as wide).",
                    code="aspect_ratio",
                )
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    f"The image is {image.width}x{image.height} pixels; at most "
                    f"{MAX_PIXELS // 1_000_000} megapixels are accepted.", code="too_many_pixels"
                )  # fmt: skip
            if decoded_bytes(image, upload) > MAX_DECODED_BYTES:
                raise ValidationError(
                    f"The image is {image.width}x{image.height} pixels of "
                    f"{'16' if png_bit_depth(upload) == 16 else '8'}-bit colour: too large to "
                    "prepare for readers. Export it at a smaller size (up to about 24 "
                    "megapixels) or 8-bit colour.", code="too_large_decoded",
                )  # fmt: skip
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError("The image is too large to open safely.", code="bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "The file is not a readable image (it may be damaged or cut short).", code="corrupt"
        ) from None
    finally:
        upload.seek(0)


def png_bit_depth(upload) -> int:
    """A PNG's bits per channel, from its header (Pillow reports 16-bit colour as 8-bit RGB
    after decoding it); 8 for anything else."""
    upload.seek(0)
    header = upload.read(26)
    upload.seek(0)
    return header[24] if header[:8] == b"\x89PNG\r\n\x1a\n" and len(header) > 24 else 8


def decoded_bytes(image: Image.Image, upload) -> int:
    """What decoding `image` will hold in memory."""
    depth = max(png_bit_depth(upload), 8) // 8 if image.format == "PNG" else 1
    return image.width * image.height * len(image.getbands()) * depth


def clean_copy(upload, max_width=None) -> tuple[ContentFile, str, Image.Image]:
    """The image turned upright, in its own format, without EXIF (GPS, camera) or comments; with
    its colour profile, so wide-gamut photos keep their colours (and at most `max_width` wide).
    Also the upright image itself, for the renditions."""
    upload.seek(0)
    with Image.open(upload) as original:
        kind = CONVERTED_FORMATS.get(original.format, original.format)
        image = ImageOps.exif_transpose(original)  # of the first picture, in an MPO
        if kind == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.load()
    if max_width and image.width > max_width:
        image = image.resize((max_width, max(1, round(image.height * max_width / image.width))))
    profile = image.info.get("icc_profile")
    image.info = {}  # Pillow would copy a JPEG comment (and more) from here
    out = BytesIO()
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 85}}.get(kind, {})
    if profile:
        options["icc_profile"] = profile
    image.save(out, kind, **options)  # no exif= argument: metadata is not written
    if profile:
        image.info["icc_profile"] = profile  # for the renditions
    return ContentFile(out.getvalue()), ALLOWED_FORMATS[kind], image


def stored_name(slug: str, extension: str) -> str:
    """The file's name: the slug, for people, and a random part, so that the address of a draft's
    cover cannot be guessed from its headline before it is published."""
    return f"{slug[:80]}-{secrets.token_urlsafe(9)}.{extension}"


SHARE = "share"  # the renditions' key of the JPEG link previews get (og:image)
SHARE_WIDTH = 1200  # what Facebook, Telegram and X ask for


def make_renditions(image: Image.Image, name: str) -> dict[str, str]:
    """WebP copies of `image`, stored as `name`, at each width up to its own: {width: name};
    and under SHARE a JPEG for link previews (some still read no WebP)."""
    stem = PurePosixPath(name)
    renditions = {SHARE: share_copy(image, stem)}
    for width in RENDITION_WIDTHS:
        if width > image.width:
            break
        height = max(1, round(image.height * width / image.width))
        out = BytesIO()
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        # With the colour profile: a wide-gamut (Display P3) photo keeps its colours.
        resized.save(out, "WEBP", quality=80, icc_profile=image.info.get("icc_profile"))
        path = f"renditions/{stem.parent}/{stem.stem}-{width}.webp"
        renditions[str(width)] = default_storage.save(path, ContentFile(out.getvalue()))
    return renditions


def share_copy(image: Image.Image, stem: PurePosixPath) -> str:
    width = min(SHARE_WIDTH, image.width)
    height = max(1, round(image.height * width / image.width))
    out = BytesIO()
    resized = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    resized.save(out, "JPEG", quality=82, optimize=True, icc_profile=image.info.get("icc_profile"))
    path = f"renditions/{stem.parent}/{stem.stem}-share.jpg"
    return default_storage.save(path, ContentFile(out.getvalue()))


def delete_files(name: str, renditions: dict) -> None:
    for path in [name, *renditions.values()]:
        if path:
            default_storage.delete(path)
