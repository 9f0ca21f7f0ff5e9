"""Share links for drafts: signed, expiring after a chosen time, revocable per article."""

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models.articles import Article

SALT = "articles.models.sharing"
LIFETIMES = {1: "1 hour", 24: "1 day", 72: "3 days", 168: "1 week"}


def make_token(article, hours: int) -> str:
    return signing.dumps({"a": article.pk, "v": article.share_version, "h": hours}, salt=SALT)


def share_url(article, hours: int) -> str:
    return reverse("articles:shared-preview", args=[make_token(article, hours)])


def read_token(token: str) -> tuple[int, int] | None:
    """(article id, share version) of a valid, unexpired token, else None."""
    try:
        payload = signing.loads(token, salt=SALT)
        signing.loads(token, salt=SALT, max_age=int(payload["h"]) * 3600)
        return int(payload["a"]), int(payload["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class ShareLink(models.Model):
    """A link made to show a draft to someone without an account, kept so the article lists
    its working links with their expiry (the token itself is signed: articles/models/sharing.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    url = models.CharField(max_length=500)
    share_version = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Share link of {self.article_id}, until {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def working(cls, article):
        """The links of `article` that still open it: not expired, not revoked."""
        return cls.objects.filter(
            article=article, share_version=article.share_version, expires_at__gt=timezone.now()
        ).select_related("created_by")
