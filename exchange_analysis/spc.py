"""Statistical process control: XmR charts the NHS "Making Data Count" way, and Anhøj run rules.

``xmr(values, ...)`` follows NHSRplotthedots 0.2.2 (``ptd_spc_standard`` and
``ptd_calculate_point_type``): mean and average moving range (moving ranges of 3.267 x the
average or more screened out once), process limits at mean +/- 2.66 x average moving range,
near-limits at two sigma, and special-cause rules in fixed priority - a point outside the limits,
a trend of 7 points rising or falling, 2 of 3 points close to a limit on one side of the mean, a
run of 7 points on one side of the mean. Each point's type, the variation icon (from the last
point) and the assurance icon (target against the last limits) use the same names as the R
package. ``anhoej(values)`` gives the longest run and the number of crossings against their
limits (qicharts2).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

SCREEN_FACTOR = 3.267
LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * 2.66 / 3
RULE_LENGTH = 7
SHORT_GROUP = 13  # NHSRplotthedots warns below 13 points (its text says 12)
DIRECTIONS = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class SpcPoint:
    index: int
    value: float
    group: int  # rebase group, 0 for the first
    mean: float
    upl: float  # upper process limit
    lpl: float  # lower process limit
    relative_to_mean: int  # -1, 0 or 1
    outside_limits: bool
    close_to_limits: bool
    rule: str  # "outside_limits", "trend", "two_in_three", "run" or "common_cause"
    point_type: str  # common_cause, special_cause_improvement/_concern/_neutral_high/_low


@dataclass(frozen=True)
class SpcChart:
    points: list[SpcPoint]
    improvement: str
    variation: str  # icon of the last point: common_cause, improvement_high, concern_low, ...
    assurance: str | None  # consistent_pass, consistent_fail, inconsistent, or None
    warnings: list[str] = field(default_factory=list)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _limits(values: Sequence[float], fix_after: int | None, screen: bool) -> tuple[float, float]:
    """(mean, average moving range) from the first fix_after values (all when None)."""
    fixed = list(values[:fix_after]) if fix_after is not None else list(values)
    mean = sum(fixed) / len(fixed)
    ranges = [abs(b - a) for a, b in itertools.pairwise(fixed)]
    if not ranges:
        return mean, 0.0
    amr = sum(ranges) / len(ranges)
    if screen:
        kept = [r for r in ranges if r < SCREEN_FACTOR * amr]
        if kept:
            amr = sum(kept) / len(kept)
    return mean, amr


def seven_point_trend(values: Sequence[float]) -> list[int]:
    """1 (or -1) at a point ending 6 rising (falling) steps in a row; a tie breaks a trend."""
    out = [0] * len(values)
    for i in range(RULE_LENGTH - 1, len(values)):
        steps = {_sign(values[j] - values[j - 1]) for j in range(i - RULE_LENGTH + 2, i + 1)}
        if steps in ({1}, {-1}):
            out[i] = steps.pop()
    return out


def seven_point_one_side_mean(relative: Sequence[int]) -> list[int]:
    """1 (or -1) at a point ending 7 points in a row above (below) the mean."""
    out = [0] * len(relative)
    for i in range(RULE_LENGTH - 1, len(relative)):
        window = set(relative[i - RULE_LENGTH + 1 : i + 1])
        if window in ({1}, {-1}):
            out[i] = window.pop()
    return out


def part_of_seven(flags: Sequence[int]) -> list[int]:
    """Spread each flag back over the 7 points that make it up."""
    out = [0] * len(flags)
    for i, flag in enumerate(flags):
        if flag:
            for j in range(max(0, i - RULE_LENGTH + 1), i + 1):
                out[j] = flag
    return out


def trend_directions(values: Sequence[float], part_of_trend: Sequence[int]) -> list[int]:
    """+1 (increasing) or -1 (decreasing) for each point of a trend, 0 elsewhere.

    As NHSRplotthedots labels "7 Point Trend (Increasing/Decreasing)": a point's direction is
    the step to its right when the next point is also part of a trend, else the step to its
    left; a flat step counts as decreasing (its ``ifelse(sdy == 1, "In", "De")``). So the
    peak between a rising and a falling trend is decreasing.
    """
    n = len(values)
    out = [0] * n
    for k in range(n):
        if not part_of_trend[k]:
            continue
        if k + 1 < n and part_of_trend[k + 1]:
            step = _sign(values[k + 1] - values[k])
        else:
            step = _sign(values[k] - values[k - 1]) if k > 0 else 0
        out[k] = 1 if step == 1 else -1
    return out


def rebase_indices(dates: Sequence[Hashable], rebase_dates: Iterable[Hashable]) -> list[int]:
    """Positions of the rows whose date is a rebase date (NHSRplotthedots' ``rebase`` column).

    A rebase date that matches no row has no effect, and one on the first row changes nothing.
    """
    wanted = set(rebase_dates)
    return [i for i, d in enumerate(dates) if d in wanted]


def two_in_three(close: Sequence[bool], relative: Sequence[int]) -> list[int]:
    """Points of any 3-point window with 2+ close to a limit, all on one side of the mean."""
    out = [0] * len(close)
    for i in range(2, len(close)):
        window = range(i - 2, i + 1)
        side = sum(relative[j] for j in window)
        if sum(bool(close[j]) for j in window) >= 2 and abs(side) == 3:
            for j in window:
                out[j] = _sign(side)
    return out


def part_of_two_in_three(close: Sequence[bool], relative: Sequence[int]) -> list[int]:
    """Only the close points of a qualifying window are special (NHSRplotthedots #143)."""
    return [f if close[i] else 0 for i, f in enumerate(two_in_three(close, relative))]


def xmr(
    values: Sequence[float],
    *,
    improvement: str = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> SpcChart:
    """An XmR (individuals) chart of values in time order.

    improvement: "increase", "decrease" or "neutral". rebase_at: indices where new limits start.
    fix_after_n_points (12 or more): limits from the first n points of each group only.
    """
    if improvement not in DIRECTIONS:
        raise ValueError(f"improvement must be one of {', '.join(DIRECTIONS)}")
    if fix_after_n_points is not None and fix_after_n_points < 12:
        raise ValueError("fix_after_n_points must be at least 12")
    ys = [float(v) for v in values]
    if any(math.isnan(v) or math.isinf(v) for v in ys):
        raise ValueError("values must be finite numbers")
    if not ys:
        return SpcChart([], improvement, "common_cause", None, ["no data"])
    starts = sorted({0} | {i for i in rebase_at if 0 < i < len(ys)})
    bounds = [*starts, len(ys)]
    direction = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]
    points: list[SpcPoint] = []
    warnings: list[str] = []
    last_limits = (0.0, 0.0)
    for group, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        y = ys[lo:hi]
        if len(y) < SHORT_GROUP:
            warnings.append(
                f"group {group} has {len(y)} points; limits need at least {SHORT_GROUP - 1}"
            )
        mean, amr = _limits(y, fix_after_n_points, screen_outliers)
        upl, lpl = mean + LIMIT_FACTOR * amr, mean - LIMIT_FACTOR * amr
        nupl, nlpl = mean + NEAR_FACTOR * amr, mean - NEAR_FACTOR * amr
        last_limits = (lpl, upl)
        relative = [_sign(v - mean) for v in y]
        outside = [v > upl or v < lpl for v in y]
        close = [not o and (v > nupl or v < nlpl) for v, o in zip(y, outside, strict=True)]
        trend = trend_directions(y, part_of_seven(seven_point_trend(y)))
        twos = part_of_two_in_three(close, relative)
        run = part_of_seven(seven_point_one_side_mean(relative))
        for k, v in enumerate(y):
            if outside[k]:
                rule, sign = "outside_limits", relative[k]
            elif trend[k]:
                rule, sign = "trend", trend[k]
            elif twos[k]:
                rule, sign = "two_in_three", twos[k]
            elif run[k]:
                rule, sign = "run", run[k]
            else:
                rule, sign = "common_cause", 0
            if rule == "common_cause":
                kind = "common_cause"
            elif direction == 0:
                kind = "special_cause_neutral_high" if sign > 0 else "special_cause_neutral_low"
            else:
                kind = (
                    "special_cause_improvement" if sign * direction > 0 else "special_cause_concern"
                )
            points.append(
                SpcPoint(
                    lo + k, v, group, mean, upl, lpl, relative[k], outside[k], close[k], rule, kind
                )
            )
    return SpcChart(
        points,
        improvement,
        variation_icon(points[-1].point_type, improvement),
        assurance_type(target, last_limits, improvement),
        warnings,
    )


def variation_icon(point_type: str, improvement: str) -> str:
    if point_type == "common_cause":
        return "common_cause"
    if point_type.startswith("special_cause_neutral"):
        return point_type.removeprefix("special_cause_")
    if point_type == "special_cause_concern":
        return "concern_low" if improvement == "increase" else "concern_high"
    return "improvement_high" if improvement == "increase" else "improvement_low"


def assurance_type(
    target: float | None, limits: tuple[float, float], improvement: str
) -> str | None:
    if target is None or improvement == "neutral":
        return None
    lpl, upl = limits
    if target > upl:
        return "consistent_fail" if improvement == "increase" else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if improvement == "increase" else "consistent_fail"
    return "inconsistent"


@dataclass(frozen=True)
class RunsAnalysis:
    n_useful: int  # points not on the centre line
    longest_run: int
    longest_run_max: int
    n_crossings: int
    n_crossings_min: int
    signal: bool  # non-random variation: run too long or too few crossings


def _binom_quantile(p: float, n: int) -> int:
    """Smallest k with P(Binomial(n, 1/2) <= k) >= p (R's qbinom(p, n, 0.5))."""
    total = 0.0
    for k in range(n + 1):
        total += math.comb(n, k) / 2**n
        if total >= p - 1e-12:
            return k
    return n


def anhoej(values: Sequence[float], centre: float | None = None) -> RunsAnalysis:
    """Anhøj's run rules against the centre line (the median unless given)."""
    ys = [float(v) for v in values]
    if centre is None:
        ordered = sorted(ys)
        m = len(ordered)
        centre = (
            0.0
            if m == 0
            else ordered[m // 2]
            if m % 2
            else (ordered[m // 2 - 1] + ordered[m // 2]) / 2
        )
    sides = [_sign(v - centre) for v in ys if v != centre]
    n = len(sides)
    runs: list[list[int]] = []
    for s in sides:
        if runs and runs[-1][0] == s:
            runs[-1][1] += 1
        else:
            runs.append([s, 1])
    longest = max((r[1] for r in runs), default=0)
    crossings = max(len(runs) - 1, 0)
    longest_max = round(math.log2(n)) + 3 if n else 0
    crossings_min = _binom_quantile(0.05, n - 1) if n > 1 else 0
    return RunsAnalysis(
        n,
        longest,
        longest_max,
        crossings,
        crossings_min,
        signal=bool(n) and (longest > longest_max or crossings < crossings_min),
    )
