"""Every error a reader can reach is a styled page with a way back; none shows internals."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request):
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ErrorPageMiddleware:
    """Styled 405 and 503 pages, and the Permissions-Policy header on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            allow = response["Allow"]
            response = render(request, "405.html", {"allow": allow}, status=405)
            response["Allow"] = allow
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %s", exception)
            return database_unavailable(request)
        return None
