"""Edge-side includes: a small part every page shows but no page is rendered again for (the
breaking-news line), named in pages as `<esi:include src="/breaking/"/>`.

Behind Varnish (which says so with `Surrogate-Capability`), the edge fills the include from its
own cached copy of the address, purged by its own key (deploy/varnish/newsportal.vcl). Asked
directly (`make run`, a test), the app fills it here, on the way out of the page cache, so a
stored page keeps the include and every reader gets the part as it is now. An app registers what
fills each address (`fills(prefix, func)`: `func(request, src) -> HTML`); plumbing imports no
app.
"""

import re
import zlib
from collections.abc import Callable

from newsportal.languages import strip_language

INCLUDE = re.compile(rb'<esi:include src="([^"]{1,200})"\s*/>')
_fillers: dict[str, Callable] = {}


def fills(path: str, func: Callable) -> None:
    """Register `func(request, src) -> str` for includes whose address (without its language
    prefix) is `path`."""
    _fillers[path] = func


def filled(request, content: bytes, empty: bool = False) -> tuple[bytes, bytes]:
    """`content` with its includes filled (`empty`: taken out), and what they were filled
    with. Pages have one or two, in their first lines: found by `find`, the rest of the page is
    not scanned by a regular expression."""
    parts, fills_, end = [], [], 0
    while (start := content.find(b"<esi:include", end)) != -1:
        match = INCLUDE.match(content, start)
        if match is None:
            break
        src = match.group(1).decode()
        func = None if empty else _fillers.get(strip_language(src))
        fill = func(request, src).encode() if func else b""
        parts += [content[end:start], fill]
        fills_.append(fill)
        end = match.end()
    parts.append(content[end:])
    return b"".join(parts), b"".join(fills_)


class EdgeIncludeMiddleware:
    """Outside the page cache: what it stores keeps its includes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or b"<esi:include" not in response.content
        ):
            return response
        if "ESI/1.0" in request.headers.get("Surrogate-Capability", ""):
            response["Surrogate-Control"] = 'content="ESI/1.0"'  # the edge fills it
            return response
        # An error page goes without: it may be answering for a database that does not.
        response.content, fills_ = filled(request, response.content, response.status_code != 200)
        if response.has_header("Content-Length"):  # kept with a stored page: its length now
            response["Content-Length"] = str(len(response.content))
        if response.has_header("ETag"):  # the page's, and what filled it
            page = response["ETag"].removeprefix("W/").strip('"')
            response["ETag"] = f'"{page}-{zlib.crc32(fills_):08x}"'
        return response
