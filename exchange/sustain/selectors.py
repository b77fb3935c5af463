"""Reads for sustaining gains.

Check-ins, adoptions and at-risk alerts
---------------------------------------
Each read is one query (two with a count), whatever the number of check-ins or adopters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from exchange.core.permissions import Perm
from exchange.examples.models import Example, ExampleStatus
from exchange.examples.selectors import example_visible_to
from exchange.sustain.models import (
    Adoption,
    CheckIn,
    CheckInAnswer,
    CheckInState,
    CheckInStatus,
    ExampleSustainSummary,
    Measure,
    MeasureValue,
)
from exchange_analysis.spc import SpcChart, SpcPoint, rebase_indices, xmr

# How many adopters the example page lists before linking to the full list.
ADOPTERS_ON_EXAMPLE_PAGE = 5


def status_phrase(status: str, months: int | None) -> str:
    """ "Still in place at 6 months — adapted" and the like, for timelines and badges."""
    if not status:
        return ""
    if months is None:
        return str(CheckInStatus(status).label)
    phrases = {
        CheckInStatus.RETAINED: ngettext(
            "Still in place at %(months)d month", "Still in place at %(months)d months", months
        ),
        CheckInStatus.ADAPTED: ngettext(
            "Still in place at %(months)d month — adapted",
            "Still in place at %(months)d months — adapted",
            months,
        ),
        CheckInStatus.SCALED: ngettext(
            "Still in place at %(months)d month — scaled up",
            "Still in place at %(months)d months — scaled up",
            months,
        ),
        CheckInStatus.SPREAD: ngettext(
            "Still in place at %(months)d month — spread to other organisations",
            "Still in place at %(months)d months — spread to other organisations",
            months,
        ),
        CheckInStatus.REVERTED: ngettext(
            "Reverted at %(months)d month", "Reverted at %(months)d months", months
        ),
        CheckInStatus.STOPPED: ngettext(
            "Stopped by %(months)d month", "Stopped by %(months)d months", months
        ),
        CheckInStatus.NO_ANSWER: ngettext(
            "No answer at %(months)d month", "No answer at %(months)d months", months
        ),
    }
    return phrases[CheckInStatus(status)] % {"months": months}


def status_tag_class(status: str) -> str:
    """The GOV.UK tag colour for a status."""
    if status in {CheckInStatus.REVERTED, CheckInStatus.STOPPED}:
        return "govuk-tag--red"
    if status == CheckInStatus.NO_ANSWER:
        return "govuk-tag--grey"
    return "govuk-tag--green"


@dataclass(frozen=True)
class TimelineEntry:
    months: int
    status: str
    phrase: str
    tag_class: str
    at: Any  # when it was answered or closed
    answer: CheckInAnswer | None


@dataclass(frozen=True)
class SustainSection:
    """What the example page shows about whether the change held, and who adopted it."""

    timeline: list[TimelineEntry]
    next_check_in: CheckIn | None
    adopters: list[Adoption]
    adoption_count: int


def _timeline_entries(check_ins: list[CheckIn]) -> list[TimelineEntry]:
    entries = []
    for check_in in check_ins:
        if check_in.state not in {CheckInState.ANSWERED, CheckInState.NO_ANSWER}:
            continue
        answer = getattr(check_in, "answer", None)
        status = answer.status if answer is not None else CheckInStatus.NO_ANSWER
        entries.append(
            TimelineEntry(
                months=check_in.months,
                status=status,
                phrase=status_phrase(status, check_in.months),
                tag_class=status_tag_class(status),
                at=answer.answered_at if answer is not None else check_in.closed_at,
                answer=answer,
            )
        )
    return entries


def _example_check_ins(example_id: int) -> list[CheckIn]:
    """The example's own check-ins (a handful of milestones) with their answers, one query."""
    return list(
        CheckIn.objects.filter(example_id=example_id, adoption__isnull=True)
        .select_related("answer")
        .order_by("months", "pk")
    )


