"""Security headers Django does not set itself, and the one place the admin's policy differs.

One middleware instead of Django's ContentSecurityPolicyMiddleware plus ours: the policy is the
same string on every response, so it is built once per configuration instead of per response
(the nonce-bearing admin pages are the exception), and Permissions-Policy rides along.
"""

from django.conf import settings
from django.utils.csp import CSP, LazyNonce, build_policy

CSP_HEADER = str(CSP.HEADER_ENFORCE)  # a plain str: WSGI servers refuse the enum
_derived: dict[tuple[str, int], tuple[dict, object]] = {}


def derived(kind: str, config: dict, make):
    """`make(config)`, remembered for as long as that configuration object lives."""
    cached = _derived.get((kind, id(config)))
    if cached is None or cached[0] is not config:
        cached = _derived[(kind, id(config))] = (config, make(config))
    return cached[1]


def policy_header(config: dict) -> str:
    return derived("header", config, build_policy)


def admin_config(config: dict) -> dict:
    """The site's policy with inline styles allowed, one object per site policy (so cached)."""
    return derived("admin", config, lambda c: {**c, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    The admin's rich-text editor (ProseMirror) adds a <style> element at run time, which
    `style-src 'self'` blocks and which takes no nonce: inline styles are allowed on the admin's
    pages only. Scripts stay strict everywhere; a page that used the nonce gets it in its policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        request._csp_nonce = nonce = LazyNonce()  # django.middleware.csp.get_nonce reads it
        response = self.get_response(request)
        if CSP_HEADER not in response:
            config = settings.SECURE_CSP
            if request.path.startswith(self.admin_prefix):
                config = admin_config(config)
            response.headers[CSP_HEADER] = (
                build_policy(config, nonce) if nonce else policy_header(config)
            )
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
