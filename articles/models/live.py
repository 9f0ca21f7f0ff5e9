"""Live coverage: an article marked live grows by short, timestamped updates (an election count,
an earthquake), each with a link of its own, shown newest first while the coverage runs."""

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
