"""An article's revisions (kept by django-reversion): every save in the admin keeps one, with who
and what changed; compare one with the article as it is now, and restore one, saying what
could not come back. The comparing and restoring screens are at the end."""

import difflib
import html
import re
from contextlib import contextmanager
from datetime import datetime

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version

from articles.models import Article, Author, Image, Tag
from articles.newsroom.permissions import can_publish

TEXT_FIELDS = [("title", "Headline"), ("standfirst", "Standfirst"), ("body", "Text")]
OTHER_FIELDS = [
    ("slug", "Address"), ("seo_description", "SEO description"), ("cover_id", "Cover picture"),
    ("author_id", "Author"), ("tags", "Topics"), ("status", "Status"),
    ("published_at", "Publication time"), ("is_featured", "Featured"),
]  # fmt: skip
WORDS = re.compile(r"\s+|[^\s]+")
PICTURE = re.compile(r'<img [^>]*?alt="(?P<alt>[^"]*)"[^>]*>')
PICTURE_ID = re.compile(r'<img [^>]*?data-file="(\d+)"')
BLOCK_END = re.compile(r"</(?:p|h2|h3|li|blockquote|figcaption|figure)>")


def readable(field: str, value: str) -> str:
    """The text a reader sees: the body without its markup, one paragraph, caption or picture
    ("[Picture: its description]") a line."""
    if field != "body":
        return value or ""
    text = PICTURE.sub(lambda found: f"\n[Picture: {found['alt'] or 'no description'}]\n", value)
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", text or "")))
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def pictures(body: str) -> list[int]:
    """The library pictures a body shows, in order."""
    return [int(found) for found in PICTURE_ID.findall(body or "")]


