from django.core.management.base import BaseCommand

from newsportal import localdb


class Command(BaseCommand):
    help = "Stop the private PostgreSQL server under var/postgres (its data stays)."

    def handle(self, *args, **options):
        if not localdb.is_running():
            self.stdout.write("The private PostgreSQL is not running.")
            return
        localdb.stop()
        self.stdout.write("Stopped the private PostgreSQL; its data stays in var/postgres.")
