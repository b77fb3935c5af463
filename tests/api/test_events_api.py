"""Events API: public reading with live availability; booking, switching and cancelling by token."""

from __future__ import annotations

import pytest

from exchange.api.services import api_token_create
from exchange.events.models import Booking, BookingState, Mode
from tests.events.factories import SessionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def token_for(user):
    _, raw = api_token_create(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def session(db):
    return SessionFactory(capacity_in_person=1, capacity_online=None)


def test_event_list_and_detail_show_live_availability(
    client, session, django_assert_max_num_queries
):
    Booking.objects.create(
        user=UserFactory(), session=session, mode=Mode.IN_PERSON, state=BookingState.CONFIRMED
    )
    Booking.objects.create(
        user=UserFactory(), session=session, mode=Mode.IN_PERSON, state=BookingState.WAITLISTED
    )
    SessionFactory(event=session.event)

    assert [e["slug"] for e in client.get("/api/events").json()] == [session.event.slug]
    with django_assert_max_num_queries(3):
        body = client.get(f"/api/events/{session.event.slug}").json()

    first = body["sessions"][0]
    assert first["availability"] == [
        {"mode": "in_person", "capacity": 1, "taken": 1, "free": 0, "waiting": 1},
        {"mode": "online", "capacity": None, "taken": 0, "free": None, "waiting": 0},
    ]
    assert client.get(f"/api/sessions/{session.pk}").json()["availability"][0]["taken"] == 1
    assert client.get("/api/events/no-such-event").status_code == 404
    assert client.get("/api/sessions/999999").status_code == 404


def test_book_switch_and_cancel_with_a_token(client, session):
    first, second = UserFactory(), UserFactory()
    first_headers, second_headers = token_for(first), token_for(second)
    url = f"/api/sessions/{session.pk}/bookings"

    seated = client.post(
        url, {"mode": "in_person"}, content_type="application/json", headers=first_headers
    )
    waiting = client.post(
        url, {"mode": "in_person"}, content_type="application/json", headers=second_headers
    )
    assert seated.status_code == 201
    assert seated.json()["state"] == "confirmed"
    assert waiting.json()["state"] == "waitlisted"
    assert waiting.json()["waitlist_position"] == 1

    duplicate = client.post(
        url, {"mode": "online"}, content_type="application/json", headers=first_headers
    )
    assert duplicate.status_code == 400
    assert "already booked" in duplicate.json()["detail"]

    switched = client.post(
        f"/api/me/bookings/{seated.json()['id']}/switch",
        {"mode": "online"},
        content_type="application/json",
        headers=first_headers,
    )
    assert switched.status_code == 200
    assert switched.json()["state"] == "confirmed"
    assert switched.json()["mode"] == "online"
    # The freed in-person place went to the person waiting.
    mine = client.get("/api/me/bookings", headers=second_headers).json()
    assert [b["state"] for b in mine] == ["confirmed"]

    cancelled = client.post(
        f"/api/me/bookings/{switched.json()['id']}/cancel", headers=first_headers
    )
    assert cancelled.json()["state"] == "cancelled"
    assert client.get("/api/me/bookings", headers=first_headers).json() == []


def test_writes_need_a_token_and_only_touch_your_own_bookings(client, session):
    assert (
        client.post(
            f"/api/sessions/{session.pk}/bookings",
            {"mode": "online"},
            content_type="application/json",
        ).status_code
        == 401
    )
    booking = Booking.objects.create(
        user=UserFactory(), session=session, mode=Mode.ONLINE, state=BookingState.CONFIRMED
    )
    stranger = token_for(UserFactory())
    response = client.post(f"/api/me/bookings/{booking.pk}/cancel", headers=stranger)
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED


@pytest.mark.parametrize(
    ("session_offset", "mode", "status"),
    [(1000, "in_person", 404), (0, "carrier_pigeon", 422)],
    ids=["unknown session", "unknown mode"],
)
def test_bad_booking_requests_are_refused_and_write_nothing(
    client, session, session_offset, mode, status
):
    response = client.post(
        f"/api/sessions/{session.pk + session_offset}/bookings",
        {"mode": mode},
        content_type="application/json",
        headers=token_for(UserFactory()),
    )
    assert response.status_code == status
    assert not Booking.objects.exists()


def _statements(queries) -> list[str]:
    """Each statement's verb (and table for inserts), leaving out savepoints."""
    kinds = []
    for query in queries:
        words = query["sql"].split()
        if words[0] in ("SAVEPOINT", "RELEASE"):
            continue
        kinds.append(f"INSERT {words[2].strip(chr(34))}" if words[0] == "INSERT" else words[0])
    return kinds


@pytest.mark.parametrize("state", ["confirmed", "waitlisted"])
def test_booking_request_statements_are_pinned(client, session, state):
    """The statements of one booking request, counted exactly: the burst benchmark's cost.

    Token lookup; then, under the seat lock, the locked read of the session, one count of
    seats and queue, the booking and its audit entry (on PostgreSQL these three are one
    statement). No read of the session before the
    lock, no duplicate check (the unique constraint refuses duplicates), and no query for
    the waiting-list position in the response. (After the commit, a confirmed booking also
    queues its email, and on PostgreSQL the request waits for the disk: see
    tests/events/test_concurrency.py.)
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if state == "waitlisted":
        Booking.objects.create(
            user=UserFactory(), session=session, mode=Mode.IN_PERSON, state=BookingState.CONFIRMED
        )
    ContentType.objects.get_for_model(Booking)  # cached once per process in real use
    headers = token_for(UserFactory())
    client.get("/api/me/bookings", headers=headers)  # records the token's first use
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/sessions/{session.pk}/bookings",
            {"mode": "in_person"},
            content_type="application/json",
            headers=headers,
        )
    assert response.status_code == 201
    assert response.json()["state"] == state
    assert response.json()["waitlist_position"] == (1 if state == "waitlisted" else None)
    under_the_lock = (
        # seats taken and people waiting, the booking and its audit entry: one statement
        ["WITH"]
        if connection.vendor == "postgresql"
        else ["SELECT", "INSERT events_booking", "INSERT core_auditentry"]
    )
    assert _statements(queries.captured_queries) == [
        "SELECT",  # the token and its user
        "SELECT",  # the session and its event, locked
        *under_the_lock,
    ]
