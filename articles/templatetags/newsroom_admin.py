from django import template

from articles.models import Article

register = template.Library()


@register.simple_tag
def review_queue(user) -> int:
    """How many articles wait for an Editor's review (0 for anyone who cannot publish)."""
    if not user.has_perm("articles.publish_article"):
        return 0
    return Article.objects.filter(status=Article.Status.REVIEW).count()
