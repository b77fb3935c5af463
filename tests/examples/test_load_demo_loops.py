"""`load_demo` shows every loop on first run: an upcoming hybrid conference with a full mode and
people waiting, the participant booked and waiting, a past event with improvements, and a
discussion on the featured examples (one comment awaiting moderation, one reported twice)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exchange.conversation.models import Comment, CommentState, Flag, Reaction
from exchange.events.models import AttendanceType, Booking, BookingState, Event, Improvement, Mode
from exchange.events.services import seat_counts

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        Booking.objects.count(),
        Improvement.objects.count(),
        Comment.objects.count(),
        Reaction.objects.count(),
        Flag.objects.count(),
    )


def test_events_and_bookings(client):
    call_command("load_demo", verbosity=0)
    now = timezone.now()

    upcoming = Event.objects.get(starts_at__gt=now)
    sessions = list(upcoming.sessions.all())
    assert len(sessions) >= 2
    assert all(s.attendance_type == AttendanceType.HYBRID for s in sessions)
    full = [
        s
        for s in sessions
        if seat_counts(session=s, mode=Mode.IN_PERSON).taken >= s.capacity_in_person
        and s.bookings.filter(state=BookingState.WAITLISTED).count() >= 2
    ]
    assert len(full) == 1

    mine = Booking.objects.filter(user__email="participant@example.org", session__event=upcoming)
    assert {b.state for b in mine} == {BookingState.CONFIRMED, BookingState.WAITLISTED}
    assert mine.get(state=BookingState.WAITLISTED).session == full[0]

    past = Event.objects.get(ends_at__lt=now)
    assert Improvement.objects.filter(session__event=past).count() >= 2

    listing = client.get(reverse("events:list")).content.decode()
    assert upcoming.title in listing


def test_discussion_on_the_featured_examples():
    call_command("load_demo", verbosity=0)
    comments = Comment.objects.select_related("discussion")
    assert comments.filter(state=CommentState.VISIBLE, parent__isnull=False).exists()  # a reply
    assert comments.filter(state=CommentState.PENDING).count() == 1
    reported = [c for c in comments if c.flags.count() == 2]
    assert len(reported) == 1
    assert reported[0].state == CommentState.VISIBLE
    assert Reaction.objects.count() >= 3


def test_idempotent():
    call_command("load_demo", verbosity=0)
    first = _counts()
    call_command("load_demo", verbosity=0)
    assert _counts() == first
    assert first[0] == 2
