"""Booking under concurrency, the pretix way (PostgreSQL only).

Fifty threads, each with its own database connection, wait at a barrier and then call the
booking services at the same moment. A control test switches the row lock off
(`services.LOCKING = False`) and shows that seats are then oversold; the other tests keep the
lock on and show that exactly the capacity is confirmed, for booking, switching and
cancel/promote races. SQLite is skipped: it serialises every writer for the whole file.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from exchange.events import services
from exchange.events.models import Booking, BookingState, Mode
from tests.events.factories import EventFactory, SessionFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WORKERS = 50
SEATS = 10
# The issue asks for 20 repetitions; each takes well under a second on 2 cores.
REPEATS = 20


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Call work(i) in `count` threads released together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        from django.db import connection as thread_connection

        try:
            thread_connection.ensure_connection()
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _wait_for_backends_to_exit(count)
    return results


def _wait_for_backends_to_exit(count: int) -> None:
    """PostgreSQL ends a closed connection's server process a moment later; wait until there
    is room for the next round's `count` connections (and a few for other test workers)."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        room_needed = count + 5
        limit = int(cursor.fetchone()[0]) - room_needed
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
            )
            if cursor.fetchone()[0] <= limit:
                return
            time.sleep(0.01)


@pytest.fixture(autouse=True)
def one_at_a_time(tmp_path_factory):
    """Two of these tests at once (in two pytest-xdist workers) would open more connections
    than PostgreSQL allows, so they take turns: an exclusive lock on a file all workers see."""
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / "booking-concurrency.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield
        fcntl.flock(lock_file, fcntl.LOCK_UN)


