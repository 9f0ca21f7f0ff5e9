"""The page in the other languages: the header's switcher and `<link rel="alternate" hreflang>`.

A view whose page exists only in some languages (an article and its translations, a topic with
articles in some languages) puts `translations` ({language: address}) in its context; any other
page (the front page, the topics, search, the cookie page) exists in every language, at the same
address under each language's prefix. A language without the page leads to its front page.
"""

from functools import cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import translation

from newsportal.languages import x_default

register = template.Library()


@cache
def _address(name: str, language: str, script_prefix: str) -> str:
    with translation.override(language):
        return reverse(name)


@register.simple_tag
def address(name: str) -> str:
    """`{% url name %}` for an address without arguments, in the page's language, reversed once
    per process: a page's header and footer name ten of them (0.2 ms a page)."""
    return _address(name, translation.get_language(), get_script_prefix())


def front_page(language: str) -> str:
    return _address("articles:home", language, get_script_prefix())


def same_page(match, language: str) -> str | None:
    """The resolved page's address in `language` (translate_url() without resolving again)."""
    with translation.override(language):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:  # an unnamed address: the language's front page instead
            return None


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    request = context.get("request")
    current = translation.get_language()
    given = context.get("translations")
    match = getattr(request, "resolver_match", None)
    if given is None and match is not None:
        given = {code: same_page(match, code) for code, _ in settings.LANGUAGES}
    given = {code: url for code, url in (given or {}).items() if url}
    return [
        {
            "code": code,
            "name": name,
            "url": given.get(code) or front_page(code),
            "exists": code in given,
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag
def hreflang_links(links) -> list[dict]:
    """The languages the page exists in, when there is more than one."""
    existing = [link for link in links if link["exists"]]
    return existing if len(existing) > 1 else []


@register.simple_tag
def default_alternate(links) -> str:
    """x-default: the English page where there is one, else the page itself."""
    versions = {link["code"]: link["url"] for link in links if link["exists"]}
    return x_default(versions, translation.get_language())
