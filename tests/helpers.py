"""Shared test helpers: a visitor's consent decision, and staff signed in with a role."""

from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.test import Client

DECIDE = "/consent/"
# What a browser sends with a form posted from the site's own page (see consent/origin.py).
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def post_form(client, path, data, **headers):
    """Post `data` as a browser posts a form without files (urlencoded: no multipart here)."""
    body = urlencode(data, doseq=True)
    return client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)


def current_version() -> int:
    from newsportal.consent.models import CookiePolicy

    return CookiePolicy.objects.values_list("version", flat=True).first() or 0


def decide(client, decision="accept", categories=(), next_url="/", version=None, **headers):
    """`client` decides in the banner (accept, decline or choose the `categories`) on a page
    that showed policy `version` (the current one unless said)."""
    version = current_version() if version is None else version
    data = {"decision": decision, "next": next_url, "category": list(categories)}
    data["policy_version"] = version
    return post_form(client, DECIDE, data, **{**SAME_ORIGIN, **headers})


def signed_in(django_user_model, group, name):
    """A staff user in the Authors or Editors group, and a client signed in as them."""
    user = django_user_model.objects.create_user(name, password=None, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


def start_redis_server(port: int):
    """A private redis-server on `port` (no persistence), answering when this returns."""
    import socket
    import subprocess
    import time

    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return server