@pytest.fixture
def people():
    return [UserFactory() for _ in range(WORKERS)]


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the gap between counting seats and writing the booking, as a slow server would.

    The gap is between statements, so the booking takes the ORM path (count, then insert)
    rather than PostgreSQL's single statement, which leaves almost no gap to widen.
    """
    original = services.seat_counts
    monkeypatch.setattr(services, "_book_seat_in_one_statement", lambda **kwargs: None)

    def slow(**kwargs):
        counts = original(**kwargs)
        time.sleep(0.02)
        return counts

    monkeypatch.setattr(services, "seat_counts", slow)


def seed(session, people, *, seats: int) -> list[Booking]:
    """Bookings in arrival order: the first `seats` confirmed, the rest waiting (fast set-up)."""
    return Booking.objects.bulk_create(
        Booking(
            user=person,
            session=session,
            mode=Mode.IN_PERSON,
            state=BookingState.CONFIRMED if index < seats else BookingState.WAITLISTED,
        )
        for index, person in enumerate(people)
    )


def held(session, mode=Mode.IN_PERSON) -> Counter:
    return Counter(
        Booking.objects.filter(session=session, mode=mode).values_list("state", flat=True)
    )


def test_control_without_the_lock_seats_are_oversold(people, slow_count, monkeypatch):
    monkeypatch.setattr(services, "LOCKING", False)
    session = SessionFactory(capacity_in_person=SEATS)

    run_together(
        WORKERS,
        lambda i: services.booking_create(user=people[i], session=session, mode=Mode.IN_PERSON),
    )

    assert held(session)[BookingState.CONFIRMED] > SEATS


def test_with_the_lock_exactly_the_capacity_is_confirmed(people):
    event = EventFactory()
    for _ in range(REPEATS):
        session = SessionFactory(event=event, capacity_in_person=SEATS)

        results = run_together(
            WORKERS,
            lambda i, session=session: services.booking_create(
                user=people[i], session=session, mode=Mode.IN_PERSON
            ),
        )

        assert not [r for r in results if isinstance(r, Exception)]
        assert held(session) == {BookingState.CONFIRMED: SEATS, BookingState.WAITLISTED: 40}


def test_with_the_lock_and_a_slow_server_still_no_oversell(people, slow_count):
    session = SessionFactory(capacity_in_person=SEATS)
    run_together(
        WORKERS,
        lambda i: services.booking_create(user=people[i], session=session, mode=Mode.IN_PERSON),
    )
    assert held(session) == {BookingState.CONFIRMED: SEATS, BookingState.WAITLISTED: 40}


def test_switch_race_moves_exactly_the_free_seats(people):
    event = EventFactory()
    for _ in range(REPEATS):
        session = SessionFactory(event=event, capacity_in_person=WORKERS, capacity_online=SEATS)
        bookings = seed(session, people, seats=WORKERS)

        results = run_together(
            WORKERS,
            lambda i, bookings=bookings: services.booking_switch_mode(
                user=people[i], booking=bookings[i], mode=Mode.ONLINE
            ),
        )

        assert not [r for r in results if isinstance(r, Exception)]
        assert held(session, Mode.ONLINE) == {
            BookingState.CONFIRMED: SEATS,
            BookingState.WAITLISTED: WORKERS - SEATS,
        }
        # Everyone still waiting kept their in-person place.
        assert held(session, Mode.IN_PERSON) == {
            BookingState.CONFIRMED: WORKERS - SEATS,
            BookingState.CANCELLED: SEATS,
        }


def test_switch_race_from_a_waiting_list_keeps_every_old_place_not_yet_replaced(people):
    """Issue 16: people waiting who switch keep their old place until the new one comes."""
    event = EventFactory()
    for _ in range(5):
        session = SessionFactory(event=event, capacity_in_person=0, capacity_online=SEATS)
        bookings = seed(session, people, seats=0)

        results = run_together(
            WORKERS,
            lambda i, bookings=bookings: services.booking_switch_mode(
                user=people[i], booking=bookings[i], mode=Mode.ONLINE
            ),
        )

        assert not [r for r in results if isinstance(r, Exception)]
        assert held(session, Mode.ONLINE) == {
            BookingState.CONFIRMED: SEATS,
            BookingState.WAITLISTED: WORKERS - SEATS,
        }
        assert held(session, Mode.IN_PERSON) == {
            BookingState.WAITLISTED: WORKERS - SEATS,
            BookingState.CANCELLED: SEATS,
        }


def test_cancel_race_promotes_exactly_one_person_per_freed_seat(people):
    event = EventFactory()
    for _ in range(REPEATS):
        session = SessionFactory(event=event, capacity_in_person=SEATS)
        bookings = seed(session, people, seats=SEATS)
        seated, waiting = bookings[:SEATS], bookings[SEATS:]

        results = run_together(
            SEATS,
            lambda i, seated=seated: services.booking_cancel(user=people[i], booking=seated[i]),
        )

        assert not [r for r in results if isinstance(r, Exception)]
        assert held(session) == {
            BookingState.CANCELLED: SEATS,
            BookingState.CONFIRMED: SEATS,
            BookingState.WAITLISTED: WORKERS - 2 * SEATS,
        }
        # First come, first served: the ten who waited longest got the seats.
        promoted = set(
            Booking.objects.filter(session=session, state=BookingState.CONFIRMED).values_list(
                "pk", flat=True
            )
        )
        assert promoted == {b.pk for b in waiting[:SEATS]}


def test_a_cancelled_seat_goes_to_exactly_one_person_while_others_book(people):
    event = EventFactory()
    for _ in range(REPEATS):
        session = SessionFactory(event=event, capacity_in_person=1)
        seated = services.booking_create(user=people[0], session=session, mode=Mode.IN_PERSON)
        first_waiter = services.booking_create(user=people[1], session=session, mode=Mode.IN_PERSON)

        def work(i: int, session=session, seated=seated) -> Any:
            if i == 0:
                return services.booking_cancel(user=people[0], booking=seated)
            if i == 1:
                return None
            return services.booking_create(user=people[i], session=session, mode=Mode.IN_PERSON)

        results = run_together(WORKERS, work)

        assert not [r for r in results if isinstance(r, Exception)]
        confirmed = Booking.objects.filter(session=session, state=BookingState.CONFIRMED)
        assert list(confirmed.values_list("pk", flat=True)) == [first_waiter.pk]


def test_the_seat_lock_is_released_before_the_disk_flush_and_the_flush_awaited_after(people):
    """Commit without waiting for the WAL flush, then wait for it outside the lock."""
    from django.test.utils import CaptureQueriesContext

    session = SessionFactory(capacity_in_person=1)
    with CaptureQueriesContext(connection) as queries:
        booking = services.booking_create(user=people[0], session=session, mode=Mode.IN_PERSON)
    statements = [query["sql"] for query in queries.captured_queries]

    asynchronous = statements.index("SET LOCAL synchronous_commit TO OFF")
    lock = next(
        i for i, sql in enumerate(statements) if sql.endswith('FOR UPDATE OF "events_session"')
    )
    commit = statements.index("COMMIT")
    flush = statements.index("SELECT pg_current_xact_id()")
    assert asynchronous < lock < commit < flush
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # the setting was for that transaction only
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CONFIRMED


def test_inside_an_outer_transaction_the_outer_commit_decides(people):
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    session = SessionFactory(capacity_in_person=1)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.booking_create(user=people[0], session=session, mode=Mode.IN_PERSON)
    statements = [query["sql"] for query in queries.captured_queries]
    assert "SET LOCAL synchronous_commit TO OFF" not in statements
    assert "SELECT pg_current_xact_id()" not in statements
