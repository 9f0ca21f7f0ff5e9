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
from collections.abc import Callable

from newsportal.languages import strip_language

INCLUDE = re.compile(rb'<esi:include src="([^"]{1,200})"\s*/>')
_fillers: dict[str, Callable] = {}


def fills(path: str, func: Callable) -> None:
    """Register `func(request, src) -> str` for includes whose address (without its language
    prefix) is `path`."""
    _fillers[path] = func


def filled(request, content: bytes) -> bytes:
    def fill(match):
        src = match.group(1).decode()
        func = _fillers.get(strip_language(src))
        return func(request, src).encode() if func else b""

    return INCLUDE.sub(fill, content)


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
        response.content = filled(request, response.content)
        if response.has_header("ETag"):
            del response["ETag"]  # of the page without its parts: made again from what is sent
        return response
