"""Topics (with their names and addresses in each language) and authors' bylines."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles.models import Author, Tag, TagName
from articles.newsroom.permissions import can_publish
from articles.newsroom.slugs import SlugFromWords


class TagNameInline(admin.StackedInline):  # three fields: readable on a phone too
    """Its name and address in Russian, Kazakh and Uzbek (English ones where none is given)."""

    model = TagName
    extra = 0
    fields = ["language", "name", "slug"]


@admin.register(Tag)
class TagAdmin(SlugFromWords, admin.ModelAdmin):
    inlines = [TagNameInline]
    list_display = ["name", "slug", "section_position", "articles"]
    list_filter = [("section_position", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Articles")
    def articles(self, tag):
        """Its articles in the article list (filters.TopicFilter)."""
        url = reverse("admin:articles_article_changelist")
        return format_html('<a href="{}?topic={}">Articles on it</a>', url, tag.pk)

    def get_readonly_fields(self, request, obj=None):
        # The description and the header's sections are printed under the paper's name:
        # Editors' choice.
        return [] if can_publish(request.user) else ["description", "section_position"]

    def lookup_allowed(self, lookup, value, request=None):
        # `?articles__id__exact=3` would list a draft's topics to anyone with the list.
        if lookup.startswith("articles") and not (request and can_publish(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Author)
class AuthorAdmin(SlugFromWords, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.startswith("articles") and not (request and can_publish(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    # Authors see bylines, never the accounts behind them (a login name is half of a sign-in).
    def get_list_display(self, request):
        return self.list_display if can_publish(request.user) else ["name", "slug"]

    def get_exclude(self, request, obj=None):
        return [] if can_publish(request.user) else ["user"]
