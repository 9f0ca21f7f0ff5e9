import json
import secrets
from contextlib import contextmanager
from datetime import timedelta

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media
from reversion.models import Version

from articles.media import embeds, library
from articles.media.html import sanitize
from articles.media.images import validate_image
from articles.models import (
    LANGUAGE_NAMES,
    Article,
    Author,
    Autosave,
    Correction,
    Image,
    Redirect,
    ReviewNote,
    ShareLink,
    Tag,
    TagName,
    upload_quota_error,
)
from articles.models.sharing import LIFETIMES, share_url
from articles.newsroom import conflicts, presence, revisions, scripts
from articles.newsroom.slugs import TRANSLITERATION, UZBEK_MARKS, slug_for

# What the editor offers: the same elements the sanitizer keeps (articles/media/html.py). The
# Figure button's "Browse..." opens the image library's picker (ImageAdmin.pick_view).
BODY_EXTENSIONS = {
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_pick")},
    "Image": True, "Caption": True,
    "Bold": True, "Italic": True, "Heading": {"levels": [2, 3]},
    # Addresses typed or pasted become links; static/js/prose-newsroom.js keeps text typed after
    # a link out of it (the library makes the link mark inclusive with autolink).
    "Link": {"enableTarget": False, "autolink": True},
    "BulletList": True, "OrderedList": True, "ListItem": True, "Blockquote": True,
    "HardBreak": True, "History": True,
    # Loads static/js/prose-newsroom.js: Enter leaves a caption, a picture inserted from a
    # caption goes below it, autolink as above (settings.DJANGO_PROSE_EDITOR_EXTENSIONS).
    "NewsroomEditing": True,
    "NoSpellCheck": False,  # the browser's spell checker is on (the library turns it off)
}  # fmt: skip


# What an autosave keeps of the form (never the file input, the token or the buttons).
AUTOSAVED = {
    "title", "slug", "standfirst", "body", "cover", "cover_alt", "cover_caption", "cover_credit",
    "cover_focus_x", "cover_focus_y",
    "author", "tags", "status", "published_at_0", "published_at_1", "published_at",
    "is_featured", "seo_description", "opened_version", "opened_state",
}  # fmt: skip


TRANSLITERATION_JSON = json.dumps({"letters": TRANSLITERATION, "marks": UZBEK_MARKS})


class SlugFromWords:
    """The address box filled from a headline or name writes Kazakh, Russian and Uzbek letters
    as articles/newsroom/slugs.py does (static/js/transliterate.js), the same as addresses made
    here."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            field.widget.attrs["data-transliteration"] = TRANSLITERATION_JSON
        return field

    @property
    def media(self):
        return super().media + forms.Media(js=["js/transliterate.js"])


def when(version) -> str:
    return f"{timezone.localtime(version.revision.date_created):%d %B %Y, %H:%M}"


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


class TagNameInline(admin.StackedInline):  # three fields: readable on a phone too
    """Its name and address in Russian, Kazakh and Uzbek (English ones where none is given)."""

    model = TagName
    extra = 0
    fields = ["language", "name", "slug"]


@admin.register(Tag)
class TagAdmin(SlugFromWords, admin.ModelAdmin):
    inlines = [TagNameInline]
    list_display = ["name", "slug", "section_position"]
    list_filter = [("section_position", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The description and the header's sections are printed under the paper's name:
        # Editors' choice.
        return [] if can_publish(request.user) else ["description", "section_position"]

    def lookup_allowed(self, lookup, value, request=None):
        # `?articles__id__exact=3` would list a draft's topics to anyone with the list.
        if lookup.startswith("articles") and not (request and can_publish(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Author)
class AuthorAdmin(SlugFromWords, admin.ModelAdmin):
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


class TopicsField(forms.ModelMultipleChoiceField):
    """Topics chosen from the list, or typed into the box as new ones (the admin's autocomplete,
    with tags on): a typed name is the existing topic of that name, or a new one, made when the
    article is saved."""

    def clean(self, value):
        value = [str(item).strip() for item in value or [] if str(item).strip()]
        typed = [item for item in value if not item.isdigit()]
        chosen = list(super().clean([item for item in value if item.isdigit()]))
        for name in typed:
            if len(name) > Tag._meta.get_field("name").max_length:
                raise ValidationError(f"A topic's name has at most 100 characters: {name[:40]}…")
            existing = Tag.objects.filter(name__iexact=name).first()
            chosen.append(existing or Tag(name=name))
        return chosen


class TopicsWidget(AutocompleteSelectMultiple):
    """The admin's topic box, showing typed new topics again after a validation error; matches
    first, a new topic an explicit choice (static/js/topics.js)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/topics.js"])

    def optgroups(self, name, value, attr=None):
        typed = [item for item in value if item and not str(item).isdigit()]
        chosen = [item for item in value if str(item).isdigit()]
        groups = super().optgroups(name, chosen, attr)
        for index, text in enumerate(typed, start=len(groups)):
            groups.append((None, [self.create_option(name, text, text, True, index)], index))
        return groups


