"""Events, sessions with live availability per mode, and the caller's bookings.

Reading events is public. Booking, switching mode and cancelling need a personal API token and
use the same services as the web pages (which lock the session's row while deciding on a seat).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from exchange.api.auth import api_token_auth
from exchange.api.schemas.common import MAX_ID, WRITE_ERROR_RESPONSES, ErrorOut, ValidationErrorOut
from exchange.events import selectors, services
from exchange.events.models import Booking, Event, Mode, Session

router = Router(tags=["events"])

ModeChoice = Literal["in_person", "online"]


class AvailabilityOut(Schema):
    mode: ModeChoice
    capacity: int | None = Field(description="Places in this mode; null means unlimited.")
    taken: int = Field(description="Confirmed, offered or attended places.")
    free: int | None = Field(description="Places left; null means unlimited.")
    waiting: int = Field(description="People on this mode's waiting list.")


class SessionOut(Schema):
    id: int
    title: str
    kind: Literal["talk", "workshop"]
    starts_at: datetime
    ends_at: datetime
    room: str
    attendance_type: Literal["in_person", "online", "hybrid"]
    is_cancelled: bool
    availability: list[AvailabilityOut]

    @staticmethod
    def resolve_availability(obj: Session) -> list[dict[str, Any]]:
        return [
            {
                "mode": a.mode,
                "capacity": a.capacity,
                "taken": a.taken,
                "free": a.free,
                "waiting": a.waiting,
            }
            for a in selectors.session_availability(obj)
        ]


class EventOut(Schema):
    slug: str
    title: str
    description: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    bookings_open: bool


class EventDetailOut(EventOut):
    sessions: list[SessionOut]


class BookingOut(Schema):
    id: int
    session_id: int
    session_title: str
    mode: ModeChoice
    state: Literal["confirmed", "waitlisted", "offered", "cancelled", "attended"]
    waitlist_position: int | None = Field(description="1 = next in line; null unless waiting.")
    offer_expires_at: datetime | None
    switching_from: int | None = Field(
        description="A pending switch: the booking kept until this one gets a place."
    )

    @staticmethod
    def resolve_session_title(obj: Booking) -> str:
        return obj.session.title

    @staticmethod
    def resolve_waitlist_position(obj: Booking) -> int | None:
        return selectors.waitlist_position(obj)

    @staticmethod
    def resolve_switching_from(obj: Booking) -> int | None:
        return obj.replaces_id


class BookingIn(Schema):
    mode: ModeChoice
    access_needs: str = Field("", max_length=2000)
    dietary_requirements: str = Field("", max_length=2000)


class SwitchIn(Schema):
    mode: ModeChoice


def _event(slug: str) -> Event:
    event = selectors.event_get(slug=slug)
    if event is None:
        raise HttpError(404, "No event with that slug")
    return event


def _session(session_id: int) -> Session:
    session = selectors.session_get(pk=session_id)
    if session is None:
        raise HttpError(404, "No session with that id")
    return session


def _own_booking(request: HttpRequest, booking_id: int) -> Booking:
    """The caller's own booking (the selector the web pages use); 404 for anyone else's."""
    try:
        return selectors.booking_get_for_owner(owner=request.auth, pk=booking_id)
    except Http404 as error:
        raise HttpError(404, "No booking of yours with that id") from error


@router.get("/events", response=list[EventOut], summary="List upcoming events")
def event_list(request: HttpRequest) -> Any:
    return list(selectors.event_list()[:100])


@router.get(
    "/events/{event_slug}",
    response={200: EventDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="An event with its sessions and live availability per mode",
)
def event_detail(request: HttpRequest, event_slug: str = Path(..., max_length=200)) -> Any:
    event = _event(event_slug)
    sessions = list(selectors.sessions_with_counts(event=event))
    return {
        **{field: getattr(event, field) for field in EventOut.model_fields},
        "sessions": sessions,
    }


@router.get(
    "/sessions/{session_id}",
    response={200: SessionOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="One session with live availability per mode",
)
def session_detail(request: HttpRequest, session_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return _session(session_id)


@router.get(
    "/me/bookings",
    response={200: list[BookingOut], 401: ErrorOut},
    auth=api_token_auth,
    summary="Your bookings, including waiting lists and pending switches",
)
def my_bookings(request: HttpRequest) -> Any:
    return list(selectors.user_bookings(user=request.auth)[:200])


@router.post(
    "/sessions/{session_id}/bookings",
    response={201: BookingOut, **WRITE_ERROR_RESPONSES},
    auth=api_token_auth,
    summary="Book a session (confirmed if the mode has a place, else waitlisted)",
)
def booking_create(
    request: HttpRequest, payload: BookingIn, session_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    # The service reads the session itself, under its lock: no read here first.
    try:
        booking = services.booking_create(
            user=request.auth,
            session=session_id,
            mode=payload.mode,
            access_needs=payload.access_needs,
            dietary_requirements=payload.dietary_requirements,
        )
    except services.SessionNotFoundError as error:
        raise HttpError(404, "No session with that id") from error
    except services.BookingError as error:
        raise HttpError(400, str(error.message)) from error
    return Status(201, booking)


@router.post(
    "/me/bookings/{booking_id}/switch",
    response={200: BookingOut, **WRITE_ERROR_RESPONSES},
    auth=api_token_auth,
    summary="Switch mode; if full you wait there and keep your current place",
)
def booking_switch(
    request: HttpRequest, payload: SwitchIn, booking_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    booking = _own_booking(request, booking_id)
    try:
        return services.booking_switch_mode(
            user=request.auth, booking=booking, mode=Mode(payload.mode)
        )
    except services.BookingError as error:
        raise HttpError(400, str(error.message)) from error


@router.post(
    "/me/bookings/{booking_id}/cancel",
    response={200: BookingOut, **WRITE_ERROR_RESPONSES},
    auth=api_token_auth,
    summary="Cancel a booking; the place goes to the next person waiting",
)
def booking_cancel(request: HttpRequest, booking_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    booking = _own_booking(request, booking_id)
    try:
        return services.booking_cancel(user=request.auth, booking=booking)
    except services.BookingError as error:
        raise HttpError(400, str(error.message)) from error
