"""Every error a reader can reach is a styled page with a way back; none shows internals."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: a lost database is a 503 (try again soon), anything else a 500.

    Rendered without the request's context processors: they may need the database, or be what
    failed. Django calls this while handling the exception, wherever it was raised (a view or a
    middleware), so `sys.exception()` is the cause.
    """
    context = {"site_name": settings.SITE_NAME}
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        response = render(None, "503.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return render(None, "500.html", context, status=500)


class ErrorPageMiddleware:
    """A styled 405 page, and the Permissions-Policy header on every response."""

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
