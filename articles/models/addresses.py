"""Addresses that keep answering: every slug an article has had, and editors' redirects."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class ArticleAddress(models.Model):
    """Every slug a published article has had. An old one answers 301 to the article's current
    address; one whose article was unpublished or deleted answers 410 Gone."""

    slug = models.SlugField(max_length=300, unique=True)
    article = models.ForeignKey(
        "Article", null=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    live_from = models.DateTimeField(
        null=True, help_text="When readers could first see the article here; empty: never."
    )

    class Meta:
        verbose_name_plural = "article addresses"

    def __str__(self):
        return self.slug

    def was_public(self) -> bool:
        return self.live_from is not None and self.live_from <= timezone.now()


def is_local_path(path: str) -> bool:
    """A path on this site: starts with one slash, names no host, carries no scheme or spaces."""
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(c.isspace() or ord(c) < 32 for c in path)
    )


class Redirect(models.Model):
    """An address editors send elsewhere on this site (a retired section, a mistyped link)."""

    old_path = models.CharField(
        max_length=300, unique=True, help_text="An address on this site, e.g. /old-section/"
    )
    new_path = models.CharField(
        max_length=300, help_text="Where it goes now, on this site, e.g. /tags/elections/"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    MAX_HOPS = 10

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} -> {self.new_path}"

    def clean(self):
        for name in ("old_path", "new_path"):
            if not is_local_path(getattr(self, name)):
                raise ValidationError({name: "An address on this site, starting with one /."})
        if self.old_path == self.new_path:
            raise ValidationError({"new_path": "An address cannot send readers to itself."})
        path, seen = self.new_path, {self.old_path}
        for _hop in range(self.MAX_HOPS):
            if path in seen:
                raise ValidationError({"new_path": f"This would make a loop through {path}."})
            seen.add(path)
            following = Redirect.objects.exclude(pk=self.pk).filter(old_path=path).first()
            if following is None:
                return
            path = following.new_path

    @classmethod
    def destination(cls, path: str) -> str | None:
        """Where `path` ends up, every hop followed (chains collapse into one redirect)."""
        if "\x00" in path:  # no stored address has one (PostgreSQL text cannot hold it)
            return None
        hops = 0
        while (found := cls.objects.filter(old_path=path).first()) and hops < cls.MAX_HOPS:
            path, hops = found.new_path, hops + 1
        return path if hops else None
