"""Cookie consent: the banner, the decisions, the signed cookie and the proof in PostgreSQL."""

from datetime import timedelta
from http.cookies import SimpleCookie
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from newsportal.consent.client import ip_prefix, user_agent_family
from newsportal.consent.models import ConsentEvent, ConsentRecord, CookiePolicy
from newsportal.consent.state import parse_cookie
from newsportal.invalidation import EVERYTHING, purge
from tests.factories import make_article
from tests.helpers import DECIDE, SAME_ORIGIN, decide, post_form

pytestmark = pytest.mark.django_db

BANNER = 'id="consent-banner"'


def consent_cookie(response):
    return response.cookies[settings.CONSENT_COOKIE_NAME]


@pytest.fixture
def article():
    return make_article("Readable story")


# The banner


@pytest.mark.parametrize("url", ["/", "/tags/no-such-tag/", "article"])
def test_first_visit_shows_the_banner_with_three_equal_choices(client, article, url):
    response = client.get(article.get_absolute_url() if url == "article" else url)
    status = response.status_code
    assertContains(response, BANNER, status_code=status)
    assertContains(response, 'aria-labelledby="consent-banner-title"', status_code=status)
    assertContains(response, 'href="/cookies/">Read the cookie policy', status_code=status)
    # All three use the same class: none is styled to nudge the visitor.
    html = response.content.decode()
    assert html.count('class="btn" type="submit" name="decision"') == 3
    assert '<summary class="btn">Choose</summary>' in html


def test_cookie_page_offers_the_same_choices_instead_of_the_banner(client):
    html = client.get("/cookies/").content.decode()
    assert BANNER not in html
    assert html.count('class="btn" type="submit" name="decision"') == 3


def test_banner_boxes_are_not_pre_ticked(client):
    html = client.get("/").content.decode()
    fragment = html.split('id="banner-analytics"')[1].split(">")[0]
    assert "checked" not in fragment


def test_default_banner_text_does_not_assume_consent(client):
    response = client.get("/")
    assertNotContains(response, "assume you")
    assertContains(response, "Nothing optional is set until you")


def test_public_pages_set_no_cookie_and_run_no_consent_query(client, article, warm_caches):
    for url in ["/", article.get_absolute_url(), "/cookies/"]:
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            response = client.get(url)
        assert response.cookies == SimpleCookie()
        assert not [q for q in queries if "consent_" in q["sql"]]
        assert "sessionid" not in response.cookies


