"""Health answers for load balancers and the edge's probe: /healthz (the process answers) and
/readyz (PostgreSQL answers too).

A probe asks an app server by its own address (an IP, a Unix socket's 0.0.0.0) over plain HTTP;
neither is a name in ALLOWED_HOSTS, so the probe would get a 400 or a redirect to HTTPS, and the
edge would count every app server as sick. The first middleware names the site's own host on
these two paths only (SECURE_REDIRECT_EXEMPT spares them the redirect); every other request keeps
the host it sent, and an unknown one is still refused.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse

from newsportal import metrics, replica


def no_store(response):
    """Health answers are about this moment: nothing may keep them (cheaper than never_cache)."""
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """The process answers. Touches nothing else."""
    return no_store(HttpResponse("ok\n", content_type="text/plain"))


def readyz(request):
    """The process can serve pages: PostgreSQL answers (and how the replica is, if any: it is
    optional, so a lagging or absent one never makes the app server unready)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        metrics.BACKEND_ERRORS.labels("postgresql").inc()
        return no_store(
            HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        )
    said = f"ready\n{replica.status()}\n" if replica.configured() else "ready\n"
    return no_store(HttpResponse(said, content_type="text/plain"))


HEALTH_PATHS = {"/healthz", "/readyz"}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.host = urlsplit(settings.SITE_URL).netloc

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS:
            request.META["HTTP_HOST"] = self.host
        return self.get_response(request)
