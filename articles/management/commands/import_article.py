from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from articles.models import Article, Author, Tag
from articles.plaintext import PlainTextError, parse


def import_article(path, *, slug="", tags=(), author="", overwrite=True) -> tuple[Article, bool]:
    """Create (or, with `overwrite`, update) the published article in the text file at `path`."""
    path = Path(path)
    try:
        parsed = parse(path.read_bytes())
    except OSError as error:
        raise CommandError(f"{path}: cannot read the file ({error.strerror}).") from None
    except PlainTextError as error:
        raise CommandError(f"{path}: {error}; nothing was imported.") from None
    # Page dumps are named after their URL; fall back to the title for other names.
    slug = slug or slugify(path.stem) or slugify(parsed.title)
    if not slug:
        raise CommandError(f"{path}: cannot derive a slug; pass --slug.")
    with transaction.atomic():
        article = Article.objects.filter(slug=slug).first() or Article(slug=slug)
        created = article.pk is None
        if not created and not overwrite:
            return article, False
        article.title = parsed.title
        article.body = parsed.body
        article.status = Article.Status.PUBLISHED
        if author:
            article.author, _ = Author.objects.get_or_create(
                slug=slugify(author), defaults={"name": author}
            )
        article.save()
        if tags:
            article.tags.set(
                Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
                for name in tags
            )
    return article, created


class Command(BaseCommand):
    help = "Import a plain-text article (first line the title) as a published article."

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 text file: title line, then one block per line")
        parser.add_argument("--slug", default="", help="URL slug (default: from the file name)")
        parser.add_argument("--tag", action="append", default=[], help="a tag name; repeatable")
        parser.add_argument("--author", default="", help="the author's display name")

    def handle(self, *args, path, slug, tag, author, **options):
        article, created = import_article(path, slug=slug, tags=tag, author=author)
        verb = "Imported" if created else "Updated"
        self.stdout.write(f"{verb} “{article.title}” at {article.get_absolute_url()}")
