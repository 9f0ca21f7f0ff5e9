from django.apps import AppConfig

REVISION_FIELDS = [
    "title", "slug", "standfirst", "body", "seo_description", "cover", "tags", "author",
    "status", "published_at", "is_featured",
]  # fmt: skip


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        import reversion

        from articles.models import Article
        from articles.reading import caching

        caching.register()
        # What a revision keeps: the editorial content, not the computed or technical fields.
        if not reversion.is_registered(Article):
            reversion.register(Article, fields=REVISION_FIELDS)
