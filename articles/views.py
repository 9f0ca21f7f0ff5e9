from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.generic import DetailView, ListView

from articles.models import Article, Author, Tag
from articles.search import add_snippets, clean_query, search
from newsportal.ratelimit import rate_limited

PAGE_SIZE = 20


class FrontPageView(ListView):
    """The latest published articles, newest first."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/front_page.html"

    def get_queryset(self):
        # Built per request: published() compares with the current time.
        return Article.objects.for_listing()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.for_reading()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Last-Modified"] = http_date(self.object.updated_at.timestamp())
        return response


class ArticlesOfView(ListView):
    """The published articles of one tag or author, paginated; 404 for an unknown slug."""

    owner_model = None  # Tag or Author
    owner_lookup = None  # how an article refers to it
    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        self.owner = get_object_or_404(self.owner_model, slug=self.kwargs["slug"])
        return Article.objects.for_listing().filter(**{self.owner_lookup: self.owner})

    def get_context_data(self, **kwargs):
        return super().get_context_data(owner=self.owner, **kwargs)


class TagView(ArticlesOfView):
    owner_model = Tag
    owner_lookup = "tags"
    template_name = "articles/tag_detail.html"


class AuthorView(ArticlesOfView):
    owner_model = Author
    owner_lookup = "author"
    template_name = "articles/author_detail.html"


@method_decorator(rate_limited("search"), name="dispatch")
class SearchView(ListView):
    """Full-text search over published articles, best match first, with highlighted snippets."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        return search(self.query) if self.query else Article.objects.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        if context["articles"]:
            add_snippets(context["articles"], self.query)
        return context
