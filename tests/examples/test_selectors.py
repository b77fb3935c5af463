import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from exchange.core.permissions import Role
from exchange.examples import selectors
from exchange.examples.models import Attachment, Example, ExampleStatus, Permanence, Sector
from exchange.examples.search import example_search_index_update
from exchange.examples.selectors import ExampleFilters, GallerySort
from tests.factories import (
    CampaignFactory,
    ExampleFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _titles(filters):
    return [e.title for e in selectors.example_list(filters=filters)]


def _published(title, days_ago=0, **kwargs):
    return PublishedExampleFactory(
        title=title, published_at=timezone.now() - dt.timedelta(days=days_ago), **kwargs
    )


def _index():
    example_search_index_update(example_ids=Example.objects.values_list("pk", flat=True))


def test_example_list_shows_only_published_examples_newest_first():
    _published("Old", days_ago=5)
    _published("New", days_ago=1)
    ExampleFactory(title="Draft")
    SubmittedExampleFactory(title="Submitted")
    ExampleFactory(title="Rejected", status=ExampleStatus.REJECTED)

    assert _titles(ExampleFilters()) == ["New", "Old"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Beta", "Alpha", "Gamma"]),
        ("oldest", ["Gamma", "Alpha", "Beta"]),
        ("title", ["Alpha", "Beta", "Gamma"]),
        ("relevance", ["Beta", "Alpha", "Gamma"]),  # relevance without a search: newest
        ("nonsense", ["Beta", "Alpha", "Gamma"]),
    ],
)
def test_example_list_sorts(sort, expected):
    _published("Gamma", days_ago=3)
    _published("Alpha", days_ago=2)
    _published("Beta", days_ago=1)

    assert _titles(ExampleFilters(sort=sort)) == expected


def test_example_list_filters_by_campaign_sector_tag_and_permanence():
    covid = CampaignFactory(slug="covid")
    housing = TagFactory(name="Housing", slug="housing")
    _published("Match", campaign=covid, sector=Sector.LOCAL_GOVERNMENT, tags=[housing])
    _published("Other campaign", sector=Sector.LOCAL_GOVERNMENT, tags=[housing])
    _published("Other sector", campaign=covid, tags=[housing])
    _published("Untagged", campaign=covid, sector=Sector.LOCAL_GOVERNMENT)
    _published(
        "Temporary",
        campaign=covid,
        sector=Sector.LOCAL_GOVERNMENT,
        tags=[housing],
        permanence=Permanence.TEMPORARY,
    )

    assert set(_titles(ExampleFilters(campaign="covid"))) == {
        "Match",
        "Other sector",
        "Untagged",
        "Temporary",
    }
    assert _titles(
        ExampleFilters(
            campaign="covid",
            sector=Sector.LOCAL_GOVERNMENT,
            tag="housing",
            permanence=Permanence.SHOULD_STAY,
        )
    ) == ["Match"]
    assert _titles(ExampleFilters(permanence=Permanence.TEMPORARY)) == ["Temporary"]


def test_unknown_slugs_match_nothing():
    _published("Anything")

    assert _titles(ExampleFilters(campaign="no-such-campaign")) == []
    assert _titles(ExampleFilters(tag="no-such-tag")) == []


def test_search_orders_by_relevance_unless_asked_otherwise():
    _published("Meals on wheels", days_ago=1, what_changed="Cooked in a hotel kitchen")
    _published("Hotel rooms", days_ago=5, what_changed="Rooms for rough sleepers")
    _index()

    filters = ExampleFilters(q="hotel")
    assert filters.effective_sort is GallerySort.RELEVANCE
    assert _titles(filters) == ["Hotel rooms", "Meals on wheels"]
    assert _titles(ExampleFilters(q="hotel", sort="newest")) == ["Meals on wheels", "Hotel rooms"]


def test_search_excludes_unpublished_examples():
    _published("Published hotel")
    ExampleFactory(title="Draft hotel")
    _index()

    assert _titles(ExampleFilters(q="hotel")) == ["Published hotel"]


def test_search_with_only_punctuation_is_not_a_search():
    _published("Anything")

    filters = ExampleFilters(q="!!!")
    if connection.vendor == "postgresql":
        assert filters.is_search  # PostgreSQL parses it, and finds nothing
        assert _titles(filters) == []
    else:
        assert not filters.is_search
        assert _titles(filters) == ["Anything"]


def test_example_list_is_one_query_plus_tags(django_assert_num_queries):
    tag = TagFactory()
    for n in range(5):
        _published(f"Example {n}", tags=[tag])

    with django_assert_num_queries(2):
        examples = list(selectors.example_list(filters=ExampleFilters()))
        for example in examples:
            assert example.campaign.title
            assert example.public_author_name
            assert [t.name for t in example.tags.all()] == [tag.name]


