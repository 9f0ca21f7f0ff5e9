"""Live coverage in the newsroom: the updates on the article's own page (an inline), each
update's page (to correct, pin or delete it, with its revisions), and "Post an update", one
screen a reporter uses from a phone in the field: a box, two ticks and a button, the newest
updates under it.

Editors post to any live article; an Author to the live articles on their byline, published or not
(their drafts' updates wait for the article)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article, BreakingNews, LiveUpdate
from articles.newsroom import revisions
from articles.newsroom.permissions import byline_of, can_publish, on_byline

UPDATE_FIELDS = ["headline", "body", "is_pinned", "is_key_event", "published_at", "correction"]


def may_post(user, article) -> bool:
    if not user.has_perm("articles.add_liveupdate"):
        return False
    return can_publish(user) or on_byline(user, article)


class PostUpdateForm(forms.ModelForm):
    class Meta:
        model = LiveUpdate
        fields = ["headline", "body", "is_pinned", "is_key_event"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5, "autofocus": True}),
            "headline": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels = {"body": "Update"}


def post_update_view(model_admin, request, pk):
    """GET: the screen; POST: the update, published at once, then the screen again (303)."""
    article = get_object_or_404(Article.objects.select_related("author"), pk=pk)
    if not article.is_live or not may_post(request.user, article):
        raise PermissionDenied
    form = PostUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with revisions.kept(request, "Posted."):
            update = form.save(commit=False)
            update.article = article
            update.author = byline_of(request.user)
            update.save()
        messages.success(request, "Posted: readers see it within seconds.")
        return redirect(request.path, permanent=False)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Post an update: {article.title}",
        "article": article,
        "form": form,
        "updates": article.live_updates.select_related("author")[:20],
        "ended": not article.live_running,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/articles/article/post_update.html", context)


def post_update_link(article) -> str:
    if not article.pk or not article.is_live:
        return "Tick “live coverage” and save: then post updates here."
    url = reverse("admin:articles_article_post_update", args=[article.pk])
    return format_html('<a class="button" href="{}">Post an update</a>', url)


class LiveUpdateInline(admin.StackedInline):
    """The updates on the live article's own page, newest first."""

    model = LiveUpdate
    fields = UPDATE_FIELDS
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(LiveUpdate)
class LiveUpdateAdmin(admin.ModelAdmin):
    """One update: corrected (say what was wrong), pinned, made a key event, or deleted; each
    save keeps a revision."""

    list_display = ["__str__", "article", "published_at", "is_pinned", "is_key_event"]
    list_select_related = ["article"]
    list_filter = ["is_pinned", "is_key_event"]
    fields = ["article", "author", *UPDATE_FIELDS]
    readonly_fields = ["article", "author"]
    search_fields = ["headline"]

    def get_queryset(self, request):
        updates = super().get_queryset(request).select_related("article", "author")
        if can_publish(request.user):
            return updates
        return updates.filter(article__in=Article.objects.by(user=request.user))

    def has_add_permission(self, request):
        return False  # posted from the article ("Post an update") or its page

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_post(request.user, obj.article)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            with revisions.kept(request, "Changed."):
                return super().changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_continue" not in request.POST:
            return redirect("admin:articles_article_post_update", obj.article_id)
        return super().response_change(request, obj)


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    """The line at the top of every page of a language, from its start to its end: readers see
    it within a second of a save, and it goes at its end with nothing to do."""

    list_display = ["text", "language", "starts_at", "ends_at", "showing"]
    list_filter = ["language"]
    fields = ["text", "article", "language", "starts_at", "ends_at"]
    autocomplete_fields = ["article"]

    @admin.display(boolean=True, description="Showing now")
    def showing(self, news):
        return news.starts_at <= timezone.now() < news.ends_at

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "article":  # a story to link, not one to write or delete here
            field.widget.can_add_related = field.widget.can_delete_related = False
            field.widget.can_change_related = field.widget.can_view_related = False
        return field

    def get_changeform_initial_data(self, request):
        return {"ends_at": timezone.now() + timedelta(hours=2),
                **super().get_changeform_initial_data(request)}  # fmt: skip
