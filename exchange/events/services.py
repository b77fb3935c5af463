"""Writes for events and bookings.

Concurrency rule (pretix style): every change that can take or free a seat runs inside
`_seat_transaction` (an atomic block that keeps the disk flush out of the lock) and first locks the rows of the sessions involved with
`SELECT ... FOR UPDATE`, always ordered by primary key (`_sessions_lock`), so two requests for
the same sessions queue up instead of both reading "one seat left", and requests for several
sessions can never deadlock. Seats are counted only after the lock is held. With the lock, a
session never holds more confirmed + offered + attended bookings per mode than its capacity.
On SQLite `select_for_update` does nothing, but the project opens every transaction with
`BEGIN IMMEDIATE`, which serialises writers for the whole file.

`LOCKING` exists only so that the concurrency tests can show the race without the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchange.core.models import AuditEntry
from exchange.core.services import audit_log, email_send, per_minute_count
from exchange.core.tokens import token_digest, token_new
from exchange.events.models import (
    ACTIVE_STATES,
    SEAT_STATES,
    Booking,
    BookingState,
    BookingTransfer,
    CalendarFeed,
    Event,
    Improvement,
    Mode,
    PromotionPolicy,
    Session,
)
from exchange.events.selectors import (
    booking_transfer_get_by_token,
    event_organised_by,
    organiser_candidates,
    user_has_address,
)

# Tests switch this off to show that the lock is what prevents overbooking.
LOCKING = True
# How long a colleague has to claim a place passed to them (never beyond the session's start).
TRANSFER_INVITATION_LIFETIME = dt.timedelta(days=7)
# Each invitation emails an address someone typed: a few a minute stops anyone using the site
# to flood an inbox.
TRANSFER_INVITATIONS_PER_MINUTE = 3


class BookingError(Exception):
    """A booking request that cannot be met; `message` is shown to the person."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class OfferExpiredError(BookingError):
    pass


class SessionNotFoundError(BookingError):
    pass


