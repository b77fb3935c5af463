from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchange.events.models import AttendanceType, Event, PromotionPolicy, Session

DAY = dt.timedelta(days=1)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Lessons learned conference {n}")
    slug = factory.Sequence(lambda n: f"conference-{n}")
    description = "A day of talks and workshops about changes that should stay."
    venue = "Civic Centre, Northshire"
    starts_at = factory.LazyFunction(lambda: timezone.now() + 7 * DAY)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=8))
    bookings_open = True
    promotion_policy = PromotionPolicy.CONFIRM
    offer_hours = 24


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Keeping video clinics {n}")
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + dt.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    room = "Room 2"
    attendance_type = AttendanceType.HYBRID
    capacity_in_person = 2
    capacity_online = 2
    online_join_url = "https://meet.example.org/room-2"
