import functools
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from articles import embeds, library
from articles.html import sanitize
from articles.images import (
    SHARE,
    clean_copy,
    delete_files,
    delete_files_on_commit,
    make_renditions,
    stored_name,
    validate_image,
)
from articles.languages import document_vector

SLUG_PLACEHOLDER = "__slug__"
WORDS_PER_MINUTE = 230
TAGS = re.compile(r"<[^>]*>")
UPDATE_GRACE = timedelta(minutes=1)
PHOTO_WIDTH = 400


@functools.cache
def _url_with_placeholder(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name, args=[SLUG_PLACEHOLDER])


def slug_url(name: str, slug: str, language: str | None = None) -> str:
    """reverse(name, args=[slug]) in `language` (the page's by default), resolved once per URL
    name and language: list pages link hundreds of times.

    Kept because it pays: front and tag pages whose cards are not kept render 14-17% faster than
    with reverse() per link, above the 3-9% run-to-run spread (tests/perf/tricks.py, part of
    make bench).
    """
    return _url_with_placeholder(name, page_language(language)).replace(SLUG_PLACEHOLDER, slug, 1)


LANGUAGE_NAMES = dict(settings.LANGUAGES)
DEFAULT_SECTIONS = 5  # the most used topics stand in for sections until editors choose
TRANSLATED_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]


def page_language(language: str | None = None) -> str:
    """`language`, else the page's (the active one), else English."""
    return language or translation.get_language() or settings.LANGUAGE_CODE


def is_default_language(language: str | None = None) -> bool:
    return page_language(language) == settings.LANGUAGE_CODE


def languages_with_articles(lookup: str):
    """The languages of the published articles whose `lookup` is the outer row (a tag, an
    author): the languages its page exists in, as an array in the outer query."""
    shown = Article.objects.published().filter(**{lookup: models.OuterRef("pk")})
    return ArraySubquery(shown.order_by().values("language").distinct())


class TagQuerySet(models.QuerySet):
    def localized(self, language: str | None = None):
        """With `local_name` and `local_slug`: its name and slug in the page's language, where
        an editor gave them (TagName); the English ones otherwise. No query of its own."""
        language = page_language(language)
        if language == settings.LANGUAGE_CODE:
            return self.annotate(local_name=models.F("name"), local_slug=models.F("slug"))
        names = TagName.objects.filter(tag=models.OuterRef("pk"), language=language)
        return self.annotate(
            local_name=Coalesce(models.Subquery(names.values("name")[:1]), "name"),
            local_slug=Coalesce(models.Subquery(names.values("slug")[:1]), "slug"),
        )

    def with_pages(self):
        """With the languages that have published articles on it, and its slug in each (in the
        same query): what Tag.pages() reads."""
        names = TagName.objects.filter(tag=models.OuterRef("pk"))
        return self.annotate(
            page_languages=languages_with_articles("tags"),
            name_slugs=ArraySubquery(
                names.values(pair=JSONObject(language="language", slug="slug"))
            ),
        )

    def by_slug(self, slug: str, language: str | None = None):
        """The topic at `slug` in the page's language: its slug there, else its English one."""
        language = page_language(language)
        named = TagName.objects.filter(language=language, slug=slug).values("tag")
        return self.localized(language).filter(models.Q(pk__in=named) | models.Q(slug=slug))


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Used in the URL, e.g. central-asia"
    )
    description = models.TextField(blank=True, help_text="Shown at the top of the tag's page.")
    section_position = models.PositiveSmallIntegerField(
        "place in the header",
        null=True,
        blank=True,
        unique=True,
        help_text="A section of the site: shown in every page's header, in this order "
        "(1 first). Empty: a topic only.",
    )

    loaded_section = None  # its place in the header as loaded (a change purges every page)
    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.loaded_section = self.section_position  # the purge (on post_save) has seen both

    def get_absolute_url(self):
        """The topic's page in the page's language, at its slug in that language."""
        return slug_url("articles:tag", self.url_slug)

    @property
    def url_slug(self) -> str:
        """Its slug in the page's language (Tag.objects.localized()), else its own."""
        return getattr(self, "local_slug", None) or self.slug

    @property
    def label(self) -> str:
        """Its name in the page's language (Tag.objects.localized()), else its own."""
        return getattr(self, "local_name", None) or self.name

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        tag = super().from_db(db, field_names, values, **kwargs)
        if "section_position" in field_names:
            tag.loaded_section = tag.section_position
        return tag

    def pages(self) -> dict[str, str]:
        """{language: address} of its page in each language that has published articles on it
        (Tag.objects.with_pages())."""
        slugs = {n["language"]: n["slug"] for n in self.name_slugs}
        return {
            language: slug_url("articles:tag", slugs.get(language, self.slug), language)
            for language in self.page_languages
        }

    @classmethod
    def sections(cls) -> list[tuple[str, str]]:
        """(name, address) of the header's sections in the page's language, in order."""
        return [(tag.label, tag.get_absolute_url()) for tag in cls.section_tags()]

    @classmethod
    def section_tags(cls) -> list["Tag"]:
        """The sections editors chose, in order; until they choose, the most used topics of the
        page's language (a new newsroom has a header and a front page with sections at once)."""
        localized = cls.objects.localized().only("name", "slug")
        chosen = list(localized.filter(section_position__isnull=False).order_by("section_position"))
        if chosen:
            return chosen
        shown = Article.objects.published().in_language()
        return list(
            localized.annotate(used=models.Count("articles", filter=Q(articles__in=shown)))
            .filter(used__gt=0)
            .order_by("-used", "name")[:DEFAULT_SECTIONS]
        )