class TransferClaimError(BookingError):
    """An invitation link that cannot be used; `status` is the HTTP status to answer with."""

    def __init__(self, message: Any, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def _organiser_check(actor: Any, event: Event) -> None:
    """Organiser services act only for someone who organises the event (or an administrator)."""
    if not event_organised_by(user=actor, event=event):
        raise PermissionDenied


@contextmanager
def _seat_transaction() -> Iterator[None]:
    """`transaction.atomic()` for work under the seat lock, which is held until the commit.

    On PostgreSQL an outermost transaction commits without waiting for the disk
    (`synchronous_commit` off for this transaction only), so the lock is released as soon as
    the commit is written instead of after a WAL flush: an fsync takes about 5 ms on the
    benchmark machine, more than everything else done under the lock, and would otherwise
    cap bookings at about 180 a second per session. Durability is then awaited outside the
    lock: a synchronous commit of a transaction that has an id (`pg_current_xact_id()`)
    returns only once the WAL up to it, and so this transaction too, is on disk. Nobody is
    told "booked" before the booking is safe, and concurrent requests share those flushes.
    Inside an outer transaction (a caller's atomic block, most tests) this is a plain
    savepoint and the outer commit decides.
    """
    outermost = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
    if outermost:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")


def _sessions_lock(session_ids: Iterable[int]) -> dict[int, Session]:
    """Lock the sessions' rows in primary-key order and return them fresh from the database."""
    queryset = Session.objects.select_related("event").filter(pk__in=set(session_ids))
    if LOCKING:
        queryset = queryset.select_for_update(of=("self",))
    return {session.pk: session for session in queryset.order_by("pk")}


class SeatCounts(NamedTuple):
    taken: int
    waiting: int

    def has_free_seat(self, capacity: int | None) -> bool:
        return capacity is None or self.taken < capacity


def seat_counts(*, session: Session, mode: str) -> SeatCounts:
    """Seats held and people waiting in a mode, in one query.

    Callers deciding on a seat must hold the session's lock. Written as SQL rather than an ORM
    aggregate because it runs while the lock is held, on every booking: compiling the aggregate
    cost about 0.5 ms of CPU, a quarter of the time the lock was held and so of the most
    bookings a session can take per second. The query is the same on SQLite and PostgreSQL.
    """
    with connection.cursor() as cursor:
        cursor.execute(_SEAT_COUNTS_SQL, {"session": session.pk, "mode": mode})
        taken, waiting = cursor.fetchone()
    return SeatCounts(taken=taken, waiting=waiting)


def _sql_list(values: Sequence[str]) -> str:
    """Literal SQL for a tuple of our own constants (never user input)."""
    return ", ".join(f"'{value}'" for value in values)


# Also the first step of _BOOK_SEAT_SQL, so both decide on the same counts.
_SEAT_COUNTS_SQL = f"""
SELECT COALESCE(SUM(CASE WHEN state IN ({_sql_list(SEAT_STATES)}) THEN 1 ELSE 0 END), 0) AS taken,
       COALESCE(SUM(CASE WHEN state = '{BookingState.WAITLISTED}' THEN 1 ELSE 0 END), 0) AS waiting
FROM {Booking._meta.db_table}
WHERE session_id = %(session)s AND mode = %(mode)s AND state IN ({_sql_list(ACTIVE_STATES)})
"""


def _has_free_seat(session: Session, mode: str) -> bool:
    capacity = session.capacity(mode)
    if capacity is None:
        return True
    return seat_counts(session=session, mode=mode).has_free_seat(capacity)


def _check_bookable(session: Session | None, mode: str) -> Session:
    if session is None:
        raise SessionNotFoundError(_("This session does not exist."))
    if mode not in Mode.values:
        raise BookingError(_("Choose how you will attend: in person or online."))
    if session.is_cancelled:
        raise BookingError(_("This session has been cancelled."))
    if not session.event.bookings_open:
        raise BookingError(_("Bookings for this event are closed."))
    if session.starts_at <= timezone.now():
        raise BookingError(_("This session has already started."))
    if mode not in session.modes:
        raise BookingError(
            _("This session cannot be attended %(mode)s.") % {"mode": Mode(mode).label.lower()}
        )
    return session


def _seat_or_queue(session: Session, mode: str) -> tuple[str, int]:
    """The state a new booking gets, and how many people wait ahead of it.

    Caller holds the session's lock. One query when nobody is waiting or the mode is full.
    """
    capacity = session.capacity(mode)
    counts = seat_counts(session=session, mode=mode)
    if counts.waiting and counts.has_free_seat(capacity):
        # Nobody jumps the queue: a free seat with people waiting (capacity was raised) goes
        # to them first; the newcomer gets a seat only if one is still free after that.
        _promote(session, mode, now=timezone.now())
        counts = seat_counts(session=session, mode=mode)
    if counts.waiting or not counts.has_free_seat(capacity):
        return BookingState.WAITLISTED, counts.waiting
    return BookingState.CONFIRMED, 0


def _active_booking(user: Any, session: Session) -> Booking | None:
    return Booking.objects.filter(
        user=user, session=session, state__in=(*SEAT_STATES, BookingState.WAITLISTED)
    ).first()


def bookings_create(
    *,
    user: Any,
    choices: Sequence[tuple[Session | int, str]],
    access_needs: str = "",
    dietary_requirements: str = "",
) -> list[Booking]:
    """Book several sessions at once (e.g. the whole event), each in its own mode.

    Sessions may be given as objects or ids: either way they are read afresh under the lock.
    All or nothing: if any one cannot be booked, nothing is. Full modes put the person on that
    mode's waiting list; a waiting booking carries `ahead` (people before it in the queue), so
    showing its position needs no query.

    The lock is held from the session read to the commit, so this does only what deciding
    on the seat needs while holding it: count the mode, insert the booking and its audit entry
    (one statement on PostgreSQL, `_book_seat_in_one_statement`). A duplicate booking is refused by the database's unique constraint rather
    than a query first; the confirmation email is queued after the commit.
    """
    session_ids = sorted({_session_id(given) for given, _mode in choices})
    with _seat_transaction():
        sessions = _sessions_lock(session_ids)
        bookings = []
        for given, mode in sorted(choices, key=lambda choice: _session_id(choice[0])):
            session = _check_bookable(sessions.get(_session_id(given)), mode)
            try:
                # No savepoint: a duplicate fails the whole request, which rolls back.
                booking = _book_seat(
                    user=user,
                    session=session,
                    mode=mode,
                    access_needs=access_needs.strip(),
                    dietary_requirements=dietary_requirements.strip(),
                )
            except IntegrityError as error:
                raise BookingError(
                    _("You have already booked “%(title)s”.") % {"title": session.title}
                ) from error
            bookings.append(booking)
        _notify_on_commit(b.pk for b in bookings if b.state == BookingState.CONFIRMED)
        _notify_on_commit(
            (b.pk for b in bookings if b.state == BookingState.WAITLISTED), kind="waitlisted"
        )
        return bookings


def _book_seat(
    *, user: Any, session: Session, mode: str, access_needs: str, dietary_requirements: str
) -> Booking:
    """Insert one booking and its audit entry, confirmed or waitlisted. Caller holds the lock."""
    fields = {"access_needs": access_needs, "dietary_requirements": dietary_requirements}
    if connection.vendor == "postgresql":
        booking = _book_seat_in_one_statement(user=user, session=session, mode=mode, **fields)
        if booking is not None:
            return booking
    state, ahead = _seat_or_queue(session, mode)
    booking = Booking(user=user, session=session, mode=mode, state=state, **fields)
    booking.save(force_insert=True)
    if state == BookingState.WAITLISTED:
        booking.ahead = ahead
    audit_log(actor=user, action="booking.create", target=booking, state=booking.state)
    return booking


def _book_seat_in_one_statement(
    *, user: Any, session: Session, mode: str, access_needs: str, dietary_requirements: str
) -> Booking | None:
    """PostgreSQL: count the mode, insert the booking and its audit entry in one statement.

    Everything here runs while the session's lock is held, and the lock decides how many
    bookings a session can take per second: three statements (count, booking, audit entry)
    cost three round trips and two ORM compilations, most of the time the lock was held.
    As one statement they cost one. It decides exactly as `_seat_or_queue` does, and returns
    None, inserting nothing, in the one case it leaves to that: a free seat while people are
    waiting (capacity was raised), where the queue is served first.
    """
    capacity = session.capacity(mode)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _BOOK_SEAT_SQL,
            {
                "user": user.pk,
                "session": session.pk,
                "mode": mode,
                "unlimited": capacity is None,
                "capacity": capacity or 0,
                "access_needs": access_needs,
                "dietary_requirements": dietary_requirements,
                "now": now,
                "content_type": ContentType.objects.get_for_model(Booking).pk,
                "repr_confirmed": Booking.describe(session, mode, BookingState.CONFIRMED)[:255],
                "repr_waitlisted": Booking.describe(session, mode, BookingState.WAITLISTED)[:255],
            },
        )
        _taken, waiting, booking_id, state = cursor.fetchone()
    if booking_id is None:
        return None
    booking = Booking(
        pk=booking_id,
        user=user,
        session=session,
        mode=mode,
        state=state,
        access_needs=access_needs,
        dietary_requirements=dietary_requirements,
        created_at=now,
        updated_at=now,
    )
    booking._state.adding = False
    booking._state.db = connection.alias
    if state == BookingState.WAITLISTED:
        booking.ahead = waiting
    return booking


