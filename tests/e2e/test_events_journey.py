"""The events booking journey in a real browser (issue 6), checked by axe-core on every page.

In-person capacity 1: A books in person, B is waitlisted with their position, A switches to
online, B is confirmed in person at once, B downloads the .ics, and an organiser sees the counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from exchange.core.permissions import Role
from exchange.events.models import Booking, BookingState, Mode, PromotionPolicy
from tests.events.factories import EventFactory, SessionFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EVENT_TITLE = "Keeping the changes conference"
SESSION_TITLE = "Video clinics that stayed"


def signed_in_page(browser, live_server, axe, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(reverse("account_login"))
    axe.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()
    axe.check(page)
    return context, page


def open_session_booking(page, axe) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("events:list"))
    axe.check(page)
    page.get_by_role("link", name=EVENT_TITLE).click()
    page.get_by_role("heading", name=EVENT_TITLE, level=1).wait_for()
    axe.check(page)
    page.get_by_role("link", name=f"Book {SESSION_TITLE}").click()
    page.get_by_role("heading", name=f"Book “{SESSION_TITLE}”").wait_for()
    axe.check(page)


def booking_card(page, booking: Booking):  # type: ignore[no-untyped-def]
    return page.locator(f"#booking-{booking.pk}")


def test_waitlist_switch_promote_ics_and_dashboard(live_server, browser, axe):
    event = EventFactory(
        title=EVENT_TITLE, slug="keeping-changes", promotion_policy=PromotionPolicy.CONFIRM
    )
    session = SessionFactory(
        event=event, title=SESSION_TITLE, capacity_in_person=1, capacity_online=None
    )
    asha = UserFactory(email="asha@example.net", display_name="Asha")
    ben = UserFactory(email="ben@example.net", display_name="Ben")
    organiser = UserFactory(email="olu@example.net", display_name="Olu", roles=[Role.ORGANISER])
    event.organisers.add(organiser)

    # A books the only in-person place and is confirmed.
    context_a, page_a = signed_in_page(browser, live_server, axe, asha.email)
    open_session_booking(page_a, axe)
    page_a.get_by_label("In person").check()
    page_a.get_by_label("Access needs (optional)").fill("Step-free access, please.")
    page_a.get_by_role("button", name="Book").click()
    page_a.get_by_role("heading", name="Your bookings").wait_for()
    page_a.get_by_text("Your place is confirmed.").wait_for()
    axe.check(page_a)
    booking_a = Booking.objects.get(user=asha, session=session)
    assert (booking_a.mode, booking_a.state) == (Mode.IN_PERSON, BookingState.CONFIRMED)
    card_a = booking_card(page_a, booking_a)
    assert "In person" in card_a.inner_text()
    assert "Confirmed" in card_a.inner_text()

    # The session is now full in person; B tries in person and is waitlisted at number 1.
    context_b, page_b = signed_in_page(browser, live_server, axe, ben.email)
    open_session_booking(page_b, axe)
    assert "Full" in page_b.locator("main").inner_text()
    page_b.get_by_label("In person").check()
    page_b.get_by_role("button", name="Book").click()
    page_b.get_by_role("heading", name="Your bookings").wait_for()
    page_b.get_by_text("This is full. You are number 1 on the waiting list.").wait_for()
    axe.check(page_b)
    booking_b = Booking.objects.get(user=ben, session=session)
    assert (booking_b.mode, booking_b.state) == (Mode.IN_PERSON, BookingState.WAITLISTED)
    card_b = booking_card(page_b, booking_b)
    assert "On the waiting list" in card_b.inner_text()
    assert "You are number 1 on the waiting list." in card_b.inner_text()
    # A waitlisted booking offers no calendar download yet.
    assert card_b.get_by_role("link", name="Add to your calendar (.ics)").count() == 0

    # A switches to online (unlimited), which is confirmed at once.
    page_a.reload()
    axe.check(page_a)
    booking_card(page_a, booking_a).get_by_role("link", name="Change how you attend").click()
    page_a.get_by_role("heading", name=f"Attend “{SESSION_TITLE}” Online instead?").wait_for()
    axe.check(page_a)
    page_a.get_by_role("button", name="Switch").click()
    page_a.get_by_text("You have switched how you attend.").wait_for()
    axe.check(page_a)
    switched = Booking.objects.get(user=asha, session=session, state=BookingState.CONFIRMED)
    assert switched.mode == Mode.ONLINE
    card_a = booking_card(page_a, switched)
    assert "Online" in card_a.inner_text()
    assert "Confirmed" in card_a.inner_text()

    # The freed in-person place went to B at once (the event confirms the next person).
    booking_b.refresh_from_db()
    assert (booking_b.mode, booking_b.state) == (Mode.IN_PERSON, BookingState.CONFIRMED)
    page_b.reload()
    page_b.get_by_role("heading", name="Your bookings").wait_for()
    axe.check(page_b)
    card_b = booking_card(page_b, booking_b)
    assert "Confirmed" in card_b.inner_text()
    assert "In person" in card_b.inner_text()
    assert "waiting list" not in card_b.inner_text()

    # B downloads the calendar file (not a page, so no axe run on it).
    ics_link = card_b.get_by_role("link", name="Add to your calendar (.ics)")
    with page_b.expect_download() as download_info:
        ics_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    body = Path(download.path()).read_bytes()
    assert b"BEGIN:VCALENDAR" in body
    assert SESSION_TITLE.encode() in body
    response = context_b.request.get(ics_link.get_attribute("href"))
    assert response.status == 200
    assert "text/calendar" in response.headers["content-type"]
    context_a.close()
    context_b.close()

    # An organiser opens the dashboard and sees the counts per mode.
    context_o, page_o = signed_in_page(browser, live_server, axe, organiser.email)
    page_o.goto(reverse("events:detail", kwargs={"slug": event.slug}))
    axe.check(page_o)
    page_o.get_by_role("link", name="Manage this event").click()
    page_o.get_by_role("heading", name=EVENT_TITLE, level=1).wait_for()
    axe.check(page_o)
    table = page_o.get_by_role("table", name="Bookings by attendance and state")

    def counts(mode_label: str) -> list[str]:
        row = table.get_by_role("row").filter(
            has=page_o.get_by_role("rowheader", name=mode_label, exact=True)
        )
        return [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()]

    # Columns: confirmed, attended, offered, waiting, cancelled.
    assert counts("In person") == ["1", "0", "0", "0", "1"]
    assert counts("Online") == ["1", "0", "0", "0", "0"]
    page_o.get_by_role("link", name=f"Attendees and check-in {SESSION_TITLE}").click()
    page_o.get_by_role("heading", name=SESSION_TITLE, level=1).wait_for()
    axe.check(page_o)
    attendees = page_o.get_by_role("table", name="Attendees").inner_text()
    assert "Asha" in attendees
    assert "Ben" in attendees
    assert "asha@example.net" not in page_o.content()
    context_o.close()

    axe.assert_clean()
