from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.urls import include, path

from newsportal import health

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("newsportal.consent.urls")),
    path("", include("articles.urls")),
]


def server_error(request):
    """The 500 page, rendered without context processors: they may be what failed."""
    return render(None, "500.html", {"site_name": settings.SITE_NAME}, status=500)


handler500 = server_error
