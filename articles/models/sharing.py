"""Share links for drafts: signed, expiring after a chosen time, revocable per article."""

from django.core import signing
from django.urls import reverse

SALT = "articles.share"
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
