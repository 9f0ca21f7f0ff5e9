"""Shared bylines on the article's page: the authors after the lead, in order. Whoever may
change the article may change its byline (an Author one they share, while it is a draft)."""

from django import forms
from django.contrib import admin
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT

from articles.models import Byline


class BylineFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.add_prefix(TOTAL_FORM_COUNT) not in self.data:
            # Posted without this section (a script, a form from before it): the byline stays
            # as it is, instead of the whole save refused for a missing management form.
            self.data = self.data.copy()
            for count in (TOTAL_FORM_COUNT, INITIAL_FORM_COUNT):
                self.data[self.add_prefix(count)] = "0"

    def clean(self):
        super().clean()
        lead = self.instance.author_id
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            author = getattr(form, "cleaned_data", {}).get("author")
            if author is not None and author.pk == lead:
                form.add_error("author", "This is the lead author already.")


class BylineInline(admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    extra = 0
    verbose_name = "author sharing the byline"
    verbose_name_plural = "Shared byline: further authors, after the lead"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "author":  # a name to pick (or a reporter to add), nothing to edit
            field.widget.can_change_related = field.widget.can_delete_related = False
            field.widget.can_view_related = False
        return field

    # As the article: the parent's own rules (an Author's shared drafts), not a model permission.

    def _article_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return self._article_admin().has_add_permission(request)
        return self._article_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._article_admin().has_view_permission(request, obj)
