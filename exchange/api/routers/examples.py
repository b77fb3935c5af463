"""Read endpoints for campaigns and published examples (the same selectors as the web pages)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from exchange.api.pagination import BoundedLimitOffsetPagination
from exchange.api.schemas.common import MAX_ID, ErrorOut, ValidationErrorOut
from exchange.api.schemas.examples import (
    SLUG_PATTERN,
    CampaignOut,
    ExampleFilterIn,
    ExampleOut,
    ExampleSummaryOut,
)
from exchange.examples import selectors
from exchange.examples.models import Campaign, Example

router = Router(tags=["examples"])


@router.get("/campaigns", response=list[CampaignOut], summary="List campaigns")
def campaign_list(request: HttpRequest) -> QuerySet[Campaign]:
    """Every campaign, newest first (there are few; no pagination)."""
    return selectors.campaign_list()


@router.get(
    "/campaigns/{slug}",
    response={200: CampaignOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Get one campaign",
)
def campaign_detail(
    request: HttpRequest, slug: str = Path(..., max_length=200, pattern=SLUG_PATTERN)
) -> Campaign:
    campaign = selectors.campaign_get(slug=slug)
    if campaign is None:
        raise HttpError(404, "No campaign with that slug")
    return campaign


@router.get(
    "/examples",
    response={200: list[ExampleSummaryOut], 422: ValidationErrorOut},
    summary="List published examples",
)
@paginate(BoundedLimitOffsetPagination)
def example_list(request: HttpRequest, filters: Query[ExampleFilterIn]) -> QuerySet[Example]:
    """Published examples, filtered and searched like the gallery; unknown slugs match nothing."""
    return selectors.example_list(
        filters=selectors.ExampleFilters(
            q=(filters.q or "").replace("\x00", ""),
            campaign=filters.campaign or "",
            sector=filters.sector or "",
            tag=filters.tag or "",
            permanence=filters.permanence or "",
            sort=filters.sort or "",
        )
    )


@router.get(
    "/examples/{example_id}",
    response={200: ExampleOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Get one published example",
)
def example_detail(request: HttpRequest, example_id: int = Path(..., ge=1, le=MAX_ID)) -> Example:
    example = selectors.example_published_get(pk=example_id)
    if example is None:
        raise HttpError(404, "No published example with that id")
    return example
