"""The consent admin: an editable policy, and read-only proof with counts and a CSV export."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from newsportal.consent.models import ConsentEvent, ConsentRecord, CookiePolicy
from tests.helpers import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions():
    """Three visitors: two accept, one declines."""
    for decision in ["accept", "accept", "decline"]:
        decide(Client(), decision)
    return ConsentRecord.objects.all()


@pytest.mark.parametrize(
    "model", ["cookiepolicy", "cookiecategory", "consentrecord", "consentevent"]
)
def test_consent_admin_lists_load(staff_client, decisions, model):
    assert staff_client.get(reverse(f"admin:consent_{model}_changelist")).status_code == 200


def test_event_list_counts_decisions(staff_client, decisions):
    response = staff_client.get(reverse("admin:consent_consentevent_changelist"))
    assert dict(response.context["decision_counts"]) == {"Accept all": 2, "Decline": 1}


def test_event_list_filters_and_searches_by_record_id(staff_client, decisions):
    record = decisions.first()
    url = reverse("admin:consent_consentevent_changelist")
    assert staff_client.get(url, {"q": str(record.public_id)}).context["cl"].result_count == 1
    assert staff_client.get(url, {"action__exact": "decline"}).context["cl"].result_count == 1


def test_event_list_filters_by_granted_category(staff_client, decisions):
    url = reverse("admin:consent_consentevent_changelist")
    assert staff_client.get(url, {"granted": "analytics:yes"}).context["cl"].result_count == 2
    assert staff_client.get(url, {"granted": "analytics:no"}).context["cl"].result_count == 1
    assert staff_client.get(url, {"granted": "nonsense"}).status_code == 200


def test_proof_cannot_be_added_changed_or_deleted_in_the_admin(staff_client, decisions):
    event = ConsentEvent.objects.first()
    assert staff_client.get(reverse("admin:consent_consentevent_add")).status_code == 403
    delete = reverse("admin:consent_consentevent_delete", args=[event.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:consent_consentevent_change", args=[event.pk])
    assert staff_client.post(change, {"action": "choose"}).status_code == 403
    assert ConsentEvent.objects.filter(action="choose").count() == 0
    assert ConsentEvent.objects.count() == 3


def test_events_export_as_csv_for_a_regulator(staff_client, decisions):
    response = staff_client.post(
        reverse("admin:consent_consentevent_changelist"),
        {
            "action": "export_csv",
            "_selected_action": ConsentEvent.objects.values_list("pk", flat=True),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert {row["record_id"] for row in rows} == {str(r.public_id) for r in decisions}
    assert sorted(row["action"] for row in rows) == ["accept", "accept", "decline"]


def test_save_as_new_publishes_a_new_policy_version(staff_client, committed):
    policy = CookiePolicy.objects.get()
    url = reverse("admin:consent_cookiepolicy_change", args=[policy.pk])
    with committed():
        response = staff_client.post(
            url,
            {
                "banner_text": "Revised.",
                "policy_text": "Revised policy.",
                "_saveasnew": "Save as new",
            },
        )
    assert response.status_code == 302
    assert list(CookiePolicy.objects.values_list("version", flat=True)) == [2, 1]
    assert staff_client.get("/").content.decode().count("Revised.") == 1
