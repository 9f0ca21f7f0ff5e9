"""Publishing from the article list: publish now, or take back to draft, several at once."""

from django.contrib import admin, messages
from django.utils import timezone

from articles.models import Article, ReviewNote
from articles.newsroom import revisions


@admin.action(description="Publish selected articles now", permissions=["publish"])
def publish(model_admin, request, queryset):
    """Now means now: drafts and scheduled articles go live at this minute, on top of the
    lists (scheduling stays on the form)."""
    now = timezone.now()
    changed = []
    for article in queryset.defer(None):
        if article.status == Article.Status.PUBLISHED and article.published_at <= now:
            continue  # already live
        was = {"draft": "draft", "review": "in review"}.get(article.status, "scheduled")
        with revisions.kept(request, f"Published now (was {was})."):
            if article.status == Article.Status.REVIEW:
                ReviewNote.objects.create(
                    article=article, step=ReviewNote.Step.APPROVED, user=request.user
                )
            article.status, article.published_at = Article.Status.PUBLISHED, now
            article.save()
        model_admin.log_change(request, article, f"Published now (was {was}).")
        changed.append(article)
    report(model_admin, request, changed, "published now", "already published")


@admin.action(description="Unpublish selected articles (back to draft)", permissions=["publish"])
def unpublish(model_admin, request, queryset):
    changed = []
    for article in queryset.exclude(status=Article.Status.DRAFT).defer(None):
        with revisions.kept(request, "Unpublished (back to draft)."):
            article.status = Article.Status.DRAFT
            article.save()
        model_admin.log_change(request, article, "Unpublished (back to draft).")
        changed.append(article)
    report(model_admin, request, changed, "unpublished", "already drafts")


def report(model_admin, request, changed, done, already):
    """ "2 articles published now: A, B", or that nothing changed."""
    if not changed:
        model_admin.message_user(
            request, f"Nothing changed: the selected articles were {already}.", messages.INFO
        )
        return
    titles = "; ".join(article.title for article in changed[:5])
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    noun = "article" if len(changed) == 1 else "articles"
    model_admin.message_user(
        request, f"{len(changed)} {noun} {done}: {titles}{more}.", messages.SUCCESS
    )