_BOOK_SEAT_SQL = f"""
WITH counts AS ({_SEAT_COUNTS_SQL}), decision AS (
    SELECT taken, waiting,
           CASE WHEN NOT (%(unlimited)s OR taken < %(capacity)s) THEN '{BookingState.WAITLISTED}'
                WHEN waiting = 0 THEN '{BookingState.CONFIRMED}'
           END AS state
    FROM counts
), inserted AS (
    INSERT INTO {Booking._meta.db_table}
        (user_id, session_id, mode, state, access_needs, dietary_requirements, cancel_reason,
         created_at, updated_at)
    SELECT %(user)s, %(session)s, %(mode)s, state, %(access_needs)s, %(dietary_requirements)s,
           '', %(now)s, %(now)s
    FROM decision WHERE state IS NOT NULL
    RETURNING id, state
), audited AS (
    INSERT INTO {AuditEntry._meta.db_table}
        (actor_id, action, target_type_id, target_id, target_repr, data, created_at)
    SELECT %(user)s, 'booking.create', %(content_type)s, id::text,
           CASE state WHEN '{BookingState.CONFIRMED}' THEN %(repr_confirmed)s
                      ELSE %(repr_waitlisted)s END,
           jsonb_build_object('state', state), %(now)s
    FROM inserted
)
SELECT decision.taken, decision.waiting, inserted.id, inserted.state
FROM decision LEFT JOIN inserted ON TRUE
"""


