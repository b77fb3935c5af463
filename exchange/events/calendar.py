"""iCalendar files: one booking (email attachment, download) or a person's private feed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent

from exchange.events.models import Booking, Mode

PRODID = "-//Exchange for Change//Events//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _vevent(booking: Booking) -> ICalEvent:
    session = booking.session
    event = session.event
    vevent = ICalEvent()
    host = settings.SITE_URL.split("://")[-1].split("/")[0] or "exchange"
    vevent.add("uid", f"booking-{booking.pk}@{host}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", session.starts_at)
    vevent.add("dtend", session.ends_at)
    vevent.add("summary", f"{session.title} — {event.title}")
    if booking.mode == Mode.ONLINE:
        vevent.add("location", "Online")
    else:
        vevent.add("location", ", ".join(part for part in (session.room, event.venue) if part))
    vevent.add("url", settings.SITE_URL + reverse("events:detail", kwargs={"slug": event.slug}))
    vevent.add("description", f"{booking.get_mode_display()}. {session.description}".strip())
    return vevent


def booking_ics(booking: Booking) -> bytes:
    calendar = _calendar(booking.session.title)
    calendar.add_component(_vevent(booking))
    return calendar.to_ical()


def feed_ics(bookings: Iterable[Booking]) -> bytes:
    calendar = _calendar("Exchange for Change bookings")
    for booking in bookings:
        calendar.add_component(_vevent(booking))
    return calendar.to_ical()
