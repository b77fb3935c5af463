"""The measures journey in a real browser (issue 7), checked by axe-core on every page.

The author adds a measure to their published example, adds one value by the form, uploads
19 more as a CSV file with a shift upwards, checks the preview and imports it; the example
page then shows the special cause on the chart, in its key and in its table of values.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.sustain.models import Measure
from tests.factories import PASSWORD, PublishedExampleFactory, UserFactory
from tests.sustain.factories import SHIFTED, csv_bytes, weekly

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_author_adds_a_measure_uploads_values_and_sees_the_special_cause(live_server, browser, axe):
    author = UserFactory(email="nia@example.net", display_name="Nia")
    example = PublishedExampleFactory(author=author, title="Same-day triage")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(reverse("account_login"))
    axe.check(page)
    page.get_by_label("Email address").fill(author.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()

    page.goto(example.get_absolute_url())
    axe.check(page)
    page.get_by_role("link", name="Add a measure").click()
    page.get_by_role("heading", name="Add a measure", level=1).wait_for()
    axe.check(page)
    # A bad baseline first: the error summary, and the input kept.
    page.get_by_label("Name of the measure").fill("Requests answered the same day")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Fix the limits after this many points (optional)").fill("5")
    page.get_by_role("button", name="Add the measure").click()
    page.get_by_text("There is a problem").wait_for()
    axe.check(page)
    assert page.get_by_label("Name of the measure").input_value() == (
        "Requests answered the same day"
    )
    page.get_by_label("Fix the limits after this many points (optional)").fill("")
    page.get_by_role("button", name="Add the measure").click()
    page.get_by_text("Measure added. Now add its values.").wait_for()
    axe.check(page)
    measure = Measure.objects.get()

    # One value typed in.
    values = weekly(SHIFTED)
    page.get_by_role("link", name="Add values").click()
    page.get_by_role("heading", name="Add values", level=1).wait_for()
    axe.check(page)
    first_date, first_value = values[0]
    page.locator("#id_date_1").fill(first_date.isoformat())
    page.locator("#id_value_1").fill(str(first_value))
    page.get_by_role("button", name="Add the values").click()
    page.get_by_text("1 value added.").wait_for()
    axe.check(page)

    # The other 19 from a CSV file: a file with a problem first, then the good one.
    page.get_by_role("link", name="Upload a CSV file").click()
    page.get_by_role("heading", name="Upload a CSV file", level=1).wait_for()
    axe.check(page)
    bad = csv_bytes([(values[1][0].isoformat(), "lots")])
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Preview the values").click()
    page.get_by_text("Row 2, column “value”: “lots” is not a number").first.wait_for()
    axe.check(page)
    good = csv_bytes([(d.isoformat(), str(v)) for d, v in values[1:]])
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Preview the values").click()
    page.get_by_role("heading", name="Check the values before importing them").wait_for()
    axe.check(page)
    assert page.locator('[data-icon="variation-improvement_high"]').count() == 1
    measure.refresh_from_db()
    assert measure.value_count == 1  # the preview saved nothing
    page.get_by_role("button", name="Import 19 values").click()
    page.get_by_text("19 values imported.").wait_for()
    axe.check(page)

    # The example page: the chart, its key and its table show the special cause.
    assert page.url.endswith(f"{example.get_absolute_url()}#measure-{measure.pk}")
    section = page.locator(f"#measure-{measure.pk}")
    chart = section.locator("svg.efc-chart__svg")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("title").first.text_content() == (
        "Requests answered the same day: XmR chart"
    )
    description = chart.locator("desc").text_content()
    assert "20 values from 6 Jan 2025 to 19 May 2025" in description
    assert "Special cause variation: improving, higher values." in description
    assert int(chart.get_attribute("data-special-count")) >= 7
    assert section.locator('polygon[data-shape="square"]').count() >= 7
    key = section.locator(".efc-chart-legend").inner_text()
    assert "Special cause: improvement" in key
    assert "Process limits (dashed lines)" in key
    assert "Special cause variation: improving, higher values" in section.inner_text()
    section.get_by_text("Show the values as a table").click()
    rows = section.locator('tr[data-point-type="special_cause_improvement"]')
    assert rows.count() >= 7
    assert "Special cause: improvement" in rows.last.inner_text()
    axe.check(page)

    # The gallery shows the measure's variation on the example's card.
    page.goto(reverse("examples:gallery"))
    page.locator('[data-icon="variation-improvement_high"]').first.wait_for()
    axe.check(page)

    context.close()
    axe.assert_clean()
