"""Sustaining gains: check-in history, adoptions and measures of published examples.

Check-ins, adoptions
--------------------
Reading is public (no one's name or address is included); recording an adoption needs a
personal API token and uses the same service as the "We adopted this" page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from exchange.api.auth import api_token_auth
from exchange.api.pagination import BoundedLimitOffsetPagination
from exchange.api.schemas.common import MAX_ID, WRITE_ERROR_RESPONSES, ErrorOut, ValidationErrorOut
from exchange.examples.models import Example, ExampleStatus
from exchange.sustain import charts, selectors, services
from exchange.sustain.models import Adoption, CheckIn, Measure

router = Router(tags=["sustain"])

StatusChoice = Literal[
    "retained", "adapted", "scaled", "spread", "reverted", "stopped", "no_answer"
]


class CheckInAnswerOut(Schema):
    status: StatusChoice
    helped: str
    hindered: str
    at_risk: bool = Field(description="They named something that could make it revert.")
    risk_note: str
    answered_at: dt.datetime


class CheckInOut(Schema):
    id: int
    months: int = Field(description="Months after publication (or after the adoption).")
    due_at: dt.datetime
    state: Literal["scheduled", "sent", "answered", "no_answer", "cancelled"]
    adoption_id: int | None = Field(description="Set when the check-in is about an adoption.")
    organisation: str | None = Field(description="The adopting organisation, for adoptions.")
    answer: CheckInAnswerOut | None

    @staticmethod
    def resolve_adoption_id(obj: CheckIn) -> int | None:
        return obj.adoption.pk if obj.adoption is not None else None

    @staticmethod
    def resolve_organisation(obj: CheckIn) -> str | None:
        return obj.adoption.organisation if obj.adoption is not None else None

    @staticmethod
    def resolve_answer(obj: CheckIn) -> Any:
        return getattr(obj, "answer", None)


class AdoptionOut(Schema):
    id: int
    organisation: str
    adopted_on: dt.date
    how_adapted: str
    latest_status: StatusChoice | None = Field(
        description="What the adopters said at their latest check-in."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_latest_status(obj: Adoption) -> str | None:
        return obj.latest_status or None


class AdoptionIn(Schema):
    organisation: str = Field(..., max_length=200)
    adopted_on: dt.date = Field(..., description="When your organisation adopted it.")
    how_adapted: str = Field(..., max_length=5000)


def _example(example_id: int) -> Example:
    # Only its id is needed: the services lock and re-read the row themselves.
    example = (
        Example.objects.filter(pk=example_id, status=ExampleStatus.PUBLISHED).only("id").first()
    )
    if example is None:
        raise HttpError(404, "No published example with that id")
    return example


@router.get(
    "/examples/{example_id}/check-ins",
    response={200: list[CheckInOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="The check-in history of a published example and of its adoptions",
)
@paginate(BoundedLimitOffsetPagination)
def checkin_list(
    request: HttpRequest, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[CheckIn]:
    """Every milestone, scheduled or closed, with its answer; never who answered."""
    return selectors.checkin_history(example_id=_example(example_id).pk)


@router.get(
    "/examples/{example_id}/adoptions",
    response={200: list[AdoptionOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="Organisations that adopted a published example",
)
@paginate(BoundedLimitOffsetPagination)
def adoption_list(
    request: HttpRequest, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[Adoption]:
    return selectors.adoption_list(example_id=_example(example_id).pk)


@router.post(
    "/examples/{example_id}/adoptions",
    response={201: AdoptionOut, **WRITE_ERROR_RESPONSES},
    auth=api_token_auth,
    summary="Record that your organisation adopted a published example",
)
def adoption_create(
    request: HttpRequest, payload: AdoptionIn, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    example = _example(example_id)
    try:
        adoption = services.adoption_record(
            actor=request.auth,
            example=example,
            organisation=payload.organisation,
            adopted_on=payload.adopted_on,
            how_adapted=payload.how_adapted,
        )
    except services.AdoptionInvalidError as error:
        raise HttpError(400, "; ".join(str(m) for m in error.errors.values())) from error
    except services.SustainError as error:
        raise HttpError(400, str(error.message)) from error
    return Status(201, adoption)


# Measures ---------------------------------------------------------------------------------------

Rule = Literal["outside_limits", "trend", "two_in_three", "run", "common_cause"]
PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
Variation = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
Assurance = Literal["consistent_pass", "consistent_fail", "inconsistent"]


class SpcPointOut(Schema):
    date: dt.date
    value: float
    period: int = Field(description="Rebase period: 0, then 1 after the first rebase date, …")
    mean: float
    upper_limit: float = Field(
        description="Upper process limit: mean + 2.66 x average moving range."
    )
    lower_limit: float = Field(
        description="Lower process limit: mean - 2.66 x average moving range."
    )
    relative_to_mean: Literal[-1, 0, 1]
    outside_limits: bool
    close_to_limits: bool = Field(description="Beyond two sigma but inside the limits.")
    rule: Rule = Field(description="The special-cause rule that fired, by priority.")
    point_type: PointType


class SpcOut(Schema):
    mean: float | None = Field(description="Of the latest period; null without values.")
    upper_limit: float | None
    lower_limit: float | None
    variation: Variation = Field(description="Making Data Count variation icon (last point).")
    variation_label: str
    assurance: Assurance | None = Field(description="Assurance icon; null without a target.")
    assurance_label: str | None
    special_cause_points: int
    warnings: list[str] = Field(description="For example, a period of fewer than 13 points.")
    points: list[SpcPointOut]


class MeasureOut(Schema):
    id: int
    example_id: int
    name: str
    unit: str
    improvement: Literal["increase", "decrease", "neutral"]
    target: float | None
    baseline_points: int | None = Field(description="Limits fixed after this many points.")
    rebase_dates: list[dt.date]
    spc: SpcOut

    @staticmethod
    def resolve_target(obj: Measure) -> float | None:
        return float(obj.target) if obj.target is not None else None

    @staticmethod
    def resolve_rebase_dates(obj: Measure) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in obj.rebase_dates]

    @staticmethod
    def resolve_spc(obj: Measure) -> dict[str, Any]:
        result = selectors.measure_chart(measure=obj)
        latest = result.latest
        variation = charts.variation_icon(result.chart.variation)
        assurance = charts.assurance_icon(result.chart.assurance or "")
        return {
            "mean": latest.mean if latest else None,
            "upper_limit": latest.upl if latest else None,
            "lower_limit": latest.lpl if latest else None,
            "variation": result.chart.variation,
            "variation_label": variation.label if variation else "",
            "assurance": result.chart.assurance,
            "assurance_label": assurance.label if assurance else None,
            "special_cause_points": result.special_count,
            "warnings": result.chart.warnings if result.points else [],
            "points": [
                {
                    "date": p.date,
                    "value": float(p.value),
                    "period": p.spc.group,
                    "mean": p.spc.mean,
                    "upper_limit": p.spc.upl,
                    "lower_limit": p.spc.lpl,
                    "relative_to_mean": p.spc.relative_to_mean,
                    "outside_limits": p.spc.outside_limits,
                    "close_to_limits": p.spc.close_to_limits,
                    "rule": p.spc.rule,
                    "point_type": p.spc.point_type,
                }
                for p in result.points
            ],
        }


@router.get(
    "/examples/{example_id}/measures",
    response={200: list[MeasureOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="List a published example's measures with their SPC charts",
)
@paginate(BoundedLimitOffsetPagination)
def example_measure_list(
    request: HttpRequest, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[Measure]:
    """Each measure's XmR chart under NHS Making Data Count rules: mean and process limits,
    every point's flags and the rule that fired, the variation and assurance icons."""
    if not selectors.example_is_published(pk=example_id):
        raise HttpError(404, "No published example with that id")
    return selectors.example_published_measure_queryset(example_id=example_id)


@router.get(
    "/measures/{measure_id}",
    response={200: MeasureOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Get one measure of a published example with its SPC chart",
)
def measure_detail(request: HttpRequest, measure_id: int = Path(..., ge=1, le=MAX_ID)) -> Measure:
    measure = selectors.measure_published_get(pk=measure_id)
    if measure is None:
        raise HttpError(404, "No measure of a published example with that id")
    return measure
