"""The newsroom's models, one module per concern; imported from here as Django expects
(`from articles.models import Article`). In the order they build on each other:

- languages: the site's languages, their addresses and how each is searched (no models)
- retention: uploaded originals nothing shows any more, kept for a while
- images: the picture library
- topics: topics (tags) with their names per language, and authors
- addresses: every address an article has had, and editors' redirects
- bylines: the further authors of an article, after its lead
- articles: the article itself
- newsroom: review steps, corrections, autosaves
- live: the updates of live coverage
- sharing: share links for drafts (signed tokens)
- reading: read counts
"""

from articles.models.addresses import ArticleAddress, Redirect, is_local_path
from articles.models.articles import Article, ArticleQuerySet
from articles.models.bylines import Byline
from articles.models.images import Image, ImageQuerySet, upload_quota_error
from articles.models.languages import (
    LANGUAGE_NAMES,
    TRANSLATED_LANGUAGES,
    is_default_language,
    page_language,
    slug_url,
)
from articles.models.live import BreakingNews, LiveUpdate
from articles.models.newsroom import Autosave, Correction, ReviewNote
from articles.models.reading import ReadCount
from articles.models.retention import RetiredFile
from articles.models.sharing import ShareLink
from articles.models.topics import Author, Tag, TagName, TagQuerySet, languages_with_articles

__all__ = [
    "LANGUAGE_NAMES",
    "TRANSLATED_LANGUAGES",
    "Article",
    "ArticleAddress",
    "ArticleQuerySet",
    "Author",
    "Autosave",
    "BreakingNews",
    "Byline",
    "Correction",
    "Image",
    "ImageQuerySet",
    "LiveUpdate",
    "ReadCount",
    "Redirect",
    "RetiredFile",
    "ReviewNote",
    "ShareLink",
    "Tag",
    "TagName",
    "TagQuerySet",
    "is_default_language",
    "is_local_path",
    "languages_with_articles",
    "page_language",
    "slug_url",
    "upload_quota_error",
]
