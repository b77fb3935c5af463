from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from exchange.sustain import charts, selectors

register = template.Library()

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
