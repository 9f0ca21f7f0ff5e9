import secrets
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import Lower, RowNumber
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from articles.media.embeds import variant
from articles.models import (
    LANGUAGE_NAMES,
    Article,
    ArticleAddress,
    Author,
    Correction,
    ReadCount,
    Tag,
    languages_with_articles,
    slug_url,
)
from articles.models.sharing import read_token
from articles.reading.caching import (
    CARDS,
    CORRECTIONS,
    LISTS,
    article_key,
    article_page_keys,
    author_key,
    author_name_key,
    tag_key,
    tag_name_key,
)
from articles.reading.cards import CARD, LEAD, SECONDARY, card_rows, render_cards, render_many
from articles.reading.paging import CardListPaginator, ListPaginator
from articles.reading.search import (
    add_snippets,
    clean_query,
    corrected,
    in_other_languages,
    search,
    suggestions,
    topics,
)
from articles.reading.sections import current_section_tags
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


class CountOnceMixin(LastPageMixin):
    """Lists count their articles once per change (articles/reading/paging.py)."""

    count_key = None  # the purge key of the list

    paginator_class = ListPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        return self.paginator_class(
            queryset, per_page, purge_key=self.get_count_key(), request=self.request, **kwargs
        )

    def get_count_key(self) -> str:
        return self.count_key


def listed():
    """What lists show: the page's language's published articles (as of now)."""
    return Article.objects.published().in_language()


MOST_READ_KEY = "articles:most-read:{}"
MOST_READ_SECONDS = 300


def most_read(language: str) -> list:
    """A language's most read list, counted again at most every five minutes (its front page
    shows it)."""
    key = MOST_READ_KEY.format(language)
    found = cache.get(key)
    if found is None:
        found = [(a.title, a.get_absolute_url()) for a in ReadCount.most_read(language)]
        cache.set(key, found, MOST_READ_SECONDS)
    return found


FRONT_SECTIONS = 4
SECTION_STORIES = 4


def section_stories(tags, shown: list[int]) -> tuple[list[dict], list[str]]:
    """The newest SECTION_STORIES published stories of each of `tags` in the page's language
    but those `shown` above them, in one query (a window over the topics); and the purge keys
    they go with."""
    newest = Window(
        RowNumber(), partition_by=F("tags"), order_by=(F("published_at").desc(), F("id").desc())
    )
    rows = (
        Article.objects.published()
        .in_language()
        .filter(tags__in=[tag.pk for tag in tags])
        .exclude(pk__in=shown)
        .annotate(section=F("tags"), number=newest)
        .filter(number__lte=SECTION_STORIES)
        .order_by("section", "number")
        .values_list("section", "title", "slug")
    )
    stories = {}
    for section, title, slug in rows:
        stories.setdefault(section, []).append((title, slug_url("articles:article", slug)))
    blocks = [
        {"name": tag.label, "url": tag.get_absolute_url(), "stories": stories[tag.pk]}
        for tag in tags
        if tag.pk in stories
    ]
    return blocks, [LISTS, CARDS]


