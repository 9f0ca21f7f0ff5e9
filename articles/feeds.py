from mimetypes import guess_type

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure

from articles.caching import CARDS, LISTS
from articles.models import Article, Tag
from newsportal.pagecache import add_keys

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    """RSS 2.0: the newest published articles."""

    description_template = None

    def __call__(self, request, *args, **kwargs):
        # Every feed, a tag's too: any change to what lists show purges "lists" (caching.py).
        return add_keys(super().__call__(request, *args, **kwargs), LISTS, CARDS)

    def title(self):
        return settings.SITE_NAME

    def link(self):
        return "/"

    def description(self):
        return f"The latest articles from {settings.SITE_NAME}."

    def items(self):
        return Article.objects.for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.name if item.author else None

    def item_enclosures(self, item):
        """The cover image (its largest rendition), at the site's public address."""
        if not item.cover_image:
            return []
        mime = "image/webp" if item.cover_renditions else guess_type(item.cover_image.name)[0]
        return [Enclosure(settings.SITE_URL + item.cover_url, "0", mime or "image/jpeg")]

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class TagFeed(LatestArticlesFeed):
    """RSS 2.0: the newest published articles with one tag."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{tag.name} · {settings.SITE_NAME}"

    def link(self, tag):
        return tag.get_absolute_url()

    def description(self, tag):
        return tag.description or f"The latest articles about {tag.name}."

    def items(self, tag):
        return Article.objects.for_listing().filter(tags=tag)[:FEED_SIZE]


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
