"""The site's addresses plus two pages that break the cookie policy, for the audit's tests."""

from django.http import HttpResponse
from django.urls import path

from newsportal.urls import urlpatterns as site

PAGE = "<!doctype html><html lang=en><title>{0}</title><main><h1>{0}</h1></main></html>"


def cookie_page(name, value):
    def view(request):
        response = HttpResponse(PAGE.format(f"Sets {name}"))
        response.set_cookie(name, value, max_age=3600, samesite="Lax")
        return response

    return view


urlpatterns = [
    path("undeclared/", cookie_page("tracker", "1")),  # the policy names no such cookie
    path("sneaky/", cookie_page("_ga", "GA1.1.1")),  # an analytics cookie, asked for by nobody
    *site,
]
