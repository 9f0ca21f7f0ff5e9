from datetime import timedelta
from math import ceil
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Tag, languages_with_articles, slug_url
from articles.reading.caching import LISTS
from newsportal.languages import x_default
from newsportal.pagecache import add_keys


class SiteSitemap(Sitemap):
    """Addresses at SITE_URL, the public one, whatever host or scheme the request came with
    (behind a TLS proxy it is plain HTTP to an internal name); one language's pages, each with
    its versions in the other languages as `xhtml:link` alternates (and x-default)."""

    language = settings.LANGUAGE_CODE

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def versions(self, item) -> dict[str, str]:
        """{language: path} of the item's page in every language it exists in."""
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            found = self.versions(url["item"])
            if len(found) > 1:
                url["alternates"] = [
                    {"lang_code": code, "location": settings.SITE_URL + path}
                    for code, path in sorted(found.items())
                ] + [{"lang_code": "x-default",
                      "location": settings.SITE_URL + x_default(found, self.language)}]  # fmt: skip
        return urls


class ArticleSitemap(SiteSitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .in_language(self.language)
            .with_versions()
            .only("slug", "language", "translation_of_id", "updated_at")
            .order_by("-published_at")
        )

    def lastmod(self, item):
        return item.updated_at

    def versions(self, item):
        return item.translation_urls()

    @staticmethod
    def counts():
        return Article.objects.published().values_list("language").annotate(n=Count("pk"))


class TagSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        shown = Article.objects.published().in_language(self.language)
        public = Article.tags.through.objects.filter(article__in=shown).values("tag_id")
        return (
            Tag.objects.localized(self.language).with_pages().filter(pk__in=public).order_by("pk")
        )

    def location(self, item):
        return slug_url("articles:tag", item.local_slug, self.language)

    def versions(self, item):
        return item.pages()

    @staticmethod
    def counts():
        links = Article.tags.through.objects.filter(article__in=Article.objects.published())
        return links.values_list("article__language").annotate(n=Count("tag_id", distinct=True))


class AuthorSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        shown = Article.objects.published().in_language(self.language).values("author_id")
        authors = Author.objects.filter(pk__in=shown).order_by("pk")
        return authors.annotate(page_languages=languages_with_articles("author"))

    def location(self, item):
        return slug_url("articles:author", item.slug, self.language)

    def versions(self, item):
        return item.pages()

    @staticmethod
    def counts():
        shown = Article.objects.published().exclude(author=None).values_list("language")
        return shown.annotate(n=Count("author", distinct=True))


class NewsSitemap(SiteSitemap):
    """Google News: articles of the last two days in every language, with their headline,
    language and publication date."""

    def items(self):
        since = timezone.now() - timedelta(days=2)
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("title", "slug", "language", "published_at")
            .order_by("-published_at")[:1000]
        )

    def lastmod(self, item):
        return item.published_at

    def versions(self, item):
        return {}


def in_language(sitemap_class, language: str):
    return type(f"{sitemap_class.__name__}_{language}", (sitemap_class,), {"language": language})


SECTIONS = {"articles": ArticleSitemap, "tags": TagSitemap, "authors": AuthorSitemap}


def section_name(section: str, language: str) -> str:
    """English at today's names (sitemap-articles.xml...); the others as sitemap-articles-ru.xml."""
    return section if language == settings.LANGUAGE_CODE else f"{section}-{language}"


SITEMAPS = {
    section_name(section, code): in_language(cls, code)
    for code, _ in settings.LANGUAGES
    for section, cls in SECTIONS.items()
}


def sitemap(request, **kwargs):
    """Django's sitemap view, naming what it shows for the page cache."""
    return add_keys(sitemap_views.sitemap(request, **kwargs), LISTS)


def sitemap_index(request):
    """Every section's pages (5,000 addresses each) in every language that has some, at
    SITE_URL: the whole archive, not only the newest 5,000 articles."""
    entries = []
    for section, sitemap_class in SECTIONS.items():
        counts = dict(sitemap_class.counts())  # every language's, in one query
        for code, _ in settings.LANGUAGES:
            if not counts.get(code) and code != settings.LANGUAGE_CODE:
                continue  # a language with nothing of this kind has no section
            name = section_name(section, code)
            url = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": name})
            pages = max(1, ceil(counts.get(code, 0) / sitemap_class.limit))
            entries += [url, *(f"{url}?p={number}" for number in range(2, pages + 1))]
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [SimpleNamespace(location=url, last_mod=None) for url in entries]},
        content_type="application/xml",
    )
    return add_keys(response, LISTS)
