"""Demo measures for `manage.py load_demo`: a shift for the better, a steady process, a rebase.

Idempotent like the rest of the demo data: a measure is added only when its example exists,
it has no measure of that name, and no earlier run created it (a "demo.measures" audit entry
lists what each run created, so a measure someone deleted on the demo site stays deleted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from exchange.core.models import AuditEntry
from exchange.core.services import audit_log
from exchange.examples.models import Example
from exchange.sustain import services
from exchange.sustain.models import Measure

AUDIT_ACTION = "demo.measures"


@dataclass(frozen=True)
class DemoMeasure:
    example: str  # the demo example's title
    name: str
    unit: str
    improvement: str
    values: list[float]  # weekly, the last one last week
    target: float | None = None
    rebase_weeks: list[int] = field(default_factory=list)  # indices of values that start anew


# Weekly values, oldest first.
BEFORE_AND_AFTER_RECRUITMENT = [41, 43, 39, 44, 42, 40, 45, 41, 38, 43, 42, 40, 12, 10, 9, 11, 8, 10, 9, 12, 9, 8, 10, 9, 11, 9]  # fmt: skip
SAME_DAY_ANSWERS = [97.2, 96.8, 98.1, 97.5, 96.4, 97.9, 98.3, 97.0, 96.9, 97.7, 98.0, 96.6, 97.4, 97.8, 96.7, 98.2, 97.1, 97.6, 96.9, 97.3, 98.4, 97.2, 96.8, 97.5]  # fmt: skip
MISSED_APPOINTMENTS = [12.1, 11.4, 12.8, 11.9, 12.5, 13.0, 11.7, 12.2, 12.9, 11.6, 12.4, 11.8, 12.6, 6.2, 5.8, 6.5, 5.4, 6.0, 5.7, 6.3, 5.9, 5.5, 6.1, 5.6, 6.4, 5.8, 6.0, 5.7, 6.2]  # fmt: skip

DEMO_MEASURES = [
    DemoMeasure(
        example="Recruitment checks cut from 42 days to 9",
        name="Days from job offer to start date",
        unit="days",
        improvement="decrease",
        values=BEFORE_AND_AFTER_RECRUITMENT,
    ),
    DemoMeasure(
        example="Remote triage at a GP practice: every request answered the same day",
        name="Requests answered the same day",
        unit="%",
        improvement="increase",
        target=95,
        values=SAME_DAY_ANSWERS,
    ),
    DemoMeasure(
        example="Video follow-up appointments halved missed outpatient visits",
        name="Missed follow-up appointments",
        unit="%",
        improvement="decrease",
        values=MISSED_APPOINTMENTS,
        rebase_weeks=[13],
    ),
]


def _created_before() -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    for data in AuditEntry.objects.filter(action=AUDIT_ACTION).values_list("data", flat=True):
        keys.update((example, name) for example, name in data.get("measures", []))
    return keys


def demo_measures_load(*, now: dt.datetime) -> list[tuple[str, str]]:
    """Add the demo measures that are missing; returns the (example, measure) keys added."""
    before = _created_before()
    wanted = [m for m in DEMO_MEASURES if (m.example, m.name) not in before]
    if not wanted:
        return []
    examples = {
        e.title: e
        for e in Example.objects.filter(title__in=[m.example for m in wanted]).order_by("pk")
    }
    existing = set(
        Measure.objects.filter(example__title__in=examples).values_list("example__title", "name")
    )
    last_week = now.date() - dt.timedelta(days=now.weekday() + 7)
    created: list[tuple[str, str]] = []
    with transaction.atomic():
        for item in wanted:
            example = examples.get(item.example)
            if example is None or (item.example, item.name) in existing:
                continue
            start = last_week - dt.timedelta(weeks=len(item.values) - 1)
            dates = [start + dt.timedelta(weeks=i) for i in range(len(item.values))]
            measure = services.measure_create(
                example=example,
                actor=None,
                name=item.name,
                unit=item.unit,
                improvement=item.improvement,
                target=Decimal(str(item.target)) if item.target is not None else None,
                rebase_dates=[dates[i] for i in item.rebase_weeks],
            )
            services.measure_values_add(
                measure=measure,
                values=[(d, Decimal(str(v))) for d, v in zip(dates, item.values, strict=True)],
                actor=None,
                source="demo",
            )
            created.append((item.example, item.name))
        if created:
            audit_log(actor=None, action=AUDIT_ACTION, measures=[list(k) for k in created])
    return created
