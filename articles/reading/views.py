"""The list pages: topics and authors with their articles, the topic index, search results and
the corrections; and what every list page shares (paging by keyset, purge keys)."""

from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import ListView

from articles.models import (
    LANGUAGE_NAMES,
    Article,
    Author,
    Correction,
    Tag,
)
from articles.reading.caching import (
    CARDS,
    CORRECTIONS,
    LISTS,
    author_key,
    author_name_key,
    tag_key,
    tag_name_key,
)
from articles.reading.cards import card_rows, render_cards
from articles.reading.paging import Cursor, KeysetPage, keep, kept, keyset_rows
from articles.reading.search import ELSEWHERE, clean_query, found, results_page
from newsportal.fragments import cached, valid
from newsportal.pagecache import add_keys
from newsportal.ratelimit import rate_limited

PAGE_SIZE = 20


class CacheKeysMixin:
    """Names what the page shows (articles/reading/caching.py), so the page cache can purge it."""

    def cache_keys(self, context) -> list[str]:
        raise NotImplementedError

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return add_keys(response, *self.cache_keys(context))


class LastPageMixin:
    """A page number past the end leads to the last page (302), not to "Page not found"."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            page = request.GET.get("page", "")
            if not page.isdigit() or not hasattr(self, "object_list"):
                raise
            paginator = self.get_paginator(self.object_list, self.paginate_by)
            if int(page) <= paginator.num_pages:
                raise
            query = request.GET.copy()
            query["page"] = str(paginator.num_pages)
            if paginator.num_pages == 1:
                del query["page"]
            return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


class Moved(Exception):
    """What was asked for lives at another address: a 301 there (a 302 where the address may
    answer again later)."""

    def __init__(self, url, permanent=True):
        self.url, self.permanent = url, permanent


class KeysetMixin:
    """A list newest first, paged by keyset (articles/reading/paging.py): `?before=` and
    `?after=` name a page for good; an old `?page=N` address leads to where page N began, one
    past the end to the oldest page, a cursor that is none to the first page."""

    keyset_field = "published_at"
    allow_empty_first_page = True

    def get(self, request, *args, **kwargs):
        try:
            self.before, self.after = self.cursors(request)
            return super().get(request, *args, **kwargs)
        except Moved as moved:
            return redirect(moved.url, permanent=moved.permanent)

    @staticmethod
    def cursors(request):
        found = []
        for name in ("before", "after"):
            values = request.GET.getlist(name)
            cursor = Cursor.parse(values[0]) if len(values) == 1 else None
            if values and (cursor is None or any(found)):
                raise Moved(request.path)
            found.append(cursor)
        return found

    def get_purge_key(self) -> str:
        raise NotImplementedError

    def paginate_queryset(self, queryset, page_size):
        if "page" in self.request.GET:  # one integer from 2 (newsportal/querystrings.py)
            self.old_page(queryset, int(self.request.GET["page"]), page_size)
        before, after, field = self.before, self.after, self.keyset_field
        key, rows = kept(self.get_purge_key(), f"rows:{before}:{after}", self.request)
        if rows is None:
            rows = keep(key, keyset_rows(queryset, field, page_size, before, after))
        page = KeysetPage(rows, page_size, field, before, after)
        if after is not None and not page.has_newer:
            raise Moved(self.request.path, permanent=False)  # the newest: the list's own page
        if not page.object_list:
            if not page.is_first:
                raise Moved(self.request.path, permanent=False)  # past the end, or withdrawn
            if not self.allow_empty_first_page:
                raise Http404("Nothing published here yet.")
        return None, page, page.object_list, page.has_older or page.has_newer

    def old_page(self, queryset, number, size):
        """Moved to the keyset address of what page `number` began with: the rows older than
        the last of the page before it (one read of the list's index up to there, once per old
        link); past the end, to the oldest page."""
        row = next(iter(queryset[(number - 1) * size - 1 : (number - 1) * size]), None)
        permanent = row is not None
        if row is None:
            row = next(iter(queryset.reverse()[size : size + 1]), None)
            if row is None:
                raise Moved(self.request.path, permanent=False)
        cursor = Cursor(getattr(row, self.keyset_field), row.pk)
        raise Moved(f"{self.request.path}?before={cursor}", permanent=permanent)


def listed():
    """What lists show: the page's language's published articles (as of now)."""
    return Article.objects.published().in_language()


class CorrectionsView(CacheKeysMixin, KeysetMixin, ListView):
    """Every correction, clarification and update on a published article, newest first."""

    paginate_by = PAGE_SIZE
    context_object_name = "corrections"
    template_name = "articles/corrections.html"
    keyset_field = "created_at"

    def get_queryset(self):
        published = Article.objects.published().only("title", "slug", "language")
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .prefetch_related(Prefetch("article", queryset=published))
            .order_by("-created_at", "-id")
        )

    def get_purge_key(self):
        return CORRECTIONS

    def cache_keys(self, context):
        return [CORRECTIONS, LISTS]


class TagIndexView(CacheKeysMixin, ListView):
    """Every tag that has published articles, with how many."""

    context_object_name = "tags"
    template_name = "articles/tag_list.html"

    def get_queryset(self):
        # The links to listed articles (a semi-join), then grouped: a count filtered by "is in
        # the list" is tested link by link, and took minutes at a million articles.
        return (
            Tag.objects.localized()
            .filter(articles__in=listed())
            .annotate(article_count=Count("articles"))
            .order_by(Lower("local_name"), "local_name")  # "aviation" among the A's
        )

    def cache_keys(self, context):
        return [LISTS]


class ArticlesOfView(CacheKeysMixin, KeysetMixin, ListView):
    """The published articles of one tag or author, paginated; 404 for an unknown slug, and
    for a tag or author that no published article has yet (nothing of it is public before)."""

    owner_model = None  # Tag or Author
    paginate_by = PAGE_SIZE
    allow_empty_first_page = False
    context_object_name = "articles"

    def get_queryset(self):
        self.owner = owner = self.get_owner(self.kwargs["slug"])
        # Built only when the page's rows are not kept (articles/reading/paging.py).
        return SimpleLazyObject(lambda: card_rows(self.articles_of(owner)))

    def get_owner(self, slug):
        return get_object_or_404(self.owner_model, slug=slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(owner=self.owner, **kwargs)
        return {**context, "cards": render_cards(context["articles"], request=self.request)}

    def cache_keys(self, context):
        return [self.owner_key(self.owner.pk), CARDS]

    def get_purge_key(self):
        return self.owner_key(self.owner.pk)


class TagView(ArticlesOfView):
    owner_model = Tag
    owner_key = staticmethod(tag_key)
    template_name = "articles/tag_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "translations": self.owner.pages()}

    @staticmethod
    def articles_of(tag):
        return listed().filter(tags=tag)

    def get_owner(self, slug):
        """At its slug in the page's language (or its English one, which leads there)."""
        tags = cached(f"tags:{get_language()}:{slug}", lambda: self.load_tags(slug), self.request)
        tag = next((t for t in tags if t.url_slug == slug), None)
        if tag is None:
            raise Moved(tags[0].get_absolute_url())
        return tag

    @staticmethod
    def load_tags(slug):
        tags = list(Tag.objects.by_slug(slug).with_pages()[:2])
        if not tags:  # not kept: the topic may be made at this address any minute
            raise Http404("No such topic.")
        return tags, [key for tag in tags for key in (tag_key(tag.pk), tag_name_key(tag.pk))]


