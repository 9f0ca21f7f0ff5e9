from django.core.management.base import BaseCommand

from articles.newsroom.importers import load_demo


class Command(BaseCommand):
    help = "Load the demo articles shipped with the project. Safe to run again: nothing is doubled."

    def handle(self, *args, **options):
        for article, created in load_demo():
            state = "loaded" if created else "already there"
            self.stdout.write(f"Demo article {state}: {article.get_absolute_url()}")
