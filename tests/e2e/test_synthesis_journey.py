"""The workshops-to-report journey in a real browser (issue 8), axe-core on every page.

A facilitator creates a series, a workshop and a question and opens it; two anonymous
participants post through the join code; the facilitator imports a CSV of survey answers,
runs a synthesis, merges two themes, adds a "Building from here" question, publishes the
report, and downloads its PDF, which holds the theme labels.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from exchange.core.permissions import Role
from exchange.insights.models import Synthesis
from exchange.workshops.models import Reflection
from tests.e2e.test_events_journey import signed_in_page
from tests.e2e.test_workshops_journey import (
    QUESTION,
    participant_page,
    post_reflection,
    series_workshop_and_question_create,
)
from tests.factories import UserFactory
from tests.insights.factories import TOPICS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUILD_QUESTION = "Who will keep the shared rota going this winter?"


def survey_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Answer", "Date", "Table"])
    months = ("2026-05-14", "2026-06-11", "2026-07-09", "2026-08-20")
    for n in range(12):
        for sentences in TOPICS.values():
            text = sentences[n % len(sentences)] + ("" if n < 5 else f" (table {n})")
            writer.writerow([text, months[n % 4], f"Table {n % 3 + 1}"])
    return out.getvalue().encode("utf-8")


def test_workshop_to_published_report(live_server, browser, axe, tmp_path: Path):
    facilitator = UserFactory(
        email="fola@example.net", display_name="Fola", roles=[Role.FACILITATOR]
    )
    context, page = signed_in_page(browser, live_server, axe, facilitator.email)
    page.set_default_timeout(60_000)

    # A series, a workshop and a question, opened for live capture.
    page.goto(reverse("workshops:series_list"))
    axe.check(page)
    series_workshop_and_question_create(
        page, axe, title="Summer listening", slug="summer-listening"
    )
    page.get_by_role("heading", name="May workshop", level=1).wait_for()
    page.get_by_role("button", name=f"Open for live capture {QUESTION}").click()
    page.get_by_role("button", name=f"Close {QUESTION}").wait_for()
    axe.check(page)
    manage_url = page.url
    from exchange.workshops.models import Workshop

    code = Workshop.objects.get(title="May workshop").join_code

    # Two anonymous participants post through the join code.
    for text in (
        "The shared rota let nurses swap shifts without waiting for a manager",
        "Working across organisations was easy in the crisis but the silos came back",
    ):
        anonymous, visitor = participant_page(browser, live_server, axe, code)
        post_reflection(visitor, axe, text)
        anonymous.close()
    assert Reflection.objects.filter(source="live").count() == 2

    # A survey export is imported.
    survey = tmp_path / "survey.csv"
    survey.write_bytes(survey_csv())
    page.goto(manage_url)
    page.get_by_role("link", name="Import reflections from a survey file").click()
    axe.check(page)
    page.get_by_label("Survey file").set_input_files(str(survey))
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("heading", name="Choose the columns").wait_for()
    axe.check(page)
    page.get_by_label("Which column holds the reflections?").select_option("Answer")
    page.get_by_label("Which column holds the date?").select_option("Date")
    page.get_by_label("Question for every row").select_option(label=QUESTION)
    page.get_by_label("Which column holds the group (optional)?").select_option("Table")
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Import 48 reflections").click()
    page.get_by_role("heading", name="Reflections imported").wait_for()
    axe.check(page)

    # A synthesis over the series runs, with its progress shown, to a theme board.
    page.goto(reverse("insights:manage_list"))
    axe.check(page)
    page.get_by_role("button", name="Start a synthesis").click()
    axe.check(page)
    page.get_by_label("Title").fill("What we heard in May")
    page.get_by_label("Summer listening", exact=True).check()
    page.get_by_role("button", name="Create the synthesis").click()
    page.get_by_text("Synthesis created").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Run synthesis").click()
    page.get_by_role("heading", name="Themes", exact=True).wait_for()
    axe.check(page)
    synthesis = Synthesis.objects.get()
    assert synthesis.items.count() == 50
    labels_before = list(synthesis.themes.values_list("label", flat=True))
    assert len(labels_before) >= 3

    # Two themes merged.
    page.get_by_label(f"Choose “{labels_before[0]}” to merge").check()
    page.get_by_label(f"Choose “{labels_before[1]}” to merge").check()
    page.get_by_role("button", name="Merge the chosen themes").click()
    page.get_by_text("Themes merged into").wait_for()
    axe.check(page)
    assert synthesis.themes.count() == len(labels_before) - 1

    # A question added to a theme.
    label = synthesis.themes.order_by("position").first().label
    page.get_by_role("link", name=label, exact=True).first.click()
    page.get_by_role("heading", name=label, level=1).wait_for()
    axe.check(page)
    page.get_by_label("Add a “Building from here” question").fill(BUILD_QUESTION)
    page.get_by_role("button", name="Add the question").click()
    page.get_by_text("Question added").wait_for()
    axe.check(page)

    # Published, read, and downloaded as a PDF.
    page.get_by_role("link", name="Back to the themes").click()
    page.get_by_role("button", name="Publish the report").click()
    page.get_by_text("The report is published").wait_for()
    axe.check(page)
    page.get_by_role("link", name="View the published report").click()
    page.get_by_role("heading", name="What we heard in May", level=1).wait_for()
    page.get_by_text(BUILD_QUESTION).wait_for()
    axe.check(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="The report as a PDF").click()
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf_path)).pages)
    for theme_label in synthesis.themes.values_list("label", flat=True):
        assert theme_label in text
    assert BUILD_QUESTION in text

    # A visitor reads the published report too.
    visitor_context = browser.new_context(base_url=live_server.url)
    visitor = visitor_context.new_page()
    visitor.goto(reverse("insights:report_list"))
    axe.check(visitor)
    visitor.get_by_role("link", name="What we heard in May").click()
    visitor.get_by_text(BUILD_QUESTION).wait_for()
    axe.check(visitor)
    visitor_context.close()
    context.close()
    axe.assert_clean()
