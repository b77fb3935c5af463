"""The workshops journey in a real browser (issue 8), checked by axe-core on every page.

A facilitator creates a series, a workshop and a question and opens it; two anonymous
participants (separate browsers, no accounts) join with the code and post; their reflections
appear on the live wall (the second one without a reload, through the wall's polling); the
facilitator hides one, which then disappears for participants too; finally a CSV export is
imported through the column choice and the preview.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.core.permissions import Role
from exchange.workshops.models import Reflection, ReflectionSource
from tests.e2e.test_events_journey import signed_in_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "What should we keep from working together this year?"
FIRST = "The daily call with the care homes meant we sorted problems in a day."
SECOND = "Ring Sarah Jones about the shared referral form, it saved hours."
CSV = (
    "Timestamp,Question,Answer,Table\n"
    f"03/05/2026 10:15,{QUESTION},Video clinics saved hours of travel,Table 1\n"
    f"04/05/2026 11:00,{QUESTION},Wellbeing huddles kept us going,Table 2\n"
).encode("utf-8-sig")


def participant_page(browser, live_server, axe, code: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(reverse("workshops:join"))
    axe.check(page)
    page.get_by_label("Workshop code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    page.get_by_label(QUESTION).wait_for()
    axe.check(page)
    return context, page


def post_reflection(page, axe, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label(QUESTION).fill(text)
    page.get_by_role("button", name="Post your reflection").click()
    page.get_by_text("Your reflection is on the wall").wait_for()
    axe.check(page)


def series_workshop_and_question_create(  # type: ignore[no-untyped-def]
    page, axe, *, title: str, slug: str, description: str = ""
) -> None:
    """From the series list: a new series, its "May workshop" and the question QUESTION."""
    page.get_by_role("link", name="Create a series").click()
    axe.check(page)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Slug").fill(slug)
    if description:
        page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    axe.check(page)
    page.get_by_role("link", name="Add a workshop").click()
    axe.check(page)
    page.get_by_label("Title").fill("May workshop")
    page.get_by_label("Starts at").fill("2026-05-14 10:00")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="May workshop", level=1).wait_for()
    axe.check(page)
    page.get_by_role("link", name="Add a question").click()
    axe.check(page)
    page.get_by_label("Question").fill(QUESTION)
    page.get_by_role("button", name="Save").click()


def test_create_open_join_post_wall_hide_and_import(live_server, browser, axe):
    facilitator = UserFactory(roles=[Role.FACILITATOR], email="fay@example.org")
    context, page = signed_in_page(browser, live_server, axe, facilitator.email)

    # A series, a workshop and a question.
    page.get_by_role("link", name="Workshops").first.click()
    page.get_by_role("heading", name="Workshops", level=1).wait_for()
    axe.check(page)
    series_workshop_and_question_create(
        page,
        axe,
        title="Summer of trying things",
        slug="summer-trying",
        description="What changed when we had to, and what to keep.",
    )
    page.get_by_role("button", name=f"Open for live capture {QUESTION}").click()
    page.get_by_text("is open: participants can answer it now").wait_for()
    axe.check(page)
    code = page.get_by_test_id("join-code").inner_text().strip()
    manage_url = page.url

    # Two participants, no accounts, separate browsers.
    first_context, first = participant_page(browser, live_server, axe, code)
    second_context, second = participant_page(browser, live_server, axe, code)
    post_reflection(first, axe, FIRST)

    # The wall shows the first; the second appears without a reload.
    page.goto(reverse("workshops:wall", kwargs={"code": code}))
    page.get_by_text(FIRST).wait_for()
    # The QR code is drawn (an SVG without its namespace loads as a broken image).
    qr = page.locator('img[src$="/qr.svg"]')
    qr.wait_for()
    page.wait_for_function("() => document.querySelector('img[src$=\"/qr.svg\"]').complete")
    assert qr.evaluate("img => img.naturalWidth") > 0
    axe.check(page)
    post_reflection(second, axe, SECOND)
    redacted = "Ring [NAME] about the shared referral form, it saved hours."
    page.get_by_text(redacted).wait_for(timeout=20_000)
    assert "Sarah" not in page.content()
    axe.check(page)

    # The facilitator hides the first; participants no longer see it.
    hidden = Reflection.objects.get(text=FIRST)
    page.locator(f"#reflection-{hidden.pk}").get_by_role("button", name="Hide").click()
    page.get_by_text("Reflection hidden.").wait_for()
    assert page.get_by_text(FIRST).count() == 0
    axe.check(page)
    first.get_by_role("link", name="See the wall of reflections").click()
    first.get_by_text(redacted).wait_for()
    assert first.get_by_text(FIRST).count() == 0
    axe.check(first)

    # Import a survey export: columns, preview, import.
    page.goto(manage_url)
    assert (
        "1 reflection had personal data removed"
        in page.get_by_test_id("redaction-summary").inner_text()
    )
    page.get_by_role("link", name="Import reflections from a survey file").click()
    axe.check(page)
    page.get_by_label("Survey file").set_input_files(
        files=[{"name": "survey.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("heading", name="Choose the columns").wait_for()
    axe.check(page)
    assert page.get_by_label("Which column holds the reflections?").input_value() == "Answer"
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    axe.check(page)
    assert "Video clinics saved hours of travel" in page.content()
    assert Reflection.objects.filter(source=ReflectionSource.IMPORT).count() == 0
    page.get_by_role("button", name="Import 2 reflections").click()
    page.get_by_role("heading", name="Reflections imported").wait_for()
    assert "2 reflections imported" in page.get_by_test_id("import-result").inner_text()
    axe.check(page)
    assert Reflection.objects.filter(source=ReflectionSource.IMPORT).count() == 2

    for each in (context, first_context, second_context):
        each.close()
    assert len(axe.pages) >= 20
    axe.assert_clean()
