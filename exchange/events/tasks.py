"""Background work for events, run by `manage.py db_worker`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

# What each booking email needs the booking to be in when it is sent: a notice that is no
# longer true by the time the worker runs (promoted before "you are waiting" went out) is
# dropped, since the later email says what happened.
NOTICE_STATES = {
    "confirmed": ("confirmed",),
    "promoted": ("confirmed",),
    "offered": ("offered",),
    "waitlisted": ("waitlisted",),
    "cancelled": ("cancelled",),
}


@task()
def booking_confirmation_send(*, booking_id: int, kind: str = "confirmed") -> int:
    """Email one booking notice; returns messages sent (0 or 1).

    `kind` picks the templates `emails/booking_<kind>_subject.txt` and `_body.txt`: confirmed
    (booked straight away), promoted (a place came free for someone waiting), offered (a place
    is held for them to accept), waitlisted (joined a waiting list) or cancelled. A confirmed
    or promoted place carries an .ics attachment.
    """
    from exchange.events.calendar import booking_ics
    from exchange.events.models import Booking
    from exchange.events.selectors import waitlist_position

    booking = (
        Booking.objects.select_related("user", "session", "session__event")
        .filter(pk=booking_id, state__in=NOTICE_STATES[kind])
        .first()
    )
    if booking is None or not booking.user.email:
        return 0
    context = {
        "booking": booking,
        "session": booking.session,
        "event": booking.session.event,
        "name": booking.user.public_name,
        "position": waitlist_position(booking),
        "switching": booking.replaces_id is not None,
        "by_organiser": booking.cancel_reason == "organiser",
        "bookings_url": settings.SITE_URL + reverse("events:mine"),
        "event_url": settings.SITE_URL
        + reverse("events:detail", kwargs={"slug": booking.session.event.slug}),
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string(f"emails/booking_{kind}_subject.txt", context).split())
    message = EmailMessage(
        subject=subject,
        body=render_to_string(f"emails/booking_{kind}_body.txt", context),
        to=[booking.user.email],
    )
    if kind in ("confirmed", "promoted"):
        message.attach("booking.ics", booking_ics(booking), "text/calendar")
    return message.send()


@task()
def offers_expire_task() -> int:
    """Pass expired offers on (schedule every few minutes)."""
    from exchange.events.services import offers_expire

    return offers_expire()


@task()
def booking_reminders_send(*, now_iso: str = "") -> int:
    """Remind confirmed attendees of sessions starting in the next 24 hours; once per booking."""
    from exchange.core.services import email_send
    from exchange.events.models import Booking, BookingState

    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    due = Booking.objects.select_related("user", "session", "session__event").filter(
        state=BookingState.CONFIRMED,
        reminded_at__isnull=True,
        session__is_cancelled=False,
        session__starts_at__gt=now,
        session__starts_at__lte=now + dt.timedelta(days=1),
    )
    sent = 0
    for booking in due:
        email_send(
            to=[booking.user.email],
            template="emails/booking_reminder",
            context={
                "booking": booking,
                "session": booking.session,
                "event": booking.session.event,
                "name": booking.user.public_name,
                "bookings_url": settings.SITE_URL + reverse("events:mine"),
            },
        )
        Booking.objects.filter(pk=booking.pk).update(reminded_at=now)
        sent += 1
    return sent
