"""A series' team of facilitators: who may add and remove them, and the rules they keep."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.workshops import services
from exchange.workshops.services import WorkshopError
from tests.factories import AdminFactory, FacilitatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _team_url(series) -> str:
    return reverse("workshops:series_team", kwargs={"slug": series.slug})


def _remove_url(series, user) -> str:
    return reverse("workshops:series_team_remove", kwargs={"slug": series.slug, "user_pk": user.pk})


def test_a_member_adds_a_facilitator_by_email(facilitator_client, series):
    colleague = FacilitatorFactory(email="colleague@example.org", display_name="Cal Colleague")
    assert facilitator_client.get(_team_url(series)).status_code == 200

    response = facilitator_client.post(_team_url(series), {"email": "Colleague@Example.org "})

    assert response.status_code == 302
    assert series.facilitators.filter(pk=colleague.pk).exists()
    entry = AuditEntry.objects.get(action="workshop_series.facilitator_add")
    assert entry.data["user"] == colleague.pk
    assert "Cal Colleague" in facilitator_client.get(_team_url(series)).content.decode()


@pytest.mark.parametrize("who", ["participant", "nobody"])
def test_the_form_says_only_that_there_is_no_such_facilitator(facilitator_client, series, who):
    """Whether an address has an account is never told: a participant's reads like no one's."""
    if who == "participant":
        UserFactory(email="someone@example.org")

    response = facilitator_client.post(_team_url(series), {"email": "someone@example.org"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no facilitator with that email address" in html
    assert 'value="someone@example.org"' in html  # the input is kept
    assert series.facilitators.count() == 1


def test_an_administrator_adds_and_removes(client, series, facilitator):
    client.force_login(AdminFactory())
    colleague = FacilitatorFactory(email="colleague@example.org")
    client.post(_team_url(series), {"email": "colleague@example.org"})
    assert series.facilitators.count() == 2

    response = client.post(_remove_url(series, facilitator))

    assert response.status_code == 302
    assert list(series.facilitators.all()) == [colleague]
    assert AuditEntry.objects.filter(action="workshop_series.facilitator_remove").exists()


def test_never_the_last_facilitator(facilitator_client, series, facilitator):
    response = facilitator_client.post(_remove_url(series, facilitator), follow=True)
    assert "A series needs at least one facilitator" in response.content.decode()
    assert list(series.facilitators.all()) == [facilitator]
    with pytest.raises(WorkshopError):
        services.series_facilitator_remove(actor=facilitator, series=series, user=facilitator)


def test_leaving_the_team_goes_back_to_the_series(facilitator_client, series, facilitator):
    series.facilitators.add(FacilitatorFactory())
    response = facilitator_client.post(_remove_url(series, facilitator))
    assert response.url == reverse("workshops:series_detail", kwargs={"slug": series.slug})
    assert not series.facilitators.filter(pk=facilitator.pk).exists()


def test_someone_off_the_team_cannot_manage_it(client, series, facilitator):
    outsider = UserFactory(roles=[Role.FACILITATOR], email="outsider@example.org")
    client.force_login(outsider)

    assert client.get(_team_url(series)).status_code == 403
    assert client.post(_team_url(series), {"email": "outsider@example.org"}).status_code == 403
    assert client.post(_remove_url(series, facilitator)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.series_facilitator_add(actor=outsider, series=series, email=outsider.email)
    assert list(series.facilitators.all()) == [facilitator]


def test_adding_someone_twice_explains(facilitator_client, series, facilitator):
    response = facilitator_client.post(_team_url(series), {"email": facilitator.email})
    assert response.status_code == 400
    assert "already on this series" in response.content.decode()
