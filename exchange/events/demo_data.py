"""Demo events (`manage.py load_demo`): one upcoming hybrid conference and one past event.

The upcoming conference shows booking and waiting lists working: the in-person places of one
session are all taken with people waiting, and the demo participant is booked on one session and
waiting on another. The past event has "suggest an improvement" answers.

The events and sessions are made through the organiser's services (audited). Bookings are
written directly, as they would stand after people booked: booking through the service would
queue a confirmation email for each demo person on the first start. Loaded once: a "demo.events"
audit entry records it, so events deleted on the demo site are not brought back.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from exchange.accounts.models import User
from exchange.core.models import AuditEntry
from exchange.core.services import audit_log
from exchange.events.models import (
    AttendanceType,
    Booking,
    BookingState,
    Event,
    Improvement,
    Mode,
    SessionKind,
)
from exchange.events.services import event_save, improvement_create, session_save

AUDIT_ACTION = "demo.events"
ORGANISER = "organiser@example.org"
PARTICIPANT = "participant@example.org"
UPCOMING_SLUG = "keeping-the-gains-2027"
PAST_SLUG = "winter-pressures-lessons-learned"
# The full session: every in-person place taken, the participant and one more person waiting.
FULL_SESSION = "Virtual wards: what stays"
FULL_IN_PERSON = (
    "priya.natarajan@example.org",
    "tom.ashworth@example.org",
    "sian.pritchard@example.org",
)
WAITING = (PARTICIPANT, "helen.gallagher@example.org")


def _at(day: dt.datetime, hour: int, minute: int = 0) -> dt.datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _booking(user: User, session_id: int, mode: str, state: str, at: dt.datetime) -> Booking:
    return Booking(user=user, session_id=session_id, mode=mode, state=state, created_at=at)


@transaction.atomic
def events_demo_load(*, now: dt.datetime) -> list[str]:
    """Create the demo events unless they were loaded before; returns the slugs created."""
    if AuditEntry.objects.filter(action=AUDIT_ACTION).exists():
        return []
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    organiser = people.get(ORGANISER)
    if organiser is None or Event.objects.filter(slug__in=[UPCOMING_SLUG, PAST_SLUG]).exists():
        return []

    # Three weeks ahead, so the day-before reminders do not go out on the first start.
    day = now + dt.timedelta(days=21)
    conference = event_save(
        actor=organiser,
        event=None,
        data={
            "title": "Keeping the gains: a conference for people who changed how services work",
            "slug": UPCOMING_SLUG,
            "description": (
                "A day of talks and workshops on keeping changes made in a crisis. Come in "
                "person to Leeds or join online."
            ),
            "venue": "Hallam Vale Civic Hall, Leeds",
            "starts_at": _at(day, 9, 30),
            "ends_at": _at(day, 16, 30),
        },
    )
    sessions = {}
    for title, kind, start, end, room, in_person, online in (
        ("Opening: what held, what slipped", SessionKind.TALK, 9, 10, "Main hall", 120, None),
        (FULL_SESSION, SessionKind.WORKSHOP, 11, 12, "Room 2", 3, 40),
        ("Telling the story to your board", SessionKind.WORKSHOP, 14, 15, "Room 3", 20, 30),
    ):
        sessions[title] = session_save(
            actor=organiser,
            event=conference,
            session=None,
            data={
                "title": title,
                "kind": kind,
                "starts_at": _at(day, start, 30 if start == 9 else 0),
                "ends_at": _at(day, end, 15 if start == 9 else 30),
                "room": room,
                "attendance_type": AttendanceType.HYBRID,
                "capacity_in_person": in_person,
                "capacity_online": online,
                "online_join_url": "https://meet.example.org/keeping-the-gains",
            },
        )

    past_day = now - dt.timedelta(days=30)
    past = event_save(
        actor=organiser,
        event=None,
        data={
            "title": "Winter pressures: lessons learned",
            "slug": PAST_SLUG,
            "description": "An afternoon online on what last winter taught us.",
            "venue": "",
            "starts_at": _at(past_day, 13),
            "ends_at": _at(past_day, 16),
        },
    )
    past_session = session_save(
        actor=organiser,
        event=past,
        session=None,
        data={
            "title": "Discharge to assess after the winter",
            "kind": SessionKind.TALK,
            "starts_at": _at(past_day, 13),
            "ends_at": _at(past_day, 14, 30),
            "attendance_type": AttendanceType.ONLINE,
            "capacity_in_person": 0,
            "capacity_online": None,
            "online_join_url": "https://meet.example.org/winter-pressures",
        },
    )

    booked_at = now - dt.timedelta(days=5)
    rows: list[Booking] = []
    full = sessions[FULL_SESSION].pk
    for i, email in enumerate(FULL_IN_PERSON):
        if email in people:
            at = booked_at + dt.timedelta(minutes=i)
            rows.append(_booking(people[email], full, Mode.IN_PERSON, BookingState.CONFIRMED, at))
    for i, email in enumerate(WAITING):
        if email in people:
            at = booked_at + dt.timedelta(hours=1, minutes=i)
            rows.append(_booking(people[email], full, Mode.IN_PERSON, BookingState.WAITLISTED, at))
    opening = sessions["Opening: what held, what slipped"].pk
    for email in (PARTICIPANT, "grace.mensah@example.org", "owen.fletcher@example.org"):
        if email in people:
            mode = Mode.ONLINE if email == PARTICIPANT else Mode.IN_PERSON
            rows.append(_booking(people[email], opening, mode, BookingState.CONFIRMED, booked_at))
    attendees = (PARTICIPANT, "callum.reid@example.org", "nadia.haddad@example.org")
    for email in attendees:
        if email in people:
            rows.append(
                _booking(
                    people[email],
                    past_session.pk,
                    Mode.ONLINE,
                    BookingState.ATTENDED,
                    past_day - dt.timedelta(days=7),
                )
            )
    Booking.objects.bulk_create(rows)

    for email, text in (
        ("callum.reid@example.org", "Share the slides before the session, not after."),
        ("nadia.haddad@example.org", "Leave more time for questions from people outside the NHS."),
    ):
        if email in people:
            improvement_create(user=people[email], session=past_session, text=text)
    Improvement.objects.filter(session=past_session).update(created_at=past_day)

    slugs = [conference.slug, past.slug]
    audit_log(actor=None, action=AUDIT_ACTION, events=slugs, bookings=len(rows))
    return slugs
