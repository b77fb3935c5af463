"""Server-side SVG: a sparkline per theme and the change-over-time chart.

Both work without JavaScript and in the PDF. The chart has role="img" with a title and a
description, lines differ by dash pattern and marker as well as colour, and the page gives the
same figures as a table."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# GOV.UK Frontend colours that keep 3:1 contrast against white.
PALETTE = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#f47738", "#28a197", "#912b88")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 4", "10 4", "4 2 1 2", "12 3")
MARKERS = ("circle", "square", "diamond", "triangle")


def _n(value: float) -> str:
    """Numbers for SVG attributes (format_html escapes its arguments, so it cannot format them)."""
    return f"{value:.1f}"


def colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)]


def dash(n: int) -> str:
    return DASHES[n % len(DASHES)]


def _points(
    values: Sequence[float], width: float, height: float, low: float, high: float
) -> list[tuple[float, float]]:
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    return [(i * step, height - (v - low) / span * height) for i, v in enumerate(values)]


def sparkline(values: Sequence[float], *, label: str, index: int = 0) -> SafeString:
    """A small line of a theme's share of texts per period (decorative next to the numbers,
    so it carries its own short text alternative)."""
    if len(values) < 2:
        return SafeString("")
    width, height = 120.0, 28.0
    high = max(max(values), 0.01)
    points = _points(values, width - 4, height - 4, 0.0, high)
    path = " ".join(f"{x + 2:.1f},{y + 2:.1f}" for x, y in points)
    first, last = values[0], values[-1]
    text = gettext(
        "%(label)s: %(first)s%% of texts in the first period, %(last)s%% in the last"
    ) % {
        "label": label,
        "first": round(first * 100),
        "last": round(last * 100),
    }
    return format_html(
        '<svg class="efc-sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" focusable="false"><polyline fill="none" stroke="{}" stroke-width="2" '
        'points="{}"/></svg>',
        int(width),
        int(height),
        int(width),
        int(height),
        text,
        colour(index),
        path,
    )


def _marker(kind: str, x: float, y: float, fill: str) -> SafeString:
    if kind == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"/>', x - 3.5, y - 3.5, fill
        )
    if kind == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" fill="{}"/>',
            x,
            y - 5,
            x + 5,
            y,
            x,
            y + 5,
            x - 5,
            y,
            fill,
        )
    if kind == "triangle":
        return format_html(
            '<polygon points="{},{} {},{} {},{}" fill="{}"/>',
            x,
            y - 5,
            x + 5,
            y + 4,
            x - 5,
            y + 4,
            fill,
        )
    return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', _n(x), _n(y), fill)


def trend_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    period_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    low: float,
    high: float,
    axis_format: str = "percent",
) -> SafeString:
    """A line chart of one value per theme per period. series: (label, values) per theme;
    None is a period with no text for that theme (the line breaks there)."""
    if len(period_labels) < 1 or not series:
        return SafeString("")
    left, top, width, height = 56.0, 12.0, 560.0, 220.0
    right_pad, bottom = 16.0, 48.0
    full_w, full_h = left + width + right_pad, top + height + bottom
    ticks = 5
    grid = []
    for n in range(ticks + 1):
        value = low + (high - low) * n / ticks
        y = top + height - height * n / ticks
        text = f"{round(value * 100)}%" if axis_format == "percent" else f"{value:+.1f}"
        grid.append((y, text))
    grid_svg = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#0b0c0c">{}</text>',
        (
            (_n(left), _n(left + width), _n(y), _n(y), _n(left - 6), _n(y + 4), text)
            for y, text in grid
        ),
    )
    step = width / max(len(period_labels) - 1, 1)
    x_labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#0b0c0c">{}</text>',
        (
            (_n(left + i * step), _n(top + height + 18), name)
            for i, name in enumerate(period_labels)
        ),
    )
    lines = []
    span = (high - low) or 1.0
    for n, (_label, values) in enumerate(series):
        segments: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                segments.append([])
                continue
            segments[-1].append((left + i * step, top + height - (value - low) / span * height))
        for segment in segments:
            if len(segment) > 1:
                lines.append(
                    format_html(
                        '<polyline fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" points="{}"/>',
                        colour(n),
                        dash(n),
                        " ".join(f"{x:.1f},{y:.1f}" for x, y in segment),
                    )
                )
            for x, y in segment:
                lines.append(_marker(MARKERS[n % len(MARKERS)], x, y, colour(n)))
    legend_y = top + height + 36
    legend = format_html_join(
        "",
        '<g transform="translate({},{})"><line x1="0" x2="24" y1="0" y2="0" stroke="{}" '
        'stroke-width="2.5" stroke-dasharray="{}"/><text x="28" y="4" font-size="12" fill="#0b0c0c">{}</text></g>',
        (
            (
                _n(left + (n % 3) * (width / 3)),
                _n(legend_y + (n // 3) * 16),
                colour(n),
                dash(n),
                label[:40],
            )
            for n, (label, _values) in enumerate(series)
        ),
    )
    full_h += 16 * ((len(series) - 1) // 3)
    return format_html(
        '<svg class="efc-trend-chart" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}{}{}</svg>',
        _n(full_w),
        _n(full_h),
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        grid_svg,
        x_labels,
        SafeString("".join(lines)),
        legend,
    )