class FrontPageView(CacheKeysMixin, CountOnceMixin, ListView):
    """The top stories (featured first, then the newest): a lead and three beside it; then the
    latest articles, and the most read."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/front_page.html"
    count_key = LISTS
    paginator_class = CardListPaginator
    TOP = 4

    def get_queryset(self):
        # Only ids and times (the cards come from the cache: articles/reading/cards.py): the top
        # stories kept per change of the lists, never past the next scheduled publication;
        # the page's rows built only when they are not kept (articles/reading/paging.py).
        self.top = cached(f"top:{get_language()}", self.load_top, self.request)
        top = [row.pk for row in self.top]
        return SimpleLazyObject(lambda: card_rows(listed().exclude(pk__in=top)))

    def load_top(self):
        ordered = listed().order_by("-is_featured", "-published_at", "-id")
        return list(card_rows(ordered)[: self.TOP]), [LISTS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first = context["page_obj"].number == 1
        top = self.top if first else []
        wanted = [(row, LEAD if i == 0 else SECONDARY, 2) for i, row in enumerate(top)]
        wanted += [(row, CARD, 3) for row in context["articles"]]
        shown = render_many(wanted, self.request)  # one read of the cache for all of them
        top_cards = [card for card in shown[: len(top)] if card]
        lead, secondary = (top_cards[0], top_cards[1:]) if top_cards else (None, [])
        return {
            **context, "top": top, "lead": lead, "secondary": secondary,
            "cards": [card for card in shown[len(top) :] if card],
            "most_read": most_read(get_language()) if first else [],
            "front_sections": self.front_sections([row.pk for row in top]) if first else [],
        }  # fmt: skip

    def front_sections(self, top: list[int]) -> list[dict]:
        """Each section's newest stories under its name, below the latest (not the top stories
        again): kept as a part."""
        tags = current_section_tags(self.request)[:FRONT_SECTIONS]
        named = ",".join(str(tag.pk) for tag in tags)
        key = f"front-sections:{get_language()}:{named}:{','.join(map(str, top))}"
        return cached(key, partial(section_stories, tags, top), self.request)

    def cache_keys(self, context):
        return [LISTS, CARDS]


class ArticleDetailView(CacheKeysMixin, DetailView):
    """An article and the articles related to it, each kept between renders while what it
    shows is unchanged (newsportal/fragments.py): an article page is purged far more often
    than the article changes (a related article edited, the cookie policy, a new variant)."""

    def get_queryset(self):
        return Article.objects.for_reading().prefetch_related("corrections").with_versions()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return retired_address(request, kwargs["slug"])
        except Moved as moved:
            return HttpResponsePermanentRedirect(moved.url)

    def get_object(self, queryset=None):
        address = f"{get_language()}:{self.kwargs['slug']}"
        self.names = {"article": f"article:{address}", "related": f"related:{address}"}
        self.found = valid(self.names.values(), self.request)  # both in one read
        article = cached(self.names["article"], self.load_object, self.request, self.found)
        if article.language != get_language():  # /articles/<a Russian one> -> /ru/articles/...
            raise Moved(article.get_absolute_url())
        return article

    def load_object(self):
        article = super().get_object()
        article.version = secrets.token_hex(8)  # of this build: names its rendered HTML
        return article, article_page_keys(article, related=())

    def get_context_data(self, **kwargs):
        article = self.object
        related = cached(
            self.names["related"], partial(related_box, article), self.request, self.found
        )
        # The article's HTML is kept too, for as long as both builds are the current ones.
        embeds = variant(article.body, getattr(self.request, "consent", None))
        return super().get_context_data(
            related=related["articles"],
            translations=article.translation_urls(),
            content_version=f"{get_language()}:{article.version}:{related['version']}:{embeds}",
            content_lifetime=settings.PAGE_CACHE_SECONDS,
            **kwargs,
        )

    def cache_keys(self, context):
        return article_page_keys(self.object, context["related"])

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Last-Modified"] = http_date(self.object.updated_at.timestamp())
        return response


def related_box(article):
    """The related box and what it shows: the articles, and the topics (a new article on one
    of them may belong in it)."""
    related = list(Article.objects.related_to(article))
    keys = [article_key(other.pk) for other in related]
    keys += [tag_key(tag.pk) for tag in article.tags.all()]
    return {"articles": related, "version": secrets.token_hex(8)}, keys


class Moved(Exception):
    """What was asked for lives at another address in this language (or under another
    language's prefix): a 301 there."""

    def __init__(self, url):
        self.url = url


def retired_address(request, slug):
    """An address a published article had: 301 to where it lives now (one hop, however many
    times it moved), or 410 Gone once it was unpublished or deleted. Else a 404."""
    address = ArticleAddress.objects.filter(slug=slug).first()
    if address is None or not address.was_public():
        raise Http404("No article here.")
    article = (
        Article.objects.published().filter(pk=address.article_id).only("slug", "language").first()
    )
    if article is not None:
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    return render(request, "articles/gone.html", status=410)


class CorrectionsView(CacheKeysMixin, CountOnceMixin, ListView):
    """Every correction, clarification and update on a published article, newest first."""

    paginate_by = PAGE_SIZE
    context_object_name = "corrections"
    template_name = "articles/corrections.html"
    count_key = CORRECTIONS

    def get_queryset(self):
        published = Article.objects.published().only("title", "slug", "language")
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .prefetch_related(Prefetch("article", queryset=published))
            .order_by("-created_at", "-id")
        )

    def cache_keys(self, context):
        return [CORRECTIONS, LISTS]


class TagIndexView(CacheKeysMixin, ListView):
    """Every tag that has published articles, with how many."""

    context_object_name = "tags"
    template_name = "articles/tag_list.html"

    def get_queryset(self):
        published = Q(articles__in=Article.objects.published().in_language())
        return (
            Tag.objects.localized()
            .annotate(article_count=Count("articles", filter=published))
            .filter(article_count__gt=0)
            .order_by(Lower("local_name"), "local_name")  # "aviation" among the A's
        )

    def cache_keys(self, context):
        return [LISTS]


