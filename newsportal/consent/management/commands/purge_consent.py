from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from newsportal.consent.models import ConsentEvent, ConsentRecord


class Command(BaseCommand):
    help = "Delete consent records and events older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CONSENT_RETENTION_DAYS,
            help="retention in days (default: CONSENT_RETENTION_DAYS, %(default)s)",
        )

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        events, _ = ConsentEvent.objects.filter(created_at__lt=cutoff).delete()
        _, deleted = ConsentRecord.objects.filter(updated_at__lt=cutoff).delete()
        records = deleted.get("consent.ConsentRecord", 0)
        events += deleted.get("consent.ConsentEvent", 0)
        self.stdout.write(
            f"Deleted {events} consent events and {records} records older than {days} days."
        )
