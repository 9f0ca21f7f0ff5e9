"""HTML compressed for readers (25.8 KB of a front page travel as 5.8 KB).

A response that carries a secret is sent as it is: one that rendered a CSRF token (the admin's
forms, its sign-in page) or is private (an editor's), so a secret never shares a compressed body
with text an attacker can choose (BREACH). Readers' pages hold no secret: the banner's forms
need no token (newsportal/consent/origin.py). Static files come compressed from WhiteNoise,
and behind the edge Varnish keeps the compressed copy once.
"""

from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        secret = request.META.get("CSRF_COOKIE_USED") or "private" in response.get(
            "Cache-Control", ""
        )
        if secret:
            return response
        return super().process_response(request, response)
