from django.utils.functional import SimpleLazyObject

from newsportal.consent.state import read_consent


class ConsentMiddleware:
    """Attach `request.consent`, read lazily from the signed cookie (no database access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.consent = SimpleLazyObject(lambda: read_consent(request))
        return self.get_response(request)
