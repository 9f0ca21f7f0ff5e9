"""The article in Django's admin: its list (states, filters, search through the text) and its
form, with what the newsroom adds around them. What `ModelAdmin` needs is here; each of the
article's own screens is a view in the module of what it does, all named in `get_urls`:

- revisions.py   history, compare with now, restore
- review.py      submit for review, send back; publishing.py: publish or unpublish from the list
- corrections.py corrections readers see
- autosave.py    the form kept as typed; presence.py: who else has it open
- sharing.py     share links for drafts; translations.py: the story in other languages
- forms.py       the form itself, and conflicts.py for two people on one story
"""

import functools

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from django.middleware.csp import get_nonce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from js_asset import Media
from reversion.models import Version

from articles.models import Article, Author, Autosave, Image, LiveUpdate, ShareLink
from articles.models.languages import normalise, search_config
from articles.models.sharing import LIFETIMES
from articles.newsroom import (
    autosave,
    bylines,
    corrections,
    live,
    presence,
    publishing,
    review,
    revisions,
    scripts,
    sharing,
    translations,
)
from articles.newsroom.filters import PictureFilter, StateFilter, TopicFilter
from articles.newsroom.forms import ArticleForm, TopicsField, TopicsWidget, focal_picker
from articles.newsroom.permissions import byline_of, can_publish, on_byline
from articles.newsroom.slugs import SlugFromWords
from newsportal.long_lists import EstimatedCounts