def example_timeline(*, example_id: int) -> list[TimelineEntry]:
    """The example's closed check-ins in order (its adopters' check-ins are theirs)."""
    return _timeline_entries(_example_check_ins(example_id))


def example_sustain_section(
    *, example_id: int, adoption_count: int | None = None
) -> SustainSection:
    """Timeline, next check-in and the first adopters of one example: one or two queries.

    `adoption_count`, when the caller knows it from the example's summary, saves reading
    adopters of an example nobody adopted (most of them).
    """
    check_ins = _example_check_ins(example_id)
    upcoming = [c for c in check_ins if c.state in {CheckInState.SCHEDULED, CheckInState.SENT}]
    adopters = []
    if adoption_count != 0:
        adopters = list(
            adoption_list(example_id=example_id)[: ADOPTERS_ON_EXAMPLE_PAGE + 1].only(
                "id", "organisation", "adopted_on", "how_adapted", "latest_status", "example_id"
            )
        )
    count = len(adopters)
    if count > ADOPTERS_ON_EXAMPLE_PAGE:
        count = adoption_list(example_id=example_id).count()
    return SustainSection(
        timeline=_timeline_entries(check_ins),
        next_check_in=min(upcoming, key=lambda c: c.due_at) if upcoming else None,
        adopters=adopters[:ADOPTERS_ON_EXAMPLE_PAGE],
        adoption_count=count,
    )


def checkin_history(*, example_id: int) -> QuerySet[CheckIn]:
    """Every check-in of the example and of its adoptions, oldest milestone first (for the API)."""
    return (
        CheckIn.objects.filter(example_id=example_id)
        .select_related("answer", "adoption")
        .only(
            "id",
            "months",
            "due_at",
            "state",
            "sent_at",
            "closed_at",
            "adoption__id",
            "adoption__organisation",
            "answer__status",
            "answer__helped",
            "answer__hindered",
            "answer__at_risk",
            "answer__risk_note",
            "answer__answered_at",
        )
        # The example's own check-ins first, then each adoption's (NULLs sort last on PostgreSQL).
        .order_by(F("adoption_id").asc(nulls_first=True), "months", "pk")
    )


def adoption_list(*, example_id: int) -> QuerySet[Adoption]:
    """The example's adoptions, most recently adopted first."""
    return Adoption.objects.filter(example_id=example_id).order_by("-adopted_on", "-pk")


def at_risk_list(*, reason: str = "") -> QuerySet[ExampleSustainSummary]:
    """Published examples that reverted, went silent or said they are at risk; newest alert first."""
    queryset = (
        ExampleSustainSummary.objects.exclude(alert_reason="")
        .filter(example__status=ExampleStatus.PUBLISHED)
        .select_related("example", "example__campaign")
        .only(
            "example_id",
            "latest_status",
            "latest_months",
            "latest_at",
            "adoption_count",
            "alert_reason",
            "alert_since",
            "example__id",
            "example__title",
            "example__organisation",
            "example__show_as_anonymous",
            "example__campaign__id",
            "example__campaign__title",
        )
        .order_by("-alert_since", "-example_id")
    )
    if reason:
        queryset = queryset.filter(alert_reason=reason)
    return queryset


def at_risk_latest_answers(*, example_ids: list[int]) -> dict[int, CheckInAnswer]:
    """The latest answer of each example (for what hindered and the risk named), one query."""
    answers = (
        CheckInAnswer.objects.filter(
            Q(check_in__example_id__in=example_ids), check_in__adoption__isnull=True
        )
        .select_related("check_in")
        .only("status", "hindered", "risk_note", "at_risk", "answered_at", "check_in__example_id")
        .order_by("check_in__example_id", "-answered_at")
    )
    latest: dict[int, CheckInAnswer] = {}
    for answer in answers:
        latest.setdefault(answer.check_in.example_id, answer)
    return latest


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