def _session_id(session: Session | int) -> int:
    return session if isinstance(session, int) else session.pk


def booking_create(
    *,
    user: Any,
    session: Session | int,
    mode: str,
    access_needs: str = "",
    dietary_requirements: str = "",
) -> Booking:
    """Book one session: confirmed if the mode has a free seat, else on its waiting list."""
    return bookings_create(
        user=user,
        choices=[(session, mode)],
        access_needs=access_needs,
        dietary_requirements=dietary_requirements,
    )[0]


def _booking_locked(booking: Booking) -> tuple[Booking, Session]:
    """Lock the booking's session, then re-read the booking (its state may have changed)."""
    session = _sessions_lock([booking.session_id])[booking.session_id]
    return Booking.objects.select_related("replaces").get(pk=booking.pk), session


def _promote(session: Session, mode: str, *, now: dt.datetime) -> list[Booking]:
    """Give freed seats in a mode to the people waiting, first come first served.

    Caller holds the session's lock. A switch request that gets a seat releases the person's
    old place, which is then passed on in its own mode.
    """
    promoted: list[Booking] = []
    pending_modes = [mode]
    while pending_modes:
        current = pending_modes.pop(0)
        while _has_free_seat(session, current):
            waiting = (
                Booking.objects.filter(session=session, mode=current, state=BookingState.WAITLISTED)
                .order_by("pk")
                .first()
            )
            if waiting is None:
                break
            if session.event.promotion_policy == PromotionPolicy.OFFER:
                waiting.state = BookingState.OFFERED
                waiting.offer_expires_at = now + session.event.offer_duration
                waiting.save(update_fields=["state", "offer_expires_at", "updated_at"])
                audit_log(actor=None, action="booking.offer", target=waiting)
                _notify_on_commit([waiting.pk], kind="offered")
            else:
                released = _confirm(waiting, kind="promoted")
                if released is not None:
                    pending_modes.append(released)
            promoted.append(waiting)
    return promoted


def _confirm(booking: Booking, *, kind: str = "confirmed") -> str | None:
    """Confirm a booking; if it was a switch, cancel the old place and return its mode.

    `kind` is the email the person gets: "promoted" when a place came free while they waited.
    """
    released_mode = None
    old = booking.replaces
    if old is not None:
        if old.state in SEAT_STATES:
            released_mode = old.mode
        old.state = BookingState.CANCELLED
        old.cancel_reason = "switched"
        old.save(update_fields=["state", "cancel_reason", "updated_at"])
        booking.replaces = None
        # Carry over what organisers need to know.
        booking.access_needs = booking.access_needs or old.access_needs
        booking.dietary_requirements = booking.dietary_requirements or old.dietary_requirements
    booking.state = BookingState.CONFIRMED
    booking.offer_expires_at = None
    booking.save()
    audit_log(actor=None, action="booking.confirm", target=booking)
    _notify_on_commit([booking.pk], kind=kind)
    return released_mode


def _notify_on_commit(booking_ids: Iterable[int], *, kind: str = "confirmed") -> None:
    """Queue a booking email of `kind` (see `booking_confirmation_send`) after the commit."""
    from exchange.events.tasks import booking_confirmation_send

    for booking_id in list(booking_ids):
        transaction.on_commit(
            lambda booking_id=booking_id: booking_confirmation_send.enqueue(
                booking_id=booking_id, kind=kind
            )
        )


