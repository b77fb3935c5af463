"""The newcomer tour (issue 16): every loop on the demo data, as a new user finds it, without
the admin. Gallery search for "videos" → an example → a comment → booking the full session
(waiting list) → switching how to attend → the workshop wall with its QR code → the published
report → the at-risk dashboard as the moderator; axe-core on every page.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from exchange.events.models import Booking, BookingState, Mode
from exchange.workshops.models import Workshop
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "exchange-demo-2026"
FULL_SESSION = "Virtual wards: what stays"
EVENT_SLUG = "keeping-the-gains-2027"
COMMENT = "We tried this on our ward too: the huddle made the difference."


def sign_in(page, axe, email: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("account_login"))
    axe.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()
    axe.check(page)


def test_newcomer_tour_visits_every_loop(live_server, browser, axe):
    call_command("load_demo", verbosity=0)
    # Someone new to the site: the demo participant already holds places on the demo event.
    newcomer = UserFactory(email="newcomer@example.net", display_name="Nia, new here")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)

    # Collect: the gallery finds "videos" (plural) in examples that say "video".
    page.goto(reverse("examples:gallery"))
    axe.check(page)
    page.get_by_label("Search examples").fill("videos")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q=videos"))
    axe.check(page)
    found = page.locator("main h2 a, main h3 a").filter(has_text=re.compile("video", re.I))
    assert found.count() > 0, "no example found for 'videos'"
    found.first.click()
    page.get_by_role("heading", level=1).wait_for()
    example_url = page.url
    axe.check(page)

    # Converse: the newcomer comments on it.
    sign_in(page, axe, newcomer.email, PASSWORD)
    page.goto(example_url)
    page.get_by_label("Your comment").fill(COMMENT)
    policy = page.get_by_label("I have read the comments policy and my comment follows it")
    if policy.count():
        policy.check()
    page.get_by_role("button", name="Post comment").click()
    page.get_by_text(COMMENT).first.wait_for()
    axe.check(page)

    # Convene: the full in-person session puts them on the waiting list…
    page.goto(reverse("events:detail", kwargs={"slug": EVENT_SLUG}))
    axe.check(page)
    page.get_by_role("link", name=f"Book {FULL_SESSION}").first.click()
    page.get_by_role("heading", name=f"Book “{FULL_SESSION}”").wait_for()
    axe.check(page)
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Book").click()
    page.get_by_role("heading", name="Your bookings").wait_for()
    axe.check(page)
    waiting = Booking.objects.get(
        user=newcomer,
        session__title=FULL_SESSION,
        mode=Mode.IN_PERSON,
        state=BookingState.WAITLISTED,
    )

    # …and they switch to attending online, where there is room.
    page.locator(f"#booking-{waiting.pk}").get_by_role("link", name="Change how you attend").click()
    page.get_by_role("heading", name=f"Attend “{FULL_SESSION}” Online instead?").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Switch").click()
    page.get_by_role("heading", name="Your bookings").wait_for()
    axe.check(page)
    assert Booking.objects.filter(
        user=newcomer,
        session__title=FULL_SESSION,
        mode=Mode.ONLINE,
        state=BookingState.CONFIRMED,
    ).exists()

    # Synthesise: the live wall of a demo workshop shows a QR code that draws.
    workshop = Workshop.objects.order_by("pk").first()
    assert workshop is not None
    page.goto(reverse("workshops:wall", kwargs={"code": workshop.join_code}))
    qr = page.locator('img[src$="/qr.svg"]')
    qr.wait_for()
    page.wait_for_function("() => document.querySelector('img[src$=\"/qr.svg\"]').complete")
    assert qr.evaluate("img => img.naturalWidth") > 0
    axe.check(page)

    # The published report.
    page.goto(reverse("insights:report_list"))
    axe.check(page)
    page.locator("main").get_by_role("link").filter(has_text="Summer of reflection").first.click()
    page.get_by_text("Published").first.wait_for()
    axe.check(page)

    # Sustain: the moderator's at-risk dashboard lists the demo's reverted and silent examples.
    context.clear_cookies()
    sign_in(page, axe, "moderator@example.org")
    page.goto(reverse("sustain:at_risk"))
    page.get_by_role("heading", level=1).wait_for()
    axe.check(page)
    assert page.locator("main").get_by_role("link").count() > 0

    context.close()
    axe.assert_clean()
