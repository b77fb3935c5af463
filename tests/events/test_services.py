"""Every booking state transition, and the bad input the issue lists."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.events import selectors, services
from exchange.events.models import Booking, BookingState, Mode, PromotionPolicy
from tests.events.factories import EventFactory, SessionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def book(session, mode=Mode.IN_PERSON, user=None, **kwargs):
    return services.booking_create(user=user or UserFactory(), session=session, mode=mode, **kwargs)


def state(booking):
    booking.refresh_from_db()
    return booking.state


def test_book_confirms_until_full_then_waitlists_with_positions():
    session = SessionFactory(capacity_in_person=2)
    first, second, third, fourth = (book(session) for _ in range(4))

    assert [first.state, second.state] == [BookingState.CONFIRMED] * 2
    assert [third.state, fourth.state] == [BookingState.WAITLISTED] * 2
    assert selectors.waitlist_position(third) == 1
    assert selectors.waitlist_position(fourth) == 2
    assert AuditEntry.objects.filter(action="booking.create").count() == 4


def test_the_position_a_new_booking_carries_matches_the_queue():
    """The service returns the waiting position it counted under the lock, without a query."""
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    book(session)
    book(session, Mode.ONLINE)
    waiting = [book(session) for _ in range(3)]
    seated_online = Booking.objects.get(session=session, mode=Mode.ONLINE)
    switch = services.booking_switch_mode(
        user=seated_online.user, booking=seated_online, mode=Mode.IN_PERSON
    )

    returned = [selectors.waitlist_position(b) for b in (*waiting, switch)]
    for booking in (*waiting, switch):
        del booking.ahead
    assert returned == [selectors.waitlist_position(b) for b in (*waiting, switch)] == [1, 2, 3, 4]


def test_sessions_may_be_given_by_id_and_an_unknown_id_is_refused():
    session = SessionFactory(capacity_in_person=1)
    booking = book(session.pk)
    assert booking.session == session
    assert booking.state == BookingState.CONFIRMED
    with pytest.raises(services.SessionNotFoundError):
        book(session.pk + 1000)
    assert Booking.objects.count() == 1


def test_modes_have_separate_capacities_and_online_may_be_unlimited():
    session = SessionFactory(capacity_in_person=1, capacity_online=None)
    book(session, Mode.IN_PERSON)
    online = [book(session, Mode.ONLINE) for _ in range(5)]

    assert book(session, Mode.IN_PERSON).state == BookingState.WAITLISTED
    assert {b.state for b in online} == {BookingState.CONFIRMED}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event__bookings_open": False}, "closed"),
        ({"is_cancelled": True}, "cancelled"),
        ({"attendance_type": "in_person"}, "cannot be attended online"),
    ],
)
def test_cannot_book_closed_cancelled_or_unoffered_mode(change, message):
    session = SessionFactory(**change)
    with pytest.raises(services.BookingError, match=message):
        book(session, Mode.ONLINE)
    assert not Booking.objects.exists()


def test_cannot_book_a_past_session_or_an_unknown_mode():
    past = SessionFactory(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
        event=EventFactory(starts_at=timezone.now() - dt.timedelta(hours=3)),
    )
    with pytest.raises(services.BookingError, match="started"):
        book(past)
    with pytest.raises(services.BookingError, match="Choose how"):
        book(SessionFactory(), "carrier_pigeon")


def test_duplicate_booking_while_waiting_is_refused_and_the_place_in_the_queue_kept():
    session = SessionFactory(capacity_in_person=0)
    waiting = book(session)
    with pytest.raises(services.BookingError, match="already booked"):
        book(session, user=waiting.user)
    assert state(waiting) == BookingState.WAITLISTED
    assert selectors.waitlist_position(waiting) == 1
    assert AuditEntry.objects.filter(action="booking.create").count() == 1


def test_duplicate_booking_is_refused_and_the_first_is_kept():
    session = SessionFactory()
    user = UserFactory()
    first = book(session, user=user)
    with pytest.raises(services.BookingError, match="already booked"):
        book(session, Mode.ONLINE, user=user)
    assert state(first) == BookingState.CONFIRMED
    assert Booking.objects.count() == 1


def test_database_refuses_two_active_bookings_per_person_and_session():
    session = SessionFactory()
    booking = book(session)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            user=booking.user, session=session, mode=Mode.ONLINE, state=BookingState.CONFIRMED
        )


def test_database_refuses_unknown_states_and_modes():
    booking = book(SessionFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(state="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(mode="telepathy")


def test_bookings_create_is_all_or_nothing():
    event = EventFactory()
    open_session = SessionFactory(event=event)
    cancelled = SessionFactory(event=event, is_cancelled=True)
    user = UserFactory()
    with pytest.raises(services.BookingError):
        services.bookings_create(
            user=user, choices=[(open_session, Mode.IN_PERSON), (cancelled, Mode.IN_PERSON)]
        )
    assert not Booking.objects.exists()
    made = services.bookings_create(
        user=user,
        choices=[(open_session, Mode.IN_PERSON), (SessionFactory(event=event), Mode.ONLINE)],
    )
    assert len(made) == 2


def test_cancel_confirms_the_first_waiting_in_that_mode():
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    seated = book(session)
    book(session, Mode.ONLINE)
    online_waiter = book(session, Mode.ONLINE)
    first_waiter, second_waiter = book(session), book(session)

    services.booking_cancel(user=seated.user, booking=seated)

    assert state(seated) == BookingState.CANCELLED
    assert state(first_waiter) == BookingState.CONFIRMED
    assert state(second_waiter) == BookingState.WAITLISTED
    assert state(online_waiter) == BookingState.WAITLISTED


def test_cancel_with_offer_policy_offers_and_the_offer_expires_and_passes_on():
    event = EventFactory(promotion_policy=PromotionPolicy.OFFER, offer_hours=2)
    session = SessionFactory(event=event, capacity_in_person=1)
    seated = book(session)
    first, second = book(session), book(session)

    services.booking_cancel(user=seated.user, booking=seated)
    first.refresh_from_db()
    assert first.state == BookingState.OFFERED
    assert first.offer_expires_at is not None
    # A newcomer does not take the offered seat.
    assert book(session).state == BookingState.WAITLISTED

    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        with pytest.raises(services.OfferExpiredError):
            services.offer_accept(user=first.user, booking=first)
        assert services.offers_expire() == 1
        assert services.offers_expire() == 0

    assert state(first) == BookingState.CANCELLED
    assert state(second) == BookingState.OFFERED


def test_offer_accept_confirms():
    event = EventFactory(promotion_policy=PromotionPolicy.OFFER)
    session = SessionFactory(event=event, capacity_in_person=1)
    seated, waiter = book(session), book(session)
    services.booking_cancel(user=seated.user, booking=seated)

    services.offer_accept(user=waiter.user, booking=waiter)

    assert state(waiter) == BookingState.CONFIRMED
    with pytest.raises(services.BookingError, match="no open offer"):
        services.offer_accept(user=waiter.user, booking=waiter)


def test_declining_an_offer_passes_it_on():
    event = EventFactory(promotion_policy=PromotionPolicy.OFFER)
    session = SessionFactory(event=event, capacity_in_person=1)
    seated, first, second = book(session), book(session), book(session)
    services.booking_cancel(user=seated.user, booking=seated)

    services.booking_cancel(user=first.user, booking=first)

    assert state(second) == BookingState.OFFERED


def test_switch_to_a_free_mode_moves_at_once_and_frees_the_old_seat():
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    seated, waiter = book(session), book(session)

    new = services.booking_switch_mode(user=seated.user, booking=seated, mode=Mode.ONLINE)

    assert new.state == BookingState.CONFIRMED
    assert new.mode == Mode.ONLINE
    assert state(seated) == BookingState.CANCELLED
    assert state(waiter) == BookingState.CONFIRMED


def test_switch_to_a_full_mode_waits_and_keeps_the_current_place():
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    seated = book(session)
    online = book(session, Mode.ONLINE)

    request = services.booking_switch_mode(user=seated.user, booking=seated, mode=Mode.ONLINE)

    assert request.state == BookingState.WAITLISTED
    assert state(seated) == BookingState.CONFIRMED
    assert selectors.waitlist_position(request) == 1
    with pytest.raises(services.BookingError, match="already waiting"):
        services.booking_switch_mode(user=seated.user, booking=seated, mode=Mode.ONLINE)

    # The online seat frees: the switch completes and the in-person seat is passed on.
    in_person_waiter = book(session)
    services.booking_cancel(user=online.user, booking=online)

    assert state(request) == BookingState.CONFIRMED
    assert state(seated) == BookingState.CANCELLED
    assert state(in_person_waiter) == BookingState.CONFIRMED


def test_switching_a_waitlisted_booking_to_a_free_mode_moves_at_once():
    session = SessionFactory(capacity_in_person=0, capacity_online=1)
    waiter = book(session)
    moved = services.booking_switch_mode(user=waiter.user, booking=waiter, mode=Mode.ONLINE)
    assert moved.state == BookingState.CONFIRMED
    assert state(waiter) == BookingState.CANCELLED


def test_cancelling_a_booking_withdraws_its_switch_request():
    session = SessionFactory(capacity_in_person=1, capacity_online=0)
    seated = book(session)
    request = services.booking_switch_mode(user=seated.user, booking=seated, mode=Mode.ONLINE)
    services.booking_cancel(user=seated.user, booking=seated)
    assert state(request) == BookingState.CANCELLED


def test_only_the_owner_may_cancel_switch_or_accept():
    booking = book(SessionFactory())
    stranger = UserFactory()
    for call in (
        lambda: services.booking_cancel(user=stranger, booking=booking),
        lambda: services.booking_switch_mode(user=stranger, booking=booking, mode=Mode.ONLINE),
        lambda: services.offer_accept(user=stranger, booking=booking),
        lambda: services.booking_transfer_invite(
            actor=stranger, booking=booking, email="x@example.org"
        ),
        lambda: services.booking_transfer_withdraw(actor=stranger, booking=booking),
    ):
        with pytest.raises(services.BookingError):
            call()
    assert state(booking) == BookingState.CONFIRMED


def test_cancel_twice_is_refused():
    booking = book(SessionFactory())
    services.booking_cancel(user=booking.user, booking=booking)
    with pytest.raises(services.BookingError, match="already cancelled"):
        services.booking_cancel(user=booking.user, booking=booking)


@pytest.fixture
def invite(mailoutbox, django_capture_on_commit_callbacks):
    """Invite an address to take a booking; returns the raw token of the emailed link."""

    def send(booking, email="colleague@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_transfer_invite(actor=booking.user, booking=booking, email=email)
        return mailoutbox[-1].body.split("/events/transfers/")[1].split("/")[0]

    return send


def test_transfer_invitation_moves_the_place_when_claimed(
    invite, mailoutbox, django_capture_on_commit_callbacks
):
    booking = book(SessionFactory(), access_needs="Step-free access")
    owner = booking.user
    colleague = UserFactory(email="colleague@example.org")
    token = invite(booking, email="Colleague@Example.org")
    booking.refresh_from_db()
    assert booking.user == owner  # held for the colleague, still the sender's

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_transfer_claim(actor=colleague, token=token)

    assert {tuple(m.to) for m in mailoutbox[-2:]} == {(owner.email,), (colleague.email,)}
    booking.refresh_from_db()
    assert booking.user == colleague
    assert booking.state == BookingState.CONFIRMED
    assert booking.access_needs == ""
    with pytest.raises(services.TransferClaimError) as used:
        services.booking_transfer_claim(actor=colleague, token=token)
    assert used.value.status == 410


def test_claiming_when_already_booked_is_refused(invite):
    session = SessionFactory()
    booking = book(session)
    colleague = book(session).user
    token = invite(booking, email=colleague.email)
    with pytest.raises(services.TransferClaimError, match="already booked"):
        services.booking_transfer_claim(actor=colleague, token=token)
    booking.refresh_from_db()
    assert booking.user_id != colleague.pk


def test_a_new_invitation_or_a_cancelled_booking_retires_the_link(invite):
    booking = book(SessionFactory())
    colleague = UserFactory(email="colleague@example.org")
    first = invite(booking)
    second = invite(booking)
    with pytest.raises(services.TransferClaimError) as withdrawn:
        services.booking_transfer_claim(actor=colleague, token=first)
    assert withdrawn.value.status == 410

    services.booking_cancel(user=booking.user, booking=booking)
    with pytest.raises(services.TransferClaimError):
        services.booking_transfer_claim(actor=colleague, token=second)


def test_inviting_yourself_is_refused():
    booking = book(SessionFactory())
    with pytest.raises(services.BookingError, match="not your own"):
        services.booking_transfer_invite(
            actor=booking.user, booking=booking, email=booking.user.email.upper()
        )


def test_check_in_marks_attended_and_keeps_the_seat():
    session = SessionFactory(capacity_in_person=1)
    booking = book(session)
    organiser = UserFactory(roles=[Role.ORGANISER])
    session.event.organisers.add(organiser)
    services.booking_check_in(actor=organiser, booking=booking)
    assert state(booking) == BookingState.ATTENDED
    assert book(session).state == BookingState.WAITLISTED
    with pytest.raises(services.BookingError):
        services.booking_cancel(user=booking.user, booking=booking)


def test_clashes_are_found_between_overlapping_sessions():
    event = EventFactory()
    first = SessionFactory(event=event)
    overlapping = SessionFactory(event=event, starts_at=first.starts_at + dt.timedelta(minutes=30))
    later = SessionFactory(event=event, starts_at=first.ends_at)
    booking = book(first)
    assert selectors.booking_clashes(user=booking.user, session=overlapping) == [first]
    assert selectors.booking_clashes(user=booking.user, session=later) == []


def test_join_link_only_for_confirmed_online_from_an_hour_before():
    session = SessionFactory()
    online = book(session, Mode.ONLINE)
    in_person = book(session, Mode.IN_PERSON)
    early = session.starts_at - dt.timedelta(hours=2)
    near = session.starts_at - dt.timedelta(minutes=59)
    assert not selectors.join_link_visible(booking=online, now=early)
    assert selectors.join_link_visible(booking=online, now=near)
    assert not selectors.join_link_visible(booking=in_person, now=near)


def test_improvement_after_the_session_only():
    session = SessionFactory()
    booking = book(session)
    with pytest.raises(services.BookingError, match="ended"):
        services.improvement_create(user=booking.user, session=session, text="More breaks")
    with time_machine.travel(session.ends_at + dt.timedelta(hours=1)):
        improvement = services.improvement_create(
            user=booking.user, session=session, text="  More breaks  "
        )
    assert improvement.text == "More breaks"
    assert improvement.session == session
    with pytest.raises(services.BookingError, match="Only people booked"):
        services.improvement_create(user=UserFactory(), session=session, text="x")


def test_confirmation_email_has_an_ics_attachment(mailoutbox, django_capture_on_commit_callbacks):
    import icalendar

    session = SessionFactory(title="Keeping video clinics")
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(session, Mode.ONLINE)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [booking.user.email]
    assert "Keeping video clinics" in message.subject
    assert "/events/calendar/" not in message.body  # the feed's address is shown only once
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("booking.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert "Keeping video clinics" in str(vevent.get("summary"))


def test_waitlisted_booking_gets_no_confirmation(mailoutbox, django_capture_on_commit_callbacks):
    session = SessionFactory(capacity_in_person=0)
    with django_capture_on_commit_callbacks(execute=True):
        book(session)
    # Only the waiting-list email (tests/events/test_emails.py), never "confirmed".
    assert [m.subject.startswith("You are on the waiting list") for m in mailoutbox] == [True]
    assert not mailoutbox[0].attachments


def test_reminder_the_day_before_is_sent_once(mailoutbox, django_capture_on_commit_callbacks):
    from exchange.events.tasks import booking_reminders_send

    session = SessionFactory()
    booking = book(session)
    mailoutbox.clear()
    too_early = (session.starts_at - dt.timedelta(days=2)).isoformat()
    day_before = (session.starts_at - dt.timedelta(hours=20)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert booking_reminders_send.call(now_iso=too_early) == 0
        assert booking_reminders_send.call(now_iso=day_before) == 1
        assert booking_reminders_send.call(now_iso=day_before) == 0
    assert [m.to for m in mailoutbox] == [[booking.user.email]]
    assert "tomorrow" in mailoutbox[0].subject


def test_raised_capacity_goes_to_those_waiting_before_newcomers():
    session = SessionFactory(capacity_in_person=1)
    book(session)
    waiter = book(session)
    session.capacity_in_person = 3
    session.save()

    newcomer = book(session)

    assert state(waiter) == BookingState.CONFIRMED
    assert newcomer.state == BookingState.CONFIRMED
    assert book(session).state == BookingState.WAITLISTED


def _booked_rows(session):
    """Each booking of `session` and its audit entry, as the database holds them."""
    rows = []
    for booking in Booking.objects.filter(session=session).order_by("pk"):
        entry = AuditEntry.objects.get(action="booking.create", target_id=str(booking.pk))
        rows.append(
            {
                **{
                    field.attname: getattr(booking, field.attname)
                    for field in Booking._meta.concrete_fields
                    if field.attname not in ("id", "user_id", "session_id")
                    and not isinstance(getattr(booking, field.attname), dt.datetime)
                },
                "audit": (
                    entry.actor_id == booking.user_id,
                    entry.target_type.model_class(),
                    entry.target_repr.replace(session.title, "<session>"),
                    entry.data,
                ),
            }
        )
    return rows


def _book_each_way(scenario):
    """Run `scenario` with the one-statement booking and with the ORM one; both sessions."""
    from unittest import mock

    quick = scenario()
    with mock.patch.object(services, "_book_seat_in_one_statement", return_value=None):
        plain = scenario()
    return quick, plain


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement booking is PostgreSQL's"
)
@pytest.mark.parametrize(
    ("capacity_in_person", "capacity_online"), [(2, 1), (1, None), (0, 0)], ids=str
)
def test_one_statement_booking_writes_what_the_orm_path_writes(capacity_in_person, capacity_online):
    """The PostgreSQL fast path (count, booking and audit entry in one statement) leaves the
    same rows, states, queue positions and returned objects as the ORM path, including the
    case it hands back to the ORM path: a raised capacity with people waiting."""

    def scenario():
        session = SessionFactory(
            attendance_type="hybrid",
            capacity_in_person=capacity_in_person,
            capacity_online=capacity_online,
        )
        bookings = [
            book(session, access_needs=" step-free "),
            book(session),
            book(session, mode=Mode.ONLINE, dietary_requirements="vegan"),
            book(session),
            book(session, mode=Mode.ONLINE),
        ]
        session.capacity_in_person += 2
        session.save()
        bookings.append(book(session))  # those waiting are served first
        returned = [
            (b.state, getattr(b, "ahead", None), b.mode, b.access_needs, b._state.adding)
            for b in bookings
        ]
        assert Booking.objects.filter(pk__in=[b.pk for b in bookings]).count() == len(bookings)
        return returned, _booked_rows(session)

    quick, plain = _book_each_way(scenario)
    assert quick == plain


def test_switching_from_a_waiting_list_keeps_the_old_place_until_the_new_one_comes():
    """Issue 16: the page promises "keep your current place" to people waiting too."""
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    book(session)
    online = book(session, Mode.ONLINE)
    waiter, behind = book(session), book(session)

    request = services.booking_switch_mode(user=waiter.user, booking=waiter, mode=Mode.ONLINE)

    assert request.state == BookingState.WAITLISTED
    assert request.replaces_id == waiter.pk
    assert state(waiter) == BookingState.WAITLISTED
    fresh = Booking.objects.get
    assert selectors.waitlist_position(fresh(pk=waiter.pk)) == 1  # still first in the old queue
    assert selectors.waitlist_position(fresh(pk=behind.pk)) == 2
    with pytest.raises(services.BookingError, match="already waiting"):
        services.booking_switch_mode(user=waiter.user, booking=waiter, mode=Mode.ONLINE)

    # A place comes free in the new mode: the switch completes and the old place goes.
    services.booking_cancel(user=online.user, booking=online)

    assert state(request) == BookingState.CONFIRMED
    assert state(waiter) == BookingState.CANCELLED
    assert selectors.waitlist_position(fresh(pk=behind.pk)) == 1


def test_a_place_in_the_old_mode_first_is_taken_and_the_switch_keeps_waiting():
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    seated = book(session)
    online = book(session, Mode.ONLINE)
    waiter = book(session)
    request = services.booking_switch_mode(user=waiter.user, booking=waiter, mode=Mode.ONLINE)

    services.booking_cancel(user=seated.user, booking=seated)

    assert state(waiter) == BookingState.CONFIRMED
    assert state(request) == BookingState.WAITLISTED
    # Later the online place comes: they switch and the in-person place is passed on.
    next_in_person = book(session)
    services.booking_cancel(user=online.user, booking=online)
    assert state(request) == BookingState.CONFIRMED
    assert state(waiter) == BookingState.CANCELLED
    assert state(next_in_person) == BookingState.CONFIRMED


def test_an_expired_offer_leaves_the_switch_request_waiting_on_its_own():
    event = EventFactory(promotion_policy=PromotionPolicy.OFFER)
    session = SessionFactory(event=event, capacity_in_person=1, capacity_online=1)
    seated = book(session)
    book(session, Mode.ONLINE)
    waiter = book(session)
    request = services.booking_switch_mode(user=waiter.user, booking=waiter, mode=Mode.ONLINE)
    services.booking_cancel(user=seated.user, booking=seated)
    assert state(waiter) == BookingState.OFFERED

    services.offers_expire(now=timezone.now() + dt.timedelta(days=2))

    assert state(waiter) == BookingState.CANCELLED
    request.refresh_from_db()
    assert (request.state, request.replaces_id) == (BookingState.WAITLISTED, None)