def focal_picker(image):
    """The picture, to click where crops should centre (static/js/focal-point.js)."""
    if image is None:
        return "No picture yet."
    return format_html(
        '<span class="focal-picker"><img src="{}" alt="{}" width="320" data-focal-picker>'
        '<span class="focal-marker" hidden></span></span>',
        image.thumbnail_url,
        image.alt,
    )


def new_topic(name: str) -> Tag:
    """The topic `name` typed in an article's tag box, made now (or found, if a colleague made
    it meanwhile)."""
    slug = slug_for(name, 90) or "topic"
    if Tag.objects.filter(slug=slug).exists():
        slug = f"{slug}-{secrets.token_hex(3)}"
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": slug})
    return tag


class ArticleForm(forms.ModelForm):
    body = ProseEditorFormField(extensions=BODY_EXTENSIONS, widget=AdminProseEditorWidget)
    # The cover is a library picture (`cover`), or a new one uploaded here, which joins the
    # library. The texts below are the picture's own: changed here, they change in the library.
    cover_image = forms.ImageField(
        label="New picture", required=False, validators=[validate_image],
        help_text=Image._meta.get_field("file").help_text
        + " It joins the image library. At least 1200 pixels wide to show large in search "
        "results.",
    )  # fmt: skip
    cover_alt = forms.CharField(
        label="Alt text", max_length=250, required=False,
        help_text="What the picture shows, for readers who cannot see it. Required with an image.",
    )  # fmt: skip
    cover_caption = forms.CharField(label="Caption", max_length=300, required=False)
    cover_credit = forms.CharField(
        label="Credit", max_length=150, required=False,
        help_text="e.g. Photo: Aigerim Sadykova / Reuters",
    )  # fmt: skip
    cover_focus_x = forms.IntegerField(
        label="Focal point, across", min_value=0, max_value=100, required=False,
        help_text="Crops keep this point: 0 is the left edge, 100 the right (percent).",
    )  # fmt: skip
    cover_focus_y = forms.IntegerField(
        label="Focal point, down", min_value=0, max_value=100, required=False,
        help_text="0 is the top edge, 100 the bottom. Click the picture to set both.",
    )  # fmt: skip
    COVER_TEXTS = {"cover_alt": "alt", "cover_caption": "caption", "cover_credit": "credit",
                   "cover_focus_x": "focus_x", "cover_focus_y": "focus_y"}  # fmt: skip

    class Meta:
        model = Article
        fields = [
            "title", "slug", "standfirst", "body", "cover", "author", "tags", "status",
            "published_at", "is_featured", "seo_description", "language", "translation_of",
        ]  # fmt: skip
        widgets = {"seo_description": forms.TextInput(attrs={"maxlength": 160, "size": 80})}

    # The version of the article this form was opened on, and each field's fingerprint then
    # (see clean() and articles/newsroom/conflicts.py).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    opened_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.lock_version
        if self.instance.pk and not self.is_bound:
            self.fields["opened_state"].initial = conflicts.opened_state(self.instance)
        if "language" in self.fields:
            self.fields["language"].required = False
        cover = self.instance.cover if self.instance.cover_id else None
        for name, attribute in self.COVER_TEXTS.items():
            default = 50 if attribute.startswith("focus") else ""
            self.fields[name].initial = getattr(cover, attribute) if cover else default
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = (
                f"Times are in the newsroom's time zone, {settings.TIME_ZONE}. A time in the "
                "future schedules the article: it appears at that minute, with nothing to run."
            )
        if "seo_description" in self.fields:
            self.fields["seo_description"].help_text += " At most 160 characters."

    def clean_body(self):
        """A link on a line of its own to a media site this portal cannot embed is refused,
        naming those it can (a link with words of its own stays an ordinary link)."""
        body = self.cleaned_data.get("body", "")
        sanitized = sanitize(body)
        unsupported = embeds.unsupported_bare_links(sanitized)
        # Pictures not from the library are taken out on save (articles/media/library.py): say so.
        self.removed_pictures = library.removed_pictures(
            sanitized, library.mark(sanitized, Image.objects)[0]
        )
        if unsupported:
            raise ValidationError(
                f"{unsupported[0]} cannot be shown in the article. Embeds come from: "
                f"{embeds.supported_names()}. To link to it instead, give the link words of "
                "its own."
            )
        return body

    def clean_cover_focus_x(self):
        return self.focus_or_kept("cover_focus_x")

    def clean_cover_focus_y(self):
        return self.focus_or_kept("cover_focus_y")

    def focus_or_kept(self, name):
        """A focal point left empty (or not sent, by a script) keeps the picture's own."""
        value = self.cleaned_data.get(name)
        return self.fields[name].initial if value is None else value

    def cover_changes(self) -> dict:
        """The picture's texts the editor changed in this form (an emptied alt text keeps the
        library's): for the chosen picture, or a new one."""
        typed = {
            self.COVER_TEXTS[name]: self.cleaned_data.get(name)
            for name in self.COVER_TEXTS
            if name in self.changed_data
        }
        if not typed.get("alt", "x"):
            typed.pop("alt")
        return typed

    def full_clean(self):
        """A file input is empty again whenever a form comes back with errors: say so beside
        it, naming the picture, rather than let it go unnoticed."""
        super().full_clean()
        upload = self.files.get("cover_image") if self.is_bound else None
        if self._errors and upload is not None and "cover_image" not in self._errors:
            self.add_error(
                "cover_image",
                f"Your picture “{upload.name}” was not saved because of the other errors on "
                "this page: choose it again before saving.",
            )

    def save(self, commit=True):
        """A new picture joins the library and becomes the cover; texts typed for the chosen
        picture are saved in the library (every article showing it shows them)."""
        upload = self.cleaned_data.get("cover_image")
        chosen = self.cleaned_data.get("cover")
        if upload:
            texts = {**self.cover_changes(), "alt": self.cleaned_data["cover_alt"].strip()}
            picture = Image(file=upload, uploaded_by=getattr(self, "user", None), **texts)
            picture.save()
            self.instance.cover = picture
        elif chosen is not None and (changes := self.cover_changes()):
            for name, value in changes.items():
                setattr(chosen, name, value)
            chosen.save(update_fields=list(changes))
        return super().save(commit)

    def _save_m2m(self):
        if "tags" in self.cleaned_data:
            self.cleaned_data["tags"] = [
                tag if tag.pk else new_topic(tag.name) for tag in self.cleaned_data["tags"]
            ]
        super()._save_m2m()

    def clean_language(self):
        """Left out (a form without the field, a script): as it was, or English for a new one."""
        return self.cleaned_data.get("language") or self.instance.language

    def check_cover_texts(self, cleaned):
        """The chosen picture's texts are the library's: changed here, they change for every
        article showing it, so only someone who may change the picture changes them."""
        chosen, user = cleaned.get("cover"), getattr(self, "user", None)
        if chosen is None or user is None or cleaned.get("cover_image"):
            return
        changed = {k: v for k, v in self.cover_changes().items() if getattr(chosen, k) != v}
        if changed and not Image.objects.changeable_by(user).filter(pk=chosen.pk).exists():
            self.add_error(
                "cover_alt",
                "This picture is shown by published articles or was added by someone else: "
                "only an Editor can change its texts. Leave them as they are, or upload a new "
                "picture.",
            )

    def check_translation(self, cleaned):
        """A story has one article per language: a translation is of an original (not of
        another translation, nor of itself), in another language than the original's."""
        original, language = cleaned.get("translation_of"), cleaned.get("language")
        if original is None or language is None:
            return
        if self.instance.pk and original.pk == self.instance.pk:
            self.add_error("translation_of", "An article cannot be a translation of itself.")
        elif self.instance.pk and self.instance.translations.exists():
            self.add_error(
                "translation_of", "This article has translations of its own: it is an original."
            )
        elif original.language == language:
            self.add_error(
                "language",
                f"The original is in {original.get_language_display()} too: a translation is "
                "in another language.",
            )

    def clean(self):
        """Nobody loses work to a colleague: a save from a form opened before someone else
        saved the article is refused (the typed text stays in the form, with a way to compare),
        and the next save, made knowingly, goes through."""
        cleaned = super().clean()
        self.check_translation(cleaned)
        if cleaned.get("cover_image") and not (cleaned.get("cover_alt") or "").strip():
            self.add_error("cover_alt", "Describe the image for readers who cannot see it.")
        self.check_cover_texts(cleaned)
        if cleaned.get("cover_image") and (
            quota := upload_quota_error(getattr(self, "user", None))
        ):
            self.add_error("cover_image", quota)
        if self.instance.pk is None or cleaned.get("opened_version") is None:
            return cleaned  # a new article, or a client that did not open the form (a script)
        current = (
            Article.objects.select_for_update()
            .values_list("lock_version", flat=True)
            .get(pk=self.instance.pk)
        )
        if cleaned.get("opened_version") != current:
            fresh = Article.objects.get(pk=self.instance.pk)
            yours = conflicts.posted(cleaned, self.fields)
            found = conflicts.changes(cleaned.get("opened_state"), conflicts.stored(fresh), yours)
            self.data = self.data.copy()
            # Saving again now is a deliberate choice, made against their version.
            self.data["opened_version"] = current
            self.data["opened_state"] = conflicts.opened_state(fresh)
            for change in found:
                if change.merged:
                    self.take_theirs(change.field, fresh)
            latest = Version.objects.get_for_object(self.instance).select_related("revision__user")
            who = latest.first()
            user = who.revision.user if who else None
            name = (user.get_full_name() if user else "") or "A colleague"  # never a login name
            raise ValidationError(
                mark_safe(
                    render_to_string(
                        "admin/articles/article/_conflict.html",
                        {"name": name, "changes": found,
                         "conflicting": any(not change.merged for change in found),
                         "history": reverse("admin:articles_article_history",
                                            args=[self.instance.pk])},
                    )
                )
            )  # fmt: skip
        return cleaned

    def take_theirs(self, field: str, article: Article):
        """Put `article`'s saved value of `field` into the form, as a browser would post it."""
        value = getattr(article, field)
        if field == "published_at":
            local = timezone.localtime(value) if value else None
            self.data["published_at_0"] = f"{local:%Y-%m-%d}" if local else ""
            self.data["published_at_1"] = f"{local:%H:%M:%S}" if local else ""
        elif field == "tags":
            self.data.setlist("tags", [str(pk) for pk in article.tags.values_list("pk", flat=True)])
        elif field == "is_featured":
            self.data.setlist(field, ["on"] if value else [])
        elif field in ("cover", "author", "translation_of"):
            self.data[field] = str(value.pk) if value else ""
        else:
            self.data[field] = value


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class PictureFilter(admin.SimpleListFilter):
    """?picture=12: the articles showing library picture 12 (its "Used in" link). Shown in the
    sidebar only while it filters (Django applies only the filters it shows)."""

    title = "picture"
    parameter_name = "picture"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        # Its alt text names it for Editors; an Author may not see every picture's.
        named = value.isdigit() and can_publish(request.user)
        picture = Image.objects.filter(pk=value).first() if named else None
        return [(value, str(picture or f"Picture {value}"))]

    def has_output(self):
        return self.value() is not None

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(Q(cover=value) | Q(inline_images=value)).distinct()


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"), ("review", "In review"), ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]  # fmt: skip

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Article.Status.PUBLISHED
        return {
            "draft": queryset.filter(status=Article.Status.DRAFT),
            "review": queryset.filter(status=Article.Status.REVIEW),
            "scheduled": queryset.filter(status=published, published_at__gt=now),
            "published": queryset.filter(status=published, published_at__lte=now),
        }.get(self.value(), queryset)


