"""Client addresses through trusted proxies only: a forged X-Forwarded-For changes nothing."""

import pytest
from django.test import Client, RequestFactory

from newsportal.clientip import client_ip, client_network
from newsportal.consent.models import ConsentEvent
from tests.helpers import decide
from tests.test_security import attempt_login

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("198.51.100.7", None, "198.51.100.7"),
        ("198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no proxy of ours: header ignored
        (PROXY, "203.0.113.1", "203.0.113.1"),
        (PROXY, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # the client forged the left part
        (PROXY, "203.0.113.1, 10.0.0.9", "203.0.113.1"),  # two proxies of ours
        (PROXY, "garbage, 203.0.113.1", "203.0.113.1"),
        (PROXY, "203.0.113.1, garbage", PROXY),  # a hop we cannot vouch for: stop at ours
        (PROXY, "", PROXY),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_is_the_right_most_untrusted_address(behind_proxy, remote, forwarded, client):
    assert client_ip(request_from(remote, forwarded)) == client


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(PROXY, "203.0.113.1")) == PROXY


def test_ipv6_clients_count_per_64():
    one = client_network(request_from("2001:db8:1:2::1"))
    assert one == client_network(request_from("2001:db8:1:2:ffff::9")) == "2001:db8:1:2::"
    assert client_network(request_from("2001:db8:1:3::1")) != one
    assert client_network(request_from("198.51.100.7")) == "198.51.100.7"


def test_rate_limits_count_the_real_client_behind_the_proxy(behind_proxy, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": 2}
    for n in range(2):  # two readers behind the same proxy, each under the limit
        for i in range(2):
            response = client.get(
                "/search/", {"q": f"word{n}{i}"}, REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            )  # fmt: skip
            assert response.status_code == 200
    forged = client.get(
        "/search/", {"q": "other"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.0"
    )
    assert forged.status_code == 429  # a forged left part does not make a new client


def test_a_spoofing_client_cannot_lock_out_anyone_else(behind_proxy, django_user_model):
    django_user_model.objects.create_superuser("chief", "c@example.com", "right-password-123")
    victim = "203.0.113.50"
    for _ in range(6):  # the attacker claims to be the victim
        attempt_login(
            Client(), "chief", "wrong", address=PROXY,
            HTTP_X_FORWARDED_FOR=f"{victim}, 198.51.100.66",
        )  # fmt: skip
    real = attempt_login(
        Client(), "chief", "right-password-123", address=PROXY,
        HTTP_X_FORWARDED_FOR=victim,
    )  # fmt: skip
    assert real.status_code == 302


def test_consent_proof_records_the_clients_network_not_the_proxys(behind_proxy, client):
    decide(client, "accept", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert ConsentEvent.objects.get().client_ip_prefix == "203.0.113.0/24"


# Issue 31.5: what the app trusts of a request matches the edge


@pytest.mark.django_db
def test_an_unknown_host_never_gets_a_stored_page(client):
    from tests.factories import make_article

    make_article("Herders return")
    assert client.get("/")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "hit"
    client.raise_request_exception = False
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("gpc", ["1 ", "1\xa0", "1, 1", "true"])
def test_only_exactly_sec_gpc_1_counts_as_global_privacy_control(client, gpc):
    assert 'id="consent-banner"' in client.get("/", HTTP_SEC_GPC=gpc).content.decode()
    assert 'id="consent-banner"' not in client.get("/", HTTP_SEC_GPC="1").content.decode()


@pytest.mark.parametrize(("trust", "headers"), [("", {}), ("true", {"X-FORWARDED-PROTO": "https"})])
def test_gunicorn_believes_x_forwarded_proto_only_when_told(monkeypatch, tmp_path, trust, headers):
    import runpy
    from pathlib import Path

    monkeypatch.setenv("TRUST_X_FORWARDED_PROTO", trust)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # not this process's
    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert config["secure_scheme_headers"] == headers


@pytest.mark.django_db
def test_made_up_session_cookies_count_against_the_render_budget(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "render": 3}
    statuses = [client.get("/", HTTP_COOKIE=f"sessionid=made-up-{n}").status_code for n in range(6)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    assert Client().get("/").status_code == 200  # nobody else is slowed down


def test_behind_a_unix_socket_the_edges_forwarded_address_is_the_client(settings):
    """make cluster: app servers listen on Unix sockets only the edge may open (REMOTE_ADDR is
    empty there); TRUSTED_PROXIES=unix believes the edge's X-Forwarded-For."""
    settings.TRUSTED_PROXIES = ["unix"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4"
    )
    assert client_ip(request) == "198.51.100.4"
    settings.TRUSTED_PROXIES = []
    assert client_ip(request) == ""  # no trust: nothing read
    tcp = RequestFactory().get("/", REMOTE_ADDR="192.0.2.8", HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.TRUSTED_PROXIES = ["unix"]
    assert client_ip(tcp) == "192.0.2.8"  # "unix" trusts no address
