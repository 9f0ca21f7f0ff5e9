"""Errors to Sentry (or any server that speaks its protocol: GlitchTip, Bugsink...), when
SENTRY_DSN is set; settings.py imports this module only then, so without a DSN the SDK is never
loaded.

What leaves the site is scrubbed: no cookies (the consent cookie names a consent record), no
request bodies (a decision's form, a login), no query strings (a search can name a person), no
client addresses, no headers beyond a few harmless ones; the user is an id at most.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from newsportal.logs import current_request_id, without_addresses

HEADERS_KEPT = {"accept", "accept-language", "content-type", "host", "user-agent", "x-request-id"}
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)


def scrub_text(text):
    """Addresses cut to their network, anything shaped like a consent id removed."""
    return UUID.sub("[id]", without_addresses(text)) if isinstance(text, str) else text


def scrub(event, hint=None):
    request = event.get("request") or {}
    request.pop("cookies", None)
    request.pop("data", None)
    request.pop("env", None)
    request.pop("query_string", None)
    if "url" in request:
        request["url"] = scrub_text(request["url"].split("?", 1)[0])
    headers = request.get("headers") or {}
    request["headers"] = {k: v for k, v in headers.items() if k.lower() in HEADERS_KEPT}
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if "id" in user else {}
    for key in ("message", "logentry"):
        if isinstance(event.get(key), str):
            event[key] = scrub_text(event[key])
        elif isinstance(event.get(key), dict):
            event[key] = {k: scrub_text(v) for k, v in event[key].items()}
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        crumb["message"] = scrub_text(crumb.get("message"))
        crumb.pop("data", None)
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = scrub_text(exception.get("value"))
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)  # local variables can hold a request and its cookies
    (event.get("extra") or {}).pop("sys.argv", None)  # a command's arguments may hold secrets
    event.setdefault("tags", {})["request_id"] = current_request_id.get()
    return event


def start(dsn: str, environment: str = "") -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), LoggingIntegration(event_level=None)],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        traces_sample_rate=0,
    )
