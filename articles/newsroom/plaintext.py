"""Turn a plain-text page dump into article HTML.

The dumps we receive are one block per line: the first non-empty line is the headline, short lines
without closing punctuation are subheadings, the rest are paragraphs, and the page's trailing
chrome (a cookie-banner line) is not part of the article.
"""

import html
import re
from dataclasses import dataclass

SUBHEADING_MAX_CHARS = 140
SENTENCE_END = tuple('.!?…:;"”»)')
SITE_CHROME = re.compile(r"\b(cookies?|subscribe to our newsletter|all rights reserved)\b", re.I)


class PlainTextError(ValueError):
    """The file is not a readable plain-text article."""


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    body: str


def decode(data: bytes) -> str:
    if not data.strip():
        raise PlainTextError("the file is empty")
    if b"\x00" in data:
        raise PlainTextError("the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlainTextError(f"the file is not UTF-8 text (byte {error.start})") from None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise PlainTextError("the file contains control characters, not text")
    return text


def is_subheading(line: str) -> bool:
    """A short line that is not a sentence; never an address on its own (a video to embed)."""
    is_address = line.startswith(("http://", "https://")) and " " not in line
    return len(line) <= SUBHEADING_MAX_CHARS and not line.endswith(SENTENCE_END) and not is_address


def parse(data: bytes) -> ParsedArticle:
    lines = [line.strip() for line in decode(data).splitlines()]
    blocks = [line for line in lines if line]
    while blocks and SITE_CHROME.search(blocks[-1]):
        blocks.pop()
    if len(blocks) < 2:
        raise PlainTextError("the file needs a title line and at least one paragraph")
    title, *rest = blocks
    if len(title) > 300:
        raise PlainTextError("the first line is too long for a title (300 characters at most)")
    body = "\n".join(
        f"<h2>{html.escape(block)}</h2>" if is_subheading(block) else f"<p>{html.escape(block)}</p>"
        for block in rest
    )
    return ParsedArticle(title=title, body=body)
