"""Change over time: prevalence and sentiment of each theme per period, and which changes
are statistically grounded.

For every theme two comparisons are tested: the first period against the last, and the
period where the theme peaked (or bottomed) against the last. Prevalence uses a two-proportion
z-test; sentiment a Welch t-test. All p-values of one analysis form one family controlled by
Benjamini-Hochberg at q = 0.05, and only findings that survive are reported, as sentences.
Periods with fewer than MIN_PERIOD_TEXTS texts are not compared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from exchange_analysis.results import DriftFinding, PeriodStat

MIN_PERIOD_TEXTS = 20
FDR_Q = 0.05
DateLike = dt.date | dt.datetime | str | None

_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%y",
    "%d-%m-%Y",
)


def parse_date(value: DateLike) -> dt.date | None:
    """Dates as date objects, ISO strings or UK day/month/year strings; None if unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def period_of(day: dt.date, unit: str) -> str:
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def choose_unit(days: Sequence[dt.date]) -> str:
    """Months by default; weeks when everything falls within about two months; quarters for
    spans over three years."""
    if not days:
        return "month"
    span = (max(days) - min(days)).days
    if span <= 62:
        return "week"
    if span > 3 * 366:
        return "quarter"
    return "month"


def period_name(period: str) -> str:
    """'2022-05' -> 'May 2022'; other period names unchanged."""
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return dt.date(int(period[:4]), int(period[5:]), 1).strftime("%B %Y")
    return period


def _period_names(a: str, b: str) -> tuple[str, str]:
    """'May' and 'August 2022' within one year; 'June 2021' and 'May 2022' across years."""
    name_a, name_b = period_name(a), period_name(b)
    if name_a != a and a[:4] == b[:4]:
        name_a = name_a.rsplit(" ", 1)[0]
    return name_a, name_b


def benjamini_hochberg(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Adjusted p-values (q-values) for the Benjamini-Hochberg step-up procedure."""
    m = len(p)
    if m == 0:
        return np.zeros(0)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    if n1 == 0 or n2 == 0:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / se
    return math.erfc(abs(z) / math.sqrt(2))


def welch_p(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    if len(a) < 5 or len(b) < 5:
        return 1.0
    from scipy.special import stdtr

    va, vb = float(a.var(ddof=1)) / len(a), float(b.var(ddof=1)) / len(b)
    if va + vb <= 1e-12:
        return 1.0
    t = (float(a.mean()) - float(b.mean())) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    p = 2.0 * float(stdtr(df, -abs(t)))
    return 1.0 if math.isnan(p) else min(1.0, p)


def period_stats(
    periods: Sequence[str | None],
    themes: npt.NDArray[np.int64],
    sentiments: npt.NDArray[np.float64],
    theme_ids: Sequence[int],
) -> list[PeriodStat]:
    names = sorted({p for p in periods if p is not None})
    stats: list[PeriodStat] = []
    per = np.array([p if p is not None else "" for p in periods], dtype=object)
    for name in names:
        in_period = per == name
        total = int(in_period.sum())
        for theme in theme_ids:
            mask = in_period & (themes == theme)
            count = int(mask.sum())
            stats.append(
                PeriodStat(
                    period=name,
                    theme=theme,
                    count=count,
                    total=total,
                    prevalence=count / total if total else 0.0,
                    mean_sentiment=float(sentiments[mask].mean()) if count else None,
                )
            )
    return stats


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def findings(
    stats: Sequence[PeriodStat],
    periods: Sequence[str | None],
    themes: npt.NDArray[np.int64],
    sentiments: npt.NDArray[np.float64],
    labels: dict[int, str],
    q: float = FDR_Q,
) -> list[DriftFinding]:
    by_theme: dict[int, list[PeriodStat]] = {}
    for s in stats:
        if s.total >= MIN_PERIOD_TEXTS:
            by_theme.setdefault(s.theme, []).append(s)
    per = np.array([p if p is not None else "" for p in periods], dtype=object)
    candidates: list[tuple[int, str, PeriodStat, PeriodStat, float, float, float]] = []
    for theme, rows in by_theme.items():
        if len(rows) < 2:
            continue
        last = rows[-1]
        pairs = {(rows[0].period, last.period): (rows[0], last)}
        extreme = max(rows[:-1], key=lambda r: abs(r.prevalence - last.prevalence))
        pairs.setdefault((extreme.period, last.period), (extreme, last))
        for a, b in pairs.values():
            p = two_proportion_p(a.count, a.total, b.count, b.total)
            candidates.append((theme, "prevalence", a, b, a.prevalence, b.prevalence, p))
            sa = sentiments[(per == a.period) & (themes == theme)]
            sb = sentiments[(per == b.period) & (themes == theme)]
            if len(sa) >= 5 and len(sb) >= 5:
                p_s = welch_p(sa, sb)
                candidates.append(
                    (theme, "sentiment", a, b, float(sa.mean()), float(sb.mean()), p_s)
                )
    if not candidates:
        return []
    qvalues = benjamini_hochberg(np.array([c[-1] for c in candidates]))
    out: list[DriftFinding] = []
    for (theme, kind, a, b, va, vb, p), qv in zip(candidates, qvalues, strict=True):
        if qv > q or va == vb:
            continue
        label = labels.get(theme, f"Theme {theme}")
        name_from, name_to = _period_names(a.period, b.period)
        if kind == "prevalence":
            direction = "rose" if vb > va else "fell"
            sentence = (
                f"'{label}' {direction} from {_pct(va)} of texts in {name_from} "
                f"to {_pct(vb)} in {name_to}."
            )
        else:
            direction = "rose" if vb > va else "fell"
            mood = "more positive" if vb > va else "more negative"
            sentence = (
                f"Texts about '{label}' became {mood} between {name_from} and "
                f"{name_to} (mean sentiment {va:+.2f} to {vb:+.2f})."
            )
        out.append(
            DriftFinding(
                theme=theme,
                label=label,
                kind=kind,
                direction=direction,
                period_from=a.period,
                period_to=b.period,
                value_from=va,
                value_to=vb,
                p_value=p,
                q_value=float(qv),
                sentence=sentence,
            )
        )
    # One finding per theme and kind: the best-supported comparison.
    best: dict[tuple[int, str], DriftFinding] = {}
    for f in sorted(out, key=lambda f: (f.q_value, f.p_value)):
        best.setdefault((f.theme, f.kind), f)
    return sorted(best.values(), key=lambda f: (f.q_value, f.p_value, f.theme, f.kind))
