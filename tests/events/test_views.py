"""Event pages: browsing, booking, changing a booking, and the organiser pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from exchange.core.permissions import Role
from exchange.events import services
from exchange.events.models import (
    Booking,
    BookingState,
    Event,
    Improvement,
    Mode,
    PromotionPolicy,
)
from tests.events.factories import EventFactory, SessionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return SessionFactory(title="Keeping video clinics", capacity_in_person=1)


@pytest.fixture
def organiser_client(client, session):
    """An organiser listed on the session's event."""
    organiser = UserFactory(roles=[Role.ORGANISER])
    session.event.organisers.add(organiser)
    client.force_login(organiser)
    return client


def book(session, mode=Mode.IN_PERSON, user=None, **kwargs):
    return services.booking_create(user=user or UserFactory(), session=session, mode=mode, **kwargs)


def test_list_and_detail_show_sessions_and_availability(
    client, session, django_assert_max_num_queries
):
    for _ in range(3):
        SessionFactory(event=session.event)
    book(session)
    book(session)

    assert session.event.title in client.get(reverse("events:list")).content.decode()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("events:detail", kwargs={"slug": session.event.slug}))

    html = response.content.decode()
    assert "Keeping video clinics" in html
    assert "Full" in html
    assert "1 person waiting" in html


def test_book_confirms_and_then_waitlists_with_the_position(client, session):
    url = reverse("events:book", kwargs={"pk": session.pk})
    client.force_login(UserFactory())
    response = client.post(url, {"mode": "in_person"}, follow=True)
    assert "Your place is confirmed" in response.content.decode()

    client.force_login(UserFactory())
    response = client.post(url, {"mode": "in_person"}, follow=True)
    assert "number 1 on the waiting list" in response.content.decode()


