"""Change over time of a synthesis, computed from its items as they are now (after merges and
moves), with the engine's statistics: prevalence and mean sentiment per theme per period, and
the significant shifts (two-proportion and Welch tests, Benjamini-Hochberg)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.utils import formats
from django.utils.translation import gettext

from exchange_analysis import drift


def trend_compute(
    rows: list[tuple[int | None, dt.date | None, float]], labels: dict[int, str]
) -> dict[str, Any]:
    """rows: (theme id, date, sentiment) per item. JSON-ready; theme ids as strings."""
    dated = [(theme, day, mood) for theme, day, mood in rows if theme is not None and day]
    if not dated:
        return {"unit": "", "periods": [], "series": {}, "findings": []}
    unit = drift.choose_unit([day for _, day, _ in dated])
    periods = [drift.period_of(day, unit) for _, day, _ in dated]
    themes = np.array([theme for theme, _, _ in dated], dtype=np.int64)
    moods = np.array([mood for _, _, mood in dated], dtype=np.float64)
    theme_ids = sorted(labels)
    stats = drift.period_stats(periods, themes, moods, theme_ids)
    found = drift.findings(stats, periods, themes, moods, labels)
    names = sorted(set(periods))
    series: dict[str, list[dict[str, Any]]] = {str(t): [] for t in theme_ids}
    for stat in stats:
        series[str(stat.theme)].append(
            {
                "count": stat.count,
                "total": stat.total,
                "prevalence": stat.prevalence,
                "sentiment": stat.mean_sentiment,
            }
        )
    return {
        "unit": unit,
        "periods": names,
        "series": series,
        "findings": [
            {
                "theme": f.theme,
                "kind": f.kind,
                "direction": f.direction,
                "period_from": f.period_from,
                "period_to": f.period_to,
                "value_from": f.value_from,
                "value_to": f.value_to,
                "q_value": f.q_value,
            }
            for f in found
        ],
    }


def period_label(period: str) -> str:
    """'2026-05' -> 'May 2026', '2026-W19' -> 'Week 19, 2026', '2026-Q2' -> 'Q2 2026'."""
    if "-W" in period:
        year, week = period.split("-W")
        return gettext("Week %(week)s, %(year)s") % {"week": int(week), "year": year}
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    day = dt.date(int(period[:4]), int(period[5:7]), 1)
    return formats.date_format(day, "F Y")


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def finding_sentence(finding: dict[str, Any], label: str) -> str:
    """The plain-language statement of one shift, translated (the engine's is English)."""
    parts = {
        "label": label,
        "from": period_label(finding["period_from"]),
        "to": period_label(finding["period_to"]),
    }
    if finding["kind"] == "prevalence":
        parts.update(
            value_from=_percent(finding["value_from"]), value_to=_percent(finding["value_to"])
        )
        if finding["direction"] == "rose":
            template = gettext(
                "'%(label)s' rose from %(value_from)s of texts in %(from)s to %(value_to)s in %(to)s."
            )
        else:
            template = gettext(
                "'%(label)s' fell from %(value_from)s of texts in %(from)s to %(value_to)s in %(to)s."
            )
        return template % parts
    parts.update(value_from=f"{finding['value_from']:+.2f}", value_to=f"{finding['value_to']:+.2f}")
    if finding["direction"] == "rose":
        template = gettext(
            "Texts about '%(label)s' became more positive between %(from)s and %(to)s "
            "(mean sentiment %(value_from)s to %(value_to)s)."
        )
    else:
        template = gettext(
            "Texts about '%(label)s' became more negative between %(from)s and %(to)s "
            "(mean sentiment %(value_from)s to %(value_to)s)."
        )
    return template % parts
