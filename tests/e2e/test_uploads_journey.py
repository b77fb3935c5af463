"""Hostile files in a real browser (issue 13), checked by axe-core on every page.

A facilitator tries, on the survey import page: an XLSX zip bomb (refused with an error
summary), a file over the size limit (dropped while it streams in: a form error), a body over
the page's limit (a 413 page leading back), then a 1.6 KB-class XLSX declaring every cell a sheet
can have, which is read as the one row it really holds and imported.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.core.permissions import Role
from exchange.workshops.models import Reflection, ReflectionSource
from tests.e2e.test_events_journey import signed_in_page
from tests.factories import UserFactory
from tests.workshops.factories import PromptFactory, WorkshopFactory, WorkshopSeriesFactory
from tests.workshops.test_hostile_files import dimension_bomb, xlsx_bytes, xlsx_with_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(page, axe, name: str, content: bytes) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Survey file").set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="Upload and continue").click()


def test_hostile_files_are_refused_with_clear_messages(live_server, browser, axe, settings):
    facilitator = UserFactory(roles=[Role.FACILITATOR], email="fay@example.org")
    series = WorkshopSeriesFactory(facilitators=[facilitator], slug="summer")
    workshop = WorkshopFactory(series=series, title="May workshop")
    PromptFactory(workshop=workshop, text="What should we keep?")
    context, page = signed_in_page(browser, live_server, axe, facilitator.email)
    url = reverse("workshops:import_upload", kwargs={"slug": series.slug, "pk": workshop.pk})

    page.goto(url)
    axe.check(page)
    bomb = xlsx_with_row(xlsx_bytes([["Answer"]]), 2, "a" * (4 * 1024 * 1024))
    upload(page, axe, "bomb.xlsx", bomb)
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "compressed far more than a real document" in page.content()
    axe.check(page)

    settings.WORKSHOPS_IMPORT_MAX_BYTES = 64 * 1024
    upload(page, axe, "big.xlsx", b"PK\x03\x04" + b"x" * (256 * 1024))
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "The file must be smaller than 64.0" in page.content()
    axe.check(page)

    settings.UPLOAD_FORM_FIELDS_MAX_BYTES = 1024
    upload(page, axe, "huge.xlsx", b"PK\x03\x04" + b"x" * (256 * 1024))
    page.get_by_role("heading", name="The file is too big").wait_for()
    axe.check(page)
    page.get_by_role("link", name="Go back and choose a smaller file").click()
    page.get_by_label("Survey file").wait_for()

    settings.WORKSHOPS_IMPORT_MAX_BYTES = 25 * 1024 * 1024
    upload(page, axe, "survey.xlsx", dimension_bomb())
    page.get_by_role("heading", name="Choose the columns").wait_for()
    axe.check(page)
    page.get_by_label("Which column holds the date?").select_option("Date")
    page.get_by_label("Question for every row").select_option(label="What should we keep?")
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Check the import").wait_for()
    axe.check(page)
    page.get_by_role("button", name="Import 1 reflection").click()
    page.get_by_role("heading", name="Reflections imported").wait_for()
    axe.check(page)
    assert Reflection.objects.filter(source=ReflectionSource.IMPORT).count() == 1
    context.close()
