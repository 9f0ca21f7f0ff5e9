"""The newsroom's admin site: Django's, with two doors closed that its defaults leave open.

- `/admin/r/<content type>/<id>/` (the "view on site" shortcut) redirects to an object's public
  address, whose slug comes from its headline, for any staff member: here only for someone whom
  the model's admin would show the object.
- The autocomplete endpoint answers a reverse relation's name with a 500: here a 403.

It adds the "Site health" page (newsportal/sitehealth.py).
"""

from functools import partial

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import ForeignObjectRel
from django.http import Http404
from django.urls import path

from newsportal import sitehealth


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"

    def get_urls(self):
        # First match wins: this replaces Django's own `r/...` shortcut.
        view_on_site = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.guarded_shortcut),
            name="view_on_site",
        )
        health = path(
            "site-health/",
            self.admin_view(partial(sitehealth.page, self)),
            name="site_health",
        )
        return [view_on_site, health, *super().get_urls()]

    def guarded_shortcut(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404("No such kind of object.") from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404("Nothing to show here.")
        try:
            visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError):
            visible = False
        if not visible:
            raise Http404("Nothing to show here.")
        return shortcut(request, content_type_id, object_id)

    def autocomplete_view(self, request):
        try:
            model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field = model._meta.get_field(request.GET["field_name"])
        except (KeyError, LookupError, FieldDoesNotExist):
            raise PermissionDenied from None
        if isinstance(field, ForeignObjectRel):  # a reverse relation: nothing to complete
            raise PermissionDenied
        return super().autocomplete_view(request)
