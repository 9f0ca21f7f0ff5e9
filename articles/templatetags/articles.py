from django import template
from django.utils.safestring import mark_safe

from articles.search import safe_snippet

register = template.Library()


@register.filter
def snippet(value):
    """A search headline, safe to render: only its <mark> highlights survive."""
    return mark_safe(safe_snippet(value or ""))