class TagName(models.Model):
    """A topic's name and address in another language than English."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="names")
    language = models.CharField(max_length=7, choices=TRANSLATED_LANGUAGES)
    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=100, help_text="Its address in this language (Latin letters)."
    )

    class Meta:
        verbose_name = "name in another language"
        verbose_name_plural = "names in other languages"
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "language"],
                name="tagname_one_per_language",
                violation_error_message="This topic already has a name in this language.",
            ),
            models.UniqueConstraint(
                fields=["language", "slug"],
                name="tagname_unique_slug",
                violation_error_message="Another topic has this address in this language.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


class Author(models.Model):
    name = models.CharField(max_length=200, help_text="As printed in the byline.")
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField(
        max_length=120, blank=True, help_text="e.g. Central Asia correspondent, Almaty"
    )
    bio = models.TextField(blank=True, help_text="One or two sentences for the author's page.")
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        validators=[validate_image],
        help_text="A portrait for the author's page (JPEG, HEIC, PNG, WebP or AVIF). Location "
        "and camera data are removed; it is made 400 pixels wide at most.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The admin account that writes as this author, if any.",
    )
    _loaded_photo = ""  # the stored photo as loaded: a replaced one goes on commit

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.photo and not self.photo._committed:  # a new upload: cleaned and made small
            content, extension, _ = clean_copy(self.photo.file, max_width=PHOTO_WIDTH)
            self.photo.save(stored_name(self.slug, extension), content, save=False)
        super().save(*args, **kwargs)
        if self._loaded_photo and self._loaded_photo != self.photo.name:
            delete_files_on_commit(self._loaded_photo, {})  # replaced or cleared
        self._loaded_photo = self.photo.name

    def get_absolute_url(self):
        return slug_url("articles:author", self.slug)

    @property
    def label(self) -> str:
        """As a topic's: what feeds and pages call it (an author's name is theirs everywhere)."""
        return self.name

    def pages(self) -> dict[str, str]:
        """{language: address} of its page in each language it has published articles in
        (annotated with page_languages=languages_with_articles("author"))."""
        return {
            language: slug_url("articles:author", self.slug, language)
            for language in self.page_languages
        }

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        author = super().from_db(db, field_names, values, **kwargs)
        if "photo" in field_names:
            author._loaded_photo = author.photo.name or ""
        return author


class ImageQuerySet(models.QuerySet):
    def public(self):
        """Pictures a published article shows (as its cover or in its text): already news."""
        published = Article.objects.published().values("pk")
        shown = Image.objects.filter(Q(covers__in=published) | Q(shown_in__in=published))
        return self.filter(pk__in=shown.values("pk"))

    def visible_to(self, user):
        """Editors see the whole library; an Author, what they uploaded and what is public (a
        draft's picture and its description are news before it runs)."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(Q(uploaded_by=user) | Q(pk__in=self.public().values("pk")))

    def changeable_by(self, user):
        """Editors change any picture; an Author, only one they uploaded that no published
        article shows (a change to it would reach readers without review)."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(uploaded_by=user).exclude(pk__in=self.public().values("pk"))


class Image(models.Model):
    """A picture in the newsroom's library, with what readers are told about it: shown inside
    articles (one, or several side by side as a gallery) wherever an editor places it. A new
    file replaces it everywhere it is shown; it cannot be deleted while an article shows it."""

    file = models.ImageField(
        upload_to="library/%Y/%m/",
        validators=[validate_image],
        help_text="A photo as it comes (JPEG, HEIC from a phone, PNG, WebP or AVIF), at most "
        "15 MB. Location and camera data are removed.",
    )
    alt = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown under it, unless the article gives it a caption of its own.",
    )
    credit = models.CharField(
        max_length=150, blank=True, help_text="e.g. Photo: Aigerim Sadykova / Reuters"
    )
    focus_x = models.PositiveSmallIntegerField(
        "focal point, across", default=50, validators=[MaxValueValidator(100)]
    )
    focus_y = models.PositiveSmallIntegerField(
        "focal point, down", default=50, validators=[MaxValueValidator(100)]
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    renditions = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    objects = ImageQuerySet.as_manager()
    _loaded_file = ("", {})  # (stored name, renditions) as loaded: replaced files go on commit

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            GinIndex(fields=["alt"], name="image_alt_trgm_idx", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.alt

    def save(self, *args, **kwargs):
        written = {}
        if self.file and not self.file._committed:
            content, extension, image = clean_copy(self.file.file)
            # Never the alt text in the name: a draft's picture description is news, and the
            # file's address is public.
            self.file.save(stored_name("image", extension), content, save=False)
            self.width, self.height = image.size
            self.renditions = make_renditions(image, self.file.name)
            written = {"name": self.file.name, "renditions": self.renditions}
        try:
            super().save(*args, **kwargs)
        except Exception:
            if written:
                delete_files(**written)  # no row names them: leave nothing behind
            raise
        loaded_name, loaded_renditions = self._loaded_file
        if loaded_name and loaded_name != self.file.name:
            delete_files_on_commit(loaded_name, loaded_renditions)  # replaced everywhere
        self._loaded_file = (self.file.name, self.renditions)

    def delete(self, *args, **kwargs):
        name, renditions = self.file.name, self.renditions
        result = super().delete(*args, **kwargs)
        delete_files_on_commit(name, renditions)
        return result

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        image = super().from_db(db, field_names, values, **kwargs)
        if "file" in field_names and "renditions" in field_names:
            image._loaded_file = (image.file.name or "", image.renditions)
        return image

    @property
    def url(self) -> str:
        """Where the editor's copy points (the stored file)."""
        return self.file.url if self.file else ""

    @property
    def srcset(self) -> str:
        return ", ".join(
            f"{default_storage.url(name)} {width}w" for width, name in self.widths.items()
        )

    @property
    def widths(self) -> dict[str, str]:
        """The WebP renditions by width (not the link preview's JPEG)."""
        return {width: name for width, name in self.renditions.items() if width.isdigit()}

    def _rendition_url(self, pick) -> str:
        """The rendition whose width `pick` (min or max) chooses, else the file itself."""
        if widths := self.widths:
            return default_storage.url(widths[pick(widths, key=int)])
        return self.url

    @property
    def share_url(self) -> str:
        """A JPEG for link previews (og:image): the one made for them, else the file itself
        where it is a JPEG or PNG (pictures added before), else the largest rendition."""
        if name := self.renditions.get(SHARE):
            return default_storage.url(name)
        if self.file and self.file.name.lower().endswith((".jpg", ".jpeg", ".png")):
            return self.url
        return self.largest_url

    @property
    def thumbnail_url(self) -> str:
        return self._rendition_url(min)

    @property
    def largest_url(self) -> str:
        return self._rendition_url(max)

    @property
    def focus_class(self) -> str:
        """Where crops of it centre, as CSS classes in steps of 10 % (site.css): the site's
        policy allows no inline styles."""
        return f"fx-{round(self.focus_x, -1)} fy-{round(self.focus_y, -1)}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language: str | None = None):
        return self.filter(language=page_language(language))

    def for_reading(self):
        """Published articles with their author and tags (named in the page's language),
        without the search vector."""
        return (
            self.published()
            .select_related("author", "cover")
            .prefetch_related(models.Prefetch("tags", queryset=Tag.objects.localized()))
            .defer("search_vector")
        )

    def for_listing(self):
        """What a list page of the page's language renders: no body and no search vector,
        newest first."""
        return self.for_reading().in_language().defer("body")

    def with_versions(self):
        """Each article with `versions`: [{language, slug}] of its story's published versions
        (itself, its original, their translations), in the same query."""
        story = Coalesce(models.OuterRef("translation_of_id"), models.OuterRef("pk"))
        versions = Article.objects.published().filter(
            models.Q(pk=story) | models.Q(translation_of=story)
        )
        pairs = versions.values(pair=JSONObject(language="language", slug="slug"))
        return self.annotate(versions=ArraySubquery(pairs))

    def related_to(self, article, limit=4):
        """Other published articles sharing a tag with `article`, newest first."""
        tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched by for_reading()
        sharing = Article.tags.through.objects.filter(tag_id__in=tag_ids).values("article_id")
        # A semi-join, not a join + DISTINCT: PostgreSQL walks the newest articles and stops at
        # `limit`, instead of sorting every article of every shared tag.
        return (
            self.published()
            .filter(pk__in=sharing, language=article.language)
            .exclude(pk=article.pk)
            .only("title", "slug", "language", "published_at")
            .order_by("-published_at", "-id")[:limit]
        )

    def next_publication_at(self):
        """When the next scheduled article goes live, or None."""
        return (
            self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=300, unique=True, help_text="Used in the URL; keep it short."
    )
    language = models.CharField(
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="What it is written in: its address, lists and feeds follow it.",
    )
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        limit_choices_to={"translation_of": None},
        verbose_name="translation of",
        help_text="The original article this one translates: readers are offered each other.",
    )
    standfirst = models.TextField(
        blank=True, help_text="The lead: one or two sentences under the headline."
    )
    body = models.TextField(help_text="The article text. Unsafe HTML is removed on save.")
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When readers may see it. A time in the future schedules the article.",
    )
    cover = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covers",
        help_text="A picture from the library, or upload a new one below.",
    )
    share_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised to revoke every share link of this article."
    )
    # The library images the text shows (kept by save() from the body): their usage, and
    # which pages a new file of one of them changes.
    inline_images = models.ManyToManyField(
        Image, blank=True, editable=False, related_name="shown_in"
    )
    # Raised by every save: a form opened before a colleague saved cannot overwrite their work.
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Lead the front page with it (the newest featured article leads).",
    )
    seo_description = models.CharField(
        max_length=160, blank=True, help_text="For search engines; the standfirst if empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept current by PostgreSQL on every write, with its language's configuration
    # (articles/languages.py).
    search_vector = models.GeneratedField(
        expression=models.Case(
            *(
                models.When(language=code, then=document_vector(code))
                for code, _ in settings.LANGUAGES
            ),
            default=document_vector("simple"),
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()
    _loaded_listing = None  # what lists show of it, as loaded; set by from_db() and save()
    # What list pages, feeds and sitemaps show: a change to one of these purges them.
    LISTING_FIELDS = (
        "status", "published_at", "is_featured", "author_id", "slug", "title", "standfirst",
        "cover_id", "language", "translation_of_id",
    )  # fmt: skip

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="article_status_published_idx"
            ),
            # Each language's lists, and its front page's lead (featured first, then newest).
            models.Index(
                fields=["language", "status", "-published_at", "-id"],
                name="article_language_listing_idx",
            ),
            models.Index(
                fields=["language", "status", "-is_featured", "-published_at", "-id"],
                name="article_lead_idx",
            ),
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            # "Did you mean": trigram similarity over titles (pg_trgm).
            GinIndex(fields=["title"], name="article_title_trgm_idx", opclasses=["gin_trgm_ops"]),
        ]
        permissions = [("publish_article", "Can publish, schedule and feature articles")]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="article_one_translation_per_language",
                violation_error_message="This story already has a translation in this language.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "review"])
                | models.Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published article needs a publication time.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body, shown_images = library.mark(embeds.mark(sanitize(self.body)))
        self.time_untimed_publication()
        adding = self._state.adding  # a new article shows no picture yet: nothing to ask
        self.lock_version += 1
        try:
            super().save(*args, **kwargs)
        except Exception:
            self.lock_version -= 1
            raise
        self._loaded_listing = self.listing_state()
        self.keep_address()
        if shown_images or (not adding and self.inline_images.exists()):
            self.inline_images.set(shown_images)

    def get_absolute_url(self):
        """Its address, under its own language's prefix whatever the page's language."""
        return slug_url("articles:article", self.slug, self.language)

    def translation_urls(self) -> dict[str, str]:
        """{language: address} of its published versions (Article.objects.with_versions())."""
        return {
            v["language"]: slug_url("articles:article", v["slug"], v["language"])
            for v in getattr(self, "versions", None) or []
        }

    def translate(self, language: str) -> "Article":
        """A draft in `language` with this article's text to translate, linked to it."""
        base = f"{self.slug}-{language}"[:290]
        slug, number = base, 1
        while Article.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        copy = Article.objects.create(
            title=self.title, slug=slug, standfirst=self.standfirst, body=self.body,
            author=self.author, cover=self.cover, seo_description=self.seo_description,
            language=language, translation_of=self, status=Article.Status.DRAFT,
        )  # fmt: skip
        copy.tags.set(self.tags.all())
        return copy

    def keep_address(self):
        """Published (or scheduled): this address is one to keep answering from the time it
        goes live. Taken back before it went live: it never was public."""
        if self.status == self.Status.PUBLISHED:
            ArticleAddress.objects.update_or_create(
                slug=self.slug, defaults={"article": self, "live_from": self.published_at}
            )
        else:
            ArticleAddress.objects.filter(article=self, live_from__gt=timezone.now()).update(
                live_from=None
            )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        if all(name in field_names for name in cls.LISTING_FIELDS):
            article._loaded_listing = article.listing_state()
        return article

    def listing_state(self) -> tuple:
        return tuple(getattr(self, name) for name in self.LISTING_FIELDS)

    def listing_changed(self) -> bool:
        """Whether what lists show of it differs from what was loaded (True when unknown)."""
        return self._loaded_listing != self.listing_state()

    @property
    def story_id(self) -> int:
        """The original of its story (itself, or the article it translates)."""
        return self.translation_of_id or self.pk

    @property
    def loaded_story_id(self):
        if self._loaded_listing is None:
            return None
        return self._loaded_listing[self.LISTING_FIELDS.index("translation_of_id")] or self.pk

    @property
    def loaded_author_id(self):
        """The author it had when loaded: a new byline purges the old author's page too."""
        if self._loaded_listing is None:
            return None
        return self._loaded_listing[self.LISTING_FIELDS.index("author_id")]

    def clean(self):
        self.time_untimed_publication()  # before the constraint check of a form

    def time_untimed_publication(self):
        """Publishing without a time means now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    # What pages show of the cover (a library picture): "" without one.

    @property
    def cover_srcset(self) -> str:
        return self.cover.srcset if self.cover else ""

    @property
    def cover_url(self) -> str:
        """The largest rendition, for feeds."""
        return self.cover.largest_url if self.cover else ""

    @property
    def share_image_url(self) -> str:
        """A JPEG of the cover, for link previews (og:image)."""
        return self.cover.share_url if self.cover else ""

    @property
    def thumbnail_url(self) -> str:
        return self.cover.thumbnail_url if self.cover else ""

    @property
    def focus_class(self) -> str:
        return self.cover.focus_class if self.cover else ""

    @property
    def description(self) -> str:
        """For search engines and link previews: the SEO text, the lead, or the opening words."""
        return self.seo_description or self.standfirst or self.opening

    @property
    def opening(self) -> str:
        words = TAGS.sub(" ", self.body or "").split()
        text = " ".join(words[:40])
        return text if len(words) <= 40 else text + "…"

    @cached_property
    def reading_minutes(self) -> int:
        # The body is sanitized HTML (nh3): dropping its tags with a pattern is exact here, and
        # ten times faster than strip_tags' HTML parser.
        return max(1, round(len(TAGS.sub(" ", self.body).split()) / WORDS_PER_MINUTE))

    @property
    def was_updated(self) -> bool:
        """Edited after it was written and published (saves within a minute are part of that)."""
        if not self.published_at:
            return False
        return self.updated_at - max(self.published_at, self.created_at) > UPDATE_GRACE


class ReviewNote(models.Model):
    """One step of an article's review: submitted, sent back (with a comment), approved."""

    class Step(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        SENT_BACK = "sent_back", "Sent back to the author"
        APPROVED = "approved", "Approved"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_notes")
    step = models.CharField(max_length=10, choices=Step)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_step_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Correction(models.Model):
    """A dated note on a published article that readers see: a correction, a clarification or
    an update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=15, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, in plain words.")
    created_at = models.DateTimeField("dated", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.created_at:%Y-%m-%d}"


class ArticleAddress(models.Model):
    """Every slug a published article has had. An old one answers 301 to the article's current
    address; one whose article was unpublished or deleted answers 410 Gone."""

    slug = models.SlugField(max_length=300, unique=True)
    article = models.ForeignKey(
        Article, null=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    live_from = models.DateTimeField(
        null=True, help_text="When readers could first see the article here; empty: never."
    )

    class Meta:
        verbose_name_plural = "article addresses"

    def __str__(self):
        return self.slug

    def was_public(self) -> bool:
        return self.live_from is not None and self.live_from <= timezone.now()


class Autosave(models.Model):
    """The form as one editor last typed it, unsaved: restored on request after a crash.
    One per article and editor, overwritten each time; never a revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_autosave_per_editor")
        ]

    def __str__(self):
        return f"Autosave of {self.article_id} by {self.user_id}"


def is_local_path(path: str) -> bool:
    """A path on this site: starts with one slash, names no host, carries no scheme or spaces."""
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(c.isspace() or ord(c) < 32 for c in path)
    )


