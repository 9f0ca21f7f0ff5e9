from pathlib import Path

from django.core.management.base import BaseCommand

from newsportal import backup


class Command(BaseCommand):
    help = "Restore a backup (the newest in var/backups/ unless FILE is given)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="a .dump file from `backup`")
        parser.add_argument("--database", help="restore into this database instead")

    def handle(self, *args, file=None, database=None, **options):
        path = file or backup.latest()
        backup.restore(path, database)
        self.stdout.write(f"Restored {path}")
