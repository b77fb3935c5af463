from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from exchange.examples.models import Campaign, Example, ExampleStatus


def example_published_queryset() -> QuerySet[Example]:
    """Published examples with what a card needs, in one query."""
    return (
        Example.objects.filter(status=ExampleStatus.PUBLISHED)
        .select_related("author", "campaign")
        .prefetch_related("tags")
    )


def example_featured_list(*, limit: int = 6) -> list[Example]:
    return list(
        example_published_queryset()
        .filter(is_featured=True)
        .order_by("-featured_at", "-pk")[:limit]
    )


def example_recent_list(*, limit: int = 6) -> list[Example]:
    return list(example_published_queryset().order_by("-published_at", "-pk")[:limit])


def campaign_open_list() -> list[Campaign]:
    now = timezone.now()
    return [
        c
        for c in Campaign.objects.filter(opens_at__lte=now).order_by("-opens_at")
        if c.is_open(now)
    ]
