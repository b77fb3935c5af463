"""Reads for the sustain app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from exchange.core.permissions import Perm
from exchange.examples.models import Example, ExampleStatus
from exchange.examples.selectors import example_visible_to
from exchange.sustain.models import Measure, MeasureValue
from exchange_analysis.spc import SpcChart, SpcPoint, rebase_indices, xmr

# Measures ---------------------------------------------------------------------------------------


def measure_manageable_by(*, user: Any, example: Example) -> bool:
    """The example's author, and moderators (administrators too) of examples they may see."""
    if user is None or not user.is_authenticated:
        return False
    if not example_visible_to(example=example, viewer=user):
        return False
    return bool(example.author_id == user.pk or user.has_perm(Perm.MODERATE_EXAMPLES))


def measure_get_for_manager(*, pk: int, user: Any) -> Measure | None:
    """The measure with its example, if `user` may change it; else None (the view says 404)."""
    measure = Measure.objects.select_related("example").filter(pk=pk).first()
    if measure is None or not measure_manageable_by(user=user, example=measure.example):
        return None
    return measure


def measure_values(*, measure: Measure) -> QuerySet[MeasureValue]:
    return MeasureValue.objects.filter(measure=measure).order_by("date")


def measure_value_dates(*, measure: Measure) -> set[dt.date]:
    return set(MeasureValue.objects.filter(measure=measure).values_list("date", flat=True))


def example_measure_list(*, example: Example) -> list[Measure]:
    """The example's measures, each with its values in date order (two queries)."""
    return list(
        Measure.objects.filter(example=example)
        .order_by("pk")
        .prefetch_related(
            Prefetch("values", queryset=MeasureValue.objects.order_by("date"), to_attr="value_list")
        )
    )


def example_is_published(*, pk: int) -> bool:
    return Example.objects.filter(pk=pk, status=ExampleStatus.PUBLISHED).exists()


def example_published_measure_queryset(*, example_id: int) -> QuerySet[Measure]:
    """Measures of a published example, values prefetched (`value_list`), for the API."""
    return (
        Measure.objects.filter(example_id=example_id, example__status=ExampleStatus.PUBLISHED)
        .order_by("pk")
        .prefetch_related(
            Prefetch("values", queryset=MeasureValue.objects.order_by("date"), to_attr="value_list")
        )
    )


def measure_published_get(*, pk: int) -> Measure | None:
    return (
        Measure.objects.filter(pk=pk, example__status=ExampleStatus.PUBLISHED)
        .prefetch_related(
            Prefetch("values", queryset=MeasureValue.objects.order_by("date"), to_attr="value_list")
        )
        .first()
    )


@dataclass(frozen=True)
class MeasurePoint:
    date: dt.date
    value: Decimal
    spc: SpcPoint


@dataclass(frozen=True)
class MeasureChart:
    """A measure's XmR chart: the engine's result with each point's date and stored value."""

    measure: Measure
    points: list[MeasurePoint]
    chart: SpcChart

    @property
    def latest(self) -> SpcPoint | None:
        return self.chart.points[-1] if self.chart.points else None

    @property
    def special_count(self) -> int:
        return sum(p.spc.point_type != "common_cause" for p in self.points)

    @property
    def has_short_period(self) -> bool:
        """A period (rebase group) under 13 points: its limits are provisional."""
        return bool(self.points) and bool(self.chart.warnings)


def measure_chart(*, measure: Measure, values: list[MeasureValue] | None = None) -> MeasureChart:
    """Run the SPC engine over the measure's values (given in date order, or read here)."""
    if values is None:
        values = getattr(measure, "value_list", None)
    if values is None:
        values = list(measure_values(measure=measure))
    dates = [v.date for v in values]
    rebase = [dt.date.fromisoformat(d) for d in measure.rebase_dates]
    chart = xmr(
        [float(v.value) for v in values],
        improvement=measure.improvement,
        target=float(measure.target) if measure.target is not None else None,
        rebase_at=rebase_indices(dates, rebase),
        fix_after_n_points=measure.baseline_points,
    )
    points = [
        MeasurePoint(date=v.date, value=v.value, spc=p)
        for v, p in zip(values, chart.points, strict=True)
    ]
    return MeasureChart(measure=measure, points=points, chart=chart)