class ArticlesOfView(CacheKeysMixin, CountOnceMixin, ListView):
    """The published articles of one tag or author, paginated; 404 for an unknown slug, and
    for a tag or author that no published article has yet (nothing of it is public before)."""

    owner_model = None  # Tag or Author
    owner_lookup = None  # how an article refers to it
    paginate_by = PAGE_SIZE
    paginator_class = CardListPaginator
    context_object_name = "articles"

    def get_queryset(self):
        self.owner = owner = self.get_owner(self.kwargs["slug"])
        lookup = {self.owner_lookup: owner}
        # Built only when the page's rows are not kept (articles/reading/paging.py).
        return SimpleLazyObject(lambda: card_rows(listed().filter(**lookup)))

    def get_owner(self, slug):
        return get_object_or_404(self.owner_model, slug=slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(owner=self.owner, **kwargs)
        return {**context, "cards": render_cards(context["articles"], request=self.request)}

    def cache_keys(self, context):
        return [self.owner_key(self.owner.pk), CARDS]

    def get_count_key(self):
        return self.owner_key(self.owner.pk)

    def get_paginator(self, queryset, per_page, **kwargs):
        # An empty first page is a 404, from the (kept) count: no separate query asks for it.
        return super().get_paginator(
            queryset, per_page, **{**kwargs, "allow_empty_first_page": False}
        )


class TagView(ArticlesOfView):
    owner_model = Tag
    owner_lookup = "tags"
    owner_key = staticmethod(tag_key)
    template_name = "articles/tag_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "translations": self.owner.pages()}

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

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Moved as moved:
            return HttpResponsePermanentRedirect(moved.url)


class AuthorView(ArticlesOfView):
    owner_model = Author
    owner_lookup = "author"
    owner_key = staticmethod(author_key)
    template_name = "articles/author_detail.html"

    def get_owner(self, slug):
        return cached(f"author:{slug}", lambda: self.load_author(slug), self.request)

    @staticmethod
    def load_author(slug):
        authors = Author.objects.annotate(page_languages=languages_with_articles("author"))
        author = get_object_or_404(authors, slug=slug)
        return author, [author_key(author.pk), author_name_key(author.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "translations": self.owner.pages()}


@method_decorator(rate_limited("search"), name="dispatch")
class SearchView(CacheKeysMixin, LastPageMixin, ListView):
    """Full-text search over published articles, best match first, with highlighted snippets."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        return search(self.query) if self.query else Article.objects.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        if self.query:
            context["topics"] = topics(self.query)
        if context["articles"]:
            add_snippets(context["articles"], self.query)
        elif self.query:
            context["suggestions"] = suggestions(self.query)
            better = corrected(self.query, [a.title for a in context["suggestions"]])
            # Offered only where it finds something: never a search that finds nothing.
            context["corrected"] = better if better and search(better).exists() else None
        if self.query:
            context["elsewhere"] = [
                {"name": LANGUAGE_NAMES[code], "count": count, "code": code,
                 "url": searched_in(code, self.query)}
                for code, count in in_other_languages(self.query).items()
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


def render_preview(request, article):
    """An unpublished article as readers will see it (in its language), marked as a preview,
    never cached."""
    with translation.override(article.language):
        return _render_preview(request, article)


def _render_preview(request, article):
    response = render(
        request,
        "articles/article_detail.html",
        {"article": article, "object": article, "is_preview": True,
         "related": Article.objects.related_to(article)},
    )  # fmt: skip
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@staff_member_required
def preview(request, pk):
    """Editors see any article, draft or scheduled, from the admin's "View on site"; authors
    see their own."""
    article = get_object_or_404(Article.objects.select_related("author"), pk=pk)
    own = article.author is not None and article.author.user_id == request.user.pk
    if not (own or request.user.has_perm("articles.publish_article")):
        raise Http404("No article to preview here.")
    return render_preview(request, article)


def shared_preview(request, token):
    """Someone without an account opens a draft through a signed, unexpired, unrevoked link."""
    found = read_token(token)
    if found is None:
        raise Http404("This share link is not valid (it may have expired or been revoked).")
    pk, version = found
    article = get_object_or_404(
        Article.objects.select_related("author"), pk=pk, share_version=version
    )
    return render_preview(request, article)


@csrf_exempt  # a counter, sent without cookies: nothing to forge
@require_POST
@rate_limited("reads")
def count_read(request, pk):
    """The page's beacon: one more read of a published article today (204). Nothing about the
    reader is kept."""
    if not Article.objects.published().filter(pk=pk).exists():
        raise Http404("No published article to count.")
    ReadCount.add_one(pk)
    response = HttpResponse(status=204)
    patch_cache_control(response, no_store=True)
    return response
