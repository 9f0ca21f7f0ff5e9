"""Articles from plain-text files: the demo content, and whatever a newsroom imports by hand.

The `import_article` and `load_demo` management commands only parse their arguments and call
these functions.
"""

from pathlib import Path

from django.db import transaction

from articles.models import Article, Author, Tag, TagName
from articles.newsroom.plaintext import PlainTextError, parse
from articles.newsroom.slugs import slug_for

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_ARTICLES = [
    {
        "path": DEMO_DIR / "a-new-stage-of-kazakh-uzbek-relations.txt",
        "tags": ["Kazakhstan", "Uzbekistan", "Central Asia", "Diplomacy"],
        "author": "Newsroom",
    },
    # Our own Russian translation of it, linked to it (the switcher offers each the other).
    {
        "path": DEMO_DIR / "novyi-etap-kazakhstansko-uzbekskikh-otnoshenii.txt",
        "tags": ["Kazakhstan", "Uzbekistan", "Central Asia", "Diplomacy"],
        "author": "Newsroom",
        "language": "ru",
        "translation_of": "a-new-stage-of-kazakh-uzbek-relations",
    },
]
# The demo topics' names and addresses in Russian.
DEMO_TAG_NAMES = {
    "kazakhstan": ("ru", "Казахстан", "kazakhstan"),
    "uzbekistan": ("ru", "Узбекистан", "uzbekistan"),
    "central-asia": ("ru", "Центральная Азия", "tsentralnaya-aziya"),
    "diplomacy": ("ru", "Дипломатия", "diplomatiya"),
}


class ImportFailed(ValueError):
    """The file could not be imported; the message says why, and nothing was written."""


def import_article(
    path, *, slug="", tags=(), author="", overwrite=True, language="", translation_of=""
) -> tuple[Article, bool]:
    """Create (or, with `overwrite`, update) the published article in the text file at `path`,
    in `language` (English by default), a translation of the article at `translation_of`."""
    path = Path(path)
    try:
        parsed = parse(path.read_bytes())
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read the file ({error.strerror}).") from None
    except PlainTextError as error:
        raise ImportFailed(f"{path}: {error}; nothing was imported.") from None
    # Page dumps are named after their URL; fall back to the title for other names.
    slug = slug or slug_for(path.stem, 300) or slug_for(parsed.title, 300)
    if not slug:
        raise ImportFailed(f"{path}: cannot derive a slug; pass --slug.")
    with transaction.atomic():
        article = Article.objects.filter(slug=slug).first() or Article(slug=slug)
        created = article.pk is None
        if not created and not overwrite:
            return article, False
        article.title = parsed.title
        article.body = parsed.body
        article.status = Article.Status.PUBLISHED
        if language:
            article.language = language
        if translation_of:
            article.translation_of = original = Article.objects.filter(slug=translation_of).first()
            if original is None or original.language == article.language:
                raise ImportFailed(
                    f"{path}: “{translation_of}” is not an article in another language to "
                    "translate; nothing was imported."
                )
        if author:
            article.author, _ = Author.objects.get_or_create(
                slug=slug_for(author, 200), defaults={"name": author}
            )
        article.save()
        if tags:
            article.tags.set(
                Tag.objects.get_or_create(slug=slug_for(name, 90), defaults={"name": name})[0]
                for name in tags
            )
    return article, created


def load_demo() -> list[tuple[Article, bool]]:
    """The demo articles shipped with the project, loaded once: running it again changes nothing."""
    loaded = [import_article(**demo, overwrite=False) for demo in DEMO_ARTICLES]
    for slug, (language, name, local_slug) in DEMO_TAG_NAMES.items():
        tag = Tag.objects.filter(slug=slug).first()
        if tag is not None:
            TagName.objects.get_or_create(
                tag=tag, language=language, defaults={"name": name, "slug": local_slug}
            )
    return loaded
