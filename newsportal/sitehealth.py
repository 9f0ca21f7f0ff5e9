"""The admin's "Site health" page: how the site runs, in plain sentences, for the newsroom's one
technical person and for editors (the permission newsportal.view_site_health).

The last hour's traffic comes from the minute counts every app server writes to PostgreSQL
(newsportal/traffic.py), so the page works on `make run` as in production. The edge's hit ratio is
Varnish's, asked of Prometheus when PROMETHEUS_URL names one (make cluster sets it); without
one, the app servers' own page cache stands in and the page says so. Apps add their own lines
(`register`): the consent app its decisions of the day. No script: the charts are SVG drawn here.
"""

import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from urllib.request import urlopen

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.db.models import Max, Sum
from django.template.response import TemplateResponse

from newsportal import archive, backup, replica, traffic
from newsportal.invalidation import LAST_PURGE
from newsportal.models import TrafficMinute

PERMISSION = "newsportal.view_site_health"
HOUR = 60
CHART_WIDTH, CHART_HEIGHT = 600, 120
PROMETHEUS_TIMEOUT = 2
EDGE_HIT_RATIO = (
    "sum(rate(varnish_main_cache_hit[2m])) / "
    "(sum(rate(varnish_main_cache_hit[2m])) + sum(rate(varnish_main_cache_miss[2m])))"
)
_sections = []  # (title, function) that apps add: see `register`


def register(title: str, line) -> None:
    """An app's own line: `line()` returns (figure, sentence, ok)."""
    if all(existing != title for existing, _ in _sections):
        _sections.append((title, line))


def item(title, figure, sentence, ok=True, chart=None) -> dict:
    return {"title": title, "figure": figure, "sentence": sentence, "ok": ok, "chart": chart}


# The last hour


def last_hour(now: datetime):
    """Per minute of the last hour: (minute, requests, page hits)."""
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=HOUR - 1)
    rows = (
        TrafficMinute.objects.filter(minute__gte=start)
        .values("minute")
        .annotate(requests=Sum("requests"), hits=Sum("page_hits"), misses=Sum("page_misses"))
    )
    found = {row["minute"]: row for row in rows}
    minutes = [start + timedelta(minutes=n) for n in range(HOUR)]
    empty = {"requests": 0, "hits": 0, "misses": 0}
    return [(minute, found.get(minute, empty)) for minute in minutes]


def chart(values: list[float | None], top: float, unit: str, label: str) -> dict:
    """Bars for the template's SVG: one a minute, oldest left; None is a gap (not measured)."""
    width = CHART_WIDTH / len(values)
    bars = []
    for n, value in enumerate(values):
        if value is None:
            continue
        height = CHART_HEIGHT * (value / top) if top else 0
        bars.append({"x": round(n * width, 1), "width": round(width * 0.8, 1),
                     "y": round(CHART_HEIGHT - height, 1), "height": round(height, 1),
                     "title": f"{HOUR - n} min ago: {value:,.0f}{unit}"})  # fmt: skip
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "label": label,
            "top": f"{top:,.0f}{unit}"}  # fmt: skip


def prometheus_series(query: str, now: datetime) -> list[float | None] | None:
    """A query's value a minute over the last hour, or None when Prometheus does not answer."""
    end = now.timestamp()
    start = end - (HOUR - 1) * 60
    params = urlencode({"query": query, "start": start, "end": end, "step": 60})
    try:
        with urlopen(f"{settings.PROMETHEUS_URL}/api/v1/query_range?{params}",
                     timeout=PROMETHEUS_TIMEOUT) as answer:  # fmt: skip
            result = json.load(answer)["data"]["result"]
    except (OSError, ValueError, KeyError):
        return None
    values = [None] * HOUR
    for at, found in result[0]["values"] if result else []:
        minute, number = round((float(at) - start) / 60), float(found)
        if 0 <= minute < HOUR and number == number:  # NaN (no traffic) is no figure
            values[minute] = number
    return values


def edge_item(minutes, now) -> dict:
    if settings.PROMETHEUS_URL:
        series = prometheus_series(EDGE_HIT_RATIO, now)
        if series is not None:
            measured = [v for v in series if v is not None]
            ratio = measured[-1] if measured else None
            values = [None if v is None else v * 100 for v in series]
            return item(
                "Edge hit ratio (Varnish), last hour",
                "not measured yet" if ratio is None else f"{ratio:.1%}",
                "Of the pages readers asked the edge for, how many it answered itself. Above "
                "90 % is healthy; lower means purges are too wide or pages are not kept.",
                ok=ratio is None or ratio >= 0.9,
                chart=chart(values, 100, " %", "Edge hit ratio a minute, in %"),
            )
        return item(
            "Edge hit ratio (Varnish)",
            "unknown",
            "Prometheus did not answer: the edge's figures cannot be read now.",
            ok=False,
        )
    hits = sum(row["hits"] for _, row in minutes)
    asked = hits + sum(row["misses"] for _, row in minutes)
    values = [row["hits"] / (row["hits"] + row["misses"]) * 100
              if row["hits"] + row["misses"] else None for _, row in minutes]  # fmt: skip
    return item(
        "Page cache hit ratio, last hour",
        f"{hits / asked:.1%}" if asked else "no pages asked",
        "No edge is measured here (no PROMETHEUS_URL): this is the app servers' own page "
        "cache, which answers repeated pages without the database.",
        ok=not asked or hits / asked >= 0.5,
        chart=chart(values, 100, " %", "Page cache hit ratio a minute, in %"),
    )


