"""Who may do what in the newsroom: Editors publish and see everything; Authors write and
see their own work, under their own byline."""

import secrets

from articles.models import Author


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
