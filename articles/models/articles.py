"""The article: its text, state, addresses and what pages show of it."""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce, JSONObject, Upper
from django.utils import timezone
from django.utils.functional import cached_property

from articles.media import embeds, library
from articles.media.html import sanitize
from articles.models.addresses import ArticleAddress
from articles.models.bylines import Byline, naming
from articles.models.images import Image
from articles.models.languages import document_vector, language_vector, page_language, slug_url
from articles.models.topics import Author, Tag
from newsportal.long_lists import IndexedYears

WORDS_PER_MINUTE = 230


TAGS = re.compile(r"<[^>]*>")


UPDATE_GRACE = timedelta(minutes=1)


class ArticleQuerySet(IndexedYears, models.QuerySet):
    def published(self):
        """The one definition of what readers may see: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language: str | None = None):
        return self.filter(language=page_language(language))

    def by(self, author=None, **author_lookup):
        """The articles whose byline names `author` (lead or shared), or an author matching
        `author_lookup` (user=...)."""
        return self.filter(naming(author, **author_lookup))

    def for_reading(self):
        """Published articles with their authors and tags (named in the page's language),
        without the search vector."""
        return (
            self.published()
            .select_related("author", "cover")
            .prefetch_related(models.Prefetch("tags", queryset=Tag.objects.localized()))
            .annotate(shared_byline=Byline.objects.names_of(models.OuterRef("pk")))
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
        """When an article next changes by the clock alone, or None: a scheduled one goes
        live, a live coverage ends."""
        now = timezone.now()
        published = self.filter(status=Article.Status.PUBLISHED)
        times = [
            published.filter(published_at__gt=now).order_by("published_at")
            .values_list("published_at", flat=True).first(),
            published.filter(is_live=True, live_ends_at__gt=now).order_by("live_ends_at")
            .values_list("live_ends_at", flat=True).first(),
        ]  # fmt: skip
        return min((t for t in times if t is not None), default=None)


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
        Author,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="The lead, named first. Others sharing the byline follow under “Shared "
        "byline” below.",
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
    is_live = models.BooleanField(
        "live coverage",
        default=False,
        db_default=False,
        help_text="A live page: short timestamped updates, newest first, reaching open pages "
        "within seconds.",
    )
    live_ends_at = models.DateTimeField(
        "coverage ends",
        null=True,
        blank=True,
        help_text="When the live coverage ends (empty: while it runs). The page then says so "
        "and stops updating.",
    )
    seo_description = models.CharField(
        max_length=160, blank=True, help_text="For search engines; the standfirst if empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept current by PostgreSQL on every write, with its language's configuration
    # (articles/models/languages.py).
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
        "cover_id", "language", "translation_of_id", "is_live", "live_ends_at",
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
            # The admin's list, newest first, whole or in one language (and its years).
            models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
            models.Index(
                fields=["language", "-published_at", "-id"], name="article_language_published_idx"
            ),
            # Live coverage's end times (few rows): when the next one ends, and the news
            # sitemap's live articles.
            models.Index(
                fields=["live_ends_at"], condition=models.Q(is_live=True), name="article_live_idx"
            ),
            # The admin's search over every language; readers search one language's index
            # (languages.language_vector), whose words PostgreSQL counts apart.
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            *(
                GinIndex(language_vector(code), name=f"article_search_{code}_idx")
                for code, _ in settings.LANGUAGES
            ),
            # "Did you mean": trigram similarity over titles (pg_trgm).
            GinIndex(fields=["title"], name="article_title_trgm_idx", opclasses=["gin_trgm_ops"]),
            # The admin's search for a part of a headline (Django's icontains is UPPER() LIKE).
            GinIndex(
                OpClass(Upper("title"), name="gin_trgm_ops"), name="article_title_upper_trgm_idx"
            ),
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
        self.body, shown_images = library.mark(embeds.mark(sanitize(self.body)), Image.objects)
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

    @property
    def authors(self) -> list[Author]:
        """Its byline in order: the lead, then those who share it (as read with it by
        for_reading(), else asked)."""
        lead = [self.author] if self.author_id else []
        shared = getattr(self, "shared_byline", None)
        if shared is None:
            return lead + [byline.author for byline in self.bylines.select_related("author")]
        return lead + [Author(**fields) for fields in shared]

    @property
    def live_running(self) -> bool:
        """Live coverage that has not ended: its page takes new updates."""
        return self.is_live and (self.live_ends_at is None or self.live_ends_at > timezone.now())

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
        Byline.objects.bulk_create(
            Byline(article=copy, author_id=shared.author_id, position=shared.position)
            for shared in self.bylines.all()
        )
        return copy

    def keep_address(self):
        """Published (or scheduled): this address is one to keep answering from the time it
        goes live. Taken back before it went live: it never was public."""
        if self.status == self.Status.PUBLISHED:
            # One statement (INSERT ... ON CONFLICT (slug) DO UPDATE), no savepoint or lock.
            ArticleAddress.objects.bulk_create(
                [ArticleAddress(slug=self.slug, article=self, live_from=self.published_at)],
                update_conflicts=True,
                unique_fields=["slug"],
                update_fields=["article", "live_from"],
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
