"""Request bodies are refused by their declared size and kind before anything reads them.

Django counts only the form fields of a body against DATA_UPLOAD_MAX_MEMORY_SIZE: file parts of a
multipart body are spooled to disk first, so a 300 MB post to any URL filled the disk PostgreSQL
lives on before the view could say no. Here: outside the admin, at most
DATA_UPLOAD_MAX_MEMORY_SIZE whatever the kind of body (so a file part can never be big enough to
leave memory); in the admin, at most ADMIN_UPLOAD_MAX_BYTES (the image limit and the rest of the
form); a body without a declared length (chunked) only in the admin. Django's own stream never
reads past the declared length.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop


def refuse(request, status: int, title: str, message: str):
    """The error page, its texts in the page's language (they are marked with gettext_noop)."""
    context = {"title": gettext(title), "message": gettext(message)}
    return render(request, "error_body.html", context, status=status)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        in_admin = request.path.startswith(self.admin_prefix)
        limit = (
            settings.ADMIN_UPLOAD_MAX_BYTES if in_admin else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(
                request,
                400,
                gettext_noop("Bad request"),
                gettext_noop("The request's length is not a number."),
            )
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not in_admin:
            return refuse(
                request,
                411,
                gettext_noop("Length required"),
                gettext_noop("Say how long the request is."),
            )
        if not in_admin and request.content_type == "multipart/form-data":
            return refuse(
                request, 415, gettext_noop("Unsupported form"),
                gettext_noop("No form here takes files; send the form as a plain form."),
            )  # fmt: skip
        if length > limit:
            return refuse(
                request, 413, gettext_noop("Too large"),
                gettext("At most %(size)s KB can be sent here; nothing was saved.")
                % {"size": f"{limit // 1024:,}"},
            )  # fmt: skip
        return self.get_response(request)
