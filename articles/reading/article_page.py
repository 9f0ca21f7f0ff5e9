"""An article's page, its old and retired addresses, previews of drafts (for staff and by a
share link) and the read counter's beacon."""

import secrets
from functools import partial

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from articles.media.embeds import variant
from articles.models import (
    Article,
    ArticleAddress,
    ReadCount,
)
from articles.models.sharing import read_token
from articles.reading.caching import (
    article_key,
    article_page_keys,
    tag_key,
)
from articles.reading.live import live_context
from articles.reading.views import CacheKeysMixin, Moved
from newsportal.fragments import cached, valid
from newsportal.ratelimit import rate_limited


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
        live = live_context(article, self.request) if article.is_live else None
        # The article's HTML is kept too, for as long as its builds are the current ones.
        embeds = variant(article.body, getattr(self.request, "consent", None))
        running = str(article.live_running)  # the coverage ends by the clock
        builds = [article.version, related["version"], live["version"] if live else "", running,
                  embeds]  # fmt: skip
        return super().get_context_data(
            related=related["articles"],
            live=live,
            translations=article.translation_urls(),
            content_version=f"{get_language()}:{':'.join(builds)}",
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
    see those on their byline."""
    article = get_object_or_404(Article.objects.select_related("author"), pk=pk)
    own = Article.objects.filter(pk=pk).by(user=request.user).exists()
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
