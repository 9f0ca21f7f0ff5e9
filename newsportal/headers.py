"""Security headers Django does not set itself, and the one place the admin's policy differs."""

from django.conf import settings
from django.utils.csp import CSP


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; inline styles allowed on the admin's pages only.

    The admin's rich-text editor (ProseMirror) adds a <style> element at run time, which
    `style-src 'self'` blocks and which takes no nonce. Scripts stay strict everywhere, and public
    pages keep the whole policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"
        self.admin_policy = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefix):
            response._csp_config = self.admin_policy
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
