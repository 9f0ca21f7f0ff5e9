"""The log: one line per request, as text for a person (`make run`) or as JSON for machines
(LOG_FORMAT=json), each with the request's id; never a full IP address or a cookie's value.

A request's id is the edge's X-Request-Id (Varnish sets it) when it looks like one, else a new
one; it is returned in the response, so a reader's report and the edge's log find the same line.
Every line logged while a request runs carries it (a contextvar), its traceback too: in JSON a
traceback is one field of one event, not forty lines.

An outage must not flood the log: one line per failed request, a traceback per kind of failure
at most once a minute. During a PostgreSQL restart every request fails the same way; the first
round wrote about 6,200 lines of tracebacks for 76 failed requests. Each later failure of the
same kind within the minute is one line: what failed, where, and which dependency.
"""

import contextvars
import ipaddress
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.utils.functional import empty

REPEAT_SECONDS = 60
DEPENDENCIES = {"psycopg2": "PostgreSQL", "django.db": "PostgreSQL", "redis": "Redis"}


def dependency(error) -> str:
    module = type(error).__module__
    return next((name for prefix, name in DEPENDENCIES.items() if module.startswith(prefix)), "")


class OneTracebackPerMinute(logging.Filter):
    def __init__(self, name=""):
        super().__init__(name)
        self.last_traceback: dict[str, float] = {}

    def filter(self, record):
        if not record.exc_info or record.exc_info[1] is None:
            return True
        error = record.exc_info[1]
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        where = dependency(error)
        first_line = (str(error).strip().splitlines() or [""])[0]
        summary = f"{kind}{f' ({where})' if where else ''}: {first_line}"
        now = time.monotonic()
        if now - self.last_traceback.get(kind, -REPEAT_SECONDS) < REPEAT_SECONDS:
            record.msg = f"{record.getMessage()} [{summary}; traceback shown in the last minute]"
            record.args = ()
            record.exc_info = record.exc_text = None
        else:
            self.last_traceback[kind] = now
        return True


# Request ids

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
current_request_id = contextvars.ContextVar("request_id", default="")


def request_id(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Every record gets `request_id`: the running request's, or "" outside one."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


# Addresses: never in full. An IPv4 address keeps its /24 (203.0.113.0), an IPv6 its /48.

IPV4 = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


def _ipv6_prefix(found) -> str:
    try:
        address = ipaddress.IPv6Address(found.group(0))
    except ValueError:
        return found.group(0)
    return str(ipaddress.ip_network(f"{address}/48", strict=False).network_address) + "/48"


def without_addresses(text: str) -> str:
    text = IPV4.sub(lambda m: f"{m[1]}.{m[2]}.{m[3]}.0", text)
    return IPV6.sub(_ipv6_prefix, text) if ":" in text else text


# Formats

REQUEST_FIELDS = ("method", "path", "view", "status", "duration_ms", "cache", "user_id")


class TextFormatter(logging.Formatter):
    """For a person: the message, its request id when there is one."""

    def format(self, record):
        line = without_addresses(super().format(record))
        return f"{line} [{record.request_id}]" if getattr(record, "request_id", "") else line


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, the request's fields
    for request lines, and a traceback as one string. Nothing else of the record: the request
    object Django attaches to its error lines holds cookies."""

    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": without_addresses(record.getMessage()),
        }
        if getattr(record, "request_id", ""):
            event["request_id"] = record.request_id
        event.update({f: getattr(record, f) for f in REQUEST_FIELDS if hasattr(record, f)})
        if record.exc_info:
            event["exception"] = without_addresses(self.formatException(record.exc_info))
        elif record.exc_text:
            event["exception"] = without_addresses(record.exc_text)
        return json.dumps(event, ensure_ascii=False, default=str)


requests_log = logging.getLogger("newsportal.requests")


def request_line(request, response, view: str, seconds: float) -> None:
    """The request's one line: what was asked (its path, never its query string: a search can
    name a person), what answered, how and how fast; for the admin, who asked (a user id)."""
    fields = {
        "method": request.method,
        "path": request.path,
        "view": view,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
        "cache": response.get("X-Cache", ""),
    }
    user = getattr(getattr(request, "user", None), "_wrapped", None)  # loaded where a view asked
    if user not in (None, empty) and user.is_authenticated:
        fields["user_id"] = user.pk
    requests_log.info(
        "%s %s %s %s %.1f ms%s", request.method, request.path, response.status_code, view,
        fields["duration_ms"], f" {fields['cache']}" if fields["cache"] else "", extra=fields,
    )  # fmt: skip
