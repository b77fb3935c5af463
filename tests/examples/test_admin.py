"""The Django admin: edits reach the cached public pages at once."""

import pytest
from django.urls import reverse

from tests.factories import AdminFactory, PublishedExampleFactory

pytestmark = pytest.mark.django_db


def test_an_admin_edit_retires_the_cached_example_page(client, django_capture_on_commit_callbacks):
    example = PublishedExampleFactory(title="Video clinics replaced travel")
    page = reverse("examples:detail", kwargs={"pk": example.pk})
    assert "Video clinics replaced travel" in client.get(page).content.decode()

    admin = AdminFactory()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:examples_campaign_change", args=[example.campaign.pk]),
            {
                "title": "Renamed campaign",
                "slug": example.campaign.slug,
                "introduction": example.campaign.introduction,
                "opens_at_0": example.campaign.opens_at.strftime("%Y-%m-%d"),
                "opens_at_1": "00:00:00",
                "closes_at_0": example.campaign.closes_at.strftime("%Y-%m-%d"),
                "closes_at_1": "00:00:00",
                "pre_moderation": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()

    assert "Renamed campaign" in client.get(page).content.decode()
