"""Each booking event sends its own email: waiting, promoted, offered, cancelled."""

from __future__ import annotations

import pytest

from exchange.core.permissions import Role
from exchange.events import services
from exchange.events.models import Mode, PromotionPolicy
from tests.events.factories import EventFactory, SessionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run `call` with on-commit callbacks executed; return the emails it sent."""

    def run(call):
        before = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            call()
        return mailoutbox[before:]

    return run


def book(session, mode=Mode.IN_PERSON, user=None):
    return services.booking_create(user=user or UserFactory(), session=session, mode=mode)


def ics(message):
    return [name for name, _content, _type in message.attachments if name.endswith(".ics")]


def test_joining_a_waiting_list_says_so_with_the_position(sent):
    session = SessionFactory(title="Virtual wards: what stays", capacity_in_person=1)
    book(session)
    book(session)
    waiter = UserFactory()

    [message] = sent(lambda: book(session, user=waiter))

    assert message.to == [waiter.email]
    assert message.subject == "You are on the waiting list: Virtual wards: what stays"
    assert "You do not have a place yet." in message.body
    assert "You are number 2 on the waiting list." in message.body
    assert "confirmed" not in message.subject
    assert ics(message) == []


def test_a_promotion_says_a_place_came_free_and_carries_the_ics(sent):
    session = SessionFactory(title="Virtual wards: what stays", capacity_in_person=1)
    seated = book(session)
    waiter = book(session)

    messages = sent(lambda: services.booking_cancel(user=seated.user, booking=seated))

    promoted = next(m for m in messages if m.to == [waiter.user.email])
    assert promoted.subject == "A place came free: you are booked on Virtual wards: what stays"
    assert "A place came free" in promoted.body
    assert "Your place at" not in promoted.body  # not the ordinary confirmation
    assert ics(promoted) == ["booking.ics"]


def test_an_ordinary_booking_still_gets_the_confirmation(sent):
    session = SessionFactory(title="Virtual wards: what stays")
    [message] = sent(lambda: book(session))
    assert message.subject == "Your place is confirmed: Virtual wards: what stays"
    assert ics(message) == ["booking.ics"]


def test_an_offer_says_a_place_came_free_and_until_when(sent):
    event = EventFactory(promotion_policy=PromotionPolicy.OFFER)
    session = SessionFactory(event=event, title="Virtual wards: what stays", capacity_in_person=1)
    seated = book(session)
    waiter = book(session)

    messages = sent(lambda: services.booking_cancel(user=seated.user, booking=seated))

    offered = next(m for m in messages if m.to == [waiter.user.email])
    assert offered.subject == "A place came free: accept it for Virtual wards: what stays"
    assert "Accept it on your bookings page by" in offered.body
    assert ics(offered) == []


def test_cancelling_sends_its_own_email(sent):
    session = SessionFactory(title="Virtual wards: what stays")
    booking = book(session)

    [message] = sent(lambda: services.booking_cancel(user=booking.user, booking=booking))

    assert message.to == [booking.user.email]
    assert message.subject == "Booking cancelled: Virtual wards: what stays"
    assert "Your booking for “Virtual wards: what stays”" in message.body
    assert "is cancelled" in message.body


def test_leaving_a_waiting_list_sends_the_cancellation_too(sent):
    session = SessionFactory(capacity_in_person=1)
    book(session)
    waiter = book(session)
    [message] = sent(lambda: services.booking_cancel(user=waiter.user, booking=waiter))
    assert message.subject.startswith("Booking cancelled:")


def test_withdrawing_a_switch_request_sends_nothing(sent):
    session = SessionFactory(capacity_in_person=1, capacity_online=1)
    seated = book(session)
    book(session, Mode.ONLINE)
    [waiting] = sent(
        lambda: services.booking_switch_mode(user=seated.user, booking=seated, mode=Mode.ONLINE)
    )
    assert waiting.subject.startswith("You are on the waiting list")
    assert "to switch" in waiting.body
    request = seated.switch_request

    assert sent(lambda: services.booking_cancel(user=seated.user, booking=request)) == []


def test_a_cancellation_by_the_organisers_says_who_cancelled(sent):
    session = SessionFactory(title="Virtual wards: what stays")
    organiser = UserFactory(roles=[Role.ORGANISER])
    session.event.organisers.add(organiser)
    booking = book(session)

    [message] = sent(
        lambda: services.booking_cancel(user=organiser, booking=booking, by_organiser=True)
    )

    assert message.to == [booking.user.email]
    assert "The organisers have cancelled your booking" in message.body
