"""Topics (tags, with their names in each language) and authors: what bylines and topic pages
show."""

import functools
import operator

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Coalesce, JSONObject, Upper

from articles.media.images import clean_copy, stored_name, validate_image
from articles.models.languages import TRANSLATED_LANGUAGES, page_language, slug_url
from articles.models.retention import retire_on_commit

PHOTO_WIDTH = 400


def _article():
    """The Article model (its module imports this one)."""
    return apps.get_model("articles", "Article")


DEFAULT_SECTIONS = 5  # the most used topics stand in for sections until editors choose
RECENT = 1000  # ... by the newest articles: what the newsroom covers now


class LanguageArray(models.Func):
    """ARRAY[...] of its arguments without the NULLs: the codes of the languages that passed."""

    template = "ARRAY_REMOVE(ARRAY[%(expressions)s]::varchar[], NULL)"
    output_field = ArrayField(models.CharField(max_length=7))


def languages_with_articles(*lookups: str):
    """The languages of the published articles that refer to the outer row (a tag, an author)
    by one of `lookups`: the languages its page exists in, as an array in the outer query. One
    "is there one?" per language and lookup: a topic on 300,000 articles is not read whole for
    its four languages."""
    published = _article().objects.published()

    def has_some(code):
        found = [models.Exists(published.filter(language=code, **{lookup: models.OuterRef("pk")}))
                 for lookup in lookups]  # fmt: skip
        return functools.reduce(operator.or_, found)

    return LanguageArray(
        *(models.Case(models.When(has_some(code), then=models.Value(code)))
          for code, _ in settings.LANGUAGES)
    )  # fmt: skip


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


def name_trigram_indexes(prefix: str) -> list:
    """Names that look like a reader's search (`%`) or contain it (icontains: UPPER() LIKE),
    found by index (pg_trgm): the search page's topics (articles/reading/search.py)."""
    return [
        GinIndex(fields=["name"], name=f"{prefix}_name_trgm_idx", opclasses=["gin_trgm_ops"]),
        GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name=f"{prefix}_name_upper_trgm_idx"),
    ]


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
        indexes = name_trigram_indexes("tag")

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
        """The sections editors chose, in order; until they choose, the topics most used by the
        page's language's newest RECENT articles (a new newsroom has a header and a front page
        with sections at once; a million-article archive is not counted for it)."""
        localized = cls.objects.localized().only("name", "slug")
        chosen = list(localized.filter(section_position__isnull=False).order_by("section_position"))
        if chosen:
            return chosen
        article = _article()
        newest = article.objects.published().in_language().order_by("-published_at", "-id")
        links = article.tags.through.objects.filter(article__in=newest.values("pk")[:RECENT])
        used = links.values("tag").annotate(used=models.Count("pk"))
        top = dict(
            used.order_by("-used", "tag__name").values_list("tag", "used")[:DEFAULT_SECTIONS]
        )
        tags = localized.filter(pk__in=top)
        return sorted(tags, key=lambda tag: (-top[tag.pk], tag.name))


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
        indexes = name_trigram_indexes("tagname")
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


class AuthorQuerySet(models.QuerySet):
    def with_pages(self):
        """With the languages they have published articles in, as lead or on a shared byline
        (in the same query): what Author.pages() reads."""
        return self.annotate(page_languages=languages_with_articles("author", "bylines__author"))


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
    objects = AuthorQuerySet.as_manager()
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
            retire_on_commit(self._loaded_photo, {})  # replaced or cleared
        self._loaded_photo = self.photo.name

    def get_absolute_url(self):
        return slug_url("articles:author", self.slug)

    @property
    def label(self) -> str:
        """As a topic's: what feeds and pages call it (an author's name is theirs everywhere)."""
        return self.name

    def pages(self) -> dict[str, str]:
        """{language: address} of its page in each language it has published articles in
        (Author.objects.with_pages())."""
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