def word_diff(old: str, new: str) -> str:
    """Old and new text as one, words removed in <del> and words added in <ins>, escaped.
    Changes separated by nothing but spaces read as one change ("<del>It rained.</del>")."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    runs = []  # [equal text] or [removed, added]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal" and not (gone.isspace() and runs and len(runs[-1]) == 2):
            runs.append([gone])
        elif op == "equal" or (runs and len(runs[-1]) == 2):
            if len(runs[-1]) == 1:
                runs.append(["", ""])
            runs[-1][0] += gone if op != "insert" else ""
            runs[-1][1] += added if op != "delete" else ""
        else:
            runs.append([gone if op != "insert" else "", added if op != "delete" else ""])
    out = []
    for run in runs:
        if len(run) == 1:
            out.append(html.escape(run[0]))
            continue
        removed, added = run
        text = removed or added
        out.append(html.escape(text[: len(text) - len(text.lstrip())]))  # a line break kept
        if removed.strip():
            out.append(f"<del>{html.escape(removed.strip())}</del>")
        if added.strip():
            out.append(f"<ins>{html.escape(added.strip())}</ins>")
        if removed[-1:].isspace() or added[-1:].isspace():
            out.append(" ")
    return mark_safe("".join(out).replace("\n", "<br>"))


def current_values(article) -> dict:
    return {
        **{field: getattr(article, field) for field, _ in TEXT_FIELDS + OTHER_FIELDS
           if field != "tags"},
        "tags": sorted(article.tags.values_list("pk", flat=True)),
    }  # fmt: skip


def revision_values(version) -> dict:
    values = dict(version.field_dict)
    values["tags"] = sorted(values.get("tags") or [])
    return values


def to_the_millisecond(value):
    """Revisions keep times to the millisecond (JSON): compare them at that precision."""
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def describe(field: str, value) -> str:
    if field == "author_id":
        author = Author.objects.filter(pk=value).first() if value else None
        return author.name if author else ("(removed)" if value else "none")
    if field == "cover_id":
        picture = Image.objects.filter(pk=value).first() if value else None
        return picture.alt if picture else ("(deleted)" if value else "none")
    if field == "pictures":
        alts = dict(Image.objects.filter(pk__in=value).values_list("pk", "alt"))
        return ", ".join(alts.get(pk, "(deleted)") for pk in value) or "none"
    if field == "tags":
        names = dict(Tag.objects.filter(pk__in=value).values_list("pk", "name"))
        return ", ".join(names.get(pk, "(removed)") for pk in value) or "none"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d %B %Y, %H:%M:%S}"
    return str(value) if value not in (None, "") else "empty"


def compare(version, article) -> dict:
    """The revision against the article now: word diffs of the texts, the other changes."""
    then, now = revision_values(version), current_values(article)
    texts = [
        {"label": label, "diff": word_diff(readable(f, then.get(f)), readable(f, now[f])),
         "changed": (then.get(f) or "") != (now[f] or "")}
        for f, label in TEXT_FIELDS
    ]  # fmt: skip
    then["pictures"], now["pictures"] = pictures(then.get("body")), pictures(now["body"])
    others = [
        {"label": label, "then": describe(f, then.get(f)), "now": describe(f, now[f])}
        for f, label in [*OTHER_FIELDS, ("pictures", "Pictures in the text")]
        if to_the_millisecond(then.get(f)) != to_the_millisecond(now[f])
    ]
    return {"texts": texts, "others": others}


def restore(version, article: Article) -> tuple[list[str], list[Tag]]:
    """Put the revision's content back on `article` (not saved); what could not come back, and
    the topics to set once it is saved."""
    values, problems = revision_values(version), []
    for field, _ in TEXT_FIELDS + OTHER_FIELDS:
        if field in ("author_id", "tags", "cover_id") or field not in values:
            continue
        setattr(article, field, values[field])
    author_id = values.get("author_id")
    if author_id and not Author.objects.filter(pk=author_id).exists():
        problems.append("the author was deleted since; the current author stays")
    else:
        article.author_id = author_id
    cover_id = values.get("cover_id")
    if cover_id and not Image.objects.filter(pk=cover_id).exists():
        problems.append("the cover picture was deleted from the library since; the current stays")
    else:
        article.cover_id = cover_id
    tags = list(Tag.objects.filter(pk__in=values["tags"]))
    missing = len(values["tags"]) - len(tags)
    if missing:
        problems.append(f"{missing} topic{'s' * (missing > 1)} deleted since could not come back")
    if Article.objects.exclude(pk=article.pk).filter(slug=article.slug).exists():
        problems.append(f"the address {article.slug} is taken by another article; kept the current")
        article.slug = Article.objects.values_list("slug", flat=True).get(pk=article.pk)
    return problems, tags


@contextmanager
def kept(request, comment=""):
    """What is saved inside the block is one revision, by this user, with this comment."""
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        yield


def when(version) -> str:
    return f"{timezone.localtime(version.revision.date_created):%d %B %Y, %H:%M}"


def revisable(model_admin, request, pk):
    """The article, if this user may see its revisions: Editors all, Authors their own
    drafts (what they can change)."""
    article = get_object_or_404(model_admin.get_queryset(request).defer(None), pk=pk)
    if not (can_publish(request.user) or model_admin.has_change_permission(request, article)):
        raise PermissionDenied
    return article


def revision_of(article, version_id):
    """A revision of this article; another article's revision is a 404 here."""
    return get_object_or_404(
        Version.objects.get_for_object(article).select_related("revision__user"),
        pk=version_id,
    )


def compare_view(model_admin, request, pk, version_id):
    article = revisable(model_admin, request, pk)
    version = revision_of(article, version_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts, "original": article, "version": version,
        "title": f"Compare with the revision of {when(version)}",
        "comparison": compare(version, article),
        "can_restore": model_admin.has_change_permission(request, article),
    }  # fmt: skip
    return TemplateResponse(request, "admin/articles/article/compare.html", context)


def restore_view(model_admin, request, pk, version_id):
    article = revisable(model_admin, request, pk)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    version = revision_of(article, version_id)
    saved = when(version)
    with transaction.atomic(), kept(request, f"Restored the revision of {saved}."):
        problems, tags = restore(version, article)
        if not can_publish(request.user):
            article.status = Article.Status.DRAFT  # Authors restore text, never publish
        article.save()
        article.tags.set(tags)
    model_admin.log_change(request, article, f"Restored the revision of {saved}.")
    model_admin.message_user(
        request, f"Restored the revision of {saved}; it is a new revision now."
    )
    for problem in problems:
        model_admin.message_user(request, f"Not restored: {problem}.", messages.WARNING)
    return redirect("admin:articles_article_change", pk)
