"""Structured data for search engines: an article as schema.org's NewsArticle in JSON-LD, with
its corrections (Google shows them), in the page's head."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

# The characters json_script escapes, so the data can never close the script element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article(article, site_url: str, site_name: str, live=None) -> str:
    """A <script> data block (it runs no code) describing `article` as a NewsArticle, or with
    `live` (articles/reading/live.py) as the LiveBlogPosting Google marks "LIVE"."""
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting" if live is not None else "NewsArticle",
        "headline": article.title,
        "description": article.description,
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "mainEntityOfPage": site_url + article.get_absolute_url(),
        "author": [{"@type": "Person", "name": author.name,
                    "url": site_url + author.get_absolute_url()}
                   for author in article.authors],
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
    }  # fmt: skip
    if getattr(article, "cover_url", ""):
        data["image"] = [site_url + article.cover_url]
    notes = list(article.corrections.all()) if article.pk else []
    if notes:  # newest first (the model's order)
        data["dateModified"] = max(article.updated_at, notes[0].created_at)
        data["correction"] = [
            {"@type": "CorrectionComment", "text": f"{n.get_kind_display()}: {n.text}",
             "datePublished": n.created_at}
            for n in notes
        ]  # fmt: skip
    if live is not None:
        data.update(live_coverage(article, live, site_url))
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def live_coverage(article, live, site_url: str) -> dict:
    """LiveBlogPosting's own properties: when the coverage runs, and its newest updates."""
    page = site_url + article.get_absolute_url()
    data = {"coverageStartTime": article.published_at}
    if article.live_ends_at:
        data["coverageEndTime"] = article.live_ends_at
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.headline or strip_tags(update.body)[:110],
            "articleBody": strip_tags(update.body),
            "datePublished": update.published_at,
            "dateModified": update.corrected_at or update.published_at,
            "url": f"{page}#update-{update.pk}",
            **({"author": {"@type": "Person", "name": update.author.name,
                           "url": site_url + update.author.get_absolute_url()}}
               if update.author else {}),
        }
        for update in live["updates"]
    ]  # fmt: skip
    return data
