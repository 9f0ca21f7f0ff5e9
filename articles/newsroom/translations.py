"""Translations: the story in every language, and a draft copy to translate made in one click."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles.models import LANGUAGE_NAMES, Article
from articles.models.bylines import naming
from articles.newsroom import revisions
from articles.newsroom.permissions import can_publish


def translatable(request):
    """What this user may translate: what they may see (an Author: the work on their byline, and
    what is published). Another's draft is news: never copied, never named."""
    if can_publish(request.user):
        return Article.objects.all()
    return Article.objects.filter(naming(user=request.user) | Q(pk__in=Article.objects.published()))


def translate_view(model_admin, request, pk, language):
    """A draft copy of the story's original in `language`, linked to it; or the one that
    exists already."""
    article = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if language not in LANGUAGE_NAMES or not model_admin.has_add_permission(request):
        raise PermissionDenied
    original = article.translation_of or article
    if not translatable(request).filter(pk=original.pk).exists():
        raise PermissionDenied  # a link set to another's draft (before this check)
    existing = original.translations.filter(language=language).first()
    if existing is None and original.language == language:
        existing = original
    if existing is not None:
        model_admin.message_user(request, f"{LANGUAGE_NAMES[language]}: “{existing}” already is.")
        return redirect("admin:articles_article_change", existing.pk)
    with revisions.kept(request), transaction.atomic():
        copy = original.translate(language)
        model_admin.log_addition(request, copy, f"Translation of “{original}” started.")
    model_admin.message_user(
        request,
        f"A {LANGUAGE_NAMES[language]} draft of “{original}” was made: translate its "
        "headline, text and address, then publish it.",
    )
    return redirect("admin:articles_article_change", copy.pk)


def overview(article):
    """The story in every language, each translation marked where the original changed
    after it was last saved; and a button per language it is not in yet."""
    if not article or not article.pk:
        return "Save the article first; then it can be translated."
    original = article.translation_of or article
    others = original.translations.order_by("language")[: len(LANGUAGE_NAMES)]
    versions = [original, *others]
    rows = format_html_join(
        "",
        '<li><a href="{}">{}</a>: {} ({}){}</li>',
        (
            (reverse("admin:articles_article_change", args=[v.pk]), v.get_language_display(),
             v.title, v.get_status_display(),
             " · the original" if v.pk == original.pk else
             mark_safe(" · <strong>older than the original's last change</strong>")
             if v.updated_at < original.updated_at else "")
            for v in versions
        ),
    )  # fmt: skip
    present = {v.language for v in versions}
    buttons = format_html_join(
        " ",
        '<button type="submit" class="button" formmethod="post" formnovalidate '
        'formaction="{}">Translate to {}</button>',
        (
            (reverse("admin:article-translate", args=[article.pk, code]), name)
            for code, name in LANGUAGE_NAMES.items()
            if code not in present
        ),
    )
    note = (
        '<p class="help">Makes a draft copy in that language, linked to the original, and '
        "opens it. Save your changes here first.</p>"
        if buttons
        else ""
    )
    return format_html("<ul>{}</ul><p>{}</p>{}", rows, buttons, mark_safe(note))
