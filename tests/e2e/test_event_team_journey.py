"""Issue 13 in a real browser, with axe-core on every page.

An organiser adds a colleague to the event's team, who can then run it; an attendee passes
their place to a colleague with no account, who signs up with the invited address and claims it.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exchange.core.permissions import Role
from exchange.events.models import Booking, BookingState, Mode
from tests.e2e.test_events_journey import signed_in_page
from tests.e2e.test_journey import confirmation_link
from tests.events.factories import EventFactory, SessionFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EVENT_TITLE = "Keeping the changes conference"
SESSION_TITLE = "Video clinics that stayed"


def test_organiser_adds_a_colleague_to_the_team(live_server, browser, axe):
    event = EventFactory(title=EVENT_TITLE, slug="keeping-changes")
    SessionFactory(event=event, title=SESSION_TITLE)
    olu = UserFactory(email="olu@example.net", display_name="Olu", roles=[Role.ORGANISER])
    UserFactory(
        email="cerys@example.net",
        display_name="Cerys",
        organisation="Riverside Council",
        roles=[Role.ORGANISER],
    )
    event.organisers.add(olu)

    context, page = signed_in_page(browser, live_server, axe, olu.email)
    page.goto(reverse("events:manage", kwargs={"slug": event.slug}))
    axe.check(page)
    page.get_by_role("link", name="Organisers of this event").click()
    page.get_by_role("heading", name="Organisers", level=1).wait_for()
    axe.check(page)
    # Adding no one is explained, with an error summary.
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)
    page.get_by_label("Add an organiser").select_option(label="Cerys (Riverside Council)")
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_text("Cerys is now an organiser of this event.").wait_for()
    axe.check(page)
    assert set(event.organisers.values_list("display_name", flat=True)) == {"Olu", "Cerys"}
    context.close()

    # Cerys can now run the event.
    context, page = signed_in_page(browser, live_server, axe, "cerys@example.net")
    response = page.goto(reverse("events:manage", kwargs={"slug": event.slug}))
    assert response is not None
    assert response.status == 200
    page.get_by_role("heading", name=EVENT_TITLE).wait_for()
    axe.check(page)
    context.close()
    axe.assert_clean()


def test_a_place_is_passed_on_by_invitation_and_claimed_after_signing_up(
    live_server, browser, axe, mailoutbox
):
    session = SessionFactory(
        event=EventFactory(title=EVENT_TITLE, slug="keeping-changes"), title=SESSION_TITLE
    )
    asha = UserFactory(email="asha@example.net", display_name="Asha")
    booking = Booking.objects.create(
        user=asha, session=session, mode=Mode.IN_PERSON, state=BookingState.CONFIRMED
    )

    # Asha invites a colleague who has no account yet; the page would say the same if they had.
    context, page = signed_in_page(browser, live_server, axe, asha.email)
    page.goto(reverse("events:mine"))
    axe.check(page)
    page.get_by_role("link", name="Pass your place to a colleague").click()
    page.get_by_role("heading", name="Pass your place to a colleague").wait_for()
    axe.check(page)
    page.get_by_label("Your colleague's email address").fill("dewi@example.net")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("We have emailed your colleague an invitation.").wait_for()
    axe.check(page)
    assert "You invited dewi@example.net" in page.locator(f"#booking-{booking.pk}").inner_text()
    context.close()

    invitation = next(m for m in mailoutbox if m.to == ["dewi@example.net"])
    # The email carries SITE_URL; the test server listens elsewhere.
    claim_url = re.search(r"/events/transfers/[^/\s]+/", invitation.body).group(0)

    # Dewi opens the link, creates an account with that address and confirms it.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(claim_url)
    page.get_by_role("heading", name="A place has been passed to you").wait_for()
    axe.check(page)
    page.get_by_role("link", name="Create an account").last.click()
    page.get_by_label("Email address").fill("dewi@example.net")
    page.get_by_label("Display name").fill("Dewi")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()
    page.goto(confirmation_link(mailoutbox, "dewi@example.net"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("Email address").fill("dewi@example.net")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()

    # Back to the invitation: Dewi accepts the place, which leaves Asha's bookings.
    page.goto(claim_url)
    axe.check(page)
    page.get_by_role("button", name="Accept the place").click()
    page.get_by_role("heading", name="Your bookings").wait_for()
    page.get_by_text(f"The place is yours: “{SESSION_TITLE}”.").wait_for()
    axe.check(page)
    booking.refresh_from_db()
    assert booking.user.email == "dewi@example.net"
    assert booking.state == BookingState.CONFIRMED

    # The link has done its work.
    response = page.goto(claim_url)
    assert response is not None
    assert response.status == 410
    axe.check(page)
    context.close()
    axe.assert_clean()
