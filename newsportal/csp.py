from django.conf import settings
from django.utils.csp import CSP


class AdminStylesMiddleware:
    """Let the admin's rich-text editor inject its stylesheet.

    ProseMirror adds a <style> element at run time, which `style-src 'self'` blocks (and which
    takes no nonce). Only staff pages get inline styles; scripts stay strict everywhere, and
    public pages keep the whole policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = f"/{settings.ADMIN_URL}"
        self.policy = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefix):
            response._csp_config = self.policy
        return response
