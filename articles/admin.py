import secrets

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

    def get_readonly_fields(self, request, obj=None):
        # The description is printed on the topic's page under the paper's name: Editors' text.
        return [] if can_publish(request.user) else ["description"]

    def lookup_allowed(self, lookup, value, request=None):
        # `?articles__id__exact=3` would list a draft's topics to anyone with the list.
        if lookup.startswith("articles") and not (request and can_publish(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.startswith("articles") and not (request and can_publish(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    # Authors see bylines, never the accounts behind them (a login name is half of a sign-in).
    def get_list_display(self, request):
        return self.list_display if can_publish(request.user) else ["name", "slug"]

    def get_exclude(self, request, obj=None):
        return [] if can_publish(request.user) else ["user"]


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

    def get_list_filter(self, request):
        # Authors see their own articles only: filters by other authors or topics would name them.
        return self.list_filter if can_publish(request.user) else [StateFilter]

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
                # Never the login name: bylines and author addresses are public, and a known
                # login name is half of a sign-in.
                defaults={"name": request.user.get_full_name() or "Staff writer",
                          "slug": f"writer-{secrets.token_hex(4)}"},
            )  # fmt: skip
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish(self, request, queryset):
        """Now means now: drafts and scheduled articles go live at this minute, on top of the
        lists (scheduling stays on the form)."""
        now = timezone.now()
        changed = []
        for article in queryset.defer(None):
            if article.status == Article.Status.PUBLISHED and article.published_at <= now:
                continue  # already live
            was = "draft" if article.status == Article.Status.DRAFT else "scheduled"
            article.status, article.published_at = Article.Status.PUBLISHED, now
            article.save()
            self.log_change(request, article, f"Published now (was {was}).")
            changed.append(article)
        self.report(request, changed, "published now", "already published")

    @admin.action(
        description="Unpublish selected articles (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        changed = []
        for article in queryset.exclude(status=Article.Status.DRAFT).defer(None):
            article.status = Article.Status.DRAFT
            article.save()
            self.log_change(request, article, "Unpublished (back to draft).")
            changed.append(article)
        self.report(request, changed, "unpublished", "already drafts")

    def report(self, request, changed, done, already):
        """ "2 articles published now: A, B", or that nothing changed."""
        if not changed:
            self.message_user(
                request, f"Nothing changed: the selected articles were {already}.", messages.INFO
            )
            return
        titles = "; ".join(article.title for article in changed[:5])
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        noun = "article" if len(changed) == 1 else "articles"
        self.message_user(
            request, f"{len(changed)} {noun} {done}: {titles}{more}.", messages.SUCCESS
        )

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def view_on_site(self, article):
        if article.pk and Article.objects.published().filter(pk=article.pk).exists():
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
            url = settings.SITE_URL + share_url(article, hours)  # the public address
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
