"""Reads for the gallery, example pages, campaigns, the home page and the API.

Every list here is bounded: it selects only the columns a card needs, joins the campaign and
author in the same query and prefetches tags, so a page costs the same few queries whatever
its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone

from exchange.core.permissions import Perm
from exchange.examples.models import Attachment, Campaign, Example, ExampleStatus, Tag
from exchange.examples.search import example_search_filter, search_words, uses_postgres_search
from exchange.sustain.models import Measure

# The columns example cards (gallery, home page, campaign page, API lists) read.
CARD_FIELDS = (
    "id",
    "title",
    "summary",
    "sector",
    "organisation",
    "permanence",
    "show_as_anonymous",
    "is_featured",
    "published_at",
    "status",
    "campaign__id",
    "campaign__title",
    "campaign__slug",
    "author__id",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    # The latest check-in status and adoption count (exchange.sustain), joined in.
    "sustain_summary__example_id",
    "sustain_summary__latest_status",
    "sustain_summary__latest_months",
    "sustain_summary__adoption_count",
)


class GallerySort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    RELEVANCE = "relevance"


_ORDERINGS = {
    GallerySort.NEWEST: ("-published_at", "-pk"),
    GallerySort.OLDEST: ("published_at", "pk"),
    GallerySort.TITLE: ("title", "pk"),
    GallerySort.RELEVANCE: ("-rank", "-published_at", "-pk"),
}


@dataclass(frozen=True)
class ExampleFilters:
    """What a reader narrowed the gallery (or the API list) to; empty strings mean "any"."""

    q: str = ""
    campaign: str = ""  # campaign slug
    sector: str = ""
    tag: str = ""  # tag slug
    permanence: str = ""
    sort: str = ""
    sustain_status: str = ""  # the latest check-in status (exchange.sustain.CheckInStatus)

    @property
    def is_search(self) -> bool:
        if uses_postgres_search():
            return bool(self.q.strip())
        return bool(search_words(self.q))

    @property
    def effective_sort(self) -> GallerySort:
        """Relevance when searching unless another order was asked for; never without a search."""
        if self.sort in GallerySort.__members__.values():
            sort = GallerySort(self.sort)
            if sort is GallerySort.RELEVANCE and not self.is_search:
                return GallerySort.NEWEST
            return sort
        return GallerySort.RELEVANCE if self.is_search else GallerySort.NEWEST


def _tags_prefetch() -> Prefetch[Any]:
    return Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug").order_by("name"))


def _primary_measure_variation() -> Subquery:
    """The latest variation of the example's first measure with values (sustain app).

    Read from the summary the sustain services store on the measure, so a list of examples
    costs no extra query and never runs the SPC engine.
    """
    return Subquery(
        Measure.objects.filter(example=OuterRef("pk"), value_count__gt=0)
        .order_by("pk")
        .values("latest_variation")[:1]
    )


def example_published_queryset() -> QuerySet[Example]:
    """Published examples with what a card needs, in one query (plus one for all their tags).

    `primary_variation` is the stored latest variation of the example's first measure.
    """
    return (
        Example.objects.filter(status=ExampleStatus.PUBLISHED)
        .select_related("author", "campaign", "sustain_summary")
        .only(*CARD_FIELDS)
        .annotate(primary_variation=_primary_measure_variation())
        .prefetch_related(_tags_prefetch())
    )


def example_featured_list(*, limit: int = 6) -> list[Example]:
    return list(
        example_published_queryset()
        .filter(is_featured=True)
        .order_by("-featured_at", "-pk")[:limit]
    )


def example_recent_list(*, limit: int = 6) -> list[Example]:
    return list(example_published_queryset().order_by("-published_at", "-pk")[:limit])


def example_list(*, filters: ExampleFilters) -> QuerySet[Example]:
    """Published examples narrowed by `filters` and ordered as asked.

    Unknown campaign or tag slugs simply match nothing; the gallery form rejects them first.
    When searching, each example carries `rank`.
    """
    queryset = example_published_queryset()
    if filters.campaign:
        queryset = queryset.filter(campaign__slug=filters.campaign)
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    if filters.permanence:
        queryset = queryset.filter(permanence=filters.permanence)
    if filters.tag:
        queryset = queryset.filter(tags__slug=filters.tag)
    if filters.sustain_status:
        queryset = queryset.filter(sustain_summary__latest_status=filters.sustain_status)
    if filters.is_search:
        queryset = example_search_filter(queryset, q=filters.q)
    return queryset.order_by(*_ORDERINGS[filters.effective_sort])


# States whose example its author and the moderators still see (the author reads why).
_SEEN_BY_MODERATORS = frozenset(ExampleStatus) - {ExampleStatus.DRAFT}


def example_visible_to(*, example: Example, viewer: Any) -> bool:
    """Who may see an example: the one rule every path to it (and to its attachments, measures,
    check-ins, adoptions, discussion) goes through.

    Published examples are public. Drafts are their author's only. Every other state (awaiting
    moderation, changes requested, rejected, withdrawn, archived, taken down) is seen by its
    author and by moderators (and administrators, who hold every permission).
    """
    if example.status == ExampleStatus.PUBLISHED:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    if example.author_id == viewer.pk:
        return True
    return example.status in _SEEN_BY_MODERATORS and viewer.has_perm(Perm.MODERATE_EXAMPLES)


def example_get_for_viewer(*, viewer: Any, pk: int) -> Example:
    """The example (with its campaign) if `viewer` may see it; otherwise Http404, so that no
    one learns that a draft, withdrawn or taken-down example exists."""
    example = (
        Example.objects.select_related("campaign").defer("search_vector").filter(pk=pk).first()
    )
    if example is None or not example_visible_to(example=example, viewer=viewer):
        raise Http404
    return example


def example_detail_get(*, pk: int, viewer: Any, content_cached: bool = False) -> Example | None:
    """The example with its campaign and author, if `viewer` may see it (`example_visible_to`).

    Tags (`example_tag_list`) and attachments are read only when the page's content is
    rendered afresh, attachments only when there are any (`has_attachments`). With
    `content_cached` (the page's content is in the cache already) only what the rest of the
    page needs is read: the example and its campaign.
    """
    if content_cached:
        examples = Example.objects.select_related("campaign")
    else:
        examples = (
            # The sustain summary says whether there are adopters to read (usually none).
            Example.objects.select_related("author", "campaign", "sustain_summary")
            .annotate(has_attachments=Exists(Attachment.objects.filter(example=OuterRef("pk"))))
            .annotate(has_measures=Exists(Measure.objects.filter(example=OuterRef("pk"))))
        )
    example = examples.defer("search_vector").filter(pk=pk).first()
    if example is None or not example_visible_to(example=example, viewer=viewer):
        return None
    return example


def example_tag_list(*, pk: int) -> list[Tag]:
    """An example's tags by name, for its page."""
    return list(Tag.objects.filter(examples=pk).only("id", "name", "slug").order_by("name", "pk"))


def example_published_get(*, pk: int) -> Example | None:
    """A published example with everything the API detail shows, or None."""
    return (
        Example.objects.filter(status=ExampleStatus.PUBLISHED, pk=pk)
        .select_related("author", "campaign")
        .defer("search_vector")
        .prefetch_related(_tags_prefetch(), "attachments")
        .first()
    )


def attachment_get_for_viewer(
    *, example_pk: int, attachment_pk: int, viewer: Any
) -> Attachment | None:
    """The attachment if `viewer` may see its example's page, else None.

    The example is found with the page's own selector (`example_detail_get`), so whatever
    hides a page (a draft, a withdrawn or taken-down example) hides its files too.
    """
    example = example_detail_get(pk=example_pk, viewer=viewer, content_cached=True)
    if example is None:
        return None
    return (
        Attachment.objects.only("id", "example_id", "file", "original_name", "content_type", "size")
        .filter(pk=attachment_pk, example=example)
        .first()
    )


# Campaigns ------------------------------------------------------------------------------------


def campaign_open_list() -> list[Campaign]:
    now = timezone.now()
    return [
        c
        for c in Campaign.objects.filter(opens_at__lte=now).order_by("-opens_at")
        if c.is_open(now)
    ]


@dataclass(frozen=True)
class CampaignGroups:
    open: list[Campaign]
    upcoming: list[Campaign]
    closed: list[Campaign]


def campaign_list() -> QuerySet[Campaign]:
    """All campaigns, newest first."""
    return Campaign.objects.order_by("-opens_at", "pk")


def campaign_grouped_list() -> CampaignGroups:
    """Campaigns open now, opening later (soonest first) and closed (latest first), one query."""
    now = timezone.now()
    groups: dict[str, list[Campaign]] = {"open": [], "upcoming": [], "closed": []}
    for campaign in campaign_list():
        if campaign.opens_at > now:
            groups["upcoming"].append(campaign)
        elif campaign.is_open(now):
            groups["open"].append(campaign)
        else:
            groups["closed"].append(campaign)
    groups["upcoming"].sort(key=lambda c: c.opens_at)
    return CampaignGroups(**groups)


def campaign_get(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class TagChoice:
    slug: str
    name: str
    count: int  # published examples with the tag


@dataclass(frozen=True)
class GalleryChoices:
    campaigns: list[tuple[str, str]]  # (slug, title), newest first
    tags: list[TagChoice]  # tags on published examples, by name


def gallery_filter_choices() -> GalleryChoices:
    """The gallery filter's campaigns and the tags in use, with counts, in one query.

    One UNION query keeps the gallery at the query count it had with a free-text tag box.
    """
    campaigns = (
        Campaign.objects.order_by()
        .annotate(kind=Value("c"), n=Value(0, output_field=IntegerField()))
        .values_list("kind", "slug", "title", "n", "opens_at")
    )
    tags = (
        Tag.objects.filter(examples__in=example_published_queryset().values("pk"))
        .order_by()
        .annotate(
            kind=Value("t"),
            n=Count("examples"),
            opens_at=Value(None, output_field=DateTimeField()),
        )
        .values_list("kind", "slug", "name", "n", "opens_at")
    )
    rows = list(campaigns.union(tags, all=True))
    campaign_rows = sorted(
        (r for r in rows if r[0] == "c"), key=lambda r: (r[4], r[1]), reverse=True
    )
    return GalleryChoices(
        campaigns=[(slug, title) for _kind, slug, title, _n, _opens in campaign_rows],
        tags=sorted(
            (
                TagChoice(slug=slug, name=name, count=n)
                for kind, slug, name, n, _ in rows
                if kind == "t"
            ),
            key=lambda tag: (tag.name.casefold(), tag.slug),
        ),
    )


def campaign_example_list(*, campaign: Campaign) -> QuerySet[Example]:
    """A campaign's published examples, newest first."""
    return example_published_queryset().filter(campaign=campaign).order_by("-published_at", "-pk")
