"""The check-in form, adoptions, contacts, the at-risk dashboard and the gallery's status."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from exchange.sustain.models import Adoption, CheckInAnswer, CheckInState, ExampleContact
from exchange.sustain.services import checkins_close_unanswered
from tests.factories import ModeratorFactory, OrganiserFactory, PublishedExampleFactory
from tests.sustain.factories import AdoptionFactory, ContactFactory, answered, sent_check_in

pytestmark = pytest.mark.django_db

TOKEN = "a-test-token"


def _html(response) -> str:
    return response.content.decode()


def answer_url(example, token=TOKEN):
    return reverse("sustain:checkin_answer", kwargs={"pk": example.pk, "token": token})


# The check-in form --------------------------------------------------------------------------


def test_the_form_needs_no_sign_in_and_is_never_cached(client):
    example = PublishedExampleFactory(title="Video clinics")
    sent_check_in(example, months=6)

    response = client.get(answer_url(example))

    html = _html(response)
    assert response.status_code == 200
    assert "Video clinics" in html
    assert "6 months ago" in html
    assert 'value="spread"' in html
    assert 'value="stopped"' in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_answering_adapted_shows_on_the_example_timeline(client):
    example = PublishedExampleFactory()
    sent_check_in(example, months=6)

    response = client.post(
        answer_url(example), {"status": "adapted", "helped": "A weekly huddle", "at_risk": "no"}
    )

    assert response.status_code == 302
    assert response.url == reverse("sustain:checkin_thanks", kwargs={"pk": example.pk})
    assert "Thank you" in _html(client.get(response.url))
    page = _html(client.get(example.get_absolute_url()))
    assert "Still in place at 6 months — adapted" in page
    assert "A weekly huddle" in page


def test_a_missing_answer_is_explained_and_the_input_kept(client):
    example = PublishedExampleFactory()
    sent_check_in(example)

    response = client.post(
        answer_url(example), {"helped": "Kept words", "at_risk": "yes", "risk_note": ""}
    )

    html = _html(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Select how the change is going" in html
    assert "Enter what could make it revert" in html
    assert "Kept words" in html
    assert not CheckInAnswer.objects.exists()


def test_a_reused_link_gets_a_clear_410_page(client):
    example = PublishedExampleFactory()
    sent_check_in(example)
    client.post(answer_url(example), {"status": "retained", "at_risk": "no"})

    for response in (
        client.get(answer_url(example)),
        client.post(answer_url(example), {"status": "reverted", "at_risk": "no"}),
    ):
        assert response.status_code == 410
        assert "already been answered" in _html(response)
    assert list(CheckInAnswer.objects.values_list("status", flat=True)) == ["retained"]


def test_an_expired_link_gets_a_clear_410_page(client):
    example = PublishedExampleFactory()
    sent_check_in(example)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        checkins_close_unanswered()
        response = client.post(answer_url(example), {"status": "retained", "at_risk": "no"})

    assert response.status_code == 410
    assert "expired" in _html(response)
    assert not CheckInAnswer.objects.exists()


@pytest.mark.parametrize("case", ["tampered", "other_example"])
def test_a_tampered_link_or_one_for_another_example_is_a_clear_404(client, case):
    example = PublishedExampleFactory()
    sent_check_in(example)
    url = (
        answer_url(example, TOKEN + "x")
        if case == "tampered"
        else answer_url(PublishedExampleFactory())
    )

    response = client.post(url, {"status": "retained", "at_risk": "no"})

    assert response.status_code == 404
    assert "not valid" in _html(response)
    assert not CheckInAnswer.objects.exists()
    assert example.check_ins.get().state == CheckInState.SENT


# The example page and the gallery -------------------------------------------------------------


def test_the_timeline_lists_every_milestone_in_order(client):
    example = PublishedExampleFactory()
    answered(example, months=3, status="retained")
    answered(example, months=6, status="reverted", hindered="Funding ended")

    html = _html(client.get(example.get_absolute_url()))

    assert html.index("Still in place at 3 months") < html.index("Reverted by 6 months")
    assert "Funding ended" in html


def test_the_gallery_shows_badges_and_adoption_counts_and_filters_by_status(
    client, django_assert_max_num_queries
):
    kept = PublishedExampleFactory(title="Kept going")
    lost = PublishedExampleFactory(title="Went back")
    PublishedExampleFactory(title="Not asked yet")
    answered(kept, months=3, status="scaled")
    answered(lost, months=3, status="reverted")
    AdoptionFactory(example=kept)
    AdoptionFactory(example=kept)
    from exchange.sustain.models import ExampleSustainSummary

    ExampleSustainSummary.objects.filter(example=kept).update(adoption_count=2)
    gallery = reverse("examples:gallery")

    with django_assert_max_num_queries(4):  # campaigns, count, page (summaries joined), tags
        html = _html(client.get(gallery))
    assert "Still in place at 3 months — scaled up" in html
    assert "Reverted by 3 months" in html
    assert "Adopted by 2 organisations" in html

    html = _html(client.get(gallery, {"sustain_status": "reverted"}))
    assert "Went back" in html
    assert "Kept going" not in html
    assert "Not asked yet" not in html

    html = _html(client.get(gallery, {"sustain_status": "nonsense"}))
    assert "Choose a check-in answer from the list" in html


# Adoptions ------------------------------------------------------------------------------------


def test_we_adopted_this_lists_the_organisation_on_the_example(participant_client, participant):
    example = PublishedExampleFactory()
    url = reverse("sustain:adopt", kwargs={"pk": example.pk})
    assert participant_client.get(url).status_code == 200

    response = participant_client.post(
        url,
        {
            "organisation": "South Council",
            "adopted_on_0": "3",
            "adopted_on_1": "2",
            "adopted_on_2": "2026",
            "how_adapted": "Only for planning applications",
        },
    )

    assert response.status_code == 302
    adoption = Adoption.objects.get()
    assert (adoption.user, adoption.adopted_on) == (participant, dt.date(2026, 2, 3))
    page = _html(participant_client.get(example.get_absolute_url()))
    assert "South Council" in page
    assert "Only for planning applications" in page
    adopters = _html(participant_client.get(reverse("sustain:adopters", kwargs={"pk": example.pk})))
    assert "South Council" in adopters


def test_a_bad_adoption_is_explained_and_the_input_kept(participant_client):
    example = PublishedExampleFactory()
    response = participant_client.post(
        reverse("sustain:adopt", kwargs={"pk": example.pk}),
        {
            "organisation": "East Board",
            "adopted_on_0": "31",
            "adopted_on_1": "2",
            "adopted_on_2": "2026",
            "how_adapted": "",
        },
    )

    html = _html(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter how you adapted it" in html
    assert 'value="East Board"' in html
    assert not Adoption.objects.exists()


def test_the_adopters_page_is_paginated(client, settings):
    settings.SUSTAIN_PAGE_SIZE = 2
    example = PublishedExampleFactory()
    for _ in range(5):
        AdoptionFactory(example=example)

    html = _html(client.get(reverse("sustain:adopters", kwargs={"pk": example.pk})))

    assert html.count('<h2 class="govuk-summary-card__title">') == 2
    assert "govuk-pagination" in html


# Contacts -------------------------------------------------------------------------------------


def test_the_author_adds_and_removes_contacts_without_showing_addresses(client):
    example = PublishedExampleFactory()
    client.force_login(example.author)
    url = reverse("sustain:contacts", kwargs={"pk": example.pk})

    response = client.post(url, {"name": "Priya", "email": "priya@example.org"})
    assert response.status_code == 302
    html = _html(client.get(url))
    assert "Priya" in html
    assert "priya@example.org" not in html

    again = client.post(url, {"name": "Priya", "email": "priya@example.org"})
    assert "already a contact" in _html(again)
    bad = client.post(url, {"name": "", "email": "not-an-address"})
    assert "Enter the contact&#x27;s name" in _html(bad) or "Enter the contact's name" in _html(bad)

    contact = ExampleContact.objects.get()
    response = client.post(
        reverse("sustain:contact_remove", kwargs={"pk": example.pk, "contact_pk": contact.pk})
    )
    assert response.status_code == 302
    assert not ExampleContact.objects.exists()


def test_nobody_else_removes_a_contact(participant_client):
    contact = ContactFactory()
    response = participant_client.post(
        reverse(
            "sustain:contact_remove", kwargs={"pk": contact.example_id, "contact_pk": contact.pk}
        )
    )
    assert response.status_code == 404
    assert ExampleContact.objects.exists()


# At-risk dashboard ----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [ModeratorFactory, OrganiserFactory])
def test_the_dashboard_lists_reverted_silent_and_risky_examples(
    client, factory, django_assert_max_num_queries
):
    fine = PublishedExampleFactory(title="All fine")
    answered(fine, months=3, status="retained")
    reverted = PublishedExampleFactory(title="Went back")
    answered(reverted, months=3, status="reverted", hindered="The old system returned")
    risky = PublishedExampleFactory(title="Wobbling")
    answered(risky, months=3, status="adapted", at_risk=True, risk_note="Funding ends in March")
    silent = PublishedExampleFactory(title="Never answered")
    sent_check_in(silent)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        checkins_close_unanswered()
    client.force_login(factory())
    url = reverse("sustain:at_risk")
    client.get(url)  # warm the session and permission caches

    with django_assert_max_num_queries(8):  # session, user, 2 for permissions, count, page, answers
        html = _html(client.get(url))

    assert "Went back" in html
    assert "The old system returned" in html
    assert "Wobbling" in html
    assert "Funding ends in March" in html
    assert "Never answered" in html
    assert "No answer at 3 months" in html
    assert "All fine" not in html
    only_silent = _html(client.get(url, {"reason": "silent"}))
    assert "Never answered" in only_silent
    assert "Went back" not in only_silent
    assert re.search("Choose a reason from the list", _html(client.get(url, {"reason": "x"})))
