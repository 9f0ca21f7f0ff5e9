"""Middleware that only the admin needs, run only under the admin's address.

Public pages use neither flash messages nor the login lockout, yet Django's MessageMiddleware
builds a signed-cookie store and AxesMiddleware inspects the coroutine machinery on every request:
together a fifth of what a cached page costs (measured with cProfile; tests/perf/bench.py shows
the effect). Subclasses, so that the admin's and axes' own checks still find them.
"""

from axes.middleware import AxesMiddleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware


class AdminOnlyMixin:
    def __init__(self, get_response):
        super().__init__(get_response)
        self.prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        if request.path.startswith(self.prefix):
            return super().__call__(request)
        return self.get_response(request)


class AdminMessageMiddleware(AdminOnlyMixin, MessageMiddleware):
    pass


class AdminAxesMiddleware(AdminOnlyMixin, AxesMiddleware):
    pass
