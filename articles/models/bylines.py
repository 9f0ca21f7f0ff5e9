"""Shared bylines: an article's further authors, after its lead (`Article.author`), in order.

The lead stays on the article, so today's single author is the first of every byline without
moving a row, and the lists that filter by it keep their plan; `naming` finds an author's
articles either way."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import JSONObject

from articles.models.topics import Author


class BylineQuerySet(models.QuerySet):
    def names_of(self, article):
        """The further authors of `article` (an OuterRef) in order, as [{pk, name, slug}]: an
        array in the article's own row, no query of its own."""
        shared = self.filter(article=article).values(
            fields=JSONObject(pk="author_id", name="author__name", slug="author__slug")
        )
        return ArraySubquery(shared)


class Byline(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(
        "order", default=1, help_text="Where the byline names them after the lead: 1, 2, 3..."
    )
    objects = BylineQuerySet.as_manager()
    _loaded_author_id = None  # who it named when loaded: a changed row purges both pages

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "shared byline"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                name="byline_author_once",
                violation_error_message="This author is already on the byline.",
            )
        ]
        # The author's side: their pages, feeds and admin list ask "which articles?".
        indexes = [models.Index(fields=["author", "article"], name="byline_author_idx")]

    def __str__(self):
        return self.author.name

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        byline = super().from_db(db, field_names, values, **kwargs)
        byline._loaded_author_id = byline.author_id
        return byline


def naming(author=None, **author_lookup) -> Q:
    """Articles whose byline names `author` (an Author, a pk or an OuterRef), as lead or
    sharing it; or names an author matching `author_lookup` (user=...). A column test and a
    probe per row: lists walk their index newest first as before, no author's articles are
    gathered first."""
    if author is not None:
        author_lookup = {"": author}
    lookup = {"__".join(filter(None, ["author", k])): v for k, v in author_lookup.items()}
    return Q(**lookup) | Exists(Byline.objects.filter(article=OuterRef("pk"), **lookup))
