"""Every error a reader can reach is a styled page with a way back; none shows internals."""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, InternalError, OperationalError
from django.shortcuts import render
from django.views import defaults

from newsportal import metrics

RETRY_AFTER_SECONDS = 30


def _in_admin(request) -> bool:
    return request is not None and request.path.startswith(f"/{settings.ADMIN_URL}")


def _admin_context() -> dict:
    """What the admin's base template needs, without a query (the database may be what failed)."""
    from django.contrib import admin

    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


def page_not_found(request, exception):
    """handler404: under the admin's address, a page that looks like the admin and leads back."""
    if _in_admin(request):
        context = {**_admin_context(), "exception": None}
        return render(request, "admin/404.html", context, status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    """handler403: the admin's own look under its address, the site's elsewhere."""
    if _in_admin(request):
        context = {**_admin_context(), "exception": str(exception or "")}
        return render(request, "admin/403.html", context, status=403)
    return defaults.permission_denied(request, exception)


def bad_request(request, exception):
    """handler400: rendered without the request's context processors, which read the query
    string; when the query string is what was refused (more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    parameters), reading it again would fail inside the error page and make it a 500."""
    context = {"site_name": settings.SITE_NAME, **_admin_context()}
    response = render(None, "400.html", context, status=400)
    response["Cache-Control"] = "no-store"
    return response


def database_away(error) -> bool:
    """Lost, or answering read-only (a replica before its promotion): try again in a moment."""
    read_only_sql_transaction = "25006"
    cause = getattr(error, "__cause__", None)
    read_only = (
        isinstance(error, InternalError)
        and getattr(cause, "pgcode", "") == read_only_sql_transaction
    )
    return isinstance(error, (OperationalError, InterfaceError)) or read_only


def server_error(request):
    """handler500: a lost database is a 503 (try again soon), anything else a 500.

    Rendered without the request's context processors: they may need the database, or be what
    failed. Django calls this while handling the exception, wherever it was raised (a view or a
    middleware), so `sys.exception()` is the cause.
    """
    context = {"site_name": settings.SITE_NAME, **_admin_context()}
    if isinstance(sys.exception(), DatabaseError):
        metrics.BACKEND_ERRORS.labels("postgresql").inc()
    if database_away(sys.exception()):
        # In the admin: the primary is gone and the replica not yet promoted (make failover).
        context["newsroom"] = _in_admin(request)
        response = render(None, "503.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    template = "admin/500.html" if _in_admin(request) else "500.html"
    return render(None, template, context, status=500)


class ErrorPageMiddleware:
    """A styled 405 page (Django's own is empty)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            allow = response["Allow"]
            response = render(request, "405.html", {"allow": allow}, status=405)
            response["Allow"] = allow
        return response