def origin_item(minutes) -> dict:
    values = [row["requests"] for _, row in minutes]
    per_second = sum(values[-5:]) / 300
    return item(
        "Requests to the app servers, last hour",
        f"{per_second:,.1f} a second (last 5 minutes)",
        "What reached the app servers (past the edge): a sudden rise means the edge stopped "
        "keeping pages, or a crowd is reading something new.",
        chart=chart(values, max(values) or 1, "", "Requests a minute"),
    )


def slowest_pages(now) -> list[dict]:
    rows = (
        TrafficMinute.objects.filter(minute__gte=now - timedelta(hours=1))
        .exclude(view="static")
        .values("view")
        .annotate(requests=Sum("requests"), total=Sum("total_ms"), slowest=Max("max_ms"))
    )
    pages = [{"view": r["view"], "requests": r["requests"], "average": r["total"] / r["requests"],
              "slowest": r["slowest"]} for r in rows if r["requests"]]  # fmt: skip
    return sorted(pages, key=lambda page: page["average"], reverse=True)[:8]


# Now


def purge_item() -> dict:
    at = cache.get(LAST_PURGE)
    if at is None:
        return item(
            "Last purge",
            "none recorded",
            "No change has been sent to the caches since the cache was last emptied.",
        )
    when = datetime.fromtimestamp(at, UTC)
    return item(
        "Last purge",
        naturaltime(when),
        "When a change last went out to the page cache and the edge: a saved article "
        "reaches readers then.",
    )


def page_cache_item() -> dict:
    if not settings.PAGE_CACHE_ENABLED:
        return item("Page cache", "off", "PAGE_CACHE is off: every page is made anew.", ok=False)
    return item(
        "Page cache",
        f"on, pages kept up to {settings.PAGE_CACHE_SECONDS // 60} min",
        "Pages are kept until a change purges them, or for this long at most.",
    )


def database_item() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return item(
            "Database (PostgreSQL)", "not answering", f"Pages cannot be made: {error}", ok=False
        )
    ms = (time.perf_counter() - started) * 1000
    said = f" {replica.status()}" if replica.configured() else ""
    return item(
        "Database (PostgreSQL)",
        f"answers in {ms:.1f} ms",
        f"The articles, the newsroom and the consent proof live here.{said}",
    )


def cache_item() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    started = time.perf_counter()
    cache.set("health:probe", started, 30)
    answered = cache.get("health:probe") == started
    ms = (time.perf_counter() - started) * 1000
    if not answered:
        return item(
            "Cache (Redis)",
            "not answering",
            "Pages are made uncached and rate limits are off until it is back.",
            ok=False,
        )
    return item(
        f"Cache ({backend})",
        f"answers in {ms:.1f} ms",
        "Keeps pages, parts of pages and rate limits, shared by the app servers.",
    )


def backup_item() -> dict:
    dumps = [path.stat().st_mtime for path in backup.BACKUP_DIR.glob("newsportal-*.dump")]
    bases = [archive.finished_at(path).timestamp() for path in (archive.BACKUPS / "base").glob("*")
             if (path / "finished").exists()]  # fmt: skip
    newest = max(dumps + bases, default=None)
    if newest is None:
        return item(
            "Newest backup",
            "none here",
            "No backup on this machine (make backup, or the daily base backup of the "
            "private database): if the disk dies, the data goes with it.",
            ok=False,
        )
    age = time.time() - newest
    return item(
        "Newest backup",
        naturaltime(datetime.fromtimestamp(newest, UTC)),
        "Older than a day means the daily backup stopped: see `make archive-status`.",
        ok=age < 26 * 3600,
    )


def archive_item() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('archive_mode'), last_archived_time, "
                           "last_failed_time FROM pg_stat_archiver")  # fmt: skip
            mode, archived, failed = cursor.fetchone()
    except DatabaseError:
        return item("WAL archive", "unknown", "The database did not say.", ok=False)
    if mode == "off":
        return item(
            "WAL archive",
            "off",
            "This database keeps no WAL archive: it can be restored to its last backup "
            "only, not to the minute.",
        )
    if archived is None:
        return item("WAL archive", "nothing archived yet", "Archiving is on; nothing is done yet.")
    lag = datetime.now(UTC) - archived
    failing = failed is not None and failed > archived
    return item("WAL archive", f"last file {naturaltime(archived)}",
                "Changes are copied off the database every minute at most; a failure since "
                "the last copy means recent changes are on one disk only." if failing else
                "Changes are copied off the database every minute at most.",
                ok=not failing and lag < timedelta(minutes=10))  # fmt: skip


def page(admin_site, request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    traffic.flush()  # this process's last seconds too
    now = datetime.now(UTC)
    minutes = last_hour(now)
    own = []
    for title, line in _sections:
        figure, sentence, ok = line()
        own.append(item(title, figure, sentence, ok))
    context = {
        **admin_site.each_context(request),
        "title": "Site health",
        "traffic": [edge_item(minutes, now), origin_item(minutes)],
        "now": [purge_item(), page_cache_item(), database_item(), cache_item(), backup_item(),
                archive_item(), *own],
        "slowest": slowest_pages(now),
    }  # fmt: skip
    return TemplateResponse(request, "admin/site_health.html", context)
