"""The example page's "is it still in place?" section and the gallery card's status badge."""

from __future__ import annotations

from typing import Any

from django import template

from exchange.examples.models import Example, ExampleStatus
from exchange.sustain import selectors

register = template.Library()


@register.inclusion_tag("sustain/_example_section.html", takes_context=True)
def sustain_section(context: template.Context, example: Example) -> dict[str, Any]:
    """Check-in timeline, next check-in and adopters of a published example (two queries)."""
    if example.status != ExampleStatus.PUBLISHED:
        return {"show": False}
    request = context["request"]
    return {
        "show": True,
        "example": example,
        "section": selectors.example_sustain_section(example_id=example.pk),
        "is_author": request.user.is_authenticated and example.author_id == request.user.pk,
    }


@register.inclusion_tag("sustain/_card_status.html")
def sustain_card_status(example: Example) -> dict[str, Any]:
    """The badge and adoption count of a gallery card, from the summary joined to the example."""
    summary = getattr(example, "sustain_summary", None) if _has_summary(example) else None
    if summary is None:
        return {"status": "", "adoption_count": 0}
    return {
        "status": summary.latest_status,
        "phrase": selectors.status_phrase(summary.latest_status, summary.latest_months),
        "tag_class": selectors.status_tag_class(summary.latest_status),
        "adoption_count": summary.adoption_count,
    }


def _has_summary(example: Example) -> bool:
    """Whether the summary row was joined in (never a query per card), and exists."""
    cache = example._state.fields_cache
    return cache.get("sustain_summary") is not None
