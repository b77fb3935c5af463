"""Data the API tests read: published, anonymous, draft and tagged examples in two campaigns."""

from __future__ import annotations

from dataclasses import dataclass

from exchange.examples.models import Campaign, Example, ExampleStatus, Permanence, Sector
from exchange.examples.search import example_search_index_update
from tests.factories import (
    CampaignFactory,
    ExampleFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    TagFactory,
    UserFactory,
)
from tests.sustain.factories import SHIFTED, measure_with_values


@dataclass
class ApiData:
    campaign: Campaign
    other_campaign: Campaign
    published: Example
    anonymous: Example
    other: Example
    draft: Example
    submitted: Example


def seed_api_data() -> ApiData:
    campaign = CampaignFactory(slug="covid-lessons", title="Lessons from the emergency")
    other_campaign = CampaignFactory(slug="winter-pressures", title="Winter pressures")
    housing = TagFactory(name="Housing", slug="housing")
    video = TagFactory(name="Video", slug="video")
    published = PublishedExampleFactory(
        campaign=campaign,
        title="Video clinics replaced travel",
        tags=[video],
        author=UserFactory(display_name="Dr Alys Jones", email="alys@example.org"),
    )
    anonymous = PublishedExampleFactory(
        campaign=campaign,
        title="Hotel rooms for rough sleepers",
        summary="Everyone sleeping rough was offered a hotel room within a week.",
        what_changed="The council block-booked hotels.",
        sector=Sector.LOCAL_GOVERNMENT,
        organisation="Riverside Council",
        show_as_anonymous=True,
        permanence=Permanence.SHOULD_STAY,
        tags=[housing],
        author=UserFactory(display_name="Secret Person", email="secret@example.org"),
    )
    other = PublishedExampleFactory(
        campaign=other_campaign,
        title="Face shields printed locally",
        sector=Sector.INDUSTRY,
        permanence=Permanence.TEMPORARY,
        author=UserFactory(display_name="Maker Sam", email="sam@example.org"),
    )
    draft = ExampleFactory(campaign=campaign, title="Draft about hotels")
    submitted = SubmittedExampleFactory(campaign=campaign, title="Submitted about hotels")
    measure_with_values(SHIFTED, example=published, name="Appointments kept")
    example_search_index_update(example_ids=Example.objects.values_list("pk", flat=True))
    assert Example.objects.filter(status=ExampleStatus.PUBLISHED).count() == 3
    return ApiData(campaign, other_campaign, published, anonymous, other, draft, submitted)
