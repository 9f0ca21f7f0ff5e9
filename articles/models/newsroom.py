"""What the newsroom keeps beside an article: review steps, corrections readers see, autosaved
forms."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.articles import Article


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
