from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from articles.models import Article, Author, Tag
from newsportal.pagecache import invalidate

# Anything a public page shows: a change drops every cached page.
for model in (Article, Tag, Author):
    post_save.connect(invalidate, sender=model, dispatch_uid=f"pages-saved-{model.__name__}")
    post_delete.connect(invalidate, sender=model, dispatch_uid=f"pages-deleted-{model.__name__}")
m2m_changed.connect(invalidate, sender=Article.tags.through, dispatch_uid="pages-article-tags")
# A release runs migrate: pages rendered by the previous code and settings are dropped too.
post_migrate.connect(invalidate, dispatch_uid="pages-migrated")