def test_featured_and_recent_lists_are_published_and_bounded(django_assert_num_queries):
    featured = _published("Featured", days_ago=3, is_featured=True, featured_at=timezone.now())
    for n in range(8):
        _published(f"Recent {n}", days_ago=1)
    ExampleFactory(title="Draft")

    with django_assert_num_queries(2):
        assert [e.pk for e in selectors.example_featured_list(limit=6)] == [featured.pk]
    with django_assert_num_queries(2):
        recent = selectors.example_recent_list(limit=6)
    assert len(recent) == 6
    assert all(e.status == ExampleStatus.PUBLISHED for e in recent)


def test_campaigns_are_grouped_into_open_upcoming_and_closed():
    now = timezone.now()
    open_ = CampaignFactory(title="Open")
    no_end = CampaignFactory(title="No end", closes_at=None)
    soon = CampaignFactory(
        title="Soon", opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=9)
    )
    sooner = CampaignFactory(
        title="Sooner", opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=9)
    )
    closed = CampaignFactory(
        title="Closed", opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1)
    )

    groups = selectors.campaign_grouped_list()

    assert set(groups.open) == {open_, no_end}
    assert groups.upcoming == [sooner, soon]
    assert groups.closed == [closed]
    assert set(selectors.campaign_open_list()) == {open_, no_end}


def test_campaign_example_list_only_has_that_campaigns_published_examples():
    campaign = CampaignFactory()
    mine = _published("Mine", campaign=campaign)
    _published("Elsewhere")
    ExampleFactory(title="Draft", campaign=campaign)

    assert list(selectors.campaign_example_list(campaign=campaign)) == [mine]


class TestVisibility:
    def test_published_examples_are_visible_to_everyone(self):
        example = PublishedExampleFactory()

        assert selectors.example_detail_get(pk=example.pk, viewer=AnonymousUser()) == example

    @pytest.mark.parametrize(
        "status",
        [
            ExampleStatus.SUBMITTED,
            ExampleStatus.CHANGES_REQUESTED,
            ExampleStatus.REJECTED,
            ExampleStatus.WITHDRAWN,
        ],
    )
    def test_unpublished_examples_are_visible_to_author_and_moderators_only(self, status):
        example = ExampleFactory(status=status)
        moderator = UserFactory(roles=[Role.MODERATOR])

        assert selectors.example_detail_get(pk=example.pk, viewer=AnonymousUser()) is None
        assert selectors.example_detail_get(pk=example.pk, viewer=UserFactory()) is None
        assert selectors.example_detail_get(pk=example.pk, viewer=example.author) == example
        assert selectors.example_detail_get(pk=example.pk, viewer=moderator) == example

    def test_drafts_are_visible_to_their_author_only(self):
        draft = ExampleFactory()
        moderator = UserFactory(roles=[Role.MODERATOR])

        assert selectors.example_detail_get(pk=draft.pk, viewer=draft.author) == draft
        assert selectors.example_detail_get(pk=draft.pk, viewer=moderator) is None

    def test_missing_example(self):
        assert selectors.example_detail_get(pk=999_999, viewer=AnonymousUser()) is None
        assert selectors.example_published_get(pk=999_999) is None

    def test_published_get_ignores_unpublished(self):
        draft = ExampleFactory()

        assert selectors.example_published_get(pk=draft.pk) is None

    def test_attachments_follow_their_examples_visibility(self):
        draft = ExampleFactory()
        attachment = Attachment.objects.create(
            example=draft,
            file=ContentFile(b"%PDF-1.4", name="report.pdf"),
            original_name="report.pdf",
            content_type="application/pdf",
            size=8,
        )

        def get(viewer, example_pk=draft.pk):
            return selectors.attachment_get_for_viewer(
                example_pk=example_pk, attachment_pk=attachment.pk, viewer=viewer
            )

        assert get(AnonymousUser()) is None
        assert get(draft.author) == attachment
        assert get(draft.author, example_pk=PublishedExampleFactory().pk) is None


def test_search_keeps_only_the_most_recent_matches_up_to_the_limit():
    from exchange.examples.search import example_search_filter

    for n in range(5):
        _published(f"Hotel {n}", days_ago=n)
    _index()

    kept = example_search_filter(selectors.example_published_queryset(), q="hotel", limit=3)

    assert {e.title for e in kept} == {"Hotel 0", "Hotel 1", "Hotel 2"}