def booking_switch_mode(*, user: Any, booking: Booking, mode: str) -> Booking:
    """Move a booking to another mode in one step.

    If the new mode has a free seat the person moves at once (the old seat is passed on).
    Otherwise they join the new mode's waiting list and KEEP their current place until a seat
    comes free; returns the booking that now represents the request.

    The same holds for someone still waiting: they keep their place in the old queue while
    they wait in the new one. Whichever comes first wins: a seat in the new mode cancels the
    old waiting-list booking; a seat in the old mode is theirs, and they go on waiting to
    switch exactly as if they had switched from a confirmed place.
    """
    with _seat_transaction():
        booking, session = _booking_locked(booking)
        if booking.user_id != user.pk or booking.replaces_id is not None:
            raise BookingError(_("You can only switch your own booking."))
        if booking.state not in (BookingState.CONFIRMED, BookingState.WAITLISTED):
            raise BookingError(_("Only a confirmed or waiting booking can be switched."))
        if mode == booking.mode:
            raise BookingError(_("You are already booked for that way of attending."))
        _check_bookable(session, mode)
        now = timezone.now()
        existing = Booking.objects.filter(replaces=booking, state=BookingState.WAITLISTED).first()
        if existing is not None:
            raise BookingError(_("You are already waiting to switch."))
        state, ahead = _seat_or_queue(session, mode)
        new = Booking.objects.create(
            user=booking.user,
            session=session,
            mode=mode,
            state=BookingState.WAITLISTED,
            replaces=booking,
            access_needs=booking.access_needs,
            dietary_requirements=booking.dietary_requirements,
        )
        new.ahead = ahead
        audit_log(actor=user, action="booking.switch", target=new, state=state)
        if state == BookingState.CONFIRMED:
            released = _confirm(new)
            if released:
                _promote(session, released, now=now)
        else:
            _notify_on_commit([new.pk], kind="waitlisted")
        return new


def booking_cancel(*, user: Any, booking: Booking, by_organiser: bool = False) -> Booking:
    """Cancel a booking (or decline an offer, or withdraw a switch request).

    A freed seat goes to the first person waiting in that mode: confirmed at once, or offered
    for the event's offer time, per the event's setting.
    """
    with _seat_transaction():
        booking, session = _booking_locked(booking)
        if by_organiser:
            _organiser_check(user, session.event)
        elif booking.user_id != user.pk:
            raise BookingError(_("You can only cancel your own booking."))
        if booking.state not in (*SEAT_STATES, BookingState.WAITLISTED):
            raise BookingError(_("This booking is already cancelled."))
        if booking.state == BookingState.ATTENDED:
            raise BookingError(_("You cannot cancel a session you have attended."))
        freed = booking.state in SEAT_STATES
        booking.state = BookingState.CANCELLED
        booking.cancel_reason = "organiser" if by_organiser else "cancelled"
        booking.offer_expires_at = None
        booking.save(update_fields=["state", "cancel_reason", "offer_expires_at", "updated_at"])
        # A pending switch request goes with the booking it would replace.
        Booking.objects.filter(replaces=booking, state__in=(*SEAT_STATES, "waitlisted")).update(
            state=BookingState.CANCELLED, cancel_reason="cancelled", offer_expires_at=None
        )
        audit_log(actor=user, action="booking.cancel", target=booking)
        if booking.replaces_id is None:
            # Withdrawing a switch request changes nothing the person holds: no email.
            _notify_on_commit([booking.pk], kind="cancelled")
        if freed:
            now = timezone.now()
            for mode in session.modes:
                _promote(session, mode, now=now)
        return booking


