"""The language of a page is its address's: `/ru/...`, `/kk/...`, `/uz/...`, and no prefix for
English (LANGUAGE_CODE), so that every address English had keeps working.

Never the browser's Accept-Language on public pages: a page would then differ by a header that
caches and shared links do not carry. The admin is never cached and follows the editor's
browser (Accept-Language), for which Django ships its own translations.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The prefixed languages: a set lookup on the path's first segment, not a regular expression
# (every request passes here, static files and health checks too).
PREFIXED = frozenset(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def prefix_of(path: str) -> str | None:
    first = path[1:].split("/", 1)[0]
    return first if first in PREFIXED else None


DEFAULT = settings.LANGUAGE_CODE


def language_of_path(path: str) -> str:
    return prefix_of(path) or DEFAULT


def strip_language(path: str) -> str:
    """The path without its language prefix: `/ru/search/` -> `/search/`."""
    language = prefix_of(path)
    return (path[len(language) + 1 :] or "/") if language else path


def x_default(versions: dict[str, str], own: str) -> str:
    """The address for readers of no listed language: the English page where there is one,
    else the page's own (`versions`: {language: address})."""
    return versions.get(settings.LANGUAGE_CODE) or versions[own]


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        in_admin = request.path_info.startswith(self.admin_prefix)
        if in_admin:
            language = translation.get_language_from_request(request)
        else:
            language = language_of_path(request.path_info)
        previous = translation.get_language()
        switched = language != previous
        if switched:
            translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:  # the thread's language goes back: nothing after this request inherits it
            if switched:
                translation.activate(previous) if previous else translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        if in_admin:
            patch_vary_headers(response, ["Accept-Language"])
        return response
