"""Who reaches a synthesis, and publishing as a step, in a real browser (issue 13), axe-core on
every page.

A second facilitator cannot find or open the first one's synthesis or its unpublished report.
The first one publishes the report, renames a theme (readers still see the published words),
sees the change listed on the board, presses "Publish changes", and only then does the report
change. Finally they add the second facilitator to the series' team, who can then open it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.core.permissions import Role
from tests.e2e.test_events_journey import signed_in_page
from tests.factories import UserFactory
from tests.insights.factories import synthesis_with_reflections
from tests.workshops.factories import WorkshopSeriesFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_LABEL = "Rotas people can trust"


def test_second_facilitator_is_kept_out_and_changes_wait_for_publishing(live_server, browser, axe):
    owner = UserFactory(email="owen@example.net", display_name="Owen", roles=[Role.FACILITATOR])
    second = UserFactory(email="sam@example.net", display_name="Sam", roles=[Role.FACILITATOR])
    WorkshopSeriesFactory(title="Sam's own series", slug="sams-series", facilitators=[second])
    synthesis = synthesis_with_reflections(owner, per_topic=8)
    series = synthesis.series.get()
    board_url = reverse("insights:board", kwargs={"pk": synthesis.pk})
    report_url = reverse("insights:report", kwargs={"slug": synthesis.slug})

    # The second facilitator neither finds nor opens it.
    sam_context, sam = signed_in_page(browser, live_server, axe, second.email)
    sam.goto(reverse("insights:manage_list"))
    axe.check(sam)
    assert sam.get_by_text(synthesis.title).count() == 0
    for url in (board_url, report_url):
        response = sam.goto(url)
        assert response is not None
        assert response.status == 404
        sam.get_by_role("heading", name="Page not found").wait_for()
        axe.check(sam)
    sam.goto(reverse("insights:synthesis_create"))
    axe.check(sam)
    assert sam.get_by_label(series.title, exact=True).count() == 0
    assert sam.get_by_label("Sam's own series", exact=True).count() == 1

    # The owner publishes the report.
    context, page = signed_in_page(browser, live_server, axe, owner.email)
    page.set_default_timeout(60_000)
    page.goto(board_url)
    axe.check(page)
    page.get_by_role("button", name="Publish the report").click()
    page.get_by_text("The report is published").wait_for()
    axe.check(page)
    old_label = synthesis.themes.order_by("position").first().label

    visitor_context = browser.new_context(base_url=live_server.url)
    visitor = visitor_context.new_page()
    visitor.goto(report_url)
    visitor.get_by_role("heading", name=old_label).wait_for()
    axe.check(visitor)

    # A renamed theme is a draft: readers keep the published words.
    page.get_by_role("link", name=old_label, exact=True).first.click()
    page.get_by_role("heading", name=old_label, level=1).wait_for()
    axe.check(page)
    page.get_by_label("Label").fill(NEW_LABEL)
    page.get_by_role("button", name="Save the theme").click()
    page.get_by_text("Theme saved").wait_for()
    visitor.reload()
    visitor.get_by_role("heading", name=old_label).wait_for()
    assert visitor.get_by_text(NEW_LABEL).count() == 0

    page.goto(board_url)
    page.get_by_role("heading", name="Unpublished changes").wait_for()
    page.get_by_text(f"Theme renamed: “{old_label}” is now “{NEW_LABEL}”").wait_for()
    axe.check(page)
    page.get_by_role("link", name="Preview the changes").click()
    page.get_by_role("heading", name=NEW_LABEL).wait_for()
    axe.check(page)
    page.goto(board_url)
    page.get_by_role("button", name="Publish changes").click()
    page.get_by_text("Changes published").wait_for()
    page.get_by_text("No unpublished changes").wait_for()
    axe.check(page)

    visitor.reload()
    visitor.get_by_role("heading", name=NEW_LABEL).wait_for()
    visitor.get_by_text("Last updated").wait_for()
    assert visitor.get_by_role("heading", name=old_label).count() == 0
    axe.check(visitor)
    visitor_context.close()

    # The owner adds the second facilitator to the series' team; now they share it.
    page.goto(reverse("workshops:series_detail", kwargs={"slug": series.slug}))
    page.get_by_role("link", name="Facilitators of this series").click()
    axe.check(page)
    page.get_by_label("Email address of the facilitator to add").fill("nobody@example.net")
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_text("There is no facilitator with that email address").first.wait_for()
    axe.check(page)
    page.get_by_label("Email address of the facilitator to add").fill(second.email)
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_text("Sam added to the team").wait_for()
    axe.check(page)

    response = sam.goto(board_url)
    assert response is not None
    assert response.status == 200
    sam.get_by_role("heading", name="Themes", exact=True).wait_for()
    axe.check(sam)
    sam_context.close()
    context.close()
    axe.assert_clean()