def test_cookie_page_needs_no_query_at_all(client, warm_caches, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/cookies/")
    assertContains(response, "Cookie policy")
    assertContains(response, "<code>_ga_*</code>", html=True)
    assertContains(response, "You have not decided yet")


def test_every_page_links_to_the_cookie_page_in_the_footer(client, article):
    response = client.get(article.get_absolute_url())
    footer = response.content.decode().split('<footer class="site-footer">')[1]
    assert 'href="/cookies/"' in footer


# Deciding


def test_accept_records_the_decision_and_returns_to_the_page(client, article):
    response = decide(client, "accept", next_url=article.get_absolute_url())
    assert response.status_code == 303
    # Back to the page as the reader had it (issue 32.5; no script).
    assert response["Location"] == article.get_absolute_url()
    record = ConsentRecord.objects.get()
    assert record.choices == {"analytics": True, "marketing": True, "media": True}
    assert record.policy_version == CookiePolicy.objects.get().version
    event = ConsentEvent.objects.get()
    assert (event.record, event.action, event.choices) == (record, "accept", record.choices)


def test_after_deciding_the_banner_is_gone_and_the_choice_is_shown(client):
    decide(client, "decline")
    response = client.get("/")
    assertNotContains(response, BANNER)
    assertContains(client.get("/cookies/"), "You declined all optional cookies.")


def test_the_cookie_is_signed_httponly_lax_and_lasts_180_days(client, rf):
    cookie = consent_cookie(decide(client, "decline"))
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 180 * 24 * 3600
    assert cookie["secure"] == ""  # tests run over plain HTTP
    request = rf.get("/")
    request.COOKIES[settings.CONSENT_COOKIE_NAME] = cookie.value
    version, record_id, granted = parse_cookie(request)
    record = ConsentRecord.objects.get()
    assert (version, record_id, granted) == (1, str(record.public_id), frozenset())
    assert len(record_id) == 36  # a random UUID, not the row's sequence number


def test_the_cookie_is_secure_in_production(client, settings):
    settings.CONSENT_COOKIE_SECURE = True
    assert consent_cookie(decide(client, "decline"))["secure"] is True


def test_choose_grants_only_the_ticked_categories(client):
    decide(client, "choose", ["analytics"])
    assert ConsentRecord.objects.get().choices == {
        "analytics": True,
        "marketing": False,
        "media": False,
    }
    assertContains(client.get("/cookies/"), "You allowed: Analytics")


def test_choose_with_nothing_ticked_is_a_decline(client):
    decide(client, "choose", [])
    assert ConsentRecord.objects.get().choices == {
        "analytics": False,
        "marketing": False,
        "media": False,
    }


def test_changing_ones_mind_updates_the_record_and_appends_an_event(client):
    decide(client, "accept")
    decide(client, "decline")
    decide(client, "choose", ["marketing"])
    record = ConsentRecord.objects.get()
    assert record.choices == {"analytics": False, "marketing": True, "media": False}
    actions = list(record.events.order_by("id").values_list("action", flat=True))
    assert actions == ["accept", "decline", "choose"]


def test_repeating_the_same_decision_writes_nothing(client):
    decide(client, "decline")
    response = decide(client, "decline")
    also = decide(client, "choose", [])
    assert response.status_code == also.status_code == 303
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert ConsentRecord.objects.count() == 1
    assert ConsentEvent.objects.count() == 1


def test_javascript_gets_json_and_the_same_cookie(client):
    response = decide(client, "choose", ["analytics"], HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "changed": True,
        "state": "custom",
        "label": "analytics allowed",
        "message": "Saved: you allowed: analytics.",  # in the page's language (consent.js)
        "footer": "Cookies: analytics allowed",
        "granted": ["analytics"],
    }
    assert consent_cookie(response).value


def test_event_keeps_an_anonymised_client_hint_never_the_ip(client):
    decide(
        client,
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
    )
    event = ConsentEvent.objects.get()
    assert event.client_ip_prefix == "203.0.113.0/24"
    assert event.user_agent_family == "Chrome"
    assert "203.0.113.77" not in str(ConsentEvent.objects.values().get())


@pytest.mark.parametrize(
    ("address", "prefix"),
    [
        ("198.51.100.9", "198.51.100.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("not-an-ip", ""),
    ],
)
def test_ip_prefix_truncates(address, prefix):
    assert ip_prefix(address) == prefix


@pytest.mark.parametrize(
    ("agent", "family"),
    [
        ("Mozilla/5.0 (Windows NT 10.0) Firefox/133.0", "Firefox"),
        ("Mozilla/5.0 (Macintosh) Version/18.1 Safari/605.1.15", "Safari"),
        ("Mozilla/5.0 Chrome/131.0 Safari/537.36 Edg/131.0", "Edge"),
        ("Googlebot/2.1", "Bot"),
        ("", ""),
    ],
)
def test_user_agent_family(agent, family):
    assert user_agent_family(agent) == family


# The proof: records, events, transactions


def test_record_and_event_are_written_together_or_not_at_all(client):
    with mock.patch.object(ConsentEvent.objects, "create", side_effect=DatabaseError("down")):
        response = decide(client, "accept")
    assert response.status_code == 503
    assertContains(response, "was not saved", status_code=503)
    assert response["Retry-After"]
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    assert ConsentRecord.objects.count() == 0


def test_a_failed_write_is_reported_to_javascript_as_not_saved(client):
    with mock.patch.object(ConsentEvent.objects, "create", side_effect=DatabaseError("down")):
        response = decide(client, "accept", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json() == {"saved": False}


def test_events_are_append_only_in_the_database(client):
    decide(client, "accept")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ConsentEvent.objects.update(action="decline")


# Policy versions, expiry, GPC


def test_a_new_policy_version_asks_everyone_again(client, committed):
    decide(client, "accept")
    assertNotContains(client.get("/"), BANNER)
    with committed():
        CookiePolicy.objects.create(banner_text="New text.", policy_text="New policy.")
    response = client.get("/")
    assertContains(response, BANNER)
    assertContains(response, "New text.")
    decide(client, "accept")
    record = ConsentRecord.objects.get()
    assert record.policy_version == 2
    assert list(record.events.values_list("policy_version", flat=True).order_by("id")) == [1, 2]


def test_consent_expires_after_its_lifetime(client):
    long_ago = timezone.now() - timedelta(days=181)
    with mock.patch("django.core.signing.time.time", return_value=long_ago.timestamp()):
        decide(client, "accept")
    assertContains(client.get("/"), BANNER)
    # Deciding again renews it under the same record, with a new event.
    decide(client, "accept")
    assert ConsentRecord.objects.count() == 1
    assert ConsentEvent.objects.count() == 2


@pytest.mark.parametrize("value", ["garbage", "1.abc.analytics", "1.x.y:fake:signature", ""])
def test_a_tampered_cookie_counts_as_not_decided(client, value):
    client.cookies[settings.CONSENT_COOKIE_NAME] = value
    response = client.get("/")
    assert response.status_code == 200
    assertContains(response, BANNER)


def test_a_cookie_forged_from_another_visitors_value_cannot_grant_more(client):
    decide(client, "decline")
    value = client.cookies[settings.CONSENT_COOKIE_NAME].value
    assert ".:" in value  # nothing granted
    client.cookies[settings.CONSENT_COOKIE_NAME] = value.replace(".:", ".analytics:", 1)
    assertContains(client.get("/"), BANNER)


def test_global_privacy_control_counts_as_decline(client, settings):
    settings.ANALYTICS_SCRIPT_URL = "https://stats.example.com/script.js"
    response = client.get("/", HTTP_SEC_GPC="1")
    assertNotContains(response, BANNER)
    assertNotContains(response, "stats.example.com")
    assertContains(client.get("/cookies/", HTTP_SEC_GPC="1"), "Global Privacy Control")
    assert ConsentRecord.objects.count() == 0


def test_an_explicit_choice_overrides_gpc(client, settings):
    settings.ANALYTICS_SCRIPT_URL = "https://stats.example.com/script.js"
    decide(client, "accept", HTTP_SEC_GPC="1")
    assertContains(client.get("/", HTTP_SEC_GPC="1"), "stats.example.com")


# Only after consent


def test_analytics_snippet_is_rendered_only_after_consent(client, settings):
    settings.ANALYTICS_SCRIPT_URL = "https://stats.example.com/script.js"
    assertNotContains(client.get("/"), "stats.example.com")
    decide(client, "choose", ["marketing"])
    assertNotContains(client.get("/"), "stats.example.com")
    decide(client, "choose", ["analytics"])
    assertContains(client.get("/"), '<script src="https://stats.example.com/script.js" defer>')


def test_google_consent_mode_is_a_static_script_with_the_granted_categories(client, settings):
    assertNotContains(client.get("/"), "consent-mode.js")
    settings.GOOGLE_TAG_ID = "G-TEST123"
    purge([EVERYTHING])  # as the migrate of a deployment does
    response = client.get("/")
    assertContains(response, 'data-tag-id="G-TEST123" data-granted=""')
    decide(client, "choose", ["analytics"])
    assertContains(client.get("/"), 'data-granted="analytics"')
    assertNotContains(client.get("/"), "<script>")  # no inline script anywhere


def test_declining_expires_the_cookies_of_declined_categories(client):
    client.cookies["_ga"] = "GA1.1.123"
    client.cookies["_ga_ABC123"] = "GS1.1"
    client.cookies["_gcl_au"] = "1.1"
    client.cookies["unrelated"] = "keep"
    response = decide(client, "choose", ["analytics"])
    expired = {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}
    assert expired == {"_gcl_au"}
    response = decide(client, "decline")
    expired = {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}
    assert expired == {"_ga", "_ga_ABC123", "_gcl_au"}


# Bad input and cross-site requests


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
    ],
)
def test_cross_site_or_unmarked_posts_are_refused_and_write_nothing(client, headers):
    response = post_form(client, DECIDE, {"decision": "accept"}, **headers)
    assert response.status_code == 403
    assertContains(response, "Nothing was changed", status_code=403)
    assert ConsentRecord.objects.count() == 0


def test_origin_header_of_this_site_is_accepted_without_fetch_metadata(client):
    response = decide(client, "decline", HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "https://testserver@evil.example/",
    ],
)
def test_next_never_redirects_off_site(client, next_url):
    response = decide(client, "accept", next_url=next_url)
    assert response.status_code == 303
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "accept-everything"},
        {"decision": ""},
        {},
        {"decision": "choose", "category": ["analytics", "spyware"]},
        {"decision": "choose", "category": ["necessary"]},
        {"decision": "accept", "next": "/" + "a" * 5000},
        {"decision": "accept", "next": "\x00/"},
    ],
)
def test_malformed_decisions_are_refused_with_400_and_write_nothing(client, data):
    response = post_form(client, DECIDE, data, **SAME_ORIGIN)
    assert response.status_code == 400
    assert ConsentRecord.objects.count() == 0


def test_consent_endpoint_only_takes_post(client):
    assert client.get(DECIDE).status_code == 405


# Operators


def test_purge_deletes_only_what_is_older_than_the_retention(client):
    decide(client, "accept")
    old = ConsentRecord.objects.get()
    ConsentRecord.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=400))
    ConsentEvent.objects.filter(record=old).delete()  # purging may delete; only updates are refused
    client.cookies.clear()
    decide(client, "decline")
    call_command("purge_consent", "--days", "365")
    assert ConsentRecord.objects.get().choices == {
        "analytics": False,
        "marketing": False,
        "media": False,
    }
