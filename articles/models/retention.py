"""Uploaded originals that nothing shows any more, kept for MEDIA_RETENTION_DAYS before they go.

A picture deleted by mistake, or a database recovered to a moment before the deletion, finds its
original where it was (renditions are made again from it: `manage.py check_media --repair`).
`manage.py purge_media` deletes what has waited long enough; nothing that a row still names.
"""

from django.db import models, transaction
from django.utils import timezone

from articles.media.images import delete_files


class RetiredFile(models.Model):
    name = models.CharField(max_length=500, unique=True)
    retired_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.name


def retire_on_commit(name: str, renditions: dict) -> None:
    """Once the change that stopped using them is committed (never before: it may roll back),
    the renditions go at once and the original is kept for its retention period."""
    if not (name or renditions):
        return

    def retire():
        delete_files("", renditions)
        if name:
            RetiredFile.objects.get_or_create(name=name)

    transaction.on_commit(retire)