def offer_accept(*, user: Any, booking: Booking) -> Booking:
    """Take an offered place before it expires."""
    with _seat_transaction():
        booking, session = _booking_locked(booking)
        if booking.user_id != user.pk:
            raise BookingError(_("This offer is not yours."))
        if booking.state != BookingState.OFFERED:
            raise BookingError(_("There is no open offer on this booking."))
        now = timezone.now()
        if booking.offer_expires_at is None or booking.offer_expires_at <= now:
            raise OfferExpiredError(_("This offer has expired and the place has been passed on."))
        released = _confirm(booking)
        audit_log(actor=user, action="booking.offer_accept", target=booking)
        if released:
            _promote(session, released, now=now)
        return booking


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Cancel offers past their expiry and pass each place on. Returns how many expired.

    Idempotent; run on a schedule (exchange.events.tasks.offers_expire_task).
    """
    now = now or timezone.now()
    session_ids = sorted(
        set(
            Booking.objects.filter(
                state=BookingState.OFFERED, offer_expires_at__lte=now
            ).values_list("session_id", flat=True)
        )
    )
    expired = 0
    for session_id in session_ids:
        with _seat_transaction():
            session = _sessions_lock([session_id]).get(session_id)
            if session is None:
                continue
            stale = list(
                Booking.objects.filter(
                    session=session, state=BookingState.OFFERED, offer_expires_at__lte=now
                )
            )
            for booking in stale:
                booking.state = BookingState.CANCELLED
                booking.cancel_reason = "offer_expired"
                booking.offer_expires_at = None
                booking.save(
                    update_fields=["state", "cancel_reason", "offer_expires_at", "updated_at"]
                )
                audit_log(actor=None, action="booking.offer_expire", target=booking)
                # Someone who was waiting to switch away from this place still wants the
                # other mode: their request stays in that queue on its own.
                Booking.objects.filter(replaces=booking, state__in=ACTIVE_STATES).update(
                    replaces=None
                )
            expired += len(stale)
            for mode in session.modes:
                _promote(session, mode, now=now)
    return expired


def booking_transfer_invite(*, actor: Any, booking: Booking, email: str) -> BookingTransfer:
    """Invite a colleague, by email address, to take `actor`'s confirmed place.

    The same email goes to the address whether or not it has an account, and the caller learns
    nothing about it: the place stays `actor`'s until the colleague claims it
    (`booking_transfer_claim`). A new invitation for the same booking replaces the old one.
    """
    email = email.strip()
    with transaction.atomic():
        booking = Booking.objects.select_related("session__event").get(pk=booking.pk)
        if booking.user_id != actor.pk:
            raise BookingError(_("You can only transfer your own booking."))
        if booking.state != BookingState.CONFIRMED or booking.replaces_id is not None:
            raise BookingError(_("Only a confirmed place can be transferred."))
        session = booking.session
        now = timezone.now()
        if session.is_cancelled:
            raise BookingError(_("This session has been cancelled."))
        if session.starts_at <= now:
            raise BookingError(_("This session has already started."))
        if email.lower() == (actor.email or "").lower():
            raise BookingError(_("Enter your colleague's email address, not your own."))
        if per_minute_count(key=f"events:transfer:{actor.pk}") > TRANSFER_INVITATIONS_PER_MINUTE:
            raise BookingError(
                _(
                    "You have sent several invitations in the last minute. Wait a minute, then try again."
                )
            )
        _transfers_withdraw(booking, now=now)
        raw = token_new()
        invitation = BookingTransfer.objects.create(
            booking=booking,
            sender=actor,
            email=email,
            digest=token_digest(raw),
            created_at=now,
            expires_at=min(now + TRANSFER_INVITATION_LIFETIME, session.starts_at),
        )
        email_send(
            to=[email],
            template="emails/booking_transfer_invitation",
            context={
                "sender": actor.public_name,
                "session": session,
                "event": session.event,
                "mode": booking.get_mode_display(),
                "expires_at": invitation.expires_at,
                "claim_url": settings.SITE_URL
                + reverse("events:transfer_claim", kwargs={"token": raw}),
            },
        )
        # The address is personal data of someone who has not agreed to anything: not logged.
        audit_log(actor=actor, action="booking.transfer_invite", target=booking)
        return invitation


def _transfers_withdraw(booking: Booking, *, now: dt.datetime) -> int:
    return BookingTransfer.objects.filter(
        booking=booking, claimed_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)


def booking_transfer_withdraw(*, actor: Any, booking: Booking) -> None:
    """Take back an invitation not yet claimed; its link stops working."""
    with transaction.atomic():
        if booking.user_id != actor.pk:
            raise BookingError(_("You can only transfer your own booking."))
        if _transfers_withdraw(booking, now=timezone.now()):
            audit_log(actor=actor, action="booking.transfer_withdraw", target=booking)


def _invitation_usable(invitation: BookingTransfer | None, *, now: dt.datetime) -> BookingTransfer:
    if invitation is None:
        raise TransferClaimError(
            _(
                "This invitation link is not valid. Check that you copied the whole link from "
                "the email."
            ),
            status=404,
        )
    if invitation.claimed_at is not None:
        raise TransferClaimError(_("This place has already been claimed."), status=410)
    booking = invitation.booking
    if (
        invitation.withdrawn_at is not None
        or invitation.expires_at <= now
        or booking.user_id != invitation.sender_id
        or booking.state != BookingState.CONFIRMED
        or booking.session.is_cancelled
        or booking.session.starts_at <= now
    ):
        raise TransferClaimError(
            _(
                "This invitation has expired or was withdrawn. Ask your colleague to pass "
                "their place to you again."
            ),
            status=410,
        )
    return invitation


def booking_transfer_check(*, token: str, now: dt.datetime | None = None) -> BookingTransfer:
    """The invitation this token opens if it can still be claimed, else TransferClaimError."""
    return _invitation_usable(booking_transfer_get_by_token(token=token), now=now or timezone.now())


def booking_transfer_claim(*, actor: Any, token: str) -> Booking:
    """Take the place an invitation offers: the booking moves from the sender to `actor`.

    Only an account that signs in with the invited address may claim it (someone the link was
    forwarded to cannot). The seat never changes hands through the waiting list: the booking
    itself moves, under the session's lock.
    """
    with _seat_transaction():
        found = _invitation_usable(booking_transfer_get_by_token(token=token), now=timezone.now())
        _sessions_lock([found.booking.session_id])
        # Read again under the lock: it may have been claimed or withdrawn meanwhile.
        invitation = BookingTransfer.objects.select_related(
            "booking__session__event", "sender"
        ).get(pk=found.pk)
        now = timezone.now()
        _invitation_usable(invitation, now=now)
        if not getattr(actor, "is_authenticated", False) or not user_has_address(
            user=actor, email=invitation.email
        ):
            raise TransferClaimError(
                _(
                    "This invitation was sent to another email address. Sign out, then sign in "
                    "or create an account with the address the invitation was sent to."
                ),
                status=403,
            )
        booking = invitation.booking
        if _active_booking(actor, booking.session) is not None:
            raise TransferClaimError(_("You have already booked this session."), status=409)
        Booking.objects.filter(replaces=booking, state=BookingState.WAITLISTED).update(
            state=BookingState.CANCELLED, cancel_reason="transferred"
        )
        booking.user = actor
        booking.access_needs = ""
        booking.dietary_requirements = ""
        booking.reminded_at = None
        booking.save()
        invitation.claimed_at, invitation.claimed_by = now, actor
        invitation.save(update_fields=["claimed_at", "claimed_by"])
        email_send(
            to=[invitation.sender.email],
            template="emails/booking_transfer_claimed",
            context={
                "name": invitation.sender.public_name,
                "colleague": actor.public_name,
                "session": booking.session,
                "event": booking.session.event,
            },
        )
        audit_log(
            actor=actor,
            action="booking.transfer",
            target=booking,
            from_user=invitation.sender_id,
            to_user=actor.pk,
        )
        _notify_on_commit([booking.pk])
        return booking


def booking_check_in(*, actor: Any, booking: Booking) -> Booking:
    """Mark someone as attended; only an organiser of the event may."""
    with _seat_transaction():
        booking, session = _booking_locked(booking)
        _organiser_check(actor, session.event)
        if booking.state != BookingState.CONFIRMED:
            raise BookingError(_("Only a confirmed booking can be checked in."))
        booking.state = BookingState.ATTENDED
        booking.save(update_fields=["state", "updated_at"])
        audit_log(actor=actor, action="booking.check_in", target=booking)
        return booking


def event_bookings_set_open(*, actor: Any, event: Event, is_open: bool) -> Event:
    _organiser_check(actor, event)
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(bookings_open=is_open)
        event.bookings_open = is_open
        audit_log(actor=actor, action="event.open" if is_open else "event.close", target=event)
        return event


def session_message_send(*, actor: Any, session: Session, subject: str, body: str) -> int:
    """Email everyone confirmed or offered on a session (one message each). Returns how many."""
    _organiser_check(actor, session.event)
    with transaction.atomic():
        recipients = sorted(
            set(
                Booking.objects.filter(session=session, state__in=SEAT_STATES)
                .exclude(user__email="")
                .values_list("user__email", flat=True)
            )
        )
        email_send(
            to=recipients,
            template="emails/booking_message",
            context={"session": session, "subject": subject.strip(), "body": body.strip()},
        )
        audit_log(
            actor=actor,
            action="session.message",
            target=session,
            recipients=len(recipients),
            subject=subject.strip()[:200],
        )
        return len(recipients)


def event_organiser_add(*, actor: Any, event: Event, user: Any) -> None:
    """Put someone holding the Organiser role on the event's team (its organisers or an
    administrator may)."""
    with transaction.atomic():
        _organiser_check(actor, Event.objects.select_for_update().get(pk=event.pk))
        if not organiser_candidates(event=event).filter(pk=user.pk).exists():
            raise BookingError(_("Choose someone who organises events and is not on the team yet."))
        event.organisers.add(user)
        audit_log(actor=actor, action="event.organiser_add", target=event, user_id=user.pk)


def event_organiser_remove(*, actor: Any, event: Event, user: Any) -> None:
    """Take someone off the event's team; the last organiser stays (the event keeps a team)."""
    with transaction.atomic():
        # The event's row is the lock: two removals at once cannot both leave it empty.
        _organiser_check(actor, Event.objects.select_for_update().get(pk=event.pk))
        team = set(event.organisers.values_list("pk", flat=True))
        if user.pk not in team:
            raise BookingError(_("This person is not on the event's team."))
        if team == {user.pk}:
            raise BookingError(_("An event needs at least one organiser."))
        event.organisers.remove(user)
        audit_log(actor=actor, action="event.organiser_remove", target=event, user_id=user.pk)


