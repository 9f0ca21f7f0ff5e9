from django.db import DatabaseError, connection
from django.http import HttpResponse


def no_store(response):
    """Health answers are about this moment: nothing may keep them (cheaper than never_cache)."""
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    """The process answers. Touches nothing else."""
    return no_store(HttpResponse("ok\n", content_type="text/plain"))


def readyz(request):
    """The process can serve pages: PostgreSQL answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return no_store(
            HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        )
    return no_store(HttpResponse("ready\n", content_type="text/plain"))