class Redirect(models.Model):
    """An address editors send elsewhere on this site (a retired section, a mistyped link)."""

    old_path = models.CharField(
        max_length=300, unique=True, help_text="An address on this site, e.g. /old-section/"
    )
    new_path = models.CharField(
        max_length=300, help_text="Where it goes now, on this site, e.g. /tags/elections/"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    MAX_HOPS = 10

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} -> {self.new_path}"

    def clean(self):
        for name in ("old_path", "new_path"):
            if not is_local_path(getattr(self, name)):
                raise ValidationError({name: "An address on this site, starting with one /."})
        if self.old_path == self.new_path:
            raise ValidationError({"new_path": "An address cannot send readers to itself."})
        path, seen = self.new_path, {self.old_path}
        for _hop in range(self.MAX_HOPS):
            if path in seen:
                raise ValidationError({"new_path": f"This would make a loop through {path}."})
            seen.add(path)
            following = Redirect.objects.exclude(pk=self.pk).filter(old_path=path).first()
            if following is None:
                return
            path = following.new_path

    @classmethod
    def destination(cls, path: str) -> str | None:
        """Where `path` ends up, every hop followed (chains collapse into one redirect)."""
        if "\x00" in path:  # no stored address has one (PostgreSQL text cannot hold it)
            return None
        hops = 0
        while (found := cls.objects.filter(old_path=path).first()) and hops < cls.MAX_HOPS:
            path, hops = found.new_path, hops + 1
        return path if hops else None