EVENT_FIELDS = (
    "title",
    "slug",
    "description",
    "venue",
    "starts_at",
    "ends_at",
    "bookings_open",
    "promotion_policy",
    "offer_hours",
)
SESSION_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "room",
    "attendance_type",
    "capacity_in_person",
    "capacity_online",
    "online_join_url",
    "is_cancelled",
)


def event_save(*, actor: Any, event: Event | None, data: dict[str, Any]) -> Event:
    """Create (the organiser is listed on it) or update an event (its organisers only)."""
    if event is None:
        if not actor.has_perm("events.add_event"):
            raise PermissionDenied
    else:
        _organiser_check(actor, event)
    with transaction.atomic():
        created = event is None
        event = event or Event()
        for field in EVENT_FIELDS:
            if field in data:
                setattr(event, field, data[field])
        event.save()
        if created:
            event.organisers.add(actor)
        audit_log(actor=actor, action="event.create" if created else "event.update", target=event)
        return event


def session_save(
    *, actor: Any, event: Event, session: Session | None, data: dict[str, Any]
) -> Session:
    """Create or update a session of an event `actor` organises. Raised capacity goes to the
    people waiting at once."""
    _organiser_check(actor, event)
    with _seat_transaction():
        created = session is None
        if session is not None:
            session = _sessions_lock([session.pk])[session.pk]
            if session.event_id != event.pk:
                raise PermissionDenied
        else:
            session = Session(event=event)
        for field in SESSION_FIELDS:
            if field in data:
                setattr(session, field, data[field])
        session.save()
        audit_log(
            actor=actor, action="session.create" if created else "session.update", target=session
        )
        if not created and not session.is_cancelled:
            now = timezone.now()
            for mode in session.modes:
                _promote(session, mode, now=now)
        return session


