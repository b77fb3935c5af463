"""Reads for events and bookings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from exchange.events.models import (
    ACTIVE_STATES,
    SEAT_STATES,
    Booking,
    BookingState,
    Event,
    Mode,
    Session,
)

JOIN_LINK_LEAD = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ModeAvailability:
    mode: str
    label: str
    capacity: int | None  # None: unlimited
    taken: int
    waiting: int

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def event_list() -> QuerySet[Event]:
    return Event.objects.filter(ends_at__gte=timezone.now() - dt.timedelta(days=30)).order_by(
        "starts_at", "pk"
    )


def event_get(*, slug: str) -> Event | None:
    return Event.objects.filter(slug=slug).first()


def sessions_with_counts(*, event: Event | None = None) -> QuerySet[Session]:
    """Sessions annotated with seats taken and people waiting per mode (one query)."""
    queryset = Session.objects.select_related("event")
    if event is not None:
        queryset = queryset.filter(event=event)
    annotations = {}
    for mode in Mode.values:
        annotations[f"taken_{mode}"] = Count(
            "bookings", filter=Q(bookings__mode=mode, bookings__state__in=SEAT_STATES)
        )
        annotations[f"waiting_{mode}"] = Count(
            "bookings",
            filter=Q(bookings__mode=mode, bookings__state=BookingState.WAITLISTED),
        )
    return queryset.annotate(**annotations).order_by("starts_at", "pk")


def session_availability(session: Session) -> list[ModeAvailability]:
    """Per-mode availability; uses the annotations of sessions_with_counts when present."""
    result = []
    for mode in session.modes:
        taken = getattr(session, f"taken_{mode}", None)
        waiting = getattr(session, f"waiting_{mode}", None)
        if taken is None or waiting is None:
            taken = Booking.objects.filter(
                session=session, mode=mode, state__in=SEAT_STATES
            ).count()
            waiting = Booking.objects.filter(
                session=session, mode=mode, state=BookingState.WAITLISTED
            ).count()
        result.append(
            ModeAvailability(
                mode=mode,
                label=str(Mode(mode).label),
                capacity=session.capacity(mode),
                taken=taken,
                waiting=waiting,
            )
        )
    return result


def session_get(*, pk: int) -> Session | None:
    return sessions_with_counts().filter(pk=pk).first()


def _ahead_in_queue() -> Coalesce:
    """How many people wait before this booking in its session and mode (one subquery)."""
    ahead = (
        Booking.objects.filter(
            session=OuterRef("session"),
            mode=OuterRef("mode"),
            state=BookingState.WAITLISTED,
            pk__lt=OuterRef("pk"),
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), 0)


def waitlist_position(booking: Booking) -> int | None:
    """1 for the first person waiting in the booking's mode; None when not waiting."""
    if booking.state != BookingState.WAITLISTED:
        return None
    if hasattr(booking, "ahead"):
        return int(booking.ahead) + 1
    return (
        Booking.objects.filter(
            session_id=booking.session_id,
            mode=booking.mode,
            state=BookingState.WAITLISTED,
            pk__lt=booking.pk,
        ).count()
        + 1
    )


def user_bookings(*, user: Any) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(user=user, state__in=ACTIVE_STATES)
        .annotate(ahead=_ahead_in_queue())
        .select_related("session", "session__event", "replaces")
        .order_by("session__starts_at", "pk")
    )


def user_event_places(*, user: Any, event: Event) -> dict[int, Booking]:
    """The person's place in each session of the event (not a pending switch), by session id."""
    if not getattr(user, "is_authenticated", False):
        return {}
    bookings = Booking.objects.filter(
        user=user, session__event=event, state__in=ACTIVE_STATES, replaces__isnull=True
    )
    return {booking.session_id: booking for booking in bookings}


def user_event_booked_session_ids(*, user: Any, event: Event) -> set[int]:
    return set(
        Booking.objects.filter(
            user=user, session__event=event, state__in=ACTIVE_STATES
        ).values_list("session_id", flat=True)
    )


def user_calendar_bookings(*, user: Any) -> QuerySet[Booking]:
    """What goes in the person's calendar feed: places they hold or attended."""
    return (
        Booking.objects.filter(user=user, state__in=(BookingState.CONFIRMED, BookingState.ATTENDED))
        .select_related("session", "session__event")
        .order_by("session__starts_at")
    )


def user_had_place(*, user: Any, session: Session) -> bool:
    return Booking.objects.filter(
        user=user, session=session, state__in=(BookingState.CONFIRMED, BookingState.ATTENDED)
    ).exists()


def user_booking_get(*, user: Any, pk: int) -> Booking | None:
    return (
        Booking.objects.filter(user=user, pk=pk)
        .select_related("session", "session__event", "replaces")
        .first()
    )


def user_active_booking(*, user: Any, session: Session) -> Booking | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Booking.objects.filter(
            user=user, session=session, state__in=ACTIVE_STATES, replaces__isnull=True
        )
        .select_related("switch_request")
        .first()
    )


def booking_clashes(*, user: Any, session: Session) -> list[Session]:
    """The person's other booked sessions that overlap this one in time."""
    return list(
        Session.objects.filter(
            bookings__user=user,
            bookings__state__in=ACTIVE_STATES,
            starts_at__lt=session.ends_at,
            ends_at__gt=session.starts_at,
            is_cancelled=False,
        )
        .exclude(pk=session.pk)
        .distinct()
        .order_by("starts_at")
    )


def join_link_visible(*, booking: Booking, now: dt.datetime | None = None) -> bool:
    """Confirmed online attendees see the join link from an hour before the start."""
    now = now or timezone.now()
    session = booking.session
    return (
        booking.state in (BookingState.CONFIRMED, BookingState.ATTENDED)
        and booking.mode == Mode.ONLINE
        and bool(session.online_join_url)
        and now >= session.starts_at - JOIN_LINK_LEAD
        and now <= session.ends_at
    )


def session_counts(*, session: Session) -> dict[str, dict[str, int]]:
    """Bookings per mode and state, for the organiser dashboard."""
    counts: dict[str, dict[str, int]] = {
        mode: dict.fromkeys(BookingState.values, 0) for mode in session.modes
    }
    rows = Booking.objects.filter(session=session).values("mode", "state").annotate(n=Count("pk"))
    for row in rows:
        counts.setdefault(row["mode"], dict.fromkeys(BookingState.values, 0))
        counts[row["mode"]][row["state"]] = row["n"]
    return counts


def session_attendees(*, session: Session, query: str = "") -> QuerySet[Booking]:
    queryset = Booking.objects.filter(session=session).select_related("user").order_by("mode", "pk")
    query = query.strip()
    if query:
        queryset = queryset.filter(
            Q(user__display_name__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
        )
    return queryset


def event_sessions_prefetched(*, event: Event) -> QuerySet[Event]:
    return Event.objects.filter(pk=event.pk).prefetch_related(
        Prefetch("sessions", queryset=sessions_with_counts(event=event))
    )


def event_manageable_by(*, user: Any, event: Event) -> bool:
    """Organisers manage the events they are listed on; administrators manage every event."""
    if not user.has_perm("events.change_event"):
        return False
    if user.is_superuser or user.has_perm("events.delete_event"):
        return True
    return event.organisers.filter(pk=user.pk).exists()
