"""The site's own records (plumbing, no app's data)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class MissedPurge(models.Model):
    """Purge keys that could not be written to the page cache (Redis refused or timed out).
    Kept in PostgreSQL until Redis answers again, then written (newsportal/invalidation.py):
    until then a page stored before the change could come back."""

    keys = ArrayField(models.CharField(max_length=200))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return " ".join(self.keys)
