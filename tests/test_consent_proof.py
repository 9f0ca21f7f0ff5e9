"""Consent an auditor accepts: exact proof, a receipt, renewal rules, withdrawal that deletes."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from newsportal.consent.models import ConsentEvent, ConsentRecord, Cookie, CookiePolicy
from newsportal.consent.policy import current_policy
from tests.helpers import DECIDE, SAME_ORIGIN, decide, post_form

pytestmark = pytest.mark.django_db

BANNER = 'id="consent-banner"'
FORGET = "/consent/forget/"


def publish(committed, material=True, text="Revised banner."):
    with committed():
        return CookiePolicy.objects.create(
            banner_text=text, policy_text="Revised policy.", is_material=material
        )


def deleted(response, name, domain=""):
    """Whether the response expires cookie `name` for `domain` ("" = this host only)."""
    return any(
        m.key == name and m["max-age"] == 0 and m["domain"] == domain
        for m in response.cookies.values()
    )


# 1. Exact proof


def test_the_form_carries_the_version_and_language_it_was_rendered_with(client):
    html = client.get("/").content.decode()
    assert 'name="policy_version" value="1"' in html
    assert 'name="language" value="en"' in html


def test_a_decision_is_recorded_against_the_version_shown(client, committed):
    publish(committed, material=False)
    assert decide(client, "accept", version=2).status_code == 303
    event = ConsentEvent.objects.get()
    assert (event.policy_version, event.language) == (2, "en")
    assert ConsentRecord.objects.get().policy_version == 2


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_decision_on_an_outdated_page_is_refused_and_shows_the_current_text(
    client, committed, accept
):
    publish(committed, text="The newest banner.")
    response = decide(client, "accept", version=1, HTTP_ACCEPT=accept)
    assert response.status_code == 409
    assert not ConsentRecord.objects.exists() and not ConsentEvent.objects.exists()
    assert settings.CONSENT_COOKIE_NAME not in response.cookies
    if accept == "application/json":
        assert response.json() == {"saved": False, "outdated": True}
    else:
        assertContains(response, "Our cookie policy has changed", status_code=409)
        assertContains(response, "The newest banner.", status_code=409)
        assertContains(response, 'name="policy_version" value="2"', status_code=409)


@pytest.mark.parametrize("version", ["", "999", "0", "-1", "1.5", "one", "9" * 40])
def test_a_forged_or_missing_version_records_nothing(client, version):
    data = {"decision": "accept", "policy_version": version}
    response = post_form(client, DECIDE, data, **SAME_ORIGIN)
    assert response.status_code in (400, 409)
    assert not ConsentEvent.objects.exists()


def test_an_unknown_language_is_refused(client):
    data = {"decision": "accept", "policy_version": 1, "language": "xx-evil"}
    assert post_form(client, DECIDE, data, **SAME_ORIGIN).status_code == 400
    assert not ConsentEvent.objects.exists()


def test_editing_a_published_version_publishes_the_next_one(staff_client, committed):
    first = CookiePolicy.objects.get()
    url = reverse("admin:consent_cookiepolicy_change", args=[first.pk])
    data = {"banner_text": "Edited banner.", "policy_text": first.policy_text}
    with committed():
        response = staff_client.post(url, data, follow=True)
    assertContains(response, "Published Cookie policy v2")
    first.refresh_from_db()
    assert "Edited banner." not in first.banner_text  # version 1 means what it meant
    assert CookiePolicy.objects.first().banner_text == "Edited banner."
    assert current_policy().version == 2
    # Version 1 stays readable in the admin, with the categories it was published with.
    old = staff_client.get(url)
    assertContains(old, first.banner_text[:40])
    assertContains(old, "_ga_*")


def test_saving_a_version_unchanged_publishes_nothing(staff_client):
    policy = CookiePolicy.objects.get()
    url = reverse("admin:consent_cookiepolicy_change", args=[policy.pk])
    data = {"banner_text": policy.banner_text, "policy_text": policy.policy_text}
    data["is_material"] = "on"
    response = staff_client.post(url, data, follow=True)
    assertContains(response, "Nothing changed")
    assert CookiePolicy.objects.count() == 1


def test_a_published_version_cannot_be_deleted(staff_client):
    policy = CookiePolicy.objects.get()
    url = reverse("admin:consent_cookiepolicy_delete", args=[policy.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert CookiePolicy.objects.count() == 1


def test_cookies_take_effect_with_the_next_version_and_old_versions_keep_theirs(client, committed):
    category = current_policy().optional_categories[0]
    from newsportal.consent.models import CookieCategory

    with committed():
        Cookie.objects.create(
            category=CookieCategory.objects.get(key=category.key), name="_gid",
            purpose="Counts", duration="1 day", provider="Google",
        )  # fmt: skip
    assertNotContains(client.get("/cookies/"), "_gid")  # version 1 is what it was
    publish(committed)
    assertContains(client.get("/cookies/"), "_gid")
    first, second = CookiePolicy.objects.order_by("version")
    assert "_gid" not in json.dumps(first.categories)
    assert "_gid" in json.dumps(second.categories)


# 2. A receipt for the visitor


def test_the_cookie_page_shows_the_receipt_privately(client):
    decide(client, "choose", ["analytics"])
    record = ConsentRecord.objects.get()
    response = client.get("/cookies/")
    assertContains(response, str(record.public_id))
    assertContains(response, "analytics: allowed; marketing: declined")
    assertContains(response, 'href="/cookies/my-record.json"')
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert client.get("/cookies/").get("X-Cache") != "hit"  # nobody else's page to share


def test_the_consent_id_is_the_one_editors_search_for(client, staff_client):
    decide(client, "decline")
    record = ConsentRecord.objects.get()
    decide(Client(), "accept")
    url = reverse("admin:consent_consentrecord_changelist")
    response = staff_client.get(url, {"q": str(record.public_id)})
    assert list(response.context["cl"].result_list) == [record]


def test_download_holds_exactly_the_visitors_own_record(client):
    decide(client, "accept")
    decide(client, "decline")
    other = Client()
    decide(other, "accept")
    mine = ConsentRecord.objects.order_by("id").first()
    theirs = ConsentRecord.objects.order_by("id").last()
    response = client.get("/cookies/my-record.json", {"id": str(theirs.public_id)}, follow=True)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["consent_id"] == str(mine.public_id)
    assert [e["action"] for e in data["events"]] == ["accept", "decline"]
    assert str(theirs.public_id) not in response.content.decode()


def test_download_without_a_decision_is_a_clear_404(client):
    response = client.get("/cookies/my-record.json")
    assert response.status_code == 404
    assert "no cookie decision" in response.json()["error"]


def test_forget_me_withdraws_deletes_and_keeps_the_proof_without_personal_data(client):
    decide(client, "accept", HTTP_USER_AGENT="Mozilla/5.0 Firefox/130.0")
    client.cookies["_ga"] = "GA1.1.1"
    response = post_form(client, FORGET, {"id": "ignored"}, **SAME_ORIGIN)
    assert response.status_code == 200
    assertContains(response, "Your choice was withdrawn")
    assertContains(response, "Cookies: not decided")  # the footer knows the cookie is gone
    assert deleted(response, settings.CONSENT_COOKIE_NAME)
    assert deleted(response, "_ga")
    record = ConsentRecord.objects.get()
    assert record.choices == {"analytics": False, "marketing": False, "media": False}
    actions = list(record.events.order_by("id").values_list("action", flat=True))
    assert actions == ["accept", "withdraw"]
    assert not record.events.exclude(client_ip_prefix="", user_agent_family="").exists()
    assert record.events.filter(action="accept", choices__analytics=True).exists()
    # Forgetting twice: nothing more to forget, nothing written.
    again = post_form(client, FORGET, {}, **SAME_ORIGIN)
    assertContains(again, "Nothing to forget")
    assert record.events.count() == 2


def test_forget_never_touches_another_visitors_record(client):
    other = Client()
    decide(other, "accept")
    theirs = ConsentRecord.objects.get()
    response = post_form(client, FORGET, {"id": str(theirs.public_id)}, **SAME_ORIGIN)
    assertContains(response, "Nothing to forget")
    assert theirs.events.count() == 1 and theirs.events.get().client_ip_prefix


def test_forget_from_another_site_is_refused(client):
    decide(client, "accept")
    response = post_form(client, FORGET, {}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert ConsentEvent.objects.count() == 1


def test_events_still_refuse_every_other_change():
    decide(Client(), "accept")
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentEvent.objects.update(client_ip_prefix="", user_agent_family="", action="decline")


@pytest.mark.parametrize(
    ("decision", "categories", "label"),
    [
        ("accept", (), "Cookies: all allowed"),
        ("decline", (), "Cookies: declined"),
        ("choose", ["analytics"], "Cookies: analytics allowed"),
    ],
)
def test_every_page_says_the_current_state_in_its_footer(client, decision, categories, label):
    assertContains(client.get("/"), "Cookies: not decided")
    decide(client, decision, categories)
    assertContains(client.get("/"), label)


# 3. Renewal rules


def test_a_non_material_version_asks_only_those_who_have_not_decided(client, committed):
    decide(client, "accept")
    publish(committed, material=False)
    assertNotContains(client.get("/"), BANNER)
    assertContains(Client().get("/"), BANNER)


def test_a_material_version_asks_everyone_again_even_after_a_non_material_one(client, committed):
    decide(client, "decline")
    publish(committed, material=False)
    assertNotContains(client.get("/"), BANNER)
    publish(committed, material=True)
    assertContains(client.get("/"), BANNER)


def days_later(days):
    later = timezone.now() + timedelta(days=days)
    return mock.patch("django.core.signing.time.time", return_value=later.timestamp())


@pytest.mark.parametrize(
    ("decision", "days", "asked"),
    [("accept", 20, True), ("decline", 20, False), ("decline", 181, True)],
)
def test_a_decline_is_not_asked_again_within_the_quiet_period(
    client, settings, decision, days, asked
):
    settings.CONSENT_MAX_AGE = 10 * 24 * 3600
    settings.CONSENT_DECLINE_QUIET = 180 * 24 * 3600
    response = decide(client, decision)
    lifetime = response.cookies[settings.CONSENT_COOKIE_NAME]["max-age"]
    assert lifetime == (10 if decision == "accept" else 180) * 24 * 3600
    with days_later(days):
        page = client.get("/")
    assert (BANNER in page.content.decode()) is asked


# 4. Withdrawal really deletes; Global Privacy Control is a state of its own


def test_declining_deletes_analytics_cookies_on_every_domain_they_may_live_on(client, settings):
    settings.ALLOWED_HOSTS = ["www.news.example.com"]
    decide(client, "accept", HTTP_HOST="www.news.example.com")
    for name in ("_ga", "_ga_ABC123", "_gcl_au", "unrelated"):
        client.cookies[name] = "1"
    response = decide(client, "decline", HTTP_HOST="www.news.example.com")
    for name in ("_ga", "_ga_ABC123", "_gcl_au"):
        for domain in ("", "news.example.com", "example.com"):
            assert deleted(response, name, domain), (name, domain)
    assert not any(m.key == "unrelated" for m in response.cookies.values())
    header = str(response.cookies)
    assert "Domain=example.com" in header and "Max-Age=0" in header


def test_an_ip_address_host_gets_host_only_deletions(client):
    decide(client, "accept", HTTP_HOST="127.0.0.1")
    client.cookies["_ga"] = "1"
    response = decide(client, "decline", HTTP_HOST="127.0.0.1")
    assert deleted(response, "_ga")
    assert [m["domain"] for m in response.cookies.values() if m.key == "_ga"] == [""]


def test_global_privacy_control_is_its_own_state_and_cache_variant(client):
    gpc = {"HTTP_SEC_GPC": "1"}
    first = Client().get("/cookies/", **gpc)
    assertContains(first, "Declined by your browser's Global Privacy Control")
    assertContains(first, "Cookies: declined by Global Privacy Control")
    assert Client().get("/cookies/", **gpc)["X-Cache"] == "hit"
    decide(client, "decline")
    mine = client.get("/")
    assertContains(mine, "Cookies: declined<")
    assertNotContains(mine, "Global Privacy Control")
    assertNotContains(Client().get("/", **gpc), "Cookies: declined<")
