"""Deployment checks of our own settings, reported by `manage.py check --deploy`."""

import ipaddress
import os

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _is_loopback(bind: str) -> bool:
    host = bind.rsplit(":", 1)[0].strip("[]") if ":" in bind else bind
    if host.startswith("unix"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@register(Tags.security, deploy=True)
def production_topology(app_configs, **kwargs):
    problems = []
    if settings.EDGE_PURGE_URLS and not settings.TRUSTED_PROXIES:
        problems.append(
            Warning(
                "An edge cache is configured but TRUSTED_PROXIES is empty: every client will "
                "look like the edge (one rate limit and one login lockout for everyone).",
                hint="Set TRUSTED_PROXIES to the edge's and load balancer's addresses.",
                id="newsportal.W001",
            )
        )
    if settings.HTTPS and not settings.SITE_URL.startswith("https://"):
        problems.append(
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: feeds, sitemaps and share links would "
                "name a plain-HTTP address.",
                hint="Set SITE_URL to the public https:// address.",
                id="newsportal.W002",
            )
        )
    bind = os.environ.get("BIND", "")
    if bind and not _is_loopback(bind) and not settings.TRUSTED_PROXIES:
        problems.append(
            Warning(
                f"gunicorn binds {bind} with no trusted proxy: its sync workers must never face "
                "clients directly (a few slow connections hold them all).",
                hint="Put Varnish or a TLS proxy in front (deploy/) and name it in "
                "TRUSTED_PROXIES.",
                id="newsportal.W003",
            )
        )
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        problems.append(
            Warning(
                "CACHE_URL is a file cache: it is shared by the workers of one machine only.",
                hint="With several app servers, use CACHE_URL=redis://...",
                id="newsportal.W004",
            )
        )
    return problems
