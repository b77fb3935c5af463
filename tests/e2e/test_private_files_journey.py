"""Private files in a real browser (issue 13), checked by axe-core on every page visited.

A participant attaches a file to their draft and copies its download address; only they get
the file. Another participant and an anonymous visitor opening the address get "Page not
found", and the old public `/media/` address of the stored file does not exist.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exchange.examples.models import Attachment, Example, ExampleStatus
from tests.examples.factories import PDF_BYTES
from tests.factories import PASSWORD, CampaignFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Ward rota shared across two hospitals"


def _sign_in(page, axe, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("account_login"))
    axe.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()
    axe.check(page)


def _not_found(page, axe, url: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None
    assert response.status == 404
    assert PDF_BYTES not in response.body()
    page.get_by_role("heading", name="Page not found").wait_for()
    axe.check(page)


def test_a_drafts_attachment_reaches_only_its_author(live_server, browser, axe, tmp_path):
    campaign = CampaignFactory(title="Lessons from the winter")
    author = UserFactory(email="rhian@example.net", display_name="Rhian")
    other = UserFactory(email="tomos@example.net", display_name="Tomos")
    plan = tmp_path / "Ward plan.pdf"
    plan.write_bytes(PDF_BYTES)

    # The author starts a draft with an attachment.
    author_context = browser.new_context(base_url=live_server.url)
    page = author_context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, axe, author.email)
    page.goto(reverse("examples:campaign_detail", kwargs={"slug": campaign.slug}))
    axe.check(page)
    page.get_by_role("button", name="Share your example").click()
    page.get_by_role("heading", name="Share an example").wait_for()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Attachments (optional)").set_input_files(str(plan))
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_text("Your draft has been saved.").wait_for()
    axe.check(page)
    page.get_by_role("heading", name="Files attached").wait_for()
    example = Example.objects.get(title=TITLE)
    assert example.status == ExampleStatus.DRAFT

    # On the draft's page they copy the file's address; it gives them the file.
    page.goto(reverse("examples:detail", kwargs={"pk": example.pk}))
    page.get_by_role("heading", name=TITLE).wait_for()
    axe.check(page)
    link = page.get_by_role("link", name="Ward plan.pdf")
    url = link.get_attribute("href")
    assert url == reverse(
        "examples:attachment_download",
        kwargs={"pk": example.pk, "attachment_pk": Attachment.objects.get(example=example).pk},
    )
    download = page.request.get(url)
    assert download.status == 200
    assert download.body() == PDF_BYTES
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    stored = Attachment.objects.get(example=example).file.name
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.pdf", stored)
    author_context.close()

    # Another participant opening the copied address finds nothing.
    other_context = browser.new_context(base_url=live_server.url)
    page = other_context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, axe, other.email)
    _not_found(page, axe, url)
    other_context.close()

    # Nor does an anonymous visitor, at the address or where uploads used to be served.
    anonymous_context = browser.new_context(base_url=live_server.url)
    page = anonymous_context.new_page()
    page.set_default_timeout(15_000)
    _not_found(page, axe, url)
    _not_found(page, axe, f"/media/{stored}")
    anonymous_context.close()

    axe.assert_clean()
