"""Decisions arriving at the same moment: nothing is lost and nothing is doubled."""

import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from newsportal.consent.models import ConsentEvent, ConsentRecord
from tests.helpers import SAME_ORIGIN, decide, post_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_policy")]


def post_all_at_once(requests):
    """Send each (client, data) from its own thread, released together; return the statuses."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def send(index, client, data):
        barrier.wait()
        try:
            statuses[index] = post_form(client, "/consent/", data, **SAME_ORIGIN).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def client_with(cookie_value):
    client = Client()
    client.cookies[settings.CONSENT_COOKIE_NAME] = cookie_value
    return client


def test_one_visitors_concurrent_decisions_leave_one_record_and_every_event():
    first = Client()
    decide(first, "accept")
    cookie = first.cookies[settings.CONSENT_COOKIE_NAME].value
    decisions = [
        {"decision": "decline", "policy_version": 1},
        {"decision": "choose", "category": ["analytics"], "policy_version": 1},
        {"decision": "choose", "category": ["marketing"], "policy_version": 1},
    ]
    statuses = post_all_at_once([(client_with(cookie), data) for data in decisions])
    assert statuses == [303, 303, 303]
    record = ConsentRecord.objects.get()
    assert record.events.count() == 4
    last = record.events.order_by("-id").first()
    assert record.choices == last.choices  # the record holds the decision written last


def test_different_visitors_deciding_together_get_one_record_each():
    statuses = post_all_at_once(
        [(Client(), {"decision": "accept", "policy_version": 1}) for _ in range(8)]
    )
    assert statuses == [303] * 8
    assert ConsentRecord.objects.count() == 8
    assert ConsentEvent.objects.count() == 8
    assert all(record.events.count() == 1 for record in ConsentRecord.objects.all())


def test_two_editors_publishing_a_policy_at_once_get_two_versions(staff_client):
    """Both "Save as new" clicks succeed: one becomes version 2, the other version 3."""
    from django.urls import reverse

    from newsportal.consent.models import CookiePolicy

    policy = CookiePolicy.objects.get()
    url = reverse("admin:consent_cookiepolicy_change", args=[policy.pk])
    data = {"banner_text": "Revised.", "policy_text": "Revised.", "_saveasnew": "Save as new"}
    barrier, statuses = threading.Barrier(2), []

    def publish():
        barrier.wait()
        try:
            statuses.append(staff_client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert sorted(CookiePolicy.objects.values_list("version", flat=True)) == [1, 2, 3]


def test_a_rate_limit_holds_under_concurrency_on_the_file_cache(settings, tmp_path):
    """40 searches at once from one client, a limit of 30: exactly 30 answered, 10 refused."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100000},  # as configured (env.py): nothing culled
        },
    }
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": 30}
    barrier, statuses = threading.Barrier(40), []

    def search(n):
        barrier.wait()
        try:
            statuses.append(Client().get("/search/", {"q": f"word{n}"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=search, args=(n,)) for n in range(40)]
    # One minute's window for all of them, wherever the clock is.
    with mock.patch("newsportal.ratelimit.time.time", return_value=1_800_000_030.0):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [200] * 30 + [429] * 10
