"""An emailed check-in link shows its holder nothing of what other people answered."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from exchange.examples.models import ExampleStatus
from exchange.sustain.models import CheckInLink
from exchange.sustain.services import checkin_answer, token_digest
from tests.factories import PublishedExampleFactory
from tests.sustain.factories import ContactFactory, sent_check_in

pytestmark = pytest.mark.django_db

SECRET = "Our director quietly stopped funding it"


def _answer_url(example, token):
    return reverse("sustain:checkin_answer", kwargs={"pk": example.pk, "token": token})


def _first_contact_answers(example, *, months=3):
    """The author and a named contact are both emailed a link; the contact answers first."""
    link = sent_check_in(example, months=months, token=f"author-{months}")
    contact = ContactFactory(example=example, email=f"contact-{months}@example.org")
    CheckInLink.objects.create(
        check_in=link.check_in,
        token_hash=token_digest(f"contact-{months}"),
        contact=contact,
        expires_at=link.expires_at,
    )
    checkin_answer(
        example_id=example.pk,
        token=f"contact-{months}",
        status="reverted",
        hindered=SECRET,
        at_risk=True,
        risk_note=SECRET,
    )


def test_a_second_link_to_an_answered_check_in_does_not_show_the_answer(client):
    """The other recipient's link says the check-in is answered, never what was said."""
    example = PublishedExampleFactory()
    _first_contact_answers(example)

    response = client.get(_answer_url(example, "author-3"))

    assert response.status_code == 410
    assert SECRET not in response.content.decode()
    assert "reverted" not in response.content.decode().lower()


def test_a_later_check_in_link_does_not_show_earlier_answers(client):
    """Nor does the next milestone's form, even when the example is no longer public."""
    example = PublishedExampleFactory()
    _first_contact_answers(example, months=3)
    sent_check_in(example, months=6, token="author-6")
    type(example).objects.filter(pk=example.pk).update(status=ExampleStatus.ARCHIVED)

    response = client.get(_answer_url(example, "author-6"))

    assert response.status_code == 200
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("status", [ExampleStatus.PUBLISHED, ExampleStatus.ARCHIVED])
def test_the_thanks_page_shows_no_answers_and_nothing_of_a_hidden_example(client, status):
    example = PublishedExampleFactory(title="Quietly dropped rota")
    _first_contact_answers(example)
    type(example).objects.filter(pk=example.pk).update(status=status)

    html = client.get(reverse("sustain:checkin_thanks", kwargs={"pk": example.pk})).content.decode()

    assert SECRET not in html
    assert ("Quietly dropped rota" in html) is (status == ExampleStatus.PUBLISHED)


def test_the_thanks_page_does_not_tell_which_examples_exist(client):
    """Leak: the thanks page answered 404 for ids with no example, 200 for drafts."""
    example = PublishedExampleFactory()
    type(example).objects.filter(pk=example.pk).update(status=ExampleStatus.DRAFT)
    draft = client.get(reverse("sustain:checkin_thanks", kwargs={"pk": example.pk}))
    missing = client.get(reverse("sustain:checkin_thanks", kwargs={"pk": example.pk + 1000}))
    assert draft.status_code == missing.status_code == 200
    # The same page but for the id in its own address (the language links carry it).
    assert re.sub(rb"\d+", b"N", draft.content) == re.sub(rb"\d+", b"N", missing.content)
