import re
from html import unescape
from io import StringIO
from mimetypes import guess_type

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator, get_text_list
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from articles.models import (
    LANGUAGE_NAMES,
    Article,
    Author,
    Correction,
    Tag,
    is_default_language,
    page_language,
)
from articles.reading.caching import CARDS, CORRECTIONS, LISTS, article_key, live_key
from articles.reading.live import live_article, shown_updates
from newsportal.pagecache import add_keys

PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
OPENING = 2000  # characters of the text read for a description

FEED_SIZE = 30


class Styled:
    """A feed that reads as a page when opened in a browser: an xml-stylesheet instruction names
    a CSS file (browsers style XML with CSS; XSLT is leaving them). Feed readers ignore it.
    Served as application/xml, which feed readers accept and browsers render (they show
    application/rss+xml as plain text); pages still announce it as RSS or Atom."""

    content_type = "application/xml; charset=utf-8"

    def write(self, outfile, encoding):
        buffer = StringIO()
        super().write(buffer, encoding)
        declaration, end, rest = buffer.getvalue().partition("?>")
        style = f'<?xml-stylesheet type="text/css" href="{escape(static("css/feed.css"))}"?>'
        outfile.write(f"{declaration}{end}\n{style}{rest}")


class StyledRss(Styled, Rss201rev2Feed):
    pass


class StyledAtom(Styled, Atom1Feed):
    pass


