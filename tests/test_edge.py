"""The edge cache: the real varnishd with deploy/varnish/newsportal.vcl in front of the app."""

import gzip
import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Article
from deploy import edge
from tests.factories import make_article, make_tag
from tests.helpers import current_version

pytestmark = [
    pytest.mark.skipif(
        not edge.available(), reason="varnishd with xkey is not installed (make test installs it)"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,  # a real varnishd and real waits: make test, not the 30-second make check
]


def request(base, path, method="GET", cookie=None, source=None, **headers):
    """(status, headers, body) of one request, as a browser without a cookie jar sends it."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(
        host, int(port), timeout=10, source_address=(source, 0) if source else None
    )
    if cookie:
        headers["Cookie"] = cookie
    headers = {key.replace("_", "-"): value for key, value in headers.items()}
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    result = response.status, dict(response.getheaders()), response.read().decode()
    connection.close()
    return result


def edge_state(base, path, **kwargs):
    return request(base, path, **kwargs)[1].get("X-Edge-Cache")


@pytest.fixture(scope="module")
def varnish(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    cache = edge.Varnish(edge.free_port(), [port])
    yield cache
    cache.stop()


@pytest.fixture
def site(varnish, shipped_policy, settings):
    settings.EDGE_PURGE_URLS = [varnish.url + "/"]
    settings.EDGE_REPURGE_SECONDS = 0
    request(varnish.url, "/", method="PURGE", xkey_purge="all")  # each test starts empty
    return varnish.url


def decide(base, decision):
    """A visitor decides in the banner (through the edge); their consent cookie."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request(
        "POST", "/consent/", body=f"decision={decision}&policy_version={current_version()}",
        headers={"Sec-Fetch-Site": "same-origin",
                 "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection.close()
    return cookie


def test_visitors_in_the_same_consent_state_share_one_object(site):
    make_article("Herders return")
    assert edge_state(site, "/") == "miss"
    assert edge_state(site, "/") == "hit"  # another first-time visitor
    first, second = decide(site, "accept"), decide(site, "accept")
    assert first != second  # two visitors, two records
    status, headers, body = request(site, "/", cookie=first)
    assert (status, headers["X-Edge-Cache"]) == (200, "miss")
    assert 'id="consent-banner"' not in body
    assert edge_state(site, "/", cookie=f"_ga=GA1.1.9; {second}; other=1") == "hit"
    declined = decide(site, "decline")
    assert edge_state(site, "/", cookie=declined) == "miss"


def test_global_privacy_control_is_a_state_of_its_own(site):
    make_article("Herders return")
    request(site, "/")
    _, headers, body = request(site, "/", Sec_GPC="1")
    assert headers["X-Edge-Cache"] == "miss"
    assert 'id="consent-banner"' not in body  # declined by the browser's signal
    assert edge_state(site, "/", Sec_GPC="1") == "hit"


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/admin/login/", {}),
        ("/", {"cookie": "consent=1.abc.analytics+marketing:forged:sig"}),
        ("/healthz", {}),
    ],
)
def test_nothing_private_is_ever_kept(site, path, extra):
    make_article("Herders return")
    for _ in range(3):
        assert edge_state(site, path, **extra) == "miss"


def test_a_forged_cookie_never_poisons_the_shared_object(site):
    make_article("Herders return")
    forged = "consent=1.abc.analytics+marketing:forged:sig"
    assert 'id="consent-banner"' in request(site, "/", cookie=forged)[2]
    real = decide(site, "accept")
    assert 'id="consent-banner"' not in request(site, "/", cookie=real)[2]


def test_posts_and_previews_go_to_the_app(site):
    article = make_article("Draft", status=Article.Status.DRAFT)
    for _ in range(2):
        assert edge_state(site, f"/preview/{article.pk}/") == "miss"
    assert request(site, "/consent/", method="POST")[0] == 403  # not same-origin


def test_an_edit_and_an_unpublish_reach_the_edge_within_a_second(site):
    article = make_article("Herders return", tags=[make_tag("Steppe")])
    other = make_article("Election called")
    for path in [article.get_absolute_url(), other.get_absolute_url(), "/"]:
        request(site, path)
        assert edge_state(site, path) == "hit"
    article.title = "Herders return early"
    started = time.monotonic()
    article.save()  # a real commit: the purge follows it
    _, headers, body = request(site, article.get_absolute_url())
    assert time.monotonic() - started < 1
    assert "Herders return early" in body and headers["X-Edge-Cache"] == "miss"
    assert "Herders return early" in request(site, "/")[2]
    assert edge_state(site, other.get_absolute_url()) == "hit"  # unrelated: still cached
    article.status = Article.Status.DRAFT
    article.save()
    assert request(site, article.get_absolute_url())[0] == 410
    assert "Herders return" not in request(site, "/")[2]


