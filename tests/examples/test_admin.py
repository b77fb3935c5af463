"""The Django admin: edits reach the cached public pages at once."""

import pytest
from django.urls import reverse

from exchange.examples.models import Example
from exchange.examples.search import example_search_filter, example_search_index_update
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


def test_an_admin_campaign_rename_reaches_search(client):
    """The campaign's title is searched (so "covid" finds a COVID-19 campaign's examples)."""
    example = PublishedExampleFactory()
    example_search_index_update(example_ids=[example.pk])
    campaign = example.campaign
    client.force_login(AdminFactory())

    response = client.post(
        reverse("admin:examples_campaign_change", args=[campaign.pk]),
        {
            "title": "Lessons from the COVID-19 emergency",
            "slug": campaign.slug,
            "introduction": campaign.introduction,
            "opens_at_0": campaign.opens_at.strftime("%Y-%m-%d"),
            "opens_at_1": "00:00:00",
            "closes_at_0": campaign.closes_at.strftime("%Y-%m-%d"),
            "closes_at_1": "00:00:00",
            "pre_moderation": "on",
        },
    )

    assert response.status_code == 302
    assert list(example_search_filter(Example.objects.all(), q="covid")) == [example]
