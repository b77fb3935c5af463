"""Sustaining gains: check-in history and adoptions of published examples.

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
from exchange.api.schemas.common import WRITE_ERROR_RESPONSES, ErrorOut, ValidationErrorOut
from exchange.examples.models import Example, ExampleStatus
from exchange.sustain import selectors, services
from exchange.sustain.models import Adoption, CheckIn

router = Router(tags=["sustain"])

MAX_ID = 2**63 - 1
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