@admin.register(Article)
class ArticleAdmin(SlugFromWords, EstimatedCounts, admin.ModelAdmin):
    form = ArticleForm
    object_history_template = "admin/articles/article/object_history.html"
    # Fits a 1280 px screen beside the filters: "featured" is part of the state.
    list_display = ["title", "state", "published_at", "author"]
    # One state filter: "By status" beside it counted scheduled articles as published.
    list_filter = [StateFilter, "language", "is_featured", TopicFilter, "author", PictureFilter]
    list_select_related = ["author"]
    search_fields = ["title", "slug"]  # and every word of the text: get_search_results
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "tags", "cover", "translation_of"]
    actions = [publishing.publish, publishing.unpublish]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "standfirst", "body", "opened_version", "opened_state"]},
        ),
        (
            "Cover image",
            {
                "fields": [
                    "cover",
                    "cover_image",
                    "cover_preview",
                    "cover_focus_x",
                    "cover_focus_y",
                    "cover_alt",
                    "cover_caption",
                    "cover_credit",
                ]
            },
        ),
        ("Publishing", {"fields": ["author", "tags", "status", "published_at", "is_featured"]}),
        ("Live coverage", {"fields": ["is_live", "live_ends_at", "post_update"]}),
        ("Language", {"fields": ["language", "translation_of", "translations_list"]}),
        ("Search engines", {"fields": ["seo_description"], "classes": ["collapse"]}),
    ]

    @admin.display(description="State", ordering="status")
    def state(self, article):
        if article.status == Article.Status.DRAFT:
            label, css = "Draft", "draft"
        elif article.status == Article.Status.REVIEW:
            label, css = "In review", "review"
        elif article.published_at > timezone.now():
            label, css = "Scheduled", "scheduled"
        else:
            label, css = "Published", "published"
        featured = " · featured" if article.is_featured else ""
        return format_html('<span class="state state-{}">{}{}</span>', css, label, featured)

    def get_search_results(self, request, queryset, search_term):
        """Words of the headline, lead and text through the search vector PostgreSQL keeps (in
        each language's configuration: the index readers' search uses), a part of a headline
        through its trigram index, an address as it is: no search reads the whole archive."""
        term = search_term.strip()[:200]
        if not term:
            return queryset, False
        found = Q(title__icontains=term) | Q(slug=term)
        for language in ("en", "ru", "uz"):  # English and Russian stemmed; the others whole
            words = SearchQuery(normalise(term, language), search_type="websearch",
                                config=search_config(language))  # fmt: skip
            found |= Q(search_vector=words)
        return queryset.filter(found), False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "translation_of":  # a link to pick, not articles to make or delete
            field.widget.can_add_related = field.widget.can_delete_related = False
            field.widget.can_change_related = False
            field.queryset = translations.translatable(request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tags" and request.user.has_perm("articles.add_tag"):
            kwargs["widget"] = TopicsWidget(
                db_field,
                self.admin_site,
                attrs={"data-tags": "true"},  # select2: type to add
            )
            kwargs["form_class"] = TopicsField
            kwargs["help_text"] = "Choose topics, or type a new one and press Enter."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """A new article is by the person writing it, where they have a byline."""
        initial = super().get_changeform_initial_data(request)
        author = Author.objects.filter(user=request.user).first()
        return {"author": author.pk, **initial} if author else initial

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("body", "search_vector")
        if can_publish(request.user):
            return queryset
        return queryset.by(user=request.user)  # authors see their own work, shared or not

    def get_readonly_fields(self, request, obj=None):
        return (
            ["cover_preview", "translations_list", "post_update"]
            if can_publish(request.user)
            else ["cover_preview", "translations_list", "post_update", "status", "published_at",
                  "is_featured", "author", "is_live", "live_ends_at"]
        )  # fmt: skip

    @admin.display(description="Updates")
    def post_update(self, article):
        return live.post_update_link(article)

    def get_inlines(self, request, obj):
        """Its shared byline; a live article's updates."""
        live_updates = [live.LiveUpdateInline] if obj is not None and obj.is_live else []
        return [bylines.BylineInline, *live_updates]

    def save_formset(self, request, form, formset, change):
        if formset.model is not LiveUpdate:
            return super().save_formset(request, form, formset, change)
        for update in formset.save(commit=False):
            update.author = update.author or byline_of(request.user)
            update.save()
        for update in formset.deleted_objects:
            update.delete()

    @admin.display(description="Translations")
    def translations_list(self, article):
        return translations.overview(article)

    def get_fieldsets(self, request, obj=None):
        """Someone who may only read the article (an Author, once it is published) sees its
        text as readers do and its picture, not HTML source and a file name."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        shown = {
            "body": "body_as_read",
            "opened_version": None,
            "opened_state": None,
            **dict.fromkeys(["cover_image", *ArticleForm.COVER_TEXTS]),
        }  # the form's, not the article's
        return [
            (name, {**options, "fields": [shown.get(f, f) for f in options["fields"]
                                          if shown.get(f, f)]})
            for name, options in fieldsets
        ]  # fmt: skip

    @admin.display(description="Picture")
    def cover_preview(self, article):
        return focal_picker(article.cover if article.cover_id else None)

    @admin.display(description="Text")
    def body_as_read(self, article):
        return format_html('<div class="body-as-read">{}</div>', mark_safe(article.body))

    def get_list_filter(self, request):
        # Authors see their own articles only: filters by other authors or topics would name them.
        return self.list_filter if can_publish(request.user) else [StateFilter, PictureFilter]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or can_publish(request.user):
            return True
        return obj.status == Article.Status.DRAFT and on_byline(request.user, obj)

    # Revisions: every save in the admin keeps one (articles/newsroom/revisions.py).

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            with revisions.kept(request):
                return super().changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Created.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Saved without changes.")
        return entry

    def save_form(self, request, form, change):
        form.user = request.user  # who added a new picture to the library
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        submitting = "_submit_for_review" in request.POST
        was = form.initial.get("status") if change else None
        if not can_publish(request.user):
            obj.status = Article.Status.REVIEW if submitting else Article.Status.DRAFT
            if not change:  # theirs; one they share keeps its lead
                obj.author = byline_of(request.user)
        elif submitting and obj.status == Article.Status.DRAFT:
            obj.status = Article.Status.REVIEW
        super().save_model(request, obj, form, change)
        Autosave.objects.filter(article=obj, user=request.user).delete()  # saved for real
        if mixed := scripts.mixed_words(obj.title):
            self.message_user(
                request,
                f"The headline mixes alphabets in {', '.join(f'“{w}”' for w in mixed[:3])}: "
                "a letter looks alike but is another (a Cyrillic А for a Latin A, say), so find "
                "in page and search engines miss the word. It was saved as written.",
                messages.WARNING,
            )
        if getattr(form, "removed_pictures", 0):
            self.message_user(
                request,
                f"{form.removed_pictures} picture(s) in the text did not come from the image "
                "library and were taken out; any caption typed under them was kept as a "
                "paragraph. Place pictures with the picture button's “Browse...”.",
                messages.WARNING,
            )
        review.record_step(self, request, obj, was)
        if obj.status == Article.Status.PUBLISHED and obj.published_at > timezone.now():
            when = timezone.localtime(obj.published_at)
            self.message_user(
                request,
                f"Scheduled for {when:%-d %B, %H:%M} ({settings.TIME_ZONE}).",
                messages.INFO,
            )

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def view_on_site(self, article):
        if article.pk and Article.objects.published().filter(pk=article.pk).exists():
            return article.get_absolute_url()
        return reverse("articles:preview", args=[article.pk])

    def history_view(self, request, object_id, extra_context=None):
        article = revisions.revisable(self, request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        return super().history_view(request, object_id, {**(extra_context or {}),
                                                         "versions": versions})  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # what they may change of a cover (ArticleForm.clean)
        if "cover" in form.base_fields:  # the pictures they may see, and the one it has
            visible = Image.objects.visible_to(request.user)
            form.base_fields["cover"].queryset = visible | Image.objects.filter(
                pk=getattr(obj, "cover_id", None)
            )
        saved = request.GET.get("restore") == "autosave" and autosave.autosave_for(request, obj)
        if not saved or request.method != "GET":
            return form
        return autosave.restored(form, saved)

    def get_urls(self):
        """The article's own screens, each a view function in the module of what it does; each
        is handed this admin, for its permissions and messages."""

        def view(func):
            return self.admin_site.admin_view(functools.partial(func, self))

        def post(func):
            return self.admin_site.admin_view(require_POST(functools.partial(func, self)))

        return [
            path("<int:pk>/revisions/<int:version_id>/", view(revisions.compare_view),
                 name="article-compare"),
            path("<int:pk>/revisions/<int:version_id>/restore/", post(revisions.restore_view),
                 name="article-restore"),
            path("<int:pk>/autosave/", post(autosave.autosave_view), name="article-autosave"),
            path("<int:pk>/presence/", post(presence.presence_view), name="article-presence"),
            path("<int:pk>/send-back/", post(review.send_back_view), name="article-send-back"),
            path("<int:pk>/correct/", post(corrections.correct_view), name="article-correct"),
            path("<int:pk>/share/", view(sharing.share_view), name="article-share"),
            path("<int:pk>/translate/<str:language>/", post(translations.translate_view),
                 name="article-translate"),
            path("<int:pk>/revoke/", view(sharing.revoke_view), name="article-revoke"),
            path("<int:pk>/live/", view(live.post_update_view),
                 name="articles_article_post_update"),
            *super().get_urls(),
        ]  # fmt: skip

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor loads through an import map, an inline script: give it the
        # response's CSP nonce (public pages never use one, so their policy stays 'self').
        context["media"] = Media.from_media(context["media"], nonce=get_nonce(request))
        context["share_lifetimes"] = LIFETIMES
        article = context.get("original")
        if article is not None and article.pk:
            context["review_notes"] = article.review_notes.select_related("user")
            context["corrections"] = article.corrections.all()
            context["correction_form"] = corrections.CorrectionForm()
            context["autosave"] = autosave.autosave_for(request, article)
            context["share_links"] = ShareLink.working(article)
            if request.method == "GET":
                context["others_editing"] = presence.here(article.pk, request.user)
        context["can_publish"] = can_publish(request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    class Media:
        js = ["js/autosave.js", "js/presence.js", "js/focal-point.js", "js/share-links.js"]
        css = {"all": ["css/admin-newsroom.css"]}