def test_a_policy_change_purges_every_page(site):
    from newsportal.consent.models import CookiePolicy

    article = make_article("Herders return")
    for path in ["/", article.get_absolute_url()]:
        request(site, path)
    CookiePolicy.objects.create(banner_text="A newer banner.", policy_text="Policy.")
    for path in ["/", article.get_absolute_url()]:
        assert "A newer banner." in request(site, path)[2]


def test_only_the_app_servers_may_purge(site):
    assert request(site, "/", method="PURGE", source="127.0.0.2", xkey_purge="all")[0] == 403
    assert request(site, "/", method="PURGE", xkey_purge="all")[0] == 200


# Stale pages while the app servers are down: a backend that can be switched off.


class Origin(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"the story as it was"
        self.send_response(200)
        self.send_header("Cache-Control", "public, max-age=0, s-maxage=1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.django_db(transaction=False)
def test_stale_pages_are_served_while_the_app_servers_are_down():
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    cache = edge.Varnish(edge.free_port(), [origin.server_port])
    try:
        time.sleep(2.5)  # the probe finds it healthy
        assert request(cache.url, "/story")[2] == "the story as it was"
        origin.shutdown()
        origin.server_close()
        time.sleep(4)  # past the page's lifetime, and the probe has marked it sick
        status, headers, body = request(cache.url, "/story")
        assert (status, body) == (200, "the story as it was")
        assert int(headers["Age"]) >= 3
    finally:
        cache.stop()


def test_purge_needs_keys(site):
    assert request(site, "/", method="PURGE")[0] == 400


# Issue 31.5 and 31.9: the edge keys on exactly what the app sees, and answers with pages


def raw_request(base, lines: list[str]) -> tuple[int, str]:
    """A request written byte by byte (repeated or odd headers that http.client would not send)."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = "\r\n".join([*lines, "Connection: close", "", ""]).encode("latin-1")
        sock.sendall(head)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1") + "\n\n" + body.decode()


@pytest.mark.parametrize(
    "gpc", [["Sec-GPC: 1\xa0"], ["Sec-GPC: 1 , 1"], ["Sec-GPC: 1", "Sec-GPC: 1"]]
)
def test_an_odd_global_privacy_control_header_never_hides_the_banner_for_everyone(site, gpc):
    make_article("Herders return")
    host = site.removeprefix("http://")
    assert raw_request(site, ["GET / HTTP/1.1", f"Host: {host}", *gpc])[0] == 200
    body = request(site, "/")[2]  # an ordinary first-time visitor next
    assert 'id="consent-banner"' in body
    _, _, gpc_body = request(site, "/", Sec_GPC="1")
    assert 'id="consent-banner"' not in gpc_body


def test_one_object_per_page_however_the_host_and_tracking_are_written(site):
    make_article("Herders return")
    port = site.rsplit(":", 1)[1]
    assert edge_state(site, "/?page=2&utm_source=x") in {"miss", None}
    assert request(site, "/", Host=f"localhost:{port}")[1]["X-Edge-Cache"] == "miss"
    for host in (f"LOCALHOST:{port}", f"localhost.:{port}"):
        assert request(site, "/", Host=host)[1]["X-Edge-Cache"] == "hit", host
    for path in ("/?utm_source=news&utm_medium=email", "/?fbclid=abc", "/?utm_campaign=x&"):
        assert request(site, path, Host=f"localhost:{port}")[1]["X-Edge-Cache"] == "hit", path
    assert request(site, "/", Host="evil.example")[0] == 400  # never kept under another host


def test_a_made_up_session_cookie_gets_the_shared_page_not_the_app(site):
    make_article("Herders return")
    assert edge_state(site, "/") == "miss"
    status, headers, _ = request(site, "/", cookie="sessionid=made-up-1")
    assert (status, headers["X-Edge-Cache"]) == (200, "hit")
    assert edge_state(site, "/", cookie="sessionid=made-up-2") == "hit"


def test_an_over_size_post_is_refused_at_the_edge_with_a_page(site):
    host = site.removeprefix("http://")
    status, answer = raw_request(
        site, ["POST /consent/ HTTP/1.1", f"Host: {host}", "Content-Length: 900000000"]
    )
    assert status == 413
    body = answer.split("\n\n", 1)[1]
    assert "That was too large" in body and "Guru Meditation" not in body


class Echo(BaseHTTPRequestHandler):
    """An origin that says which X-Forwarded-Proto reached it."""

    def do_GET(self):
        body = (self.headers.get("X-Forwarded-Proto") or "none").encode()
        self.send_response(200)
        self.send_header("Cache-Control", "private")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.django_db(transaction=False)
def test_a_clients_forwarded_proto_never_reaches_the_app_and_errors_are_pages():
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    cache = edge.Varnish(edge.free_port(), [origin.server_port])
    try:
        deadline = time.monotonic() + 10
        while (answer := request(cache.url, "/page", X_Forwarded_Proto="https"))[0] == 503:
            assert time.monotonic() < deadline, "the probe never found the origin healthy"
            time.sleep(0.1)
        assert answer[2] == "none"
        origin.shutdown()
        origin.server_close()
        status, headers, body = request(cache.url, "/never-kept")
        assert status == 503 and "Back in a moment" in body and "Guru Meditation" not in body
        assert headers["Retry-After"] == "30"
    finally:
        cache.stop()
    assert not cache.workdir.exists()  # its working folders go with it


@pytest.mark.django_db(transaction=False)
def test_only_who_may_open_the_purge_socket_may_purge(tmp_path):
    """make cluster: nobody purges over TCP, not even from loopback; the app servers purge
    through a Unix socket only their user may open (EDGE_PURGE_URLS=unix:...)."""
    from newsportal.edge import send

    folder = tmp_path / "sockets"
    folder.mkdir()
    folder.chmod(0o755)
    socket_path = folder / "purge.sock"
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    cache = edge.Varnish(
        edge.free_port(), [origin.server_port], purgers=[], purge_socket=socket_path
    )
    try:
        assert request(cache.url, "/", method="PURGE", xkey_purge="all")[0] == 403
        assert oct(socket_path.stat().st_mode & 0o777) == "0o600"
        assert send(f"unix:{socket_path}", ["all"]) is True
    finally:
        cache.stop()
        origin.shutdown()
        origin.server_close()


def test_the_breaking_line_reaches_cached_pages_at_once_and_goes_at_its_end(site):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import BreakingNews

    line = "Polls close: results after midnight"
    article = make_article("Election night")
    paths = ["/", article.get_absolute_url()]
    for path in paths:
        request(site, path)
        assert edge_state(site, path) == "hit"
    now = timezone.now()
    started = time.monotonic()
    BreakingNews.objects.create(
        text=line, language="en", starts_at=now, ends_at=now + timedelta(seconds=1.5)
    )  # a real commit: the line's key is purged after it
    for path in paths:
        _, headers, body = request(site, path)
        assert line in body and "<esi:include" not in body
        assert headers["X-Edge-Cache"] == "hit"  # the page was not fetched again: only the line
    assert time.monotonic() - started < 1
    assert line not in request(site, "/ru/")[2]
    # A browser takes the page compressed: the edge fills the include all the same.
    host, port = site.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/", headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    compressed = response.read()
    connection.close()
    assert response.getheader("Content-Encoding") == "gzip"
    assert line in gzip.decompress(compressed).decode()
    time.sleep(max(0, 1.6 - (time.monotonic() - started)))
    deadline = time.monotonic() + 2  # the first ask after its end may start the refetch
    while line in request(site, "/")[2] and time.monotonic() < deadline:
        time.sleep(0.1)
    for path in paths:
        assert line not in request(site, path)[2]


def test_the_edge_refuses_the_metrics_and_gives_each_request_its_own_id(site):
    """/metrics (however written) never goes out through the edge; X-Request-Id is the edge's
    own for each request, a stored page's too, and never the client's."""
    for path in ("/metrics", "/METRICS", "//metrics", "/metrics?x=1"):
        status, _, body = request(site, path)
        assert status == 404 and "newsportal_requests" not in body, path
    make_article("Pipeline deal")
    ids = [request(site, "/", X_Request_Id="made-up")[1]["X-Request-Id"] for _ in range(3)]
    assert len(set(ids)) == 3 and "made-up" not in ids
    assert all(request_id.isdigit() for request_id in ids)  # Varnish's own numbers
