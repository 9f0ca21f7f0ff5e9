from django.apps import AppConfig

REVISION_FIELDS = [
    "title", "slug", "standfirst", "body", "seo_description", "cover", "tags", "author",
    "status", "published_at", "is_featured", "is_live", "live_ends_at",
]  # fmt: skip
LIVE_UPDATE_REVISION_FIELDS = [
    "headline", "body", "is_pinned", "is_key_event", "published_at", "correction", "author",
]  # fmt: skip


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        import reversion

        from articles.models import Article, LiveUpdate
        from articles.reading import breaking, caching

        caching.register()
        breaking.register()
        # What a revision keeps: the editorial content, not the computed or technical fields.
        if not reversion.is_registered(Article):
            reversion.register(Article, fields=REVISION_FIELDS)
        if not reversion.is_registered(LiveUpdate):
            reversion.register(LiveUpdate, fields=LIVE_UPDATE_REVISION_FIELDS)
