"""Background work for events, run by `manage.py db_worker`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task


@task()
def booking_confirmation_send(*, booking_id: int) -> int:
    """Email a confirmed booking with an .ics attachment. Returns messages sent (0 or 1)."""
    from exchange.events.calendar import booking_ics
    from exchange.events.models import Booking, BookingState

    booking = (
        Booking.objects.select_related("user", "session", "session__event")
        .filter(pk=booking_id, state=BookingState.CONFIRMED)
        .first()
    )
    if booking is None or not booking.user.email:
        return 0
    context = {
        "booking": booking,
        "session": booking.session,
        "event": booking.session.event,
        "name": booking.user.public_name,
        "bookings_url": settings.SITE_URL + reverse("events:mine"),
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("emails/booking_confirmed_subject.txt", context).split())
    message = EmailMessage(
        subject=subject,
        body=render_to_string("emails/booking_confirmed_body.txt", context),
        to=[booking.user.email],
    )
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
