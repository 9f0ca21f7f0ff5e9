from django.core.management.base import BaseCommand

from newsportal import backup


class Command(BaseCommand):
    help = "Back up the site's database to var/backups/ (pg_dump, custom format)."

    def handle(self, *args, **options):
        self.stdout.write(f"Backed up to {backup.dump()}")