class ReadCount(models.Model):
    """How many times an article was read on a day: a counter, never a person. No cookie, no
    address, no identifier is kept (first-party audience counting that needs no consent).
    Counted by a beacon from the page (static/js/site.js), so cached pages count too."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_counts")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "article"], name="one_read_count_per_day")
        ]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.count}"

    @classmethod
    def add_one(cls, article_id: int) -> None:
        """One more read today, in one statement (no lost update between app servers)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (article_id, day, count) VALUES (%s, %s, 1) "
                "ON CONFLICT (day, article_id) DO UPDATE SET count = "
                f"{cls._meta.db_table}.count + 1",
                [article_id, timezone.localdate()],
            )

    @classmethod
    def most_read(cls, language: str, days: int = 2, limit: int = 5):
        """The published articles in `language` read most over the last `days` days, most
        first (one query)."""
        since = timezone.localdate() - timedelta(days=days - 1)
        return (
            Article.objects.published()
            .filter(language=language, read_counts__day__gte=since)
            .annotate(reads=models.Sum("read_counts__count"))
            .order_by("-reads", "-published_at", "-id")
            .only("title", "slug", "language", "published_at")[:limit]
        )


class ShareLink(models.Model):
    """A link made to show a draft to someone without an account, kept so the article lists
    its working links with their expiry (the token itself is signed: articles/share.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    url = models.CharField(max_length=500)
    share_version = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Share link of {self.article_id}, until {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def working(cls, article):
        """The links of `article` that still open it: not expired, not revoked."""
        return cls.objects.filter(
            article=article, share_version=article.share_version, expires_at__gt=timezone.now()
        ).select_related("created_by")
