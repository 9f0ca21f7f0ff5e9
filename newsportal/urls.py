"""The project's URL map: composes the apps' pages with the site-wide ones (the one module of
`newsportal/` that may import an app, as the composition root)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve

from articles.syndication.sitemaps import SITEMAPS, NewsSitemap, sitemap, sitemap_index
from newsportal import health, metrics
from newsportal.ratelimit import rate_limited

lazy_static = lazy(static, str)


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's). Lazy: the hashed
    # name is only known once collectstatic has run.
    path("favicon.ico", RedirectView.as_view(url=lazy_static("img/favicon.svg"), permanent=True)),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "articles/sitemap_news.xml"},
        name="sitemap-news",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    # Sign-in attempts per client are limited (slowed down, never locked out: settings.py).
    path(f"{settings.ADMIN_URL}login/", rate_limited("login", methods={"POST"})(admin.site.login)),
    path(settings.ADMIN_URL, admin.site.urls),
]
# Readers' pages in each language: English at today's addresses, the others under /ru/, /kk/ and
# /uz/ (newsportal/languages.py activates the address's language before these are resolved).
urlpatterns += i18n_patterns(
    path("", include("newsportal.consent.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "newsportal.errors.bad_request"
handler403 = "newsportal.errors.permission_denied"
handler404 = "newsportal.errors.page_not_found"
handler500 = "newsportal.errors.server_error"
