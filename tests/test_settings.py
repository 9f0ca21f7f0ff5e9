"""Production settings fail fast with a clear sentence, and pass Django's deployment checks."""

import os
from pathlib import Path

import pytest

from tests import commands

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-" + "y" * 30,
    "ALLOWED_HOSTS": "news.example.com",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://news.example.com",
}


def manage(*args, **env):
    # A production process never has the browser tests' async escape hatch.
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return commands.manage(*args, env={**environment, **env})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "must point at PostgreSQL"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL scheme"),
        ({**PRODUCTION, "CACHE_URL": "locmem://"}, "must name a shared cache"),
        ({**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.0/33"}, "TRUSTED_PROXIES"),
        ({"MEDIA_RETENTION_DAYS": "thirty"}, "MEDIA_RETENTION_DAYS must be a whole number"),
    ],
)
def test_missing_production_settings_stop_with_a_sentence_not_a_traceback(env, message):
    result = manage("check", **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "warning"),
    [
        ({"EDGE_PURGE_URLS": "http://10.0.0.5:6081/"}, "newsportal.W001"),
        ({"SITE_URL": "http://news.example.com"}, "newsportal.W002"),
        ({"BIND": "0.0.0.0:8000"}, "newsportal.W003"),
        ({"CACHE_URL": "file:///tmp/x"}, "newsportal.W004"),
    ],
)
def test_the_deployment_checks_name_a_risky_topology(env, warning):
    result = manage("check", "--deploy", **{**PRODUCTION, **env})
    assert warning in result.stderr + result.stdout


def test_gunicorn_behind_a_named_proxy_passes(tmp_path):
    env = {**PRODUCTION, "BIND": "0.0.0.0:8000", "TRUSTED_PROXIES": "10.0.0.5"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stderr


def test_debug_is_refused_on_a_public_address():
    result = manage("check", DEBUG="true", ALLOWED_HOSTS="news.example.com")
    assert result.returncode == 1
    assert "DEBUG is on while ALLOWED_HOSTS names public hosts" in result.stderr


def test_without_a_secret_key_each_installation_makes_its_own():
    """Never a key written in the code: anyone could sign share links and consent cookies."""
    from django.conf import settings

    key_file = ROOT / "var" / "secret_key"
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert len(settings.SECRET_KEY) >= 50
    assert key_file.stat().st_mode & 0o077 == 0  # owner-only
    source = (ROOT / "newsportal" / "settings.py").read_text()
    assert "insecure" not in source


def test_commands_take_the_running_sites_settings_where_the_environment_is_silent(
    tmp_path, monkeypatch
):
    """`make run` records its cache and address in var/site.env; manage.py beside it reads them
    (so an import purges the cache that site serves from), never over what was set by hand."""
    from newsportal.env import beside_the_running_site, write_site_env

    site_env = tmp_path / "site.env"
    running = {"CACHE_URL": "file://var/cache", "SITE_URL": "http://127.0.0.1:8123"}
    write_site_env(site_env, running)
    assert site_env.stat().st_mode & 0o777 == 0o600
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.setenv("SITE_URL", "https://set-by-hand.example")
    beside_the_running_site(site_env)
    assert os.environ["CACHE_URL"] == "file://var/cache"
    assert os.environ["SITE_URL"] == "https://set-by-hand.example"
    beside_the_running_site(tmp_path / "missing.env")  # no site running: nothing changes


@pytest.mark.django_db
def test_audit_cookies_checks_the_sites_own_address_by_default(settings):
    from django.core.management import CommandError, call_command

    settings.SITE_URL = "http://127.0.0.1:9"  # what `PORT=8123 make run` would record, say
    with pytest.raises(CommandError, match=r"does not answer at http://127\.0\.0\.1:9"):
        call_command("audit_cookies")
