"""Pictures from the image library inside an article's text.

The editor's Figure button (its "Browse..." opens the library's picker,
articles/newsroom/image_library.py) writes

    <figure><img src="/media/library/..." alt="..." data-file="12"><figcaption>…</figcaption>
    </figure>

On save, `mark` ties each picture to its library record (by data-file, else by address) and
drops any other <img>: the text shows library pictures only, never an address from elsewhere.
On the page, `render` draws each from the library as it is now (srcset, size, caption, credit),
so a new file or credit reaches every article that shows it; pictures placed next to each
other, with nothing between them, form a gallery. Both are handed the library (Image.objects):
media/ sits below the models, which use it, and imports none of them.
"""

import itertools
import re
from html import unescape

from django.core.files.storage import default_storage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.html import escape

IMG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
EMPTY_FIGURE = re.compile(
    r"<figure>(?:(?!<img|</figure>).)*?(?:<figcaption>(?P<caption>.*?)</figcaption>)?\s*</figure>",
    re.S,
)
FIGURE = re.compile(
    r'<figure><img src="[^"]*" alt="(?P<alt>[^"]*)" data-file="(?P<id>\d+)">'
    r"(?:<figcaption>(?P<caption>.*?)</figcaption>)?</figure>",
    re.S,
)
SIZES = 'sizes="(min-width: 44rem) 42rem, 100vw"'  # articles/_inline_image.html
GALLERY_SIZES = 'sizes="(min-width: 44rem) 21rem, 50vw"'


def stored_name(src: str) -> str:
    """The storage name an address of the library points to, else ""."""
    base = default_storage.url("library/")
    path = unescape(src)
    return path[len(base) - len("library/") :] if path.startswith(base) else ""


def mark(html: str, library) -> tuple[str, set[int]]:
    """`html` (sanitized) with each picture tied to its record in `library` (Image.objects),
    others removed; and the ids of the library images it shows."""
    if "<img" not in html:
        return html, set()
    tags = [dict(ATTRIBUTE.findall(tag)) for tag in IMG.findall(html)]
    ids = {int(a["data-file"]) for a in tags if a.get("data-file", "").isdigit()}
    names = {stored_name(a.get("src", "")) for a in tags} - {""}
    found = library.filter(Q(pk__in=ids) | Q(file__in=names)).only("pk", "file", "alt")
    by_id = {image.pk: image for image in found}
    by_name = {image.file.name: image for image in found}
    shown = set()

    def replace(match):
        attributes = dict(ATTRIBUTE.findall(match.group(0)))
        file_id = attributes.get("data-file", "")
        image = by_id.get(int(file_id)) if file_id.isdigit() else None
        image = image or by_name.get(stored_name(attributes.get("src", "")))
        if image is None:
            return ""  # not from the library
        shown.add(image.pk)
        alt = attributes.get("alt") or escape(image.alt)
        return f'<img src="{escape(image.url)}" alt="{alt}" data-file="{image.pk}">'

    def without_picture(figure):
        # A figure whose picture went: what was typed in its caption stays, as a paragraph.
        caption = (figure["caption"] or "").strip()
        return f"<p>{caption}</p>" if caption else ""

    marked = EMPTY_FIGURE.sub(without_picture, IMG.sub(replace, html))
    if marked.count("<img") < html.count("<img"):
        marked = marked.replace("<p></p>", "")  # where a removed picture stood alone
    return marked, shown


def removed_pictures(before: str, after: str) -> int:
    """How many pictures `mark` took out of `before` to make `after`."""
    return before.count("<img") - after.count("<img")


def render(html: str, library) -> str:
    """Each picture in `html` drawn from `library` (Image.objects) as it is now. Pictures that
    stand next to each other, with nothing but white space between them, are a gallery (as
    WordPress, Ghost and Wagtail have it); a paragraph, quote or heading between two pictures
    ends the run."""
    found = list(FIGURE.finditer(html))
    if not found:
        return html
    images = library.in_bulk({int(f["id"]) for f in found})

    def draw(figure, sizes=SIZES):
        image = images.get(int(figure["id"]))
        if image is None:
            return ""
        caption = figure["caption"] or escape(image.caption)
        drawn = render_to_string(
            "articles/_inline_image.html",
            {"image": image, "alt": unescape(figure["alt"]) or image.alt, "caption": caption},
        ).strip()
        return drawn.replace(SIZES, sizes)

    parts, end = [], 0
    for run in runs(html, found):
        parts.append(html[end : run[0].start()])
        if len(run) == 1:
            parts.append(draw(run[0]))
        else:
            # Tiles are about half the column wide: the browser may take a smaller rendition.
            tiles = "".join(draw(figure, GALLERY_SIZES) for figure in run)
            parts.append(f'<div class="gallery" role="group" aria-label="Gallery">{tiles}</div>')
        end = run[-1].end()
    parts.append(html[end:])
    return "".join(parts)


def runs(html: str, found: list[re.Match]) -> list[list[re.Match]]:
    """`found` (pictures in `html`, in order) in runs of pictures with only white space
    between them."""
    grouped = [[found[0]]]
    for before, figure in itertools.pairwise(found):
        if html[before.end() : figure.start()].strip():
            grouped.append([figure])
        else:
            grouped[-1].append(figure)
    return grouped