@admin.register(Article)
class ArticleAdmin(SlugFromWords, admin.ModelAdmin):
    form = ArticleForm
    object_history_template = "admin/articles/article/object_history.html"
    # Fits a 1280 px screen beside the filters: "featured" is part of the state.
    list_display = ["title", "state", "published_at", "author"]
    # One state filter: "By status" beside it counted scheduled articles as published.
    list_filter = [StateFilter, "language", "is_featured", "tags", "author", PictureFilter]
    list_select_related = ["author"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "tags", "cover", "translation_of"]
    actions = ["publish", "unpublish"]
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
        """Headline, lead and address as Django searches them, and the text through the
        search vector PostgreSQL keeps (the same index readers' search uses)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            words = SearchQuery(search_term[:200], search_type="websearch", config="english")
            found = found | queryset.filter(search_vector=words)
        return found, duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "translation_of":  # a link to pick, not articles to make or delete
            field.widget.can_add_related = field.widget.can_delete_related = False
            field.widget.can_change_related = False
            field.queryset = self.translatable(request)
        return field

    def translatable(self, request):
        """What this user may translate: what they may see (an Author: their own work, and
        what is published). Another's draft is news: never copied, never named."""
        if can_publish(request.user):
            return Article.objects.all()
        return Article.objects.filter(
            Q(author__user=request.user) | Q(pk__in=Article.objects.published())
        )

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
        return queryset.filter(author__user=request.user)  # authors see their own work

    def get_readonly_fields(self, request, obj=None):
        return (
            ["cover_preview", "translations_list"]
            if can_publish(request.user)
            else ["cover_preview", "translations_list", "status", "published_at", "is_featured",
                  "author"]
        )  # fmt: skip

    @admin.display(description="Translations")
    def translations_list(self, article):
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
        return (
            obj.status == Article.Status.DRAFT
            and obj.author
            and obj.author.user_id == request.user.pk
        )

    # Revisions: every admin save keeps one (django-reversion), with who and what changed.

    @contextmanager
    def revision(self, request, comment=""):
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(comment)
            yield

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            with self.revision(request):
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
            obj.author, _ = Author.objects.get_or_create(
                user=request.user,
                # Never the login name: bylines and author addresses are public, and a known
                # login name is half of a sign-in.
                defaults={"name": request.user.get_full_name() or "Staff writer",
                          "slug": f"writer-{secrets.token_hex(4)}"},
            )  # fmt: skip
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
        if obj.status == Article.Status.REVIEW and was != Article.Status.REVIEW:
            ReviewNote.objects.create(
                article=obj, step=ReviewNote.Step.SUBMITTED, user=request.user
            )
            self.message_user(request, "Submitted for review: an Editor will read it next.")
        elif was == Article.Status.REVIEW and obj.status == Article.Status.PUBLISHED:
            ReviewNote.objects.create(article=obj, step=ReviewNote.Step.APPROVED, user=request.user)
        if obj.status == Article.Status.PUBLISHED and obj.published_at > timezone.now():
            when = timezone.localtime(obj.published_at)
            self.message_user(
                request,
                f"Scheduled for {when:%-d %B, %H:%M} ({settings.TIME_ZONE}).",
                messages.INFO,
            )

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish(self, request, queryset):
        """Now means now: drafts and scheduled articles go live at this minute, on top of the
        lists (scheduling stays on the form)."""
        now = timezone.now()
        changed = []
        for article in queryset.defer(None):
            if article.status == Article.Status.PUBLISHED and article.published_at <= now:
                continue  # already live
            was = {"draft": "draft", "review": "in review"}.get(article.status, "scheduled")
            with self.revision(request, f"Published now (was {was})."):
                if article.status == Article.Status.REVIEW:
                    ReviewNote.objects.create(
                        article=article, step=ReviewNote.Step.APPROVED, user=request.user
                    )
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
            with self.revision(request, "Unpublished (back to draft)."):
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
        def view(func):
            return self.admin_site.admin_view(func)

        def post(func):
            return view(require_POST(func))

        return [
            path("<int:pk>/revisions/<int:version_id>/", view(self.compare_view),
                 name="article-compare"),
            path("<int:pk>/revisions/<int:version_id>/restore/", post(self.restore_view),
                 name="article-restore"),
            path("<int:pk>/autosave/", post(self.autosave_view), name="article-autosave"),
            path("<int:pk>/presence/", post(self.presence_view), name="article-presence"),
            path("<int:pk>/send-back/", post(self.send_back_view), name="article-send-back"),
            path("<int:pk>/correct/", post(self.correct_view), name="article-correct"),
            path("<int:pk>/share/", view(self.share), name="article-share"),
            path("<int:pk>/translate/<str:language>/", post(self.translate_view),
                 name="article-translate"),
            path("<int:pk>/revoke/", view(self.revoke), name="article-revoke"),
            *super().get_urls(),
        ]  # fmt: skip

    # Translations

    def translate_view(self, request, pk, language):
        """A draft copy of the story's original in `language`, linked to it; or the one that
        exists already."""
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if language not in LANGUAGE_NAMES or not self.has_add_permission(request):
            raise PermissionDenied
        original = article.translation_of or article
        if not self.translatable(request).filter(pk=original.pk).exists():
            raise PermissionDenied  # a link set to another's draft (before this check)
        existing = original.translations.filter(language=language).first()
        if existing is None and original.language == language:
            existing = original
        if existing is not None:
            self.message_user(request, f"{LANGUAGE_NAMES[language]}: “{existing}” already is.")
            return redirect("admin:articles_article_change", existing.pk)
        with self.revision(request), transaction.atomic():
            copy = original.translate(language)
            self.log_addition(request, copy, f"Translation of “{original}” started.")
        self.message_user(
            request,
            f"A {LANGUAGE_NAMES[language]} draft of “{original}” was made: translate its "
            "headline, text and address, then publish it.",
        )
        return redirect("admin:articles_article_change", copy.pk)

    # Revisions: the list (on History), compare with now, restore

    def revisable(self, request, pk):
        """The article, if this user may see its revisions: Editors all, Authors their own
        drafts (what they can change)."""
        article = get_object_or_404(self.get_queryset(request).defer(None), pk=pk)
        if not (can_publish(request.user) or self.has_change_permission(request, article)):
            raise PermissionDenied
        return article

    def revision_of(self, article, version_id):
        """A revision of this article; another article's revision is a 404 here."""
        return get_object_or_404(
            Version.objects.get_for_object(article).select_related("revision__user"),
            pk=version_id,
        )

    def history_view(self, request, object_id, extra_context=None):
        article = self.revisable(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        return super().history_view(request, object_id, {**(extra_context or {}),
                                                         "versions": versions})  # fmt: skip

    def compare_view(self, request, pk, version_id):
        article = self.revisable(request, pk)
        version = self.revision_of(article, version_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": article, "version": version,
            "title": f"Compare with the revision of {when(version)}",
            "comparison": revisions.compare(version, article),
            "can_restore": self.has_change_permission(request, article),
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, pk, version_id):
        article = self.revisable(request, pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = self.revision_of(article, version_id)
        saved = when(version)
        with transaction.atomic(), self.revision(request, f"Restored the revision of {saved}."):
            problems, tags = revisions.restore(version, article)
            if not can_publish(request.user):
                article.status = Article.Status.DRAFT  # Authors restore text, never publish
            article.save()
            article.tags.set(tags)
        self.log_change(request, article, f"Restored the revision of {saved}.")
        self.message_user(request, f"Restored the revision of {saved}; it is a new revision now.")
        for problem in problems:
            self.message_user(request, f"Not restored: {problem}.", messages.WARNING)
        return redirect("admin:articles_article_change", pk)

    # Autosave: a copy of the form as typed, kept per editor, restored on request

    def autosave_view(self, request, pk):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        data = {k: v for k, v in request.POST.lists() if k in AUTOSAVED}
        saved, _ = Autosave.objects.update_or_create(
            article=article, user=request.user, defaults={"data": data}
        )
        return JsonResponse({"saved": True, "at": saved.saved_at.isoformat()})

    def presence_view(self, request, pk):
        """An open form's heartbeat (static/js/presence.js): who else has the article open."""
        article = get_object_or_404(self.get_queryset(request).only("pk"), pk=pk)
        if request.POST.get("leaving"):
            presence.gone(article.pk, request.user)
            return JsonResponse({"others": []})
        return JsonResponse({"others": presence.here(article.pk, request.user)})

    def autosave_for(self, request, article):
        """This editor's unsaved copy of `article`, if it is newer than the article."""
        if article is None:
            return None
        return Autosave.objects.filter(
            article=article, user=request.user, saved_at__gt=article.updated_at
        ).first()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # what they may change of a cover (ArticleForm.clean)
        if "cover" in form.base_fields:  # the pictures they may see, and the one it has
            visible = Image.objects.visible_to(request.user)
            form.base_fields["cover"].queryset = visible | Image.objects.filter(
                pk=getattr(obj, "cover_id", None)
            )
        autosave = request.GET.get("restore") == "autosave" and self.autosave_for(request, obj)
        if not autosave or request.method != "GET":
            return form
        restored = {k: (v if k == "tags" else v[0]) for k, v in autosave.data.items() if v}

        class RestoredForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial.update(restored)

        return RestoredForm

    # Review: an Author submits, an Editor approves (publishes) or sends it back

    def send_back_view(self, request, pk):
        if not can_publish(request.user):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.defer("search_vector"), pk=pk)
        comment = request.POST.get("comment", "").strip()[:5000]
        if article.status != Article.Status.REVIEW:
            self.message_user(request, "Nothing changed: it is not waiting for review.")
        elif not comment:
            self.message_user(request, "Say what the author should change.", messages.ERROR)
        else:
            with transaction.atomic(), self.revision(request, "Sent back to the author."):
                article.status = Article.Status.DRAFT
                article.save()
                ReviewNote.objects.create(
                    article=article, step=ReviewNote.Step.SENT_BACK, comment=comment,
                    user=request.user,
                )  # fmt: skip
            self.log_change(request, article, "Sent back to the author.")
            self.message_user(request, f"Sent back to the author: {article.title}.")
        return redirect("admin:articles_article_change", pk)

    # Corrections: dated notes readers see on a published article (Editors)

    def correct_view(self, request, pk):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article.objects.published().only("pk", "title"), pk=pk)
        form = CorrectionForm(request.POST)
        if form.is_valid():
            note = form.save(commit=False)
            note.article = article
            note.save()  # the article's pages and /corrections/ are purged on commit
            self.log_change(request, article, f"Added a {note.get_kind_display().lower()}.")
            self.message_user(request, f"{note.get_kind_display()} added; readers see it now.")
        else:
            for errors in form.errors.values():
                self.message_user(request, " ".join(errors), messages.ERROR)
        return redirect("admin:articles_article_change", pk)

    def share(self, request, pk):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        hours = int(request.POST.get("hours", 0)) if request.POST.get("hours", "").isdigit() else 0
        if (
            request.method != "POST"
            or hours not in LIFETIMES
            or not self.has_change_permission(request, article)
        ):
            return self.share_answer(request, article, "Choose how long the link should work.")
        link = ShareLink.objects.create(
            article=article, url=settings.SITE_URL + share_url(article, hours),  # public address
            share_version=article.share_version, created_by=request.user,
            expires_at=timezone.now() + timedelta(hours=hours),
        )  # fmt: skip
        return self.share_answer(
            request, article, f"Share link made, valid for {LIFETIMES[hours]}: {link.url}", ok=True
        )

    def revoke(self, request, pk):
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = request.method == "POST" and self.has_change_permission(request, article)
        if not allowed:
            return self.share_answer(request, article, "Nothing revoked.")
        if not request.POST.get("confirm"):
            return self.share_answer(request, article, "Nothing revoked: tick the box to confirm.")
        article.share_version += 1
        Article.objects.filter(pk=pk).update(share_version=article.share_version)
        return self.share_answer(
            request, article, "Every share link of this article has stopped working.", ok=True
        )

    def share_answer(self, request, article, message, ok=False):
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
        self.message_user(request, message, messages.SUCCESS if ok else messages.ERROR)
        return redirect("admin:articles_article_change", article.pk)

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor loads through an import map, an inline script: give it the
        # response's CSP nonce (public pages never use one, so their policy stays 'self').
        context["media"] = Media.from_media(context["media"], nonce=get_nonce(request))
        context["share_lifetimes"] = LIFETIMES
        article = context.get("original")
        if article is not None and article.pk:
            context["review_notes"] = article.review_notes.select_related("user")
            context["corrections"] = article.corrections.all()
            context["correction_form"] = CorrectionForm()
            context["autosave"] = self.autosave_for(request, article)
            context["share_links"] = ShareLink.working(article)
            if request.method == "GET":
                context["others_editing"] = presence.here(article.pk, request.user)
        context["can_publish"] = can_publish(request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    class Media:
        js = ["js/autosave.js", "js/presence.js", "js/focal-point.js", "js/share-links.js"]
        css = {"all": ["css/admin-newsroom.css"]}


class LibraryForm(forms.ModelForm):
    """A library picture's form (the library's own, the picker's): a new file counts against
    its uploader's hourly quota."""

    user = None  # set by the admin

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile) and (quota := upload_quota_error(self.user)):
            raise ValidationError(quota)
        return upload


