from django.conf import settings
from django.contrib import admin
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

handler500 = "newsportal.errors.server_error"
