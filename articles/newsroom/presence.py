"""Who has an article open in the admin: the next person to open it is warned (as WordPress
warns of a post someone is editing). An open form says it is still open every 30 seconds
(static/js/presence.js) and goodbye when it is left; a form silent for 90 seconds counts as
closed. Kept in the shared cache: advisory, never a lock (a conflicting save is still caught by
articles/newsroom/conflicts.py)."""

import time

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

SECONDS = 90


def _key(article_pk: int) -> str:
    return f"editing:{article_pk}"


def _name(user) -> str:
    return user.get_full_name() or "A colleague"  # never a login name


def here(article_pk: int, user) -> list[str]:
    """Note that `user` has the article open; the others who have it open, first come first."""
    now = time.time()
    present = {
        pk: seen for pk, seen in (cache.get(_key(article_pk)) or {}).items()
        if now - seen["at"] < SECONDS
    }  # fmt: skip
    since = present.get(user.pk, {}).get("since", now)
    present[user.pk] = {"name": _name(user), "since": since, "at": now}
    cache.set(_key(article_pk), present, SECONDS)
    others = sorted(
        (seen for pk, seen in present.items() if pk != user.pk), key=lambda s: s["since"]
    )
    return [seen["name"] for seen in others]


def gone(article_pk: int, user) -> None:
    """`user` left the article's form."""
    present = cache.get(_key(article_pk)) or {}
    if present.pop(user.pk, None) is not None:
        cache.set(_key(article_pk), present, SECONDS)


def presence_view(model_admin, request, pk):
    """An open form's heartbeat (static/js/presence.js): who else has the article open."""
    article = get_object_or_404(model_admin.get_queryset(request).only("pk"), pk=pk)
    if request.POST.get("leaving"):
        gone(article.pk, request.user)
        return JsonResponse({"others": []})
    return JsonResponse({"others": here(article.pk, request.user)})
