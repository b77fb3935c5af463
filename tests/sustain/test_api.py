"""Sustain API: check-in history and adoptions (GET), recording an adoption with a token (POST)."""

from __future__ import annotations

import datetime as dt

import pytest

from exchange.api.services import api_token_create
from exchange.sustain.models import Adoption, CheckIn
from tests.factories import PublishedExampleFactory, SubmittedExampleFactory, UserFactory
from tests.sustain.factories import AdoptionFactory, answered, sent_check_in

pytestmark = pytest.mark.django_db


def token_for(user):
    _, raw = api_token_create(actor=user, user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_check_in_history_lists_every_milestone_with_its_answer(
    client, django_assert_max_num_queries
):
    example = PublishedExampleFactory()
    answered(example, months=3, status="adapted", helped="A rota")
    sent_check_in(example, months=6)
    adoption = AdoptionFactory(example=example, organisation="North Trust")
    sent_check_in(example, months=3, token="adopter", adoption=adoption, user=adoption.user)

    with django_assert_max_num_queries(3):  # example, count, page
        body = client.get(f"/api/examples/{example.pk}/check-ins").json()

    own = [(c["months"], c["state"], c["answer"] and c["answer"]["status"]) for c in body["items"]]
    assert own[:2] == [(3, "answered", "adapted"), (6, "sent", None)]
    assert body["items"][0]["answer"]["helped"] == "A rota"
    assert body["items"][2]["organisation"] == "North Trust"
    assert body["count"] == 3
    assert "email" not in str(body)


def test_adoptions_are_listed_without_names(client):
    example = PublishedExampleFactory()
    AdoptionFactory(
        example=example, organisation="South Council", user=UserFactory(display_name="Zed")
    )

    body = client.get(f"/api/examples/{example.pk}/adoptions").json()

    assert [a["organisation"] for a in body["items"]] == ["South Council"]
    assert "Zed" not in str(body)


def test_unpublished_examples_are_not_found(client):
    example = SubmittedExampleFactory()
    for url in (f"/api/examples/{example.pk}/check-ins", f"/api/examples/{example.pk}/adoptions"):
        assert client.get(url).status_code == 404


def test_recording_an_adoption_needs_a_token_and_schedules_check_ins(client):
    example = PublishedExampleFactory()
    user = UserFactory()
    url = f"/api/examples/{example.pk}/adoptions"
    payload = {
        "organisation": "West Board",
        "adopted_on": "2026-02-01",
        "how_adapted": "Fewer forms",
    }

    assert client.post(url, payload, content_type="application/json").status_code == 401
    response = client.post(url, payload, content_type="application/json", headers=token_for(user))

    assert response.status_code == 201
    assert response.json()["organisation"] == "West Board"
    adoption = Adoption.objects.get()
    assert adoption.user == user
    assert CheckIn.objects.filter(adoption=adoption).count() == 3


def test_a_bad_adoption_is_a_400_and_writes_nothing(client):
    example = PublishedExampleFactory()
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()

    response = client.post(
        f"/api/examples/{example.pk}/adoptions",
        {"organisation": " ", "adopted_on": future, "how_adapted": "x"},
        content_type="application/json",
        headers=token_for(UserFactory()),
    )

    assert response.status_code == 400
    assert "Enter your organisation" in response.json()["detail"]
    assert not Adoption.objects.exists()
