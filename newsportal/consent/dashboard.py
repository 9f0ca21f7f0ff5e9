"""How visitors decide, for editors, from the tally PostgreSQL keeps of every event.

`ConsentTally` holds one row per hour, outcome, policy version, GPC and granted categories,
counted by a trigger as each event is inserted (migration 0007). One grouped query sums it per
day in the site's time zone; Python folds the few hundred groups into the figures and the chart.
Aggregating the events themselves took 1.1 s for a million (tests/perf/consent_dashboard.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from newsportal.consent.models import ConsentEvent, ConsentTally

DEFAULT_DAYS = 90
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
OUTCOMES = [  # what a day's bar is made of, bottom to top
    (ConsentEvent.Action.ACCEPT, "Accepted all"),
    (ConsentEvent.Action.CHOOSE, "Chose"),
    (ConsentEvent.Action.DECLINE, "Declined"),
    (ConsentEvent.Action.WITHDRAW, "Withdrew"),
]


class RangeForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError("The first day comes after the last day.")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        if start < EARLIEST or end > today + timedelta(days=1):
            raise forms.ValidationError(f"Choose days between {EARLIEST} and today.")
        return {"start": start, "end": end}


@dataclass
class Summary:
    start: date
    end: date
    days: list[dict]  # {"day": date, "counts": {action: n}, "total": n, "cells": [n per OUTCOME]}
    total: int
    decisions: int
    by_category: list[tuple[str, int, float]]  # name, decisions granting it, share
    gpc: int
    by_version: list[tuple[int, int]]

    @property
    def gpc_share(self) -> float:
        return self.gpc / self.total if self.total else 0.0


def summarize(start: date, end: date, categories) -> Summary:
    """Figures for the days `start`..`end` (the site's time zone); `categories` are the
    optional categories of the current policy, as (key, name)."""
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    rows = (
        ConsentTally.objects.filter(hour__gte=since, hour__lt=until)
        .annotate(day=TruncDate("hour", tzinfo=zone))
        .values("day", "action", "policy_version", "gpc", "granted")
        .annotate(n=Sum("events"))
        .order_by()
    )
    per_day = {start + timedelta(days=i): {} for i in range((end - start).days + 1)}
    versions, category_counts = {}, dict.fromkeys((key for key, _ in categories), 0)
    total = decisions = gpc = 0
    for row in rows:
        counts = per_day.setdefault(row["day"], {})
        counts[row["action"]] = counts.get(row["action"], 0) + row["n"]
        versions[row["policy_version"]] = versions.get(row["policy_version"], 0) + row["n"]
        total += row["n"]
        gpc += row["n"] if row["gpc"] else 0
        if row["action"] != ConsentEvent.Action.WITHDRAW:
            decisions += row["n"]
            for key in filter(None, row["granted"].split("+")):
                if key in category_counts:
                    category_counts[key] += row["n"]
    days = [
        {"day": day, "counts": counts, "total": sum(counts.values()),
         "cells": [counts.get(action, 0) for action, _ in OUTCOMES]}
        for day, counts in sorted(per_day.items())
    ]  # fmt: skip
    by_category = [
        (name, category_counts[key], category_counts[key] / decisions if decisions else 0.0)
        for key, name in categories
    ]
    return Summary(start, end, days, total, decisions, by_category, gpc, sorted(versions.items()))


def chart(summary: Summary, width=720, height=200) -> dict:
    """Stacked bars per day, as coordinates for the SVG template (no script, no library)."""
    tallest = max((d["total"] for d in summary.days), default=0) or 1
    step = width / max(len(summary.days), 1)
    bars = []
    for i, day in enumerate(summary.days):
        top = height
        for action, label in OUTCOMES:
            n = day["counts"].get(action, 0)
            if not n:
                continue
            h = n / tallest * height
            top -= h
            bars.append(
                {"x": round(i * step, 2), "y": round(top, 2), "w": round(max(step - 1, 1), 2),
                 "h": round(h, 2), "action": action, "title": f"{day['day']}: {n} {label.lower()}"}
            )  # fmt: skip
    return {"width": width, "height": height, "bars": bars, "tallest": tallest}


def decisions_today() -> tuple[str, str, bool]:
    """The site health page's line (newsportal/sitehealth.py): today's decisions, and whether the
    log is writing (a day of readers without a single decision is a broken banner or log)."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    rows = ConsentTally.objects.filter(hour__gte=start).values("action").annotate(n=Sum("events"))
    counts = {row["action"]: row["n"] for row in rows}
    total = sum(counts.values())
    parts = ", ".join(f"{counts[action]:,} {label.lower()}" for action, label in OUTCOMES
                      if counts.get(action))  # fmt: skip
    sentence = (
        "Every decision is kept as proof. None today by midday means the banner or the log "
        "stopped working: see the Consent dashboard."
    )
    figure = f"{total:,} ({parts})" if total else "none yet"
    return figure, sentence, bool(total) or timezone.localtime().hour < 12