def test_book_without_a_mode_shows_the_error_and_keeps_input(client, session):
    client.force_login(UserFactory())
    response = client.post(
        reverse("events:book", kwargs={"pk": session.pk}),
        {"mode": "carrier_pigeon", "access_needs": "Hearing loop"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Choose how you will attend" in html
    assert "Hearing loop" in html
    assert not Booking.objects.exists()


def test_book_a_closed_event_shows_a_clear_error(client):
    session = SessionFactory(event=EventFactory(bookings_open=False))
    client.force_login(UserFactory())
    response = client.post(reverse("events:book", kwargs={"pk": session.pk}), {"mode": "online"})
    assert "Bookings for this event are closed" in response.content.decode()


def test_book_page_warns_about_clashes(client, session):
    user = UserFactory()
    book(session, user=user)
    overlapping = SessionFactory(event=session.event, title="Parallel workshop")
    client.force_login(user)
    response = client.get(reverse("events:book", kwargs={"pk": overlapping.pk}))
    assert "overlaps with sessions you have booked" in response.content.decode()


def test_my_bookings_shows_join_link_only_from_an_hour_before(client, session):
    booking = book(session, Mode.ONLINE)
    client.force_login(booking.user)
    url = reverse("events:mine")
    assert session.online_join_url not in client.get(url).content.decode()
    with time_machine.travel(session.starts_at - dt.timedelta(minutes=30)):
        assert session.online_join_url in client.get(url).content.decode()


def test_switch_keeps_the_place_while_waiting(client, session):
    seated = book(session, Mode.ONLINE)
    session.capacity_online = 1
    session.save()
    in_person = book(session, Mode.IN_PERSON)
    client.force_login(in_person.user)

    response = client.get(reverse("events:switch", kwargs={"pk": in_person.pk}))
    assert "keep your current place" in response.content.decode()
    response = client.post(reverse("events:switch", kwargs={"pk": in_person.pk}), follow=True)

    assert "number 1 on its waiting list" in response.content.decode()
    in_person.refresh_from_db()
    assert in_person.state == BookingState.CONFIRMED
    assert seated.state == BookingState.CONFIRMED


def test_cancel_asks_first_then_passes_the_place_on(client, session):
    seated, waiter = book(session), book(session)
    client.force_login(seated.user)
    url = reverse("events:cancel", kwargs={"pk": seated.pk})

    assert "Your place goes to the next person" in client.get(url).content.decode()
    client.post(url)

    waiter.refresh_from_db()
    assert waiter.state == BookingState.CONFIRMED


def test_expired_offer_link_explains_and_keeps_nothing_half_done(client):
    session = SessionFactory(
        event=EventFactory(promotion_policy=PromotionPolicy.OFFER), capacity_in_person=1
    )
    seated, waiter = book(session), book(session)
    services.booking_cancel(user=seated.user, booking=seated)
    client.force_login(waiter.user)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        response = client.post(reverse("events:accept", kwargs={"pk": waiter.pk}))
    assert "This offer has expired" in response.content.decode()
    waiter.refresh_from_db()
    assert waiter.state == BookingState.OFFERED  # the scheduled task passes it on


def test_transfer_to_an_invalid_email_shows_the_error(client, session):
    booking = book(session)
    client.force_login(booking.user)
    url = reverse("events:transfer", kwargs={"pk": booking.pk})

    response = client.post(url, {"email": "not-an-email"})
    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'value="not-an-email"' in html
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED


def test_booking_ics_and_private_feed_parse(client, session):
    booking = book(session)
    client.force_login(booking.user)
    ics = client.get(reverse("events:booking_ics", kwargs={"pk": booking.pk}))
    assert ics["Content-Type"] == "text/calendar"
    (vevent,) = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert "Keeping video clinics" in str(vevent["summary"])

    created = client.post(reverse("events:calendar_feed_manage"), {"action": "create"})
    feed_url = created.context["feed_url"]
    assert "no-store" in created["Cache-Control"]
    client.logout()
    response = client.get(feed_url)
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 1
    assert client.get("/events/calendar/wrong.ics").status_code == 404


def test_access_needs_are_for_organisers_only(client, organiser_client, session):
    book(session, access_needs="Needs a wheelchair space", dietary_requirements="Vegan")
    detail = client.get(reverse("events:detail", kwargs={"slug": session.event.slug}))
    assert "wheelchair" not in detail.content.decode()

    page = organiser_client.get(reverse("events:session_manage", kwargs={"pk": session.pk}))
    assert "Needs a wheelchair space" in page.content.decode()
    assert "Vegan" in page.content.decode()


def test_organiser_dashboard_counts_and_check_in(
    organiser_client, session, django_assert_max_num_queries
):
    seated = book(session, user=UserFactory(display_name="Ffion Evans"))
    book(session)
    with django_assert_max_num_queries(12):
        response = organiser_client.get(
            reverse("events:manage", kwargs={"slug": session.event.slug})
        )
    assert response.status_code == 200

    found = organiser_client.get(
        reverse("events:session_manage", kwargs={"pk": session.pk}), {"q": "ffion"}
    ).content.decode()
    assert "Ffion Evans" in found
    organiser_client.post(reverse("events:check_in", kwargs={"pk": seated.pk}))
    seated.refresh_from_db()
    assert seated.state == BookingState.ATTENDED


def test_exports(organiser_client, session):
    book(session, user=UserFactory(display_name="=cmd|' /C calc'!A0"), dietary_requirements="Vegan")
    csv_response = organiser_client.get(
        reverse("events:session_export", kwargs={"pk": session.pk, "fmt": "csv"})
    )
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[0][:2] == ["name", "organisation"]
    assert rows[1][0].startswith("'=")
    assert rows[1][-1] == "Vegan"
    xlsx = organiser_client.get(
        reverse("events:session_export", kwargs={"pk": session.pk, "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=8).value == "Vegan"
    assert (
        organiser_client.get(
            reverse("events:session_export", kwargs={"pk": session.pk, "fmt": "pdf"})
        ).status_code
        == 404
    )


def test_close_bookings(organiser_client, session):
    organiser_client.post(
        reverse("events:bookings_open", kwargs={"slug": session.event.slug}), {"open": "0"}
    )
    session.event.refresh_from_db()
    assert not session.event.bookings_open


def test_suggest_an_improvement_after_the_session(client, session):
    booking = book(session)
    client.force_login(booking.user)
    url = reverse("events:improve", kwargs={"pk": session.pk})
    assert client.get(url).status_code == 404
    with time_machine.travel(session.ends_at + dt.timedelta(hours=1)):
        response = client.post(url, {"text": "   "})
        assert "Enter your suggestion" in response.content.decode()
        client.post(url, {"text": "Record the talks"})
    improvement = Improvement.objects.get()
    assert improvement.text == "Record the talks"
    assert improvement.session == session


def test_message_everyone_with_a_place(
    organiser_client, session, mailoutbox, django_capture_on_commit_callbacks
):
    seated = book(session)
    book(session)  # waiting: not messaged
    url = reverse("events:session_message", kwargs={"pk": session.pk})

    response = organiser_client.post(url, {"subject": "", "body": "Room change"})
    assert "Enter a subject" in response.content.decode()
    assert "Room change" in response.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {"subject": "Room change", "body": "We move to Room 5."})

    assert [m.to for m in mailoutbox] == [[seated.user.email]]
    assert "Room 5" in mailoutbox[0].body


def test_events_tick_expires_offers(db):
    from django.core.management import call_command

    session = SessionFactory(
        event=EventFactory(promotion_policy=PromotionPolicy.OFFER), capacity_in_person=1
    )
    seated, waiter, next_one = book(session), book(session), book(session)
    services.booking_cancel(user=seated.user, booking=seated)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        call_command("events_tick", stdout=io.StringIO())
    waiter.refresh_from_db()
    next_one.refresh_from_db()
    assert waiter.state == BookingState.CANCELLED
    assert next_one.state == BookingState.OFFERED


def test_book_the_whole_event_in_one_step(client):
    event = EventFactory()
    hybrid = SessionFactory(event=event, capacity_in_person=0)
    online_only = SessionFactory(event=event, attendance_type="online")
    user = UserFactory()
    client.force_login(user)
    url = reverse("events:book_event", kwargs={"slug": event.slug})

    response = client.post(url, {"mode": "in_person"})
    assert "Choose at least one session" in response.content.decode()
    client.post(url, {"mode": "in_person", "sessions": [hybrid.pk, online_only.pk]})

    states = dict(Booking.objects.filter(user=user).values_list("session_id", "state"))
    modes = dict(Booking.objects.filter(user=user).values_list("session_id", "mode"))
    assert states == {hybrid.pk: "waitlisted", online_only.pk: "confirmed"}
    assert modes == {hybrid.pk: "in_person", online_only.pk: "online"}
    assert "no more sessions" in client.get(url).content.decode()


def test_organisers_manage_only_their_own_events(client, session):
    organiser = UserFactory(roles=[Role.ORGANISER])
    client.force_login(organiser)
    urls = [
        reverse("events:manage", kwargs={"slug": session.event.slug}),
        reverse("events:session_manage", kwargs={"pk": session.pk}),
        reverse("events:session_export", kwargs={"pk": session.pk, "fmt": "csv"}),
        reverse("events:session_message", kwargs={"pk": session.pk}),
    ]
    assert {client.get(url).status_code for url in urls} == {403}
    assert (
        client.post(reverse("events:check_in", kwargs={"pk": book(session).pk})).status_code == 403
    )

    session.event.organisers.add(organiser)
    assert {client.get(url).status_code for url in urls} == {200}


def test_organiser_creates_an_event_and_a_session(client):
    organiser = UserFactory(roles=[Role.ORGANISER])
    client.force_login(organiser)
    response = client.post(
        reverse("events:event_create"),
        {
            "title": "Winter workshop",
            "slug": "winter-workshop",
            "starts_at": "2030-01-10 09:00",
            "ends_at": "2030-01-09 17:00",
            "promotion_policy": "offer",
            "offer_hours": "12",
        },
    )
    html = response.content.decode()
    assert "The end must be after the start" in html
    assert "Winter workshop" in html

    client.post(
        reverse("events:event_create"),
        {
            "title": "Winter workshop",
            "slug": "winter-workshop",
            "starts_at": "2030-01-10 09:00",
            "ends_at": "2030-01-10 17:00",
            "bookings_open": "on",
            "promotion_policy": "offer",
            "offer_hours": "12",
        },
    )
    event = Event.objects.get(slug="winter-workshop")
    assert list(event.organisers.all()) == [organiser]
    client.post(
        reverse("events:session_create", kwargs={"slug": event.slug}),
        {
            "title": "Making it stick",
            "kind": "workshop",
            "starts_at": "2030-01-10 10:00",
            "ends_at": "2030-01-10 11:00",
            "attendance_type": "hybrid",
            "capacity_in_person": "20",
            "capacity_online": "",
        },
    )
    session = event.sessions.get()
    assert session.capacity_in_person == 20
    assert session.capacity_online is None


def test_raising_capacity_confirms_those_waiting(organiser_client, session):
    book(session)
    waiter = book(session)
    data = {
        "title": session.title,
        "kind": session.kind,
        "starts_at": session.starts_at.strftime("%Y-%m-%d %H:%M"),
        "ends_at": session.ends_at.strftime("%Y-%m-%d %H:%M"),
        "attendance_type": session.attendance_type,
        "capacity_in_person": "2",
        "capacity_online": "2",
    }
    organiser_client.post(reverse("events:session_edit", kwargs={"pk": session.pk}), data)
    waiter.refresh_from_db()
    assert waiter.state == BookingState.CONFIRMED


def test_my_bookings_query_count_does_not_grow(client, django_assert_max_num_queries):
    user = UserFactory()
    event = EventFactory()
    for _ in range(6):
        full = SessionFactory(event=event, capacity_in_person=1)
        book(full)
        book(full, user=user)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("events:mine"))
    assert response.content.decode().count("number 1 on the waiting list") == 6


def test_booking_cards_show_the_session_and_event_titles_as_separate_elements(client):
    """Issue 16: "Virtual wards: what stays Keeping the gains…" ran together in one heading."""
    event = EventFactory(title="Keeping the gains")
    booking = book(SessionFactory(event=event, title="Virtual wards: what stays"))
    client.force_login(booking.user)

    html = client.get(reverse("events:mine")).content.decode()

    card = html[html.index(f'id="booking-{booking.pk}"') :]
    heading = re.search(r'<h2 class="govuk-summary-card__title">(.*?)</h2>', card, re.S)
    assert heading.group(1).strip() == "Virtual wards: what stays"
    assert re.search(r"<p[^>]*>\s*Keeping the gains\s*</p>", card)


def test_switch_page_for_someone_waiting_says_what_happens_to_their_place(client, session):
    session.capacity_in_person = 1
    session.capacity_online = 1
    session.save()
    book(session)
    book(session, Mode.ONLINE)
    waiter = book(session)
    client.force_login(waiter.user)

    page = client.get(reverse("events:switch", kwargs={"pk": waiter.pk})).content.decode()

    assert "keep your place on this one until you get a place" in page
    client.post(reverse("events:switch", kwargs={"pk": waiter.pk}))
    waiter.refresh_from_db()
    assert waiter.state == BookingState.WAITLISTED
