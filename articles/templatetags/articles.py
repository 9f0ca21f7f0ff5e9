from django import template
from django.conf import settings
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, pgettext

from articles.media import embeds, library
from articles.models import Image
from articles.reading.search import safe_snippet
from articles.syndication import structured_data

register = template.Library()


@register.filter
def iso(value):
    """A machine-readable time for <time datetime>, to the second (HTML allows no more)."""
    return value.isoformat(timespec="seconds") if value else ""


@register.filter
def snippet(value):
    """A search headline, safe to render: only its <mark> highlights survive."""
    return mark_safe(safe_snippet(value or ""))


@register.simple_tag(takes_context=True)
def news_article_ld(context, article, live=None):
    """JSON-LD NewsArticle (LiveBlogPosting with the updates of live coverage) for search
    engines (articles/syndication/structured_data.py)."""
    site = context["site_url"], context["site_name"]
    return structured_data.news_article(article, *site, live or None)


# How each language writes a day and a time ("E": the month's name as in "27 ноября").
DATE_TIME_FORMATS = {"en": "j F Y, H:i", "ru": "j E Y, H:i", "kk": "j E Y, H:i", "uz": "j-F Y, H:i"}
SHORT_FORMATS = {"en": "j F, H:i", "ru": "j E, H:i", "kk": "j E, H:i", "uz": "j-F, H:i"}
DAY_FORMATS = {"en": "j M Y", "ru": "j E Y", "kk": "j E Y", "uz": "j-F Y"}
LOWER_CASE_MONTHS = {"kk", "uz"}  # "27 қараша", "27-noyabr" (Django's names are capitalised)


def local_date(value, formats: dict) -> str:
    language = get_language() or settings.LANGUAGE_CODE
    value = localtime(value)
    text = date_format(value, formats.get(language, formats["en"]))
    if language in LOWER_CASE_MONTHS:
        for month in {date_format(value, "F"), date_format(value, "E")}:
            text = text.replace(month, month.lower())
    return text


@register.filter
def day(value):
    """The day alone, as the page's language writes it."""
    return local_date(value, DAY_FORMATS) if value else ""


@register.simple_tag
def when(value, fmt=None, ago=False):
    """A time as readers read it: in the newsroom's time zone, with its name, in a <time> that
    keeps the exact value, written as the page's language writes it (`fmt="short"`: without
    the year). `ago`, in lists: the day alone ("27 Nov 2026", short enough for a phone), the
    exact time as its title; static/js/site.js says "2 h ago" instead where every time of the
    list is within the last day (one format per list; written at reading time: cached cards
    would make a server-written one wrong)."""
    if not value:
        return ""
    exact = f"{local_date(value, DATE_TIME_FORMATS)} {gettext(settings.TIME_LABEL)}"
    if ago:
        return format_html(
            '<time datetime="{}" data-ago title="{}">{}</time>', iso(value), exact, day(value)
        )
    return format_html(
        '<time datetime="{}"{}>{} {}</time>',
        iso(value),
        mark_safe(" data-ago") if ago else "",
        local_date(value, SHORT_FORMATS if fmt == "short" else DATE_TIME_FORMATS),
        gettext(settings.TIME_LABEL),  # names in articles/i18n.py
    )


@register.simple_tag(takes_context=True)
def rich_text(context, html):
    """Saved rich text (an article's, a live update's): its library pictures as the library has
    them now, its embeds as frames or placeholders by the reader's consent."""
    request = context.get("request")
    body = library.render(html, Image.objects)
    return embeds.render(body, context.get("consent"), request.path if request else "/")


@register.simple_tag(takes_context=True)
def article_body(context, article):
    """The article's text, its embeds as frames or placeholders by the reader's consent."""
    return rich_text(context, article.body)


@register.simple_tag
def byline(article, page=False):
    """Its authors linked to their pages, "A, B and C" in the page's language; on its own page
    (`page`) as "By A, B and C", each marked as its author."""
    rel = mark_safe(' rel="author"') if page else ""
    links = [
        format_html('<a class="byline" href="{}"{}>{}</a>', a.get_absolute_url(), rel, a.name)
        for a in article.authors
    ]
    names = links[0] if len(links) < 2 else format_html(
        "{} {} {}", mark_safe(", ".join(links[:-1])), pgettext("byline", "and"), links[-1]
    )  # fmt: skip
    if not page:
        return names
    by = pgettext("byline", "By") if len(links) < 2 else pgettext("byline of several", "By")
    return format_html("{} {}", by, names)
