"""`make bench-consent`: the consent dashboard over a million events, timed.

Fills a scratch database with EVENTS consent events spread over the last 90 days (200,000
visitors, every outcome, some with Global Privacy Control), then times the dashboard's query
(`summarize`) and the whole admin page as an editor opens it, and prints the medians. Not a
test: it asserts nothing.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import environment, manage, scratch_database_url

EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
RUNS = 9

FILL = """
TRUNCATE consent_consentevent, consent_consentrecord, consent_consenttally;
INSERT INTO consent_consentrecord (public_id, choices, policy_version, created_at, updated_at)
SELECT gen_random_uuid(), '{"analytics": false, "marketing": false}', 1, now(), now()
FROM generate_series(1, 200000);
INSERT INTO consent_consentevent
    (record_id, action, choices, policy_version, created_at, client_ip_prefix,
     user_agent_family, language, gpc)
SELECT r.id, a.action,
       CASE a.action
           WHEN 'accept' THEN '{"analytics": true, "marketing": true}'
           WHEN 'choose' THEN '{"analytics": true, "marketing": false}'
           ELSE '{"analytics": false, "marketing": false}' END::jsonb,
       1 + (n %% 3 = 0)::int, now() - random() * interval '90 days', '198.51.100.0/24',
       'Firefox', 'en', random() < 0.08
FROM generate_series(1, %(events)s) AS n
JOIN LATERAL (SELECT (array['accept', 'accept', 'decline', 'choose', 'decline',
                            'accept', 'withdraw'])[1 + (n %% 7)] AS action) a ON true
JOIN consent_consentrecord r ON r.id = (SELECT min(id) FROM consent_consentrecord) + n %% 200000;
"""


def timed(func, runs=RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def insert_cost(connection, state: str) -> float:
    """Milliseconds for 1,000 events inserted one statement each, with the trigger on or off."""
    from django.db import transaction

    from newsportal.consent.models import ConsentEvent, ConsentRecord

    record = ConsentRecord.objects.first()

    def insert():
        with transaction.atomic():
            for _ in range(1000):
                ConsentEvent.objects.create(
                    record=record, action="accept", choices={"analytics": True}, policy_version=1
                )

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE consent_consentevent {state} TRIGGER consent_event_tally")
    try:
        return timed(insert, runs=3)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE consent_consentevent ENABLE TRIGGER consent_event_tally")


def main():
    database_url = scratch_database_url("newsportal_consent_bench")
    env = environment(database_url, 0, HTTPS="false", ALLOWED_HOSTS="testserver")
    manage(env, "migrate", "--noinput", "-v0")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsportal.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from newsportal.consent import dashboard

    print(f"consent dashboard: filling {EVENTS:,} events ...", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, {"events": EVENTS})  # each counted by the tally trigger
    fill_seconds = time.perf_counter() - started
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE consent_consentevent")
        cursor.execute("VACUUM ANALYZE consent_consenttally")
        cursor.execute("SELECT count(*) FROM consent_consenttally")
        tally_rows = cursor.fetchone()[0]

    end = dashboard.timezone.localdate()
    start = end - dashboard.timedelta(days=89)
    categories = [("analytics", "Analytics"), ("marketing", "Marketing")]
    summary = dashboard.summarize(start, end, categories)
    query_ms = timed(lambda: dashboard.summarize(start, end, categories))

    editor = get_user_model().objects.filter(username="bench-editor").first()
    editor = editor or get_user_model().objects.create_superuser("bench-editor", None, None)
    client = Client()
    client.force_login(editor)
    url = reverse("admin:consent_dashboard")
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    page_ms = timed(lambda: client.get(url))

    print(f"consent dashboard: {summary.total:,} events in 90 days ({tally_rows:,} tally rows)")
    print(f"filled through the tally trigger in {fill_seconds:.0f} s")
    write_ms = {state: insert_cost(connection, state) for state in ("ENABLE", "DISABLE")}
    print(f"{'what':<36}{'median ms':>10}")
    print(f"{'summarize() (the one query)':<36}{query_ms:>10.1f}")
    print(f"{'the admin page, as an editor':<36}{page_ms:>10.1f}")
    print(f"{'1,000 decisions, tally kept':<36}{write_ms['ENABLE']:>10.1f}")
    print(f"{'1,000 decisions, tally trigger off':<36}{write_ms['DISABLE']:>10.1f}")


if __name__ == "__main__":
    main()
