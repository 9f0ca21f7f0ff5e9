"""Corrections: dated notes readers see on a published article, added by Editors from the
article's page and edited or removed in their own list."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from articles.models import Article, Correction


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


def correct_view(model_admin, request, pk):
    if not model_admin.has_publish_permission(request):
        raise PermissionDenied
    article = get_object_or_404(Article.objects.published().only("pk", "title"), pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        note = form.save(commit=False)
        note.article = article
        note.save()  # the article's pages and /corrections/ are purged on commit
        model_admin.log_change(request, article, f"Added a {note.get_kind_display().lower()}.")
        model_admin.message_user(request, f"{note.get_kind_display()} added; readers see it now.")
    else:
        for errors in form.errors.values():
            model_admin.message_user(request, " ".join(errors), messages.ERROR)
    return redirect("admin:articles_article_change", pk)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Edit or remove a note (they are added from the article's page in the admin)."""

    list_display = ["article", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["text", "article__title"]
    fields = ["article", "kind", "text", "created_at"]
    readonly_fields = ["article"]

    def has_add_permission(self, request):
        return False
