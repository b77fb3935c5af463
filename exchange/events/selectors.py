"""Reads for events and bookings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from exchange.core.permissions import Perm, permission_holders
from exchange.core.tokens import token_digest
from exchange.events.models import (
    ACTIVE_STATES,
    SEAT_STATES,
    Booking,
    BookingState,
    BookingTransfer,
    CalendarFeed,
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


def booking_get_for_owner(*, owner: Any, pk: int) -> Booking:
    """One of `owner`'s own bookings; Http404 for anyone else's (no one learns it exists)."""
    booking = (
        Booking.objects.filter(user_id=getattr(owner, "pk", None), pk=pk)
        .select_related("session", "session__event", "replaces")
        .first()
    )
    if booking is None:
        raise Http404
    return booking


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


# Organisers ------------------------------------------------------------------------------------
# "Organises this event" is decided here, once: the views, the API and the services
# (exchange.events.services._organiser_check) all ask `event_organised_by`.


def event_organised_by(*, user: Any, event: Event) -> bool:
    """Organisers run the events whose team lists them; administrators run every event."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(Perm.MANAGE_EVENTS):
        return False
    if user.is_superuser or user.has_perm("events.delete_event"):
        return True
    return event.organisers.filter(pk=user.pk).exists()


def _organiser_or_403(actor: Any, event: Event) -> None:
    if not event_organised_by(user=actor, event=event):
        raise PermissionDenied


def event_get_for_organiser(*, actor: Any, slug: str) -> Event:
    """The event if `actor` organises it; Http404 if there is none, PermissionDenied if they
    do not (event pages are public, so its existence is no secret)."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise Http404
    _organiser_or_403(actor, event)
    return event


def session_get_for_organiser(*, actor: Any, pk: int) -> Session:
    """A session (with its seat counts) of an event `actor` organises."""
    session = session_get(pk=pk)
    if session is None:
        raise Http404
    _organiser_or_403(actor, session.event)
    return session


def booking_get_for_organiser(*, actor: Any, pk: int) -> Booking:
    """Anyone's booking on a session of an event `actor` organises (check-in)."""
    booking = Booking.objects.select_related("user", "session__event").filter(pk=pk).first()
    if booking is None:
        raise Http404
    _organiser_or_403(actor, booking.session.event)
    return booking


def event_team(*, event: Event) -> list[Any]:
    return list(event.organisers.order_by("display_name", "pk"))


def organiser_candidates(*, event: Event) -> QuerySet[Any]:
    """People holding the Organiser role (or administrators) not yet on the event's team."""
    return (
        permission_holders(Perm.MANAGE_EVENTS)
        .exclude(organised_events=event)
        .order_by("display_name", "pk")
    )


# Tokens ---------------------------------------------------------------------------------------


def calendar_feed_get_by_token(*, token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(digest=token_digest(token)).select_related("user").first()


def user_calendar_feed(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def booking_transfer_get_by_token(*, token: str) -> BookingTransfer | None:
    return (
        BookingTransfer.objects.filter(digest=token_digest(token))
        .select_related("booking__session__event", "sender")
        .first()
    )


def booking_transfer_open(*, booking: Booking) -> BookingTransfer | None:
    """The invitation waiting to be claimed for this booking, if any."""
    return (
        BookingTransfer.objects.filter(
            booking=booking,
            claimed_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def user_open_transfers(*, user: Any) -> dict[int, BookingTransfer]:
    """The person's invitations still waiting to be claimed, by booking id (one query)."""
    invitations = BookingTransfer.objects.filter(
        sender=user,
        booking__user=user,
        claimed_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return {invitation.booking_id: invitation for invitation in invitations}


def user_has_address(*, user: Any, email: str) -> bool:
    """`user` signs in with `email` (a verified address of their account)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
