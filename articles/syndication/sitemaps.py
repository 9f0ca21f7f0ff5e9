from collections import Counter
from datetime import timedelta
from math import ceil
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Tag, languages_with_articles, slug_url
from articles.reading.caching import LISTS
from newsportal.languages import x_default
from newsportal.pagecache import add_keys

SITEMAP_LIMIT = 50_000  # addresses a file, the protocol's limit


class KeysetPaginator(Paginator):
    """Pages of a list ordered by id, each read from where the one before ends: the last page
    of a million articles costs what the first does (an OFFSET would read every row before it,
    and work out the alternates of each). Where pages end is read once per page (an index-only
    walk of the ids, numbered)."""

    def page(self, number):
        number = self.validate_number(number)
        rows = self.object_list
        if number > 1:
            ids = self.object_list.order_by().values("pk")
            numbered = ids.annotate(n=Window(RowNumber(), order_by=F("pk").asc()))
            end = numbered.filter(n=(number - 1) * self.per_page).values_list("pk", flat=True)
            rows = rows.filter(pk__gt=Subquery(end[:1]))
        return self._get_page(list(rows[: self.per_page]), number, self)


class SiteSitemap(Sitemap):
    """Addresses at SITE_URL, the public one, whatever host or scheme the request came with
    (behind a TLS proxy it is plain HTTP to an internal name); one language's pages, each with
    its versions in the other languages as `xhtml:link` alternates (and x-default)."""

    language = settings.LANGUAGE_CODE
    limit = SITEMAP_LIMIT

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
    """Ordered by id: a new article joins the last page, and the others never change."""

    changefreq = "daily"

    @property
    def paginator(self):
        return KeysetPaginator(self._items(), self.limit)

    def items(self):
        return (
            Article.objects.published()
            .in_language(self.language)
            .with_versions()
            .only("slug", "language", "translation_of_id", "updated_at")
            .order_by("pk")
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
        return (
            Tag.objects.localized(self.language)
            .with_pages()
            .filter(page_languages__contains=[self.language])
            .order_by("pk")
        )

    def location(self, item):
        return slug_url("articles:tag", item.local_slug, self.language)

    def versions(self, item):
        return item.pages()

    @staticmethod
    def counts():
        """Topics with a published article, per language: asked of each topic (one probe per
        language), not by reading every link of the archive."""
        languages = Tag.objects.annotate(found=languages_with_articles("tags"))
        return Counter(
            code for found in languages.values_list("found", flat=True) for code in found
        ).items()


class AuthorSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        authors = Author.objects.with_pages()
        return authors.filter(page_languages__contains=[self.language]).order_by("pk")

    def location(self, item):
        return slug_url("articles:author", item.slug, self.language)

    def versions(self, item):
        return item.pages()

    @staticmethod
    def counts():
        languages = Author.objects.with_pages()
        return Counter(
            code for found in languages.values_list("page_languages", flat=True) for code in found
        ).items()


class NewsSitemap(SiteSitemap):
    """Google News: articles of the last two days in every language, and live coverage while it
    runs, with their headline, language and publication date."""

    def items(self):
        now = timezone.now()
        live = Q(is_live=True) & (Q(live_ends_at__isnull=True) | Q(live_ends_at__gt=now))
        return (
            Article.objects.published()
            .filter(Q(published_at__gte=now - timedelta(days=2)) | live)
            .only("title", "slug", "language", "published_at")
            .order_by("-published_at")[:1000]
        )

    def lastmod(self, item):
        return item.published_at

    def versions(self, item):
        return {}


def pages_per_language(owners) -> list[tuple[str, int]]:
    """[(language, how many of `owners` have a page in it)]: `owners` annotated with `found`,
    the languages of their published articles."""
    found = owners.values_list("found", flat=True)
    return list(Counter(code for languages in found for code in languages).items())


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
    """Every section's pages (50,000 addresses each, the protocol's limit) in every language
    that has some, at SITE_URL: the whole archive, not only the newest articles."""
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
