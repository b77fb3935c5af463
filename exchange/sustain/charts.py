"""Server-side XmR charts and Making Data Count icons as accessible SVG.

Geometry is computed here; the markup is written by templates (`sustain/includes/chart.html`,
`sustain/includes/icon.html`), so every piece of user text (a measure's name or unit) is
escaped by Django. No JavaScript is needed to read a chart: it has a title and a description,
its legend uses shapes and words as well as colour, and a table gives every value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.sustain.selectors import MeasureChart

WIDTH, HEIGHT = 680, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
X_PADDING = 10  # keeps the first and last points off the axes

# Point types: a shape and a colour each (NHS colours with at least 3:1 contrast on white).
MARKERS = {
    "common_cause": ("circle", "#4c6272"),
    "special_cause_improvement": ("square", "#005eb8"),
    "special_cause_concern": ("diamond", "#b34700"),
    "special_cause_neutral_high": ("triangle_up", "#330072"),
    "special_cause_neutral_low": ("triangle_down", "#330072"),
}
POINT_LABELS = {
    "common_cause": gettext_lazy("Common cause variation"),
    "special_cause_improvement": gettext_lazy("Special cause: improvement"),
    "special_cause_concern": gettext_lazy("Special cause: concern"),
    "special_cause_neutral_high": gettext_lazy("Special cause: higher (neither better nor worse)"),
    "special_cause_neutral_low": gettext_lazy("Special cause: lower (neither better nor worse)"),
}
RULE_LABELS = {
    "outside_limits": gettext_lazy("outside the process limits"),
    "trend": gettext_lazy("part of 7 points rising or falling"),
    "two_in_three": gettext_lazy("2 of 3 points close to a limit"),
    "run": gettext_lazy("part of 7 points on one side of the mean"),
    "common_cause": "",
}
VARIATION_LABELS = {
    "common_cause": gettext_lazy("Common cause variation: no significant change"),
    "improvement_high": gettext_lazy("Special cause variation: improving, higher values"),
    "improvement_low": gettext_lazy("Special cause variation: improving, lower values"),
    "concern_high": gettext_lazy("Special cause variation: concerning, higher values"),
    "concern_low": gettext_lazy("Special cause variation: concerning, lower values"),
    "neutral_high": gettext_lazy("Special cause variation: higher values"),
    "neutral_low": gettext_lazy("Special cause variation: lower values"),
}
VARIATION_SHORT = {
    "common_cause": gettext_lazy("No significant change"),
    "improvement_high": gettext_lazy("Improving"),
    "improvement_low": gettext_lazy("Improving"),
    "concern_high": gettext_lazy("Concerning"),
    "concern_low": gettext_lazy("Concerning"),
    "neutral_high": gettext_lazy("Higher"),
    "neutral_low": gettext_lazy("Lower"),
}
ASSURANCE_LABELS = {
    "consistent_pass": gettext_lazy("Assurance: the process will consistently meet the target"),
    "consistent_fail": gettext_lazy("Assurance: the process will consistently miss the target"),
    "inconsistent": gettext_lazy("Assurance: hit and miss, the target will be met only sometimes"),
}


@dataclass(frozen=True)
class Icon:
    """One Making Data Count icon: a coloured ring with a letter (or a line for common cause)."""

    kind: str  # "variation" or "assurance"
    code: str
    colour: str
    letter: str
    label: str
    short_label: str
    arrow: str = ""  # "up", "down" or "" for the small arrow beside the letter


def variation_icon(code: str) -> Icon | None:
    if code not in VARIATION_LABELS:
        return None
    family, _sep, side = code.partition("_")
    colour = {
        "common": MARKERS["common_cause"][1],
        "improvement": MARKERS["special_cause_improvement"][1],
        "concern": MARKERS["special_cause_concern"][1],
        "neutral": MARKERS["special_cause_neutral_high"][1],
    }[family]
    letter = {"high": "H", "low": "L"}.get(side, "")
    arrow = {"high": "up", "low": "down"}.get(side, "")
    return Icon(
        "variation",
        code,
        colour,
        letter,
        str(VARIATION_LABELS[code]),
        str(VARIATION_SHORT[code]),
        arrow,
    )


def assurance_icon(code: str) -> Icon | None:
    if code not in ASSURANCE_LABELS:
        return None
    colour, letter = {
        "consistent_pass": (MARKERS["special_cause_improvement"][1], "P"),
        "consistent_fail": (MARKERS["special_cause_concern"][1], "F"),
        "inconsistent": (MARKERS["common_cause"][1], "?"),
    }[code]
    short = {
        "consistent_pass": _("Meets the target"),
        "consistent_fail": _("Misses the target"),
        "inconsistent": _("Hit and miss"),
    }[code]
    return Icon("assurance", code, colour, letter, str(ASSURANCE_LABELS[code]), short)


def number_text(value: float | Decimal, places: int = 2) -> str:
    """A number for people: at most `places` decimals, trailing zeros dropped, localised."""
    rounded = round(float(value), places)
    if rounded == 0:
        rounded = 0.0  # never "-0"
    text = formats.number_format(rounded, decimal_pos=places, use_l10n=True)
    decimal_separator = formats.get_format("DECIMAL_SEPARATOR")
    if decimal_separator in text:
        text = text.rstrip("0").rstrip(decimal_separator)
    return text


def marker_polygon(shape: str, x: float, y: float, size: float) -> str:
    """The `points` of an SVG polygon drawing `shape` centred on (x, y); "" for a circle."""
    corners = {
        "square": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
        "triangle_up": [(0, -1.3), (1.2, 1), (-1.2, 1)],
        "triangle_down": [(0, 1.3), (1.2, -1), (-1.2, -1)],
    }.get(shape)
    if corners is None:
        return ""
    return " ".join(f"{round(x + dx * size, 1)},{round(y + dy * size, 1)}" for dx, dy in corners)


@dataclass(frozen=True)
class PointMark:
    x: float
    y: float
    shape: str
    colour: str
    label: str  # "31 Mar 2026: 14 (Special cause: improvement)"
    polygon: str  # "" for a circle


MARKER_SIZE = 4.5


@dataclass(frozen=True)
class Segment:
    x1: float
    x2: float
    y: float


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    anchor: str = "middle"  # SVG text-anchor


@dataclass(frozen=True)
class LegendItem:
    shape: str  # a marker shape, or "mean", "limit", "target"
    colour: str
    label: str

    @property
    def polygon(self) -> str:
        return marker_polygon(self.shape, 14, 8, 5)


@dataclass
class ChartSvg:
    """Everything the chart template draws, in SVG user units."""

    dom_id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    points: list[PointMark] = field(default_factory=list)
    path: str = ""
    means: list[Segment] = field(default_factory=list)
    limits: list[Segment] = field(default_factory=list)
    target: float | None = None
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)
    y_label: str = ""


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _date_text(date: object) -> str:
    return formats.date_format(date, "j M Y")


def chart_description(result: MeasureChart) -> str:
    measure = result.measure
    if not result.points:
        return _("No values yet.")
    last = result.points[-1]
    parts = [
        _("%(count)s values from %(first)s to %(last)s. Latest value %(value)s on %(date)s.")
        % {
            "count": len(result.points),
            "first": _date_text(result.points[0].date),
            "last": _date_text(last.date),
            "value": number_text(last.value, 4),
            "date": _date_text(last.date),
        },
        _("Mean %(mean)s, process limits %(lower)s to %(upper)s.")
        % {
            "mean": number_text(last.spc.mean),
            "lower": number_text(last.spc.lpl),
            "upper": number_text(last.spc.upl),
        },
    ]
    if measure.target is not None:
        parts.append(_("Target %(target)s.") % {"target": number_text(measure.target, 4)})
    starts = [
        p.date
        for p, q in zip(result.points[1:], result.points[:-1], strict=True)
        if p.spc.group != q.spc.group
    ]
    if starts:
        parts.append(
            _("The limits start again from %(dates)s, when the process changed.")
            % {"dates": ", ".join(_date_text(d) for d in starts)}
        )
    parts.append(
        _("%(count)s of the points show special cause variation.") % {"count": result.special_count}
    )
    icon = variation_icon(result.chart.variation)
    if icon:
        parts.append(icon.label + ".")
    assurance = assurance_icon(result.chart.assurance or "")
    if assurance:
        parts.append(assurance.label + ".")
    return " ".join(parts)


def chart_svg(result: MeasureChart, *, dom_id: str) -> ChartSvg:
    """The geometry of `result`'s XmR chart (values in time order, equally spaced)."""
    measure = result.measure
    unit = f" ({measure.unit})" if measure.unit else ""
    svg = ChartSvg(
        dom_id=dom_id,
        title=_("%(name)s: XmR chart") % {"name": measure.name},
        description=chart_description(result),
        y_label=f"{measure.name}{unit}",
    )
    points = result.points
    if not points:
        return svg
    ys = [float(p.value) for p in points]
    ys += [p.spc.upl for p in points] + [p.spc.lpl for p in points]
    if measure.target is not None:
        ys.append(float(measure.target))
    low, high = min(ys), max(ys)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    plot_w, plot_h = svg.right - svg.left, svg.bottom - svg.top

    inner = plot_w - 2 * X_PADDING

    def x_at(i: int) -> float:
        offset = inner * i / (len(points) - 1) if len(points) > 1 else inner / 2
        return svg.left + X_PADDING + offset

    def y_at(v: float) -> float:
        return svg.bottom - (v - low) / (high - low) * plot_h

    places = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    tick = low
    while tick <= high + step / 2:
        svg.y_ticks.append(Tick(round(y_at(tick), 1), number_text(tick, places + 1)))
        tick += step
    label_count = min(len(points), 5)
    label_indices = sorted(
        {round(i * (len(points) - 1) / max(label_count - 1, 1)) for i in range(label_count)}
    )
    svg.x_ticks = [
        Tick(
            round(x_at(i), 1),
            _date_text(points[i].date),
            "start" if i == 0 and len(points) > 1 else "end" if i == len(points) - 1 else "middle",
        )
        for i in label_indices
    ]

    for i, p in enumerate(points):
        x, y = round(x_at(i), 1), round(y_at(float(p.value)), 1)
        shape, colour = MARKERS[p.spc.point_type]
        svg.points.append(
            PointMark(
                x=x,
                y=y,
                shape=shape,
                colour=colour,
                label=_("%(date)s: %(value)s (%(kind)s)")
                % {
                    "date": _date_text(p.date),
                    "value": number_text(p.value, 4),
                    "kind": POINT_LABELS[p.spc.point_type],
                },
                polygon=marker_polygon(shape, x, y, MARKER_SIZE),
            )
        )
    svg.path = " ".join(f"{'M' if i == 0 else 'L'}{m.x},{m.y}" for i, m in enumerate(svg.points))
    # One mean and a pair of limits per rebase group, drawn across that group's points.
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(points):
        groups.setdefault(p.spc.group, []).append(i)
    half = (inner / (len(points) - 1) / 2) if len(points) > 1 else plot_w / 2
    for indices in groups.values():
        first, last = points[indices[0]].spc, indices[-1]
        x1 = x_at(indices[0]) - half if indices[0] else svg.left
        x2 = x_at(last) + half if last < len(points) - 1 else svg.right
        svg.means.append(Segment(round(x1, 1), round(x2, 1), round(y_at(first.mean), 1)))
        for limit in (first.upl, first.lpl):
            svg.limits.append(Segment(round(x1, 1), round(x2, 1), round(y_at(limit), 1)))
    if measure.target is not None:
        svg.target = round(y_at(float(measure.target)), 1)

    present = []
    for kind in MARKERS:
        if any(p.spc.point_type == kind for p in points):
            present.append(LegendItem(MARKERS[kind][0], MARKERS[kind][1], str(POINT_LABELS[kind])))
    present.append(LegendItem("mean", "#212b32", _("Mean (solid line)")))
    present.append(LegendItem("limit", "#4c6272", _("Process limits (dashed lines)")))
    if measure.target is not None:
        present.append(LegendItem("target", "#d5281b", _("Target (dotted line)")))
    svg.legend = present
    return svg
