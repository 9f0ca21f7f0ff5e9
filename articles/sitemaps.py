from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.caching import LISTS
from articles.models import Article, Author, Tag
from newsportal.pagecache import add_keys


class SiteSitemap(Sitemap):
    """Addresses at SITE_URL, the public one, whatever host or scheme the request came with
    (behind a TLS proxy it is plain HTTP to an internal name)."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, item):
        return item.updated_at


class TagSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Tag.objects.filter(articles__in=Article.objects.published()).distinct()


class AuthorSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Author.objects.filter(articles__in=Article.objects.published()).distinct()


class NewsSitemap(SiteSitemap):
    """Google News: articles of the last two days, with their headline and publication date."""

    def items(self):
        since = timezone.now() - timedelta(days=2)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("title", "slug", "published_at")
            .order_by("-published_at")[:1000]
        )

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {"articles": ArticleSitemap, "tags": TagSitemap, "authors": AuthorSitemap}


def sitemap(request, **kwargs):
    """Django's sitemap view, naming what it shows for the page cache."""
    return add_keys(sitemap_views.sitemap(request, **kwargs), LISTS)


def sitemap_index(request):
    """Every section's pages (5,000 addresses each), at SITE_URL: the whole archive, not only the
    newest 5,000 articles."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        url = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": section})
        pages = sitemap_class().paginator.num_pages
        entries += [url, *(f"{url}?p={number}" for number in range(2, pages + 1))]
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [SimpleNamespace(location=url, last_mod=None) for url in entries]},
        content_type="application/xml",
    )
    return add_keys(response, LISTS)
