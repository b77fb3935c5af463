"""The check-in journey in a real browser (issue 7), checked by axe-core on every page.

A moderator publishes an example; three months later (time-machine: the live server runs in
this process, so it travels too) the scheduled job emails the author a link; the author opens
it without signing in, answers "adapted", and the example's timeline shows it. The used link
then says so. Another participant records "We adopted this" and is listed; a moderator sees
the example on the at-risk dashboard once a later answer names a risk.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exchange.examples.models import ExampleStatus
from exchange.sustain.models import CheckInAnswer
from exchange.sustain.tasks import checkins_run
from tests.e2e.test_journey import sign_in, sign_out
from tests.factories import ModeratorFactory, SubmittedExampleFactory, UserFactory
from tests.sustain.factories import links_in_outbox

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Video clinics replaced hospital visits"


def test_publish_travel_answer_adapted_timeline_adopt_and_at_risk(live_server, browser, axe):
    author = UserFactory(email="asha@example.net", display_name="Asha")
    moderator = ModeratorFactory(email="mo@example.net")
    adopter = UserFactory(email="ben@example.net", display_name="Ben", organisation="West Trust")
    example = SubmittedExampleFactory(author=author, title=TITLE)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Publish.
    page.goto("/")
    sign_in(page, axe, moderator.email)
    page.get_by_role("link", name="Sign out").wait_for()
    page.goto(reverse("examples:moderation_review", kwargs={"pk": example.pk}))
    page.get_by_role("button", name="Approve and publish").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_role("button", name="Feature on the home page").wait_for()
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    sign_out(page, axe)
    page.goto(example.get_absolute_url())
    page.get_by_text("No one has answered yet.").wait_for()
    axe.check(page)

    # Three months later the scheduled job emails the author.
    with time_machine.travel(timezone.now() + dt.timedelta(days=93)):
        mail.outbox.clear()
        assert checkins_run.enqueue().return_value["sent"] == 1
        ((pk, token),) = links_in_outbox(author.email)
        link = reverse("sustain:checkin_answer", kwargs={"pk": pk, "token": token})

        # The author opens it without signing in and answers "adapted".
        page.goto(link)
        page.get_by_role("heading", name="Is it still in place?").wait_for()
        axe.check(page)
        page.get_by_role("button", name="Send answer").click()  # nothing chosen yet
        page.get_by_text("There is a problem").wait_for()
        axe.check(page)
        page.get_by_label("Adapted").check()
        page.get_by_label("What helped keep it going? (optional)").fill("A weekly huddle")
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Send answer").click()
        page.get_by_role("heading", name="Thank you for your answer").wait_for()
        axe.check(page)
        assert CheckInAnswer.objects.get().status == "adapted"

        # The example's timeline shows it.
        page.get_by_role("link", name=f"See “{TITLE}” and its check-ins").click()
        page.get_by_text("Still in place at 3 months — adapted").wait_for()
        assert "A weekly huddle" in page.content()
        axe.check(page)

        # The link works once.
        response = page.goto(link)
        assert response is not None
        assert response.status == 410
        page.get_by_text("already been answered").wait_for()
        axe.check(page)

        # Another organisation adopts it.
        sign_in(page, axe, adopter.email)
        page.get_by_role("link", name="Sign out").wait_for()
        page.goto(example.get_absolute_url())
        page.get_by_role("link", name="We adopted this").click()
        page.get_by_role("heading", name="We adopted this").wait_for()
        axe.check(page)
        today = timezone.localdate()
        page.get_by_label("Day").fill(str(today.day))
        page.get_by_label("Month").fill(str(today.month))
        page.get_by_label("Year").fill(str(today.year))
        page.get_by_label("How did you adapt it to your organisation?").fill("Only on Tuesdays")
        page.get_by_role("button", name="Record adoption").click()
        page.get_by_text("Your adoption is recorded").wait_for()
        assert "West Trust" in page.content()
        axe.check(page)
        page.goto(reverse("examples:gallery"))
        page.get_by_text("Adopted by 1 organisation").wait_for()
        axe.check(page)
        sign_out(page, axe)

    # Six months: the author says it is at risk; the moderator sees it on the dashboard.
    with time_machine.travel(timezone.now() + dt.timedelta(days=185)):
        mail.outbox.clear()
        checkins_run.enqueue()
        ((pk, token),) = links_in_outbox(author.email)
        page.goto(reverse("sustain:checkin_answer", kwargs={"pk": pk, "token": token}))
        page.get_by_label("Still in place").check()
        page.get_by_label("Yes", exact=True).check()
        page.get_by_label("If yes, what could make it revert?").fill("Funding ends in March")
        page.get_by_role("button", name="Send answer").click()
        page.get_by_role("heading", name="Thank you for your answer").wait_for()
        sign_in(page, axe, moderator.email)
        page.get_by_role("link", name="At risk").click()
        page.get_by_role("heading", name="Examples at risk").wait_for()
        assert "Funding ends in March" in page.content()
        axe.check(page)

    context.close()
    axe.assert_clean()