class LatestArticlesFeed(Feed):
    """RSS 2.0: the newest published articles."""

    description_template = None
    feed_type = StyledRss

    def __call__(self, request, *args, **kwargs):
        # Every feed, a tag's too: any change to what lists show purges "lists" (caching.py).
        return add_keys(super().__call__(request, *args, **kwargs), LISTS, CARDS)

    url_name = "articles:rss"

    # Every address at SITE_URL, the public one: behind a TLS proxy the request itself is plain
    # HTTP to an internal host name, and feeds are cached and shared.
    def feed_url(self, obj=None):
        return settings.SITE_URL + reverse(self.url_name, args=[obj.slug] if obj else [])

    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()

    def title(self):
        return in_language(settings.SITE_NAME)

    def link(self):
        return settings.SITE_URL + "/"

    def description(self):
        return _("The latest articles from %(site)s.") % {"site": settings.SITE_NAME}

    def items(self):
        return for_feed()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS descriptions are HTML to feed readers; the standfirst is plain text, so `<` in it
        # must stay a character. Without one, the opening of the text says what it is about.
        lead = item.standfirst or Truncator(first_paragraph(item.text_opening)).words(40)
        return escape(lead)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return get_text_list([author.name for author in item.authors], pgettext("byline", "and"))

    def item_enclosures(self, item):
        """The cover image (its largest rendition), at the site's public address."""
        if not item.cover:
            return []
        mime = "image/webp" if item.cover.renditions else guess_type(item.cover.file.name)[0]
        return [Enclosure(settings.SITE_URL + item.cover_url, "0", mime or "image/jpeg")]

    def item_categories(self, item):
        return [tag.label for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = StyledAtom
    url_name = "articles:atom"
    subtitle = LatestArticlesFeed.description


def in_language(title: str) -> str:
    """Each language's feed named apart (a feed reader lists them side by side): "The Steppe
    Courier (Русский)"; English keeps the plain name."""
    if is_default_language():
        return title
    return f"{title} ({LANGUAGE_NAMES.get(get_language(), get_language())})"


def for_feed():
    """What a list shows, and the opening of each text (for one without a standfirst)."""
    return Article.objects.for_listing().annotate(text_opening=Substr("body", 1, OPENING))


def first_paragraph(opening: str) -> str:
    found = PARAGRAPH.search(opening or "")
    return unescape(strip_tags(found.group(1) if found else opening or "")).strip()


class OwnerFeed(LatestArticlesFeed):
    """The newest published articles of one tag or author (what its page lists)."""

    def title(self, owner):
        return in_language(f"{owner.label} · {settings.SITE_NAME}")

    def link(self, owner):
        return settings.SITE_URL + owner.get_absolute_url()


class TagFeed(OwnerFeed):
    """RSS 2.0: the newest published articles with one tag."""

    url_name = "articles:tag-rss"

    def get_object(self, request, slug):
        """A tag with published articles: no feed names a topic before anything is public."""
        shown = Article.objects.published().in_language()
        published = Article.tags.through.objects.filter(article__in=shown)
        return get_object_or_404(
            Tag.objects.by_slug(slug).filter(pk__in=published.values("tag_id"))
        )

    def feed_url(self, obj=None):
        return settings.SITE_URL + reverse(self.url_name, args=[obj.url_slug])

    def description(self, tag):
        if tag.description and is_default_language():
            return tag.description
        return _("The latest articles about %(topic)s.") % {"topic": tag.label}

    def items(self, tag):
        return for_feed().filter(tags=tag)[:FEED_SIZE]


class TagAtomFeed(TagFeed):
    feed_type = StyledAtom
    url_name = "articles:tag-atom"
    subtitle = TagFeed.description


class AuthorFeed(OwnerFeed):
    """RSS 2.0: the newest published articles of one author."""

    url_name = "articles:author-rss"

    def get_object(self, request, slug):
        """An author with published articles (no feed names a byline before it is public)."""
        author = get_object_or_404(Author.objects.with_pages(), slug=slug)
        if page_language() not in author.page_languages:
            raise Http404("No published article names this author yet.")
        return author

    def description(self, author):
        return author.bio or _("The latest articles by %(name)s.") % {"name": author.name}

    def items(self, author):
        return for_feed().by(author)[:FEED_SIZE]


class AuthorAtomFeed(AuthorFeed):
    feed_type = StyledAtom
    url_name = "articles:author-atom"
    subtitle = AuthorFeed.description


class CorrectionsFeed(Feed):
    """RSS 2.0: the newest corrections, clarifications and updates, each linking its article."""

    feed_type = StyledRss

    def __call__(self, request, *args, **kwargs):
        return add_keys(super().__call__(request, *args, **kwargs), CORRECTIONS, LISTS)

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:corrections-rss")

    def title(self):
        return f"{_('Corrections')} · {settings.SITE_NAME}"

    def link(self):
        return settings.SITE_URL + reverse("articles:corrections")

    def description(self):
        return _("Corrections, clarifications and updates to articles of %(site)s.") % {
            "site": settings.SITE_NAME
        }

    def items(self):
        published = Article.objects.published().in_language()
        return (
            Correction.objects.filter(article__in=published)
            .select_related("article")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.title}"

    def item_description(self, item):
        return escape(item.text)

    def item_link(self, item):
        return f"{settings.SITE_URL}{item.article.get_absolute_url()}#correction-{item.pk}"

    def item_pubdate(self, item):
        return item.created_at


class LiveUpdatesFeed(Feed):
    """Atom: a live article's newest updates, each linking its place on the live page."""

    feed_type = StyledAtom

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        return add_keys(response, article_key(self.article.pk), live_key(self.article.pk))

    def get_object(self, request, slug):
        self.article = live_article(slug)
        return self.article

    def feed_url(self, article):
        return settings.SITE_URL + reverse("articles:live-atom", args=[article.slug])

    def title(self, article):
        return f"{_('Live')}: {article.title} · {settings.SITE_NAME}"

    def link(self, article):
        return settings.SITE_URL + article.get_absolute_url()

    def subtitle(self, article):
        return article.title

    def items(self, article):
        return shown_updates(article)[:FEED_SIZE]

    def item_title(self, item):
        return item.headline or Truncator(strip_tags(item.body)).words(12)

    def item_description(self, item):
        return escape(strip_tags(item.body))

    def item_link(self, item):
        return f"{settings.SITE_URL}{self.article.get_absolute_url()}#update-{item.pk}"

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.corrected_at or item.published_at

    def item_author_name(self, item):
        return item.author.name if item.author else None
