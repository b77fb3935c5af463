"""A moderator takes a published example down in a real browser, checked by axe-core on every
page visited: the reason is required (error summary); once taken down the example
is gone from the gallery, search and the API, its author still sees it with the reason, and
restoring it brings it back everywhere.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.examples.models import ExampleStatus
from exchange.examples.search import example_search_index_update
from tests.factories import PASSWORD, ModeratorFactory, PublishedExampleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Community fridges in every library"
REASON = "It names a member of staff who did not agree to it."


def _signed_in(browser, live_server, axe, email: str, path: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{reverse('account_login')}?next={path}")
    axe.check(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()
    return page


def _public_sees(public, example_pk: int, *, present: bool) -> None:  # type: ignore[no-untyped-def]
    """Gallery, search, the example page and the API, as an anonymous visitor sees them."""
    gallery = reverse("examples:gallery")
    for path in (gallery, f"{gallery}?q=fridges"):
        public.goto(path)
        assert (TITLE in public.content()) is present, path
    response = public.goto(reverse("examples:detail", kwargs={"pk": example_pk}))
    assert response is not None
    assert response.status == (200 if present else 404)
    api = public.request.get(f"/api/examples/{example_pk}")
    assert api.status == (200 if present else 404)
    listed = [item["id"] for item in public.request.get("/api/examples?limit=100").json()["items"]]
    assert (example_pk in listed) is present


def test_moderator_takes_down_and_restores_an_example(live_server, browser, axe, mailoutbox):
    example = PublishedExampleFactory(title=TITLE)
    example_search_index_update(example_ids=[example.pk])  # what publishing does (PostgreSQL)
    moderator = ModeratorFactory(email="moderator@example.org")
    review = reverse("examples:moderation_review", kwargs={"pk": example.pk})

    public = browser.new_context(base_url=live_server.url).new_page()
    public.set_default_timeout(15_000)
    _public_sees(public, example.pk, present=True)
    public.goto(reverse("examples:gallery") + "?q=fridges")
    axe.check(public)

    # The moderator opens the example and follows "Moderate".
    page = _signed_in(browser, live_server, axe, moderator.email, example.get_absolute_url())
    axe.check(page)
    page.get_by_role("link", name="Moderate").click()
    page.get_by_role("heading", name="Take it down").wait_for()
    assert page.url.endswith(review)
    axe.check(page)

    # No reason: an error summary, nothing changes.
    page.get_by_role("button", name="Take down").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    axe.check(page)
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED

    page.get_by_label("Reason for taking it down").fill(REASON)
    page.get_by_role("button", name="Take down").click()
    page.get_by_text("has been taken down").wait_for()
    axe.check(page)
    example.refresh_from_db()
    assert example.status == ExampleStatus.TAKEN_DOWN
    assert any(REASON in message.body for message in mailoutbox)

    _public_sees(public, example.pk, present=False)

    # The author still sees it, with the reason.
    author = _signed_in(browser, live_server, axe, example.author.email, example.get_absolute_url())
    author.get_by_text("This example was taken down by a moderator").wait_for()
    assert REASON in author.content()
    axe.check(author)

    # The queue lists it with a restore button, which brings it back everywhere.
    page.goto(reverse("examples:moderation_queue") + "?status=taken_down")
    axe.check(page)
    page.get_by_role("button", name=f"Restore {TITLE}").click()
    page.get_by_text("is published again").wait_for()
    axe.check(page)
    _public_sees(public, example.pk, present=True)

    axe.assert_clean()
