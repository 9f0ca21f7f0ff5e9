from django.utils.functional import SimpleLazyObject

from articles.reading.sections import current_sections


def sections(request):
    """The header's sections, for every page (read only when a template shows them)."""
    return {"sections": SimpleLazyObject(lambda: current_sections(request))}
