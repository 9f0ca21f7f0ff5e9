"""Share links for drafts: made for a chosen time and revoked all at once, from the article's
page (the panel updates in place with JavaScript; without, the page reloads with a message)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article, ShareLink
from articles.models.sharing import LIFETIMES, share_url


def share_view(model_admin, request, pk):
    article = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    hours = int(request.POST.get("hours", 0)) if request.POST.get("hours", "").isdigit() else 0
    if (
        request.method != "POST"
        or hours not in LIFETIMES
        or not model_admin.has_change_permission(request, article)
    ):
        return share_answer(model_admin, request, article, "Choose how long the link should work.")
    link = ShareLink.objects.create(
        article=article, url=settings.SITE_URL + share_url(article, hours),  # public address
        share_version=article.share_version, created_by=request.user,
        expires_at=timezone.now() + timedelta(hours=hours),
    )  # fmt: skip
    return share_answer(
        model_admin,
        request,
        article,
        f"Share link made, valid for {LIFETIMES[hours]}: {link.url}",
        ok=True,
    )


def revoke_view(model_admin, request, pk):
    article = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    allowed = request.method == "POST" and model_admin.has_change_permission(request, article)
    if not allowed:
        return share_answer(model_admin, request, article, "Nothing revoked.")
    if not request.POST.get("confirm"):
        return share_answer(
            model_admin, request, article, "Nothing revoked: tick the box to confirm."
        )
    article.share_version += 1
    Article.objects.filter(pk=pk).update(share_version=article.share_version)
    return share_answer(
        model_admin,
        request,
        article,
        "Every share link of this article has stopped working.",
        ok=True,
    )


def share_answer(model_admin, request, article, message, ok=False):
    """With JavaScript (the panel asks for JSON): the panel again, so the page and its
    unsaved edits stay. Without: a message, back on the article."""
    if "application/json" in request.headers.get("Accept", ""):
        panel = render_to_string(
            "admin/articles/article/share_links.html",
            {"original": article, "share_links": ShareLink.working(article),
             "share_lifetimes": LIFETIMES, "share_message": message, "share_ok": ok},
            request=request,
        )  # fmt: skip
        return JsonResponse({"ok": ok, "html": panel}, status=200 if ok else 400)
    model_admin.message_user(request, message, messages.SUCCESS if ok else messages.ERROR)
    return redirect("admin:articles_article_change", article.pk)
