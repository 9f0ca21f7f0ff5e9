from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.newsroom.importers import ImportFailed, import_article


class Command(BaseCommand):
    help = "Import a plain-text article (first line the title) as a published article."

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 text file: title line, then one block per line")
        parser.add_argument("--slug", default="", help="URL slug (default: from the file name)")
        parser.add_argument("--tag", action="append", default=[], help="a tag name; repeatable")
        parser.add_argument("--author", default="", help="the author's display name")
        parser.add_argument(
            "--language", default="", choices=[code for code, _ in settings.LANGUAGES],
            help="what it is written in (default: English)",
        )  # fmt: skip
        parser.add_argument(
            "--translation-of", default="", help="the slug of the article it translates"
        )

    def handle(self, *args, path, slug, tag, author, language, translation_of, **options):
        try:
            article, created = import_article(
                path, slug=slug, tags=tag, author=author, language=language,
                translation_of=translation_of,
            )  # fmt: skip
        except ImportFailed as error:
            raise CommandError(str(error)) from None
        verb = "Imported" if created else "Updated"
        self.stdout.write(f"{verb} “{article.title}” at {article.get_absolute_url()}")
