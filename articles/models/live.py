"""Live coverage: an article marked live grows by short, timestamped updates (an election count,
an earthquake), each with a link of its own, shown newest first while the coverage runs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from articles.media import embeds, library
from articles.media.html import sanitize
from articles.models.articles import Article
from articles.models.images import Image
from articles.models.topics import Author


class LiveUpdateQuerySet(models.QuerySet):
    def shown(self):
        """What readers of a live page see: published updates of a published article."""
        now = timezone.now()
        return self.filter(
            published_at__lte=now,
            article__status=Article.Status.PUBLISHED,
            article__published_at__lte=now,
        )


class LiveUpdate(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="live_updates")
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.PROTECT, related_name="live_updates"
    )
    headline = models.CharField(max_length=200, blank=True, help_text="Optional: a short title.")
    body = models.TextField(help_text="What happened. Unsafe HTML is removed on save.")
    published_at = models.DateTimeField(
        default=timezone.now, help_text="When readers see it. Now, unless you say otherwise."
    )
    is_pinned = models.BooleanField(
        "pinned", default=False, help_text="Keep it at the top of the page, above the newest."
    )
    is_key_event = models.BooleanField(
        "key event", default=False, help_text="Listed in the summary of key events at the top."
    )
    correction = models.TextField(
        blank=True, help_text="If you changed what it said: what was wrong, in plain words."
    )
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["article", "-published_at", "-id"], name="liveupdate_page_idx"),
            models.Index(fields=["published_at"], name="liveupdate_published_idx"),
        ]

    def __str__(self):
        return self.headline or f"Update of {self.published_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # The same rich text as an article's: its pictures and consent-gated embeds.
        self.body, _shown = library.mark(embeds.mark(sanitize(self.body)), Image.objects)
        if self.correction and not self.corrected_at:
            self.corrected_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#update-{self.pk}"


class BreakingNewsQuerySet(models.QuerySet):
    def showing(self, language: str, at=None):
        at = at or timezone.now()
        return self.filter(language=language, starts_at__lte=at, ends_at__gt=at)


class BreakingNews(models.Model):
    """A line at the top of every public page of one language, from its start to its end."""

    text = models.CharField(
        max_length=160, help_text="One short line, as readers see it at the top of every page."
    )
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story it leads to (optional; shown while the story is published).",
    )
    language = models.CharField(
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="Shown on the pages of this language.",
    )
    starts_at = models.DateTimeField(default=timezone.now, help_text="Shown from then.")
    ends_at = models.DateTimeField(help_text="Gone then, with nothing to do.")

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        verbose_name = "breaking news"
        verbose_name_plural = "breaking news"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["language", "ends_at"], name="breaking_showing_idx")]

    def __str__(self):
        return self.text

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
