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


class TrafficMinute(models.Model):
    """What the app servers answered in one minute for one view, summed over every process (each
    adds its counts every few seconds: newsportal/traffic.py). The site health page reads the
    last hour; rows older than two days go."""

    minute = models.DateTimeField()
    view = models.CharField(max_length=200)
    requests = models.PositiveIntegerField(default=0)
    page_hits = models.PositiveIntegerField(default=0)  # answered by the page cache
    page_misses = models.PositiveIntegerField(default=0)  # asked of it, and made
    server_errors = models.PositiveIntegerField(default=0)  # 5xx
    total_ms = models.FloatField(default=0)
    max_ms = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minute", "view"], name="traffic_minute_view")
        ]
        permissions = [("view_site_health", "Can see the site health page")]

    def __str__(self):
        return f"{self.minute:%Y-%m-%d %H:%M} {self.view}"
