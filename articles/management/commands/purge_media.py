from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.media.files import referenced_files
from articles.models import RetiredFile


class Command(BaseCommand):
    help = (
        "Delete the uploaded originals that nothing has shown for MEDIA_RETENTION_DAYS (run daily; "
        "`make run` and the cluster's app servers do)."
    )

    def add_arguments(self, parser):
        takedown = "delete these retired files at once (a legal takedown)"
        parser.add_argument("--now", nargs="+", metavar="NAME", help=takedown)

    def handle(self, *args, now=None, **options):
        if now:
            due = list(RetiredFile.objects.filter(name__in=now))
        else:
            waited = timezone.now() - timedelta(days=settings.MEDIA_RETENTION_DAYS)
            due = list(RetiredFile.objects.filter(retired_at__lte=waited))  # indexed
        kept = 0
        in_use = referenced_files() if due else set()
        for file in due:
            if file.name not in in_use:  # named again (a recovery brought its row back): kept
                default_storage.delete(file.name)
            else:
                kept += 1
            file.delete()
        self.stdout.write(f"Deleted {len(due) - kept} retired file(s); {kept} in use again kept.")
