from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from articles.images import delete_files
from articles.models import Article, Author, Tag
from newsportal.pagecache import invalidate

# Anything a public page shows: a change drops every cached page.
for model in (Article, Tag, Author):
    post_save.connect(invalidate, sender=model, dispatch_uid=f"pages-saved-{model.__name__}")
    post_delete.connect(invalidate, sender=model, dispatch_uid=f"pages-deleted-{model.__name__}")
m2m_changed.connect(invalidate, sender=Article.tags.through, dispatch_uid="pages-article-tags")
# A release runs migrate: pages rendered by the previous code and settings are dropped too.
post_migrate.connect(invalidate, dispatch_uid="pages-migrated")


def delete_cover_files(sender, instance, **kwargs):
    """A deleted article leaves no image files behind."""
    if instance.cover_image:
        delete_files(instance.cover_image.name, instance.cover_renditions)


post_delete.connect(delete_cover_files, sender=Article, dispatch_uid="article-cover-files")
