"""Operations: Prometheus metrics at /metrics (for allowed addresses only, with bounded labels),
one log line per request with the edge's request id (JSON in production, no cookie value or full
address ever), errors reported to a Sentry server scrubbed, and the admin's Site health page."""

import gzip
import io
import json
import logging
import os
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families
from pytest_django.asserts import assertContains

from newsportal import invalidation, logs, metrics, ratelimit, traffic
from newsportal.models import TrafficMinute
from tests.factories import make_article
from tests.helpers import decide, signed_in

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_COOKIE = "sessionid=CookieValue-Secret-1234; consent=ConsentSecret-5678"
CLIENT_ADDRESS = "203.0.113.77"


def scrape(client=None, **headers) -> dict[tuple, float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.fixture
def unused_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def series(samples, name) -> int:
    return sum(1 for sample_name, _ in samples if sample_name == name)


# Metrics


@pytest.mark.django_db
def test_metrics_count_each_request_once_by_view_method_and_status(client):
    article = make_article("Pipeline deal")
    before = scrape()
    for _ in range(3):
        assert client.get(article.get_absolute_url()).status_code == 200
    refused = client.post(article.get_absolute_url()).status_code  # not a form: 415
    after = scrape()
    view = {"view": "articles:article", "method": "GET", "status": "200"}
    assert (
        value(after, "newsportal_requests_total", **view)
        - value(before, "newsportal_requests_total", **view)
        == 3
    )
    assert value(after, "newsportal_requests_total", view="articles:article", method="POST",
                 status=str(refused)) == 1  # fmt: skip
    assert value(after, "newsportal_request_duration_seconds_count", view="articles:article") >= 4
    # The first was made, the next two came from the page cache.
    assert (
        value(after, "newsportal_page_cache_total", result="hit")
        - value(before, "newsportal_page_cache_total", result="hit")
        == 2
    )


@pytest.mark.django_db
def test_a_page_the_cache_answers_is_counted_under_its_view_in_every_language(client):
    article = make_article("Новый этап", language="ru")
    before = scrape()
    for _ in range(2):
        assert client.get(article.get_absolute_url()).status_code == 200
    after = scrape()
    labels = {"view": "articles:article", "method": "GET", "status": "200"}
    gained = value(after, "newsportal_requests_total", **labels) - value(
        before, "newsportal_requests_total", **labels
    )
    assert gained == 2  # made, then from the page cache (no view ran)


@pytest.mark.slow  # a thousand requests
@pytest.mark.django_db
def test_a_thousand_random_addresses_add_no_series(client, settings):
    """Random slugs under real views and random paths: each view is one label whatever the
    address, and unknown addresses are one "unmatched" series."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, 10**6)
    prefixes = ["/articles/", "/tags/", "/authors/", "/ru/articles/", "/", "/static/"]
    methods = ["GET", "HEAD", "POST", "BREW", "get"]
    rng = random.Random(1000)
    token = lambda: "".join(rng.choices(string.ascii_lowercase + string.digits, k=12))  # noqa: E731
    for prefix in prefixes:  # every view and status these reach, once, before counting
        for method in methods:
            client.generic(method, f"{prefix}{token()}/")
    before = scrape()
    asked = [f"{prefixes[n % 6]}{token()}/" for n in range(1000)]
    for n, path in enumerate(asked):
        client.generic(methods[n % len(methods)], path)
    after = scrape()
    grown = series(after, "newsportal_requests_total") - series(before, "newsportal_requests_total")
    assert grown <= 3, grown  # a status some address gives first (not one per address)
    labels = {value for name, pairs in after for _, value in pairs
              if name == "newsportal_requests_total"}  # fmt: skip
    assert not [path for path in asked if any(path.strip("/").split("/")[-1] in v for v in labels)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "203.0.113.5"},  # not in METRICS_ALLOWED
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"},  # through the edge
        {"REMOTE_ADDR": ""},  # on the edge's Unix socket
    ],
)
def test_metrics_are_refused_outside_metrics_allowed_and_through_the_edge(headers):
    response = Client().get("/metrics", **headers)
    assert response.status_code == 404
    assert b"newsportal_requests" not in response.content


@pytest.mark.django_db
def test_metrics_allowed_names_the_scrapers(settings):
    settings.METRICS_ALLOWED = ["10.1.0.0/16"]
    metrics._allowed.cache_clear()
    try:
        assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
        assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    finally:
        metrics._allowed.cache_clear()


def test_a_failed_purge_is_counted(settings, unused_tcp_port):
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{unused_tcp_port}/"]  # nothing listens
    settings.EDGE_REPURGE_SECONDS = 0
    before = scrape()
    invalidation.purge(["article-1"])
    after = scrape()
    assert (
        value(after, "newsportal_purges_total", target="edge", result="failed")
        - value(before, "newsportal_purges_total", target="edge", result="failed")
        == 1
    )
    assert value(after, "newsportal_purges_total", target="cache", result="sent") > value(
        before, "newsportal_purges_total", target="cache", result="sent"
    )
    assert (
        value(after, "newsportal_purge_delay_seconds_count")
        == value(before, "newsportal_purge_delay_seconds_count") + 1
    )


@pytest.mark.django_db(transaction=True)
def test_consent_decisions_are_counted_by_kind_once_kept(shipped_policy):
    before = scrape()
    decide(Client(), "decline")
    decide(Client(), "accept")
    after = scrape()
    for kind in ("decline", "accept"):
        gained = value(after, "newsportal_consent_decisions_total", kind=kind) - value(
            before, "newsportal_consent_decisions_total", kind=kind
        )
        assert gained == 1, kind


@pytest.mark.django_db
def test_rate_limit_refusals_and_kept_parts_are_counted(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": 1}
    before = scrape()
    request = RequestFactory().get("/search/", REMOTE_ADDR="192.0.2.44")
    assert [ratelimit.over_limit(request, "search") for _ in range(3)] == [False, True, True]
    client.get("/")  # the header's sections, the breaking line: kept parts
    client.get("/", HTTP_COOKIE="consent=other")
    after = scrape()
    assert (
        value(after, "newsportal_rate_limited_total", scope="search")
        - value(before, "newsportal_rate_limited_total", scope="search")
        == 2
    )
    kept = ("newsportal_kept_parts_total",)
    assert sum(value(after, *kept, result=r) - value(before, *kept, result=r)
               for r in ("hit", "miss")) > 0  # fmt: skip


@pytest.mark.slow
def test_workers_of_one_server_are_counted_together(tmp_path, unused_tcp_port):
    """Two gunicorn workers (multiprocess mode): each request counted once, whichever answered;
    a worker that dies is replaced and counted, and what it counted stays in the sums."""
    import time
    import urllib.request

    env = {
        **os.environ, "BIND": f"127.0.0.1:{unused_tcp_port}", "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PAGE_CACHE": "false",
    }  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{unused_tcp_port}"

    def workers() -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def ask(times):
        for _ in range(times):
            urllib.request.urlopen(f"{base}/healthz", timeout=5).read()

    try:
        for _ in range(100):
            try:
                ask(1)
                break
            except OSError:
                time.sleep(0.1)
        ask(40)
        os.kill(workers()[0], signal.SIGKILL)
        for _ in range(100):
            time.sleep(0.1)
            if len(workers()) == 2:
                break
        ask(10)
        text = urllib.request.urlopen(f"{base}/metrics", timeout=5).read().decode()
    finally:
        server.terminate()
        server.wait(15)
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    healthz = value(samples, "newsportal_requests_total", view="healthz", method="GET",
                    status="200")  # fmt: skip
    assert healthz == 51  # the first that found it up, the 40, the 10: the dead worker's too
    assert value(samples, "newsportal_worker_exits_total") == 1


@pytest.mark.slow
def test_with_log_format_json_every_line_a_server_writes_is_json(unused_tcp_port):
    """gunicorn's own lines (booting, shutting down) and the app's, one JSON object each."""
    import time
    import urllib.request

    env = {**os.environ, "BIND": f"127.0.0.1:{unused_tcp_port}", "WEB_CONCURRENCY": "1",
           "LOG_FORMAT": "json"}  # fmt: skip
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                asked = urllib.request.Request(
                    f"http://127.0.0.1:{unused_tcp_port}/no-such-page/",
                    headers={"X-Request-Id": "json-1"},
                )
                urllib.request.urlopen(asked, timeout=2)
            except urllib.error.HTTPError:
                break  # answered (a 404, or a 500 where this database has no tables)
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0]
    lines = [line for line in output.splitlines() if line.strip()]
    events = [json.loads(line) for line in lines]  # each line parses
    assert any(e["logger"] == "gunicorn.error" for e in events)
    assert any(e.get("request_id") == "json-1" and (e.get("status") or 0) >= 404 for e in events)


# Logs


@pytest.fixture
def log_lines(settings):
    """What the console handler writes, as it writes it, in the format asked for."""

    def capture(fmt):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(logs.RequestIdFilter())
        handler.setFormatter(logs.JsonFormatter() if fmt == "json" else logs.TextFormatter())
        root = logging.getLogger()
        root.addHandler(handler)
        requests_logger = logging.getLogger("newsportal.requests")
        old_level = requests_logger.level
        requests_logger.setLevel(logging.INFO)
        captured.append((root, handler, requests_logger, old_level))
        return stream

    captured = []
    yield capture
    for root, handler, requests_logger, old_level in captured:
        root.removeHandler(handler)
        requests_logger.setLevel(old_level)


@pytest.mark.django_db
def test_json_lines_carry_the_edges_request_id_and_return_it(client, log_lines):
    stream = log_lines("json")
    article = make_article("Pipeline deal")
    response = client.get(article.get_absolute_url(), HTTP_X_REQUEST_ID="32770")
    assert response["X-Request-Id"] == "32770"
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    line = next(e for e in events if e["logger"] == "newsportal.requests")
    assert line["request_id"] == "32770"
    assert line["view"] == "articles:article" and line["status"] == 200
    assert line["method"] == "GET" and line["path"] == article.get_absolute_url()
    assert line["cache"] == "miss" and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00") and line["level"] == "info"


@pytest.mark.django_db
def test_an_admin_line_names_the_user_by_id_and_a_readers_none(staff_client, log_lines):
    stream = log_lines("json")
    staff_client.get(reverse("admin:index"))
    Client().get("/")  # a reader's
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    admin_line = next(e for e in events if e.get("view") == "admin:index")
    assert str(admin_line["user_id"]) == staff_client.session["_auth_user_id"]
    assert all("user_id" not in e for e in events if e.get("view") != "admin:index")


@pytest.mark.django_db
def test_a_lost_database_is_counted(client):
    from django.db import OperationalError

    before = scrape()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("articles.reading.front_page.FrontPageView.get",
                      lambda *a, **k: (_ for _ in ()).throw(OperationalError("gone")))  # fmt: skip
        assert Client(raise_request_exception=False).get("/").status_code == 503
    after = scrape()
    errors = ("newsportal_backend_errors_total",)
    assert (
        value(after, *errors, backend="postgresql") - value(before, *errors, backend="postgresql")
        == 1
    )


def test_a_made_up_or_missing_request_id_is_replaced(client, log_lines):
    log_lines("json")
    for given in ("", "<script>", "x" * 200, "a b"):
        made = Client().get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-Id"]
        assert made != given and len(made) == 32


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_no_line_holds_a_cookie_value_or_a_full_address(log_lines, fmt, settings):
    """A hostile cookie and a client address, on a page, a 404 and a failing page (traceback)."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    stream = log_lines(fmt)
    client = Client(raise_request_exception=False)
    headers = {"HTTP_COOKIE": HOSTILE_COOKIE, "HTTP_X_FORWARDED_FOR": CLIENT_ADDRESS,
               "HTTP_X_REQUEST_ID": "hostile-1"}  # fmt: skip
    client.get("/", **headers)
    client.get("/no-such-page/", **headers)
    boom = RuntimeError(f"failed for {CLIENT_ADDRESS}")
    for handler_filter in logging.getLogger("django.request").filters:
        getattr(handler_filter, "last_traceback", {}).clear()  # this test's traceback in full
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("articles.reading.front_page.FrontPageView.get",
                      lambda *a, **k: (_ for _ in ()).throw(boom))  # fmt: skip
        assert client.get("/", **headers).status_code == 500
    text = stream.getvalue()
    assert "hostile-1" in text and "Traceback" in text
    assert "Secret" not in text
    assert CLIENT_ADDRESS not in text
    assert "203.0.113.0" in text  # the network, kept for reading an attack
    if fmt == "json":
        events = [json.loads(line) for line in text.splitlines()]  # every line is one event
        failed = [e for e in events if "exception" in e]
        assert failed and all(e["request_id"] == "hostile-1" for e in failed)


# Sentry


class Collector(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        Collector.received.append(body.decode("utf-8", "replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


SENTRY_SCRIPT = """
import os, sys
from unittest import mock
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
boom = RuntimeError("failed for 203.0.113.77 with consent 3f2b1c9e-8d7a-4b6c-9e1f-0a2b3c4d5e6f")
with mock.patch("newsportal.health.healthz", side_effect=boom):
    django.setup()
    from django.test import Client, RequestFactory
    status = Client(raise_request_exception=False).get(
        "/healthz?q=Private+Person", HTTP_COOKIE=os.environ["COOKIE"],
        HTTP_X_FORWARDED_FOR="203.0.113.77", REMOTE_ADDR="203.0.113.77",
        HTTP_X_REQUEST_ID="sentry-1",
    ).status_code
    import sentry_sdk
    sentry_sdk.flush(5)
print(status)
"""


def test_sentry_gets_errors_scrubbed(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Collector.received = []
    dsn = f"http://public@127.0.0.1:{server.server_address[1]}/1"
    try:
        done = subprocess.run(
            [sys.executable, "-c", SENTRY_SCRIPT], cwd=ROOT, timeout=60, capture_output=True,
            text=True, env={**os.environ, "SENTRY_DSN": dsn, "DEBUG": "true",
                            # No session cookie: the script has no database to look one up in.
                            "COOKIE": "consent=ConsentSecret-5678; x=CookieValue-Secret-1234"},
        )  # fmt: skip
    finally:
        server.shutdown()
    assert done.stdout.strip().endswith("500"), done.stderr[-2000:]
    sent = "\n".join(Collector.received)
    assert "RuntimeError" in sent and "sentry-1" in sent
    for secret in (
        "CookieValue-Secret-1234",
        "ConsentSecret-5678",
        "203.0.113.77",
        "3f2b1c9e-8d7a-4b6c-9e1f-0a2b3c4d5e6f",
        "Private+Person",
        "Private Person",
    ):
        assert secret not in sent, secret  # fmt: skip


def test_without_a_dsn_the_sentry_sdk_is_not_loaded():
    script = (
        "import os, sys, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'newsportal.settings'); django.setup(); from django.test import Client; "
        "Client().get('/healthz'); print('sentry_sdk' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, timeout=60,
                          capture_output=True, text=True)  # fmt: skip
    assert done.stdout.strip() == "False", done.stderr[-2000:]


# The site health page

HEALTH = reverse("admin:site_health")


@pytest.mark.django_db
def test_the_health_page_shows_the_last_hour_and_now_to_editors(django_user_model, client):
    _, editor = signed_in(django_user_model, "Editors", "erlan")
    article = make_article("Pipeline deal")
    for _ in range(3):
        client.get(article.get_absolute_url())
    traffic.flush()
    assert TrafficMinute.objects.filter(view="articles:article").get().requests == 3
    page = editor.get(HEALTH)
    assert page.status_code == 200
    html = page.content.decode()
    for said in (
        "Page cache hit ratio, last hour",
        "66.7%",
        "Requests to the app servers",
        "Last purge",
        "Database (PostgreSQL)",
        "answers in",
        "Newest backup",
        "WAL archive",
        "Consent decisions today",
        "articles:article",
        "<svg",
    ):
        assert said in html, said  # fmt: skip
    assert "<script" not in html.split('id="content-main"')[1].split("</main>")[0]
    index = editor.get(reverse("admin:index"))
    assertContains(index, f'href="{HEALTH}"')


@pytest.mark.django_db
def test_the_health_page_refuses_authors(django_user_model):
    _, author = signed_in(django_user_model, "Authors", "amina")
    assert author.get(HEALTH).status_code == 403
    assert HEALTH not in author.get(reverse("admin:index")).content.decode()
    assert Client().get(HEALTH).status_code == 302  # to the sign-in page


@pytest.mark.django_db
def test_the_health_page_keeps_a_query_budget(staff_client, django_assert_max_num_queries):
    staff_client.get(HEALTH)
    with django_assert_max_num_queries(12):
        assert staff_client.get(HEALTH).status_code == 200


@pytest.mark.django_db
def test_the_health_page_reads_the_edge_from_prometheus(staff_client, settings):
    """With PROMETHEUS_URL the hit ratio is Varnish's, from a query_range answer."""
    import time

    now = time.time()
    answer = {"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {}, "values": [[now - 60 * n, "0.95"] for n in range(60)]}]}}  # fmt: skip

    class Prometheus(BaseHTTPRequestHandler):
        def do_GET(self):
            assert self.path.startswith("/api/v1/query_range?")
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Prometheus)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PROMETHEUS_URL = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        html = staff_client.get(HEALTH).content.decode()
    finally:
        server.shutdown()
    assert "Edge hit ratio (Varnish), last hour" in html and "95.0%" in html
    settings.PROMETHEUS_URL = "http://127.0.0.1:9"  # nothing there
    assert "Prometheus did not answer" in staff_client.get(HEALTH).content.decode()


# Prometheus in make cluster


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian's prometheus) missing")
def test_the_alerting_rules_and_the_cluster_config_load(tmp_path):
    from deploy import monitoring

    rules = subprocess.run(["promtool", "check", "rules", str(monitoring.RULES)],
                           capture_output=True, text=True)  # fmt: skip
    assert rules.returncode == 0, rules.stdout + rules.stderr
    assert "10 rules found" in rules.stdout
    config = tmp_path / "prometheus.yml"
    config.write_text(json.dumps(monitoring.config({
        "newsportal": ["127.0.0.1:9101", "127.0.0.1:9102"], "varnish": ["127.0.0.1:9131"],
        "postgres": ["127.0.0.1:9187"], "redis": ["127.0.0.1:9121"]})))  # fmt: skip
    checked = subprocess.run(["promtool", "check", "config", str(config)],
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian's prometheus) missing")
def test_every_alert_says_what_it_means_and_what_to_do():
    from deploy import monitoring

    text = monitoring.RULES.read_text()
    alerts = [line.split(":", 1)[1].strip() for line in text.splitlines()
              if line.strip().startswith("- alert:")]  # fmt: skip
    assert {"ServerErrors", "EdgeHitRatioLow", "PurgesFailing", "SlowPages", "WalArchiveBehind",
            "ReplicaBehind", "ConsentLogNotWriting", "DiskFilling"} <= set(alerts)  # fmt: skip
    assert text.count("summary:") == text.count("what_to_do:") == len(alerts)
    readme = (ROOT / "README.md").read_text()
    assert all(f"`{alert}`" in readme for alert in alerts), "the README explains each alert"
