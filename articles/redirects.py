"""Editors' redirects: an address that would answer 404 goes where an editor sent it (301)."""

from django.http import HttpResponsePermanentRedirect

from articles.models import Redirect, is_local_path


class RedirectFallbackMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        destination = Redirect.destination(request.path)
        if destination is None or not is_local_path(destination):
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(destination + (f"?{query}" if query else ""))
