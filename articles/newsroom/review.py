"""Review: an Author submits, an Editor approves (publishes) or sends it back with a comment."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect

from articles.models import Article, ReviewNote
from articles.newsroom import revisions
from articles.newsroom.permissions import can_publish


def send_back_view(model_admin, request, pk):
    if not can_publish(request.user):
        raise PermissionDenied
    article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
    comment = request.POST.get("comment", "").strip()[:5000]
    if article.status != Article.Status.REVIEW:
        model_admin.message_user(request, "Nothing changed: it is not waiting for review.")
    elif not comment:
        model_admin.message_user(request, "Say what the author should change.", messages.ERROR)
    else:
        with transaction.atomic(), revisions.kept(request, "Sent back to the author."):
            article.status = Article.Status.DRAFT
            article.save()
            ReviewNote.objects.create(
                article=article, step=ReviewNote.Step.SENT_BACK, comment=comment,
                user=request.user,
            )  # fmt: skip
        model_admin.log_change(request, article, "Sent back to the author.")
        model_admin.message_user(request, f"Sent back to the author: {article.title}.")
    return redirect("admin:articles_article_change", pk)


def record_step(model_admin, request, article, was):
    """A save that moved the article into review, or out of it by publishing, is a step of
    its review: noted on the article, and said to the person who took it."""
    if article.status == Article.Status.REVIEW and was != Article.Status.REVIEW:
        ReviewNote.objects.create(
            article=article, step=ReviewNote.Step.SUBMITTED, user=request.user
        )
        model_admin.message_user(request, "Submitted for review: an Editor will read it next.")
    elif was == Article.Status.REVIEW and article.status == Article.Status.PUBLISHED:
        ReviewNote.objects.create(article=article, step=ReviewNote.Step.APPROVED, user=request.user)
