"""Prometheus metrics at /metrics, for the addresses in METRICS_ALLOWED only.

prometheus_client (the Prometheus project's own library) and not django-prometheus: we need a
dozen series of our own (purges, kept parts, consent decisions) that django-prometheus would not
give, and not the database and cache backends it swaps in to count queries. Its multiprocess
mode sums the app server's workers: gunicorn.conf.py gives each server a fresh folder in
PROMETHEUS_MULTIPROC_DIR, where every worker writes its own counts; a lone process (manage.py,
the tests) counts in memory.

Labels are bounded: a request is counted by its view's name, never its address (a thousand
random addresses are one "unmatched" series), by a method from a fixed list and by its status.
"""

import ipaddress
import os
import shutil
from functools import cache, lru_cache

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"}
STATIC = "static"
UNMATCHED = "unmatched"
PROBES = {"healthz", "readyz", "metrics"}  # views machines ask every few seconds

REQUESTS = Counter(
    "newsportal_requests", "Requests answered, by view, method and status",
    ["view", "method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "newsportal_request_duration_seconds", "Time to answer a request, by view", ["view"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip
PAGE_CACHE = Counter(
    "newsportal_page_cache", "Pages asked of the page cache: hit or miss", ["result"]
)
KEPT_PARTS = Counter(
    "newsportal_kept_parts", "Kept parts of pages (fragments): hit or miss", ["result"]
)
PURGES = Counter(
    "newsportal_purges",
    "Purges after commit: the cache's stamps and each edge, sent or failed",
    ["target", "result"],
)
PURGE_DELAY = Histogram(
    "newsportal_purge_delay_seconds", "From a commit to its purge sent everywhere",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)  # fmt: skip
RATE_LIMITED = Counter("newsportal_rate_limited", "Requests refused by a rate limit", ["scope"])
CONSENT_DECISIONS = Counter(
    "newsportal_consent_decisions", "Cookie decisions recorded, by kind", ["kind"]
)
BACKEND_ERRORS = Counter(
    "newsportal_backend_errors", "Calls that failed: PostgreSQL or Redis", ["backend"]
)
WORKER_EXITS = Counter(
    "newsportal_worker_exits",
    "Gunicorn workers that exited and were replaced (recycled after max_requests, timed out "
    "or crashed)",
)


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


@lru_cache(maxsize=2048)
def _view_of_path(path: str, language: str) -> str:
    """As the request resolved it: in its language (/ru/ addresses exist in Russian only)."""
    try:
        with translation.override(language or None):
            return resolve(path).view_name or UNMATCHED
    except Resolver404:
        return UNMATCHED


def view_label(request) -> str:
    """The view's name; for a page the cache answered (no view ran), the name its address
    resolves to; static files and addresses no view has as one label each."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or UNMATCHED
    path = request.path_info
    if path.startswith(settings.STATIC_URL):
        return STATIC
    return _view_of_path(path, getattr(request, "LANGUAGE_CODE", ""))


def observe(request, response, view: str, seconds: float) -> None:
    REQUESTS.labels(view, method_label(request.method), str(response.status_code)).inc()
    LATENCY.labels(view).observe(seconds)
    state = response.get("X-Cache")
    if state in ("hit", "miss"):
        PAGE_CACHE.labels(state).inc()


# The address


@cache
def _allowed(networks: tuple[str, ...]):
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def allowed(request) -> bool:
    """Asked directly by a scraper at an allowed address. Through the edge (which refuses it
    too) the request carries X-Forwarded-For, and the edge's own address is no scraper."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed(tuple(settings.METRICS_ALLOWED)))


class DiskCollector:
    """Free and total bytes of the disks the site writes to (its var/ folder: the private
    database, backups, the page cache's files; and local media), read at each scrape."""

    def collect(self):
        free = GaugeMetricFamily("newsportal_disk_free_bytes", "Free bytes", labels=["path"])
        size = GaugeMetricFamily("newsportal_disk_size_bytes", "Size in bytes", labels=["path"])
        for name, path in (("var", settings.BASE_DIR / "var"), ("media", settings.MEDIA_ROOT)):
            try:
                usage = shutil.disk_usage(path)
            except OSError:
                continue
            free.add_metric([name], usage.free)
            size.add_metric([name], usage.total)
        yield free
        yield size


def registry():
    """What a scrape reads: every worker's counts (or this process's), and the disks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        collected.register(DiskCollector())
        return collected
    if not _disk_registered:
        REGISTRY.register(DiskCollector())
        _disk_registered.append(True)
    return REGISTRY


_disk_registered = []


@never_cache
def metrics_view(request):
    if not allowed(request):
        raise Http404("No such page.")  # nothing says there is something here
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
