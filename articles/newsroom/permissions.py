"""Who may do what in the newsroom: Editors publish and see everything; Authors write and
see their own work, under their own byline: the articles they lead or share."""

import secrets

from articles.models import Article, Author


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")


def byline_of(user) -> Author:
    """The user's byline, made the first time they write. Never their login name: bylines and
    author addresses are public, and a known login name is half of a sign-in."""
    author, _ = Author.objects.get_or_create(
        user=user,
        defaults={"name": user.get_full_name() or "Staff writer",
                  "slug": f"writer-{secrets.token_hex(4)}"},
    )  # fmt: skip
    return author


def on_byline(user, article) -> bool:
    """Whether `user` writes as one of the article's authors, lead or shared (asked once per
    article and user: the admin asks several times a page)."""
    if article.pk is None or not user.is_authenticated:
        return False
    asked = article.__dict__.setdefault("_on_byline", {})
    if user.pk not in asked:
        asked[user.pk] = Article.objects.filter(pk=article.pk).by(user=user).exists()
    return asked[user.pk]