class AuthorView(ArticlesOfView):
    owner_model = Author
    owner_key = staticmethod(author_key)
    template_name = "articles/author_detail.html"

    @staticmethod
    def articles_of(author):
        """As lead or sharing the byline."""
        return listed().by(author)

    def get_owner(self, slug):
        return cached(f"author:{slug}", lambda: self.load_author(slug), self.request)

    @staticmethod
    def load_author(slug):
        authors = Author.objects.with_pages()
        author = get_object_or_404(authors, slug=slug)
        return author, [author_key(author.pk), author_name_key(author.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "translations": self.owner.pages()}


@method_decorator(rate_limited("search"), name="dispatch")
class SearchView(CacheKeysMixin, LastPageMixin, ListView):
    """Full-text search over published articles, best match first, with highlighted snippets.
    What a query finds, and each page of its articles, are kept between readers while no list
    changes (search.found and search.results_page): one read of the cache for both."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        if not self.query:
            return []
        self.names = {
            part: f"search:{get_language()}:{part}:{self.query}"
            for part in ("found", self.request.GET.get("page", "1")[:10])
        }
        self.kept = valid(self.names.values(), self.request)
        self.found = cached(
            self.names["found"], partial(found, self.query), self.request, self.kept
        )
        return self.found["ranked"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        if not self.query:
            return context
        page = context["page_obj"]
        results = cached(
            self.names[self.request.GET.get("page", "1")[:10]],
            partial(results_page, list(page.object_list) if page else [], self.query),
            self.request,
            self.kept,
        )
        # Rendered by a template from escaped fields (search.results_page).
        context["results"] = mark_safe(results.strip())
        context.update(
            {name: self.found[name] for name in ("more", "topics", "suggestions", "corrected")
             if name in self.found}
        )  # fmt: skip
        context["elsewhere"] = [
            {"name": LANGUAGE_NAMES[code], "count": min(count, ELSEWHERE),
             "more": count > ELSEWHERE, "code": code, "url": searched_in(code, self.query)}
            for code, count in self.found["elsewhere"].items()
        ]  # fmt: skip
        # The language switcher keeps the query.
        context["translations"] = {
            code: searched_in(code, self.query) for code, _ in settings.LANGUAGES
        }
        return context

    def cache_keys(self, context):
        return [LISTS, CARDS]


def searched_in(language: str, query: str) -> str:
    """The search page of `language` asked for `query`."""
    with translation.override(language):
        return f"{reverse('articles:search')}?{urlencode({'q': query})}"
