from django.db.models.signals import post_delete

from articles.images import delete_files_on_commit
from articles.models import Article


def delete_cover_files(sender, instance, **kwargs):
    """A deleted article leaves no image files behind, once the deletion is committed."""
    if instance.cover_image:
        delete_files_on_commit(instance.cover_image.name, instance.cover_renditions)


post_delete.connect(delete_cover_files, sender=Article, dispatch_uid="article-cover-files")
