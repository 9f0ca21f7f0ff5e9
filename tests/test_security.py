"""Hardening: headers, throttled logins, rate limits, size limits and styled error pages."""

import os
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from newsportal.consent.models import ConsentRecord
from tests import commands
from tests.factories import make_article
from tests.helpers import SAME_ORIGIN, decide, post_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/cookies/", "/search/?q=x", "/no/such/page/", "/healthz"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_hsts_and_https_redirect_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 63072000
    assert client.get("/").status_code == 301
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=63072000")


def test_the_admin_can_be_moved_by_a_setting():
    result = commands.manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        env={**os.environ, "ADMIN_URL": "newsroom-desk"},
    )
    assert result.stdout.strip().endswith("/newsroom-desk/")


# Admin logins


def attempt_login(client, username, password, address="198.51.100.7", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_the_right_password_signs_in(django_user_model):
    django_user_model.objects.create_superuser("chief", "c@example.com", "right-password-123")
    client = Client()
    assert attempt_login(client, "chief", "right-password-123").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_failed_logins_lock_out_the_user_name_from_that_client_only(django_user_model):
    django_user_model.objects.create_superuser("chief", "c@example.com", "right-password-123")
    statuses = [attempt_login(Client(), "chief", "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form with an error, then the lockout
    locked = attempt_login(Client(), "chief", "right-password-123")
    assert locked.status_code == 429
    assertContains(locked, "Too many requests", status_code=429)
    # The owner, elsewhere, still signs in: knowing a name is not enough to lock its owner out.
    elsewhere = attempt_login(Client(), "chief", "right-password-123", address="203.0.113.9")
    assert elsewhere.status_code == 302


def test_one_address_guessing_many_names_locks_out_no_one_else(django_user_model):
    django_user_model.objects.create_superuser("chief", "c@example.com", "right-password-123")
    for n in range(5):
        attempt_login(Client(), f"guess{n}", "wrong")
    # The same (shared office) address still signs its own people in.
    assert attempt_login(Client(), "chief", "right-password-123").status_code == 302


def test_each_client_is_slowed_down_past_its_sign_in_rate(settings, django_user_model):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": 3}
    statuses = [attempt_login(Client(), f"name{n}", "wrong").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert attempt_login(Client(), "name9", "wrong", address="203.0.113.9").status_code == 200
    assert Client().get(reverse("admin:login"), REMOTE_ADDR="198.51.100.7").status_code == 200


# Rate limits and sizes


def test_consent_posts_are_rate_limited_per_client(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "consent": 3}
    for _ in range(3):
        visitor = Client()
        assert decide(visitor, "accept").status_code == 303
    refused = decide(Client(), "accept")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    assert ConsentRecord.objects.count() == 3


def test_search_is_rate_limited_per_client(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": 2}
    make_article("Railway")
    statuses = [client.get("/search/", {"q": f"railway {n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_oversized_request_bodies_are_refused(client):
    data = {"decision": "accept", "next": "/", "padding": "x" * 600_000}
    response = post_form(client, "/consent/", data, **SAME_ORIGIN)
    assert response.status_code == 413  # refused by its declared size, before parsing
    assert ConsentRecord.objects.count() == 0


# Error pages


def assert_styled(response, status):
    assert response.status_code == status
    body = response.content.decode()
    assert 'href="/"' in body and "<main" in body
    for leak in ("Traceback", "SECRET_KEY", "psycopg2", 'File "'):
        assert leak not in body


def test_bad_host_gets_a_styled_400(client):
    assert_styled(client.get("/", HTTP_HOST="evil.example"), 400)


def test_forbidden_gets_a_styled_403(client):
    assert_styled(post_form(client, "/consent/", {"decision": "accept"}), 403)


def test_unknown_page_gets_a_styled_404(client):
    assert_styled(client.get("/nothing-here/"), 404)


def test_wrong_method_gets_a_styled_405_with_allow(client):
    response = client.get("/consent/")
    assert_styled(response, 405)
    assert response["Allow"] == "POST"


def test_too_many_requests_gets_a_styled_429(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": 0}
    assert_styled(client.get("/search/", {"q": "x"}), 429)


def test_a_crash_gets_a_styled_500(client):
    client.raise_request_exception = False
    with mock.patch(
        "articles.reading.front_page.FrontPageView.get_queryset", side_effect=RuntimeError("boom")
    ):
        response = client.get("/")
    assert_styled(response, 500)


@pytest.mark.parametrize(
    "failing",
    [
        "articles.reading.front_page.FrontPageView.get_queryset",  # in a view
        "newsportal.consent.policy.load_policy",  # in a middleware, before any view
    ],
)
def test_database_outage_gets_a_styled_503_with_retry_after(client, failing):
    client.raise_request_exception = False
    with mock.patch(failing, side_effect=OperationalError("server closed")):
        response = client.get("/")
    assert_styled(response, 503)
    assert response["Retry-After"] == "30"


def test_cached_pages_are_served_while_the_database_is_down(client):
    article = make_article("Still readable")
    client.get(article.get_absolute_url())
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, "Still readable")


@pytest.mark.django_db
def test_public_html_is_compressed_and_private_pages_never(staff_client):
    """Issue 32.7: pages travel compressed; an editor's page, with its CSRF token, does not
    (BREACH)."""
    client = Client()
    page = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    plain = client.get("/")
    assert not plain.has_header("Content-Encoding")
    admin = staff_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip")
    assert admin.status_code == 200 and not admin.has_header("Content-Encoding")
    sign_in = Client().get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "csrfmiddlewaretoken" in sign_in.content.decode()
    assert not sign_in.has_header("Content-Encoding")
