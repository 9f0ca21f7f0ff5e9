"""The article form: the rich-text body, topics typed or chosen, the cover picture and its
texts (the library's own), translations, and a save refused when a colleague saved first
(articles/newsroom/conflicts.py)."""

import secrets

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.models import Version

from articles.media import embeds, library
from articles.media.html import sanitize
from articles.media.images import validate_image
from articles.models import Article, Image, Tag, upload_quota_error
from articles.newsroom import conflicts
from articles.newsroom.slugs import slug_for

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
