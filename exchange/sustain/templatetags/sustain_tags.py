"""The example page's "is it still in place?" section and the gallery card's status badge."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from exchange.core.permissions import Perm
from exchange.examples.models import Example, ExampleStatus
from exchange.sustain import charts, selectors

register = template.Library()


@register.inclusion_tag("sustain/_example_section.html", takes_context=True)
def sustain_section(context: template.Context, example: Example) -> dict[str, Any]:
    """Check-in timeline, next check-in and adopters of a published example (one or two queries)."""
    if example.status != ExampleStatus.PUBLISHED:
        return {"show": False}
    request = context["request"]
    adoption_count = None
    if "sustain_summary" in example._state.fields_cache:
        summary = example._state.fields_cache["sustain_summary"]
        adoption_count = summary.adoption_count if summary is not None else 0
    return {
        "show": True,
        "example": example,
        "section": selectors.example_sustain_section(
            example_id=example.pk, adoption_count=adoption_count
        ),
        "is_author": request.user.is_authenticated and example.author_id == request.user.pk,
        # Moderators only; the body shared between readers is only ever cached for people
        # without a role (exchange.examples.views.gallery), so it never carries this button.
        "can_send_checkin": request.user.has_perm(Perm.MODERATE_EXAMPLES),
        "csrf_token": context.get("csrf_token"),
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


# Measures ---------------------------------------------------------------------------------------


@register.inclusion_tag("sustain/includes/measures_section.html", takes_context=True)
def measures_section(context: template.Context, example: Any) -> dict[str, Any]:
    """The example page's "Measures": a chart per measure; links for those who manage them.

    Reads nothing when the example has no measures (`has_measures`, annotated by the example
    page's selector) and the reader cannot add one.
    """
    user = context["request"].user
    can_manage = selectors.measure_manageable_by(user=user, example=example)
    has_measures = getattr(example, "has_measures", True)
    if not has_measures and not can_manage:
        return {"show": False}
    measures = selectors.example_measure_list(example=example) if has_measures else []
    return {
        "show": True,
        "example": example,
        "can_manage": can_manage,
        "items": [
            {"result": selectors.measure_chart(measure=m), "dom_id": f"measure-{m.pk}-chart"}
            for m in measures
        ],
    }


@register.inclusion_tag("sustain/includes/chart.html")
def measure_chart(result: selectors.MeasureChart, dom_id: str) -> dict[str, Any]:
    return {"result": result, "svg": charts.chart_svg(result, dom_id=dom_id)}


@register.inclusion_tag("sustain/includes/icon.html")
def spc_icon(
    kind: str, code: str | None, labelled: bool = True, short: bool = False, size: int = 40
) -> dict[str, Any]:
    """A variation or assurance icon (nothing for an unknown or empty code)."""
    icon = (charts.variation_icon if kind == "variation" else charts.assurance_icon)(code or "")
    return {"icon": icon, "labelled": labelled, "short": short, "size": size}


@register.filter
def spc_number(value: float | Decimal | None, places: int = 2) -> str:
    if value is None:
        return ""
    return charts.number_text(value, int(places))


@register.filter
def point_label(point_type: str) -> str:
    return str(charts.POINT_LABELS.get(point_type, ""))


@register.filter
def rule_label(rule: str) -> str:
    return str(charts.RULE_LABELS.get(rule, ""))
