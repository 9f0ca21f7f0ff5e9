"""The consent dashboard: right on a known data set, cheap, and polite about absurd ranges."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from newsportal.consent import dashboard
from newsportal.consent.models import ConsentEvent, ConsentRecord, ConsentTally
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
URL = "/admin/consent/consentevent/dashboard/"
CATEGORIES = [("analytics", "Analytics"), ("marketing", "Marketing")]
BOTH = {"analytics": True, "marketing": True}
NONE = {"analytics": False, "marketing": False}


def event(action, choices, days_ago=0, gpc=False, version=1):
    when = timezone.now() - timedelta(days=days_ago)
    record = ConsentRecord.objects.create(choices=choices, policy_version=version)
    with mock.patch("django.utils.timezone.now", return_value=when):
        return ConsentEvent.objects.create(
            record=record, action=action, choices=choices, policy_version=version, gpc=gpc
        )


@pytest.fixture
def known():
    event("accept", BOTH, days_ago=3)
    event("accept", BOTH, days_ago=3, gpc=True)
    event("decline", NONE, days_ago=3)
    event("choose", {"analytics": True, "marketing": False}, version=2)
    event("withdraw", NONE, version=2)
    event("accept", BOTH, days_ago=200)  # outside the 90 days


def test_postgresql_tallies_every_event_as_it_is_written(known):
    assert sum(ConsentTally.objects.values_list("events", flat=True)) == 6
    row = ConsentTally.objects.get(action="choose")
    assert (row.granted, row.policy_version, row.events) == ("analytics", 2, 1)


def test_the_summary_of_a_known_data_set(known):
    end = timezone.localdate()
    summary = dashboard.summarize(end - timedelta(days=89), end, CATEGORIES)
    assert (summary.total, summary.decisions, summary.gpc) == (5, 4, 1)
    assert summary.by_category == [("Analytics", 3, 0.75), ("Marketing", 2, 0.5)]
    assert summary.by_version == [(1, 3), (2, 2)]
    assert len(summary.days) == 90
    three_days_ago = next(d for d in summary.days if d["day"] == end - timedelta(days=3))
    assert three_days_ago["counts"] == {"accept": 2, "decline": 1}
    assert summary.days[-1]["cells"] == [0, 1, 0, 1]  # accepted, chose, declined, withdrew


def test_the_page_shows_the_chart_and_the_numbers_beneath_it(staff_client, known):
    response = staff_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="dash-chart" role="img"' in html
    assert html.count('<rect class="accept" x=') == 1  # one day with acceptances
    assert "<strong>75 %</strong> allowed analytics (3)" in html
    assert "<strong>20 %</strong> with Global Privacy Control (1)" in html
    assertContains(response, "<caption>Decisions per day, by outcome</caption>")
    assertContains(response, "<td>2</td><td>0</td><td>1</td><td>0</td><td>3</td>")


def test_the_dashboard_is_linked_from_the_event_list(staff_client):
    response = staff_client.get(reverse("admin:consent_consentevent_changelist"))
    assertContains(response, f'href="{URL}"')


def test_the_page_costs_a_fixed_number_of_queries(
    staff_client, known, django_assert_max_num_queries
):
    for days_ago in range(40):
        event("decline", NONE, days_ago=days_ago)
    with django_assert_max_num_queries(6):
        assert staff_client.get(URL).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-05-01", "end": "2026-04-01"},  # backwards
        {"start": "2019-01-01", "end": "2026-01-01"},  # seven years
        {"start": "1900-01-01", "end": "1900-02-01"},
        {"start": "2026-13-45"},
        {"end": "9999-12-31"},
        {"start": "yesterday"},
    ],
)
def test_an_absurd_range_gets_a_message_and_a_400(staff_client, query):
    response = staff_client.get(URL, query)
    assert response.status_code == 400
    assertContains(response, 'class="messagelist"', status_code=400)


def test_a_chosen_range_is_shown(staff_client, known):
    end = timezone.localdate() - timedelta(days=2)
    query = {"start": (end - timedelta(days=6)).isoformat(), "end": end.isoformat()}
    response = staff_client.get(URL, query)
    assert len(response.context["summary"].days) == 7
    assert response.context["summary"].decisions == 3


def test_authors_cannot_see_the_dashboard(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "ayan")
    assert author.get(URL).status_code == 403
    _, editor = signed_in(django_user_model, "Editors", "erlan")
    assert editor.get(URL).status_code == 200