@transaction.atomic
def calendar_feed_create(*, actor: Any) -> tuple[CalendarFeed, str]:
    """A new private feed address for `actor`; returns it with the raw token, shown only now.

    Any earlier address stops working: only one digest is kept per person.
    """
    raw = token_new()
    feed, created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"digest": token_digest(raw), "created_at": timezone.now()}
    )
    audit_log(actor=actor, action="calendar_feed.create" if created else "calendar_feed.renew")
    return feed, raw


@transaction.atomic
def calendar_feed_delete(*, actor: Any) -> None:
    if CalendarFeed.objects.filter(user=actor).delete()[0]:
        audit_log(actor=actor, action="calendar_feed.delete")


def improvement_create(*, user: Any, session: Session, text: str) -> Improvement:
    with transaction.atomic():
        attended = Booking.objects.filter(
            user=user, session=session, state__in=(BookingState.CONFIRMED, BookingState.ATTENDED)
        ).exists()
        if not attended:
            raise BookingError(_("Only people booked on this session can suggest improvements."))
        if session.ends_at > timezone.now():
            raise BookingError(_("You can suggest improvements once the session has ended."))
        improvement = Improvement.objects.create(user=user, session=session, text=text.strip())
        audit_log(actor=user, action="improvement.create", target=session)
        return improvement