class LibraryUploadForm(LibraryForm):
    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The image library: searchable, with thumbnails and where each picture is used; a picture
    an article shows cannot be deleted."""

    list_display = ["thumbnail", "alt", "credit", "usage", "uploaded_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit"]
    fields = ["file", "preview", "alt", "caption", "credit", "focus_x", "focus_y"]
    readonly_fields = ["preview"]
    date_hierarchy = "uploaded_at"
    form = LibraryForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # the upload quota
        return form

    def get_queryset(self, request):
        # Also what the cover's autocomplete offers (Django asks this admin).
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .annotate(
                shown=Count("shown_in", distinct=True), cover_of=Count("covers", distinct=True)
            )
            .order_by(*Image._meta.ordering)  # a grouped query drops the model's ordering
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_touch(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_touch(request, obj)

    @staticmethod
    def may_touch(request, picture) -> bool:
        """Editors any picture; an Author their own that nothing published shows."""
        return (
            picture is None
            or Image.objects.changeable_by(request.user).filter(pk=picture.pk).exists()
        )

    @admin.display(description="Picture")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" width="96" height="{}" class="library-thumb">',
            image.thumbnail_url, round(96 * (image.height or 1) / (image.width or 1)),
        )  # fmt: skip

    @admin.display(description="Picture")
    def preview(self, image):
        return focal_picker(image if image.pk and image.file else None)

    @admin.display(description="Used in")
    def usage(self, image):
        used = image.shown + image.cover_of
        if not used:
            return "not used yet"
        url = reverse("admin:articles_article_changelist") + f"?picture={image.pk}"
        noun = "article" if used == 1 else "articles"
        return format_html('<a href="{}">{} {}</a>', url, used, noun)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """A picture an article shows is protected, like a row another one points to: the
        admin's delete page names the articles and deletes nothing."""
        deleted, count, perms, protected = super().get_deleted_objects(objs, request)
        showing = Article.inline_images.through.objects.filter(
            image__in=[obj.pk for obj in objs]
        ).select_related("article", "image")
        protected = [*protected, *(f"{row.image} is shown in the article “{row.article}”"
                                   for row in showing)]  # fmt: skip
        return deleted, count, perms, protected

    def get_urls(self):
        pick = self.admin_site.admin_view(self.pick_view)
        return [path("pick/", pick, name="articles_image_pick"), *super().get_urls()]

    def pick_view(self, request):
        """The editor's "Browse...": choose a picture from the library, or add one, and it goes
        into the text (static/js/image-picker.js hands it to the editor's dialog)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = LibraryUploadForm(request.POST or None, request.FILES or None)
        form.user = request.user
        added = None
        if request.method == "POST" and self.has_add_permission(request) and form.is_valid():
            added = form.save(commit=False)
            added.uploaded_by = request.user
            added.save()
            form = LibraryUploadForm()  # ready for the next one
        query = request.GET.get("q", "")[:100]
        # The library's own search (search_fields), without the list's usage counts.
        visible = Image.objects.visible_to(request.user)
        images, _ = self.get_search_results(request, visible, query)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": "Choose a picture", "images": images[:60], "query": query,
            "form": form, "added": added, "can_add": self.has_add_permission(request),
            "callback": request.GET.get("CKEditorFuncNum", ""),
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/image/pick.html", context)

    class Media:
        js = ["js/focal-point.js"]
        css = {"all": ["css/admin-newsroom.css"]}


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Edit or remove a note (they are added from the article's page in the admin)."""

    list_display = ["article", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["text", "article__title"]
    fields = ["article", "kind", "text", "created_at"]
    readonly_fields = ["article"]

    def has_add_permission(self, request):
        return False
