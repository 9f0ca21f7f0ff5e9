from pathlib import Path

from django.core.management.base import BaseCommand

from articles.management.commands.import_article import import_article

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_ARTICLES = [
    {
        "path": DEMO_DIR / "a-new-stage-of-kazakh-uzbek-relations.txt",
        "tags": ["Kazakhstan", "Uzbekistan", "Central Asia", "Diplomacy"],
        "author": "Newsroom",
    },
]


class Command(BaseCommand):
    help = "Load the demo articles shipped with the project. Safe to run again: nothing is doubled."

    def handle(self, *args, **options):
        for demo in DEMO_ARTICLES:
            article, created = import_article(**demo, overwrite=False)
            state = "loaded" if created else "already there"
            self.stdout.write(f"Demo article {state}: {article.get_absolute_url()}")
