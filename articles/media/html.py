"""The one place that decides which HTML an article body may contain."""

import nh3

ALLOWED_TAGS = {
    "p", "h2", "h3", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "br",
    "figure", "figcaption", "img",
}  # fmt: skip
# Pictures: from the library only (articles/media/library.py ties each to its record on save).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "data-file"}}


def sanitize(html: str) -> str:
    """Return `html` with everything outside the allow-list removed (scripts, handlers, styles)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
