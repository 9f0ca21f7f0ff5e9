"""Autosave: a copy of the form as one editor typed it, kept every few seconds and offered back
after a crash (static/js/autosave.js)."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from articles.models import Autosave

# What an autosave keeps of the form (never the file input, the token or the buttons).
AUTOSAVED = {
    "title", "slug", "standfirst", "body", "cover", "cover_alt", "cover_caption", "cover_credit",
    "cover_focus_x", "cover_focus_y",
    "author", "tags", "status", "published_at_0", "published_at_1", "published_at",
    "is_featured", "seo_description", "opened_version", "opened_state",
}  # fmt: skip


def autosave_view(model_admin, request, pk):
    article = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    data = {k: v for k, v in request.POST.lists() if k in AUTOSAVED}
    saved, _ = Autosave.objects.update_or_create(
        article=article, user=request.user, defaults={"data": data}
    )
    return JsonResponse({"saved": True, "at": saved.saved_at.isoformat()})


def autosave_for(request, article):
    """This editor's unsaved copy of `article`, if it is newer than the article."""
    if article is None:
        return None
    return Autosave.objects.filter(
        article=article, user=request.user, saved_at__gt=article.updated_at
    ).first()


def restored(form, saved):
    """The admin's form class, opened on what `saved` (an Autosave) kept instead of the article."""
    restored = {k: (v if k == "tags" else v[0]) for k, v in saved.data.items() if v}

    class RestoredForm(form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.initial.update(restored)

    return RestoredForm
