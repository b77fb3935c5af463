from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from exchange.insights import charts

register = template.Library()


@register.simple_tag
def sparkline(values: Sequence[float], label: str, index: int = 0) -> SafeString:
    return charts.sparkline(values, label=label, index=index)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.2f}"


@register.filter
def mood(value: float | None) -> str:
    """A plain word for a mean sentiment score."""
    if value is None:
        return ""
    if value > 0.2:
        return gettext("mostly positive")
    if value < -0.2:
        return gettext("mostly negative")
    return gettext("mixed")
