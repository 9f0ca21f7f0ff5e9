"""Two people on one story. The article form carries a fingerprint of each field as it was when
the form was opened; when a colleague saved in between, the save is refused, and for each field
they changed: if this editor left it alone, their change is taken into the form (merged); if both
changed it, both are shown side by side and this editor's stays in the form, so saving again
replaces theirs knowingly, never silently."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from articles.media import embeds, library
from articles.media.html import sanitize
from articles.models import Image
from articles.newsroom import revisions

# The form's fields that a colleague's save can change, with the names editors know them by.
FIELDS = {
    "title": "Headline", "slug": "Address", "standfirst": "Standfirst", "body": "Text",
    "cover": "Cover picture", "author": "Author", "tags": "Topics", "status": "Status",
    "published_at": "Publication time", "is_featured": "Featured",
    "seo_description": "SEO description", "language": "Language",
    "translation_of": "Translation of",
}  # fmt: skip


def normal(field: str, value):
    """`value` of `field` in one shape whether it comes from the database or from a form."""
    if field in ("cover", "author", "translation_of"):
        return getattr(value, "pk", value)
    if field == "tags":
        return sorted(str(tag.pk or tag.name) for tag in value)
    if isinstance(value, datetime):
        return value.replace(microsecond=0).timestamp()
    return "" if value is None else value


def stored(article) -> dict:
    """The fields as saved."""
    values = {field: getattr(article, field) for field in FIELDS if field != "tags"}
    values["tags"] = list(article.tags.all())
    return {field: normal(field, value) for field, value in values.items()}


def posted(cleaned: dict, fields) -> dict:
    """The fields as this form would save them (the text as saving makes it)."""
    values = {field: normal(field, cleaned.get(field)) for field in FIELDS if field in fields}
    if "body" in values:
        values["body"] = library.mark(embeds.mark(sanitize(values["body"])), Image.objects)[0]
    return values


def fingerprint(value) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


def opened_state(article) -> str:
    """What the form carries (a hidden field): a fingerprint of each field as it is now."""
    return json.dumps({field: fingerprint(value) for field, value in stored(article).items()})


@dataclass
class Change:
    field: str
    label: str
    theirs: object  # as saved by the colleague
    yours: object  # as posted
    merged: bool  # only they changed it: theirs is taken into the form

    def shown(self, value) -> str:
        """`value` as an editor reads it: names, not ids."""
        if self.field == "tags":
            pks = [int(v) for v in value if v.isdigit()]
            typed = [v for v in value if not v.isdigit()]  # new topics, made when saved
            named = revisions.describe("tags", pks) if pks else ""
            return ", ".join(filter(None, [named, *typed])) or "none"
        if self.field in ("cover", "author"):
            return revisions.describe(f"{self.field}_id", value or None)
        if self.field == "body":
            return Truncator(revisions.readable("body", value)).chars(300)
        if self.field == "published_at" and value != "":
            return revisions.describe(self.field, datetime.fromtimestamp(value, tz=UTC))
        return str(value) if value != "" else "empty"

    @property
    def theirs_shown(self) -> str:
        return self.shown(self.theirs)

    @property
    def yours_shown(self) -> str:
        return self.shown(self.yours)

    @property
    def text_diff(self) -> SafeString | None:
        """For the text: their words struck through, yours underlined."""
        if self.field != "body":
            return None
        return revisions.word_diff(
            revisions.readable("body", self.theirs), revisions.readable("body", self.yours)
        )


def changes(opened: str, current: dict, yours: dict) -> list[Change]:
    """The fields a colleague changed since the form was opened (`opened`, its fingerprints),
    each merged (you left it alone) or not (you changed it too)."""
    try:
        before = json.loads(opened or "{}")
    except ValueError:
        before = {}
    found = []
    for field, label in FIELDS.items():
        if field not in yours or fingerprint(current[field]) == before.get(field):
            continue
        if fingerprint(yours[field]) == fingerprint(current[field]):
            continue  # both made the same change
        merged = bool(before) and fingerprint(yours[field]) == before.get(field)
        found.append(Change(field, label, current[field], yours[field], merged))
    return found
