from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

from articles.models import Article, Author, Tag
from articles.share import LIFETIMES, share_url

# What the editor offers: the same elements the sanitizer keeps (articles/html.py).
BODY_EXTENSIONS = {
    "Bold": True, "Italic": True, "Link": {"enableTarget": False}, "Heading": {"levels": [2, 3]},
    "BulletList": True, "OrderedList": True, "ListItem": True, "Blockquote": True,
    "HardBreak": True, "History": True,
}  # fmt: skip


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


class ArticleForm(forms.ModelForm):
    body = ProseEditorFormField(extensions=BODY_EXTENSIONS, widget=AdminProseEditorWidget)

    class Meta:
        model = Article
        fields = [
            "title", "slug", "standfirst", "body", "cover_image", "cover_alt", "cover_caption",
            "cover_credit", "author", "tags", "status", "published_at", "is_featured",
            "seo_description",
        ]  # fmt: skip
        widgets = {"seo_description": forms.TextInput(attrs={"maxlength": 160, "size": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = (
                f"Times are in the newsroom's time zone, {settings.TIME_ZONE}. A time in the "
                "future schedules the article: it appears at that minute, with nothing to run."
            )
        if "seo_description" in self.fields:
            self.fields["seo_description"].help_text += " At most 160 characters."


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Article.Status.PUBLISHED
        return {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "scheduled": queryset.filter(status=published, published_at__gt=now),
            "published": queryset.filter(status=published, published_at__lte=now),
        }.get(self.value(), queryset)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["title", "state", "published_at", "author", "is_featured", "updated_at"]
    list_filter = [StateFilter, "status", "is_featured", "tags", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "tags"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        ("Cover image", {"fields": ["cover_image", "cover_alt", "cover_caption", "cover_credit"]}),
        ("Publishing", {"fields": ["author", "tags", "status", "published_at", "is_featured"]}),
        ("Search engines", {"fields": ["seo_description"], "classes": ["collapse"]}),
    ]

    @admin.display(description="State", ordering="status")
    def state(self, article):
        if article.status == Article.Status.DRAFT:
            label, css = "Draft", "draft"
        elif article.published_at > timezone.now():
            label, css = "Scheduled", "scheduled"
        else:
            label, css = "Published", "published"
        return format_html('<span class="state state-{}">{}</span>', css, label)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("body", "search_vector")
        if can_publish(request.user):
            return queryset
        return queryset.filter(author__user=request.user)  # authors see their own work

    def get_readonly_fields(self, request, obj=None):
        return (
            [] if can_publish(request.user) else ["status", "published_at", "is_featured", "author"]
        )

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or can_publish(request.user):
            return True
        return (
            obj.status == Article.Status.DRAFT
            and obj.author
            and obj.author.user_id == request.user.pk
        )

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user):
            obj.status = Article.Status.DRAFT
            obj.author, _ = Author.objects.get_or_create(
                user=request.user,
                defaults={"name": request.user.get_full_name() or request.user.get_username(),
                          "slug": f"user-{request.user.pk}"},
            )  # fmt: skip
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish(self, request, queryset):
        for article in queryset.filter(status=Article.Status.DRAFT):
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            article.save()
        self.message_user(request, "Published.", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        for article in queryset.exclude(status=Article.Status.DRAFT):
            article.status = Article.Status.DRAFT
            article.save()
        self.message_user(request, "Unpublished.", messages.SUCCESS)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def view_on_site(self, article):
        if article.pk and article in Article.objects.published():
            return article.get_absolute_url()
        return reverse("articles:preview", args=[article.pk])

    # Share links for drafts

    def get_urls(self):
        return [
            path("<int:pk>/share/", self.admin_site.admin_view(self.share), name="article-share"),
            path(
                "<int:pk>/revoke/", self.admin_site.admin_view(self.revoke), name="article-revoke"
            ),
            *super().get_urls(),
        ]

    def share(self, request, pk):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        hours = int(request.POST.get("hours", 0)) if request.POST.get("hours", "").isdigit() else 0
        if (
            request.method != "POST"
            or hours not in LIFETIMES
            or not self.has_change_permission(request, article)
        ):
            messages.error(request, "Choose how long the link should work.")
        else:
            url = request.build_absolute_uri(share_url(article, hours))
            messages.success(request, f"Share link, valid for {LIFETIMES[hours]}: {url}")
        return redirect("admin:articles_article_change", pk)

    def revoke(self, request, pk):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST" and self.has_change_permission(request, article):
            Article.objects.filter(pk=pk).update(share_version=article.share_version + 1)
            messages.success(request, "Every share link of this article has stopped working.")
        return redirect("admin:articles_article_change", pk)

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor loads through an import map, an inline script: give it the
        # response's CSP nonce (public pages never use one, so their policy stays 'self').
        context["media"] = Media.from_media(context["media"], nonce=get_nonce(request))
        context["share_lifetimes"] = LIFETIMES
        return super().render_change_form(request, context, *args, **kwargs)
