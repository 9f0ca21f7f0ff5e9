"""Cross-site request protection without a token, for forms on cacheable pages.

The consent forms sit on every public page. Django's `{% csrf_token %}` would set a cookie on the
first visit and make every page vary on the whole Cookie header, so no page could be shared from a
cache. Browsers tell us where a POST comes from instead: `Sec-Fetch-Site` (all current browsers)
or, failing that, `Origin`. A request with neither is refused.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.views.decorators.csrf import csrf_exempt


def is_same_origin(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return origin in {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def same_origin_required(view):
    """Refuse (403) an unsafe request that a browser did not send from one of our own pages."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not is_same_origin(request):
            raise PermissionDenied("This form can only be sent from this site's own pages.")
        return view(request, *args, **kwargs)

    return wrapper
