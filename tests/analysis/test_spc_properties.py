"""Properties of the XmR chart that hold for any data: shifts, scaling and symmetric limits.

A flag can flip only when a value sits exactly on a threshold (the mean, a limit, a near-limit,
the screening cut-off), where the last bit of a rounding decides; such inputs are skipped.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exchange_analysis.spc import LIMIT_FACTOR, NEAR_FACTOR, SCREEN_FACTOR, SpcChart, xmr

values_strategy = st.lists(st.integers(-1000, 1000), min_size=1, max_size=40)
directions = st.sampled_from(["increase", "decrease", "neutral"])
screens = st.booleans()
TOLERANCE = 1e-6


def _flags(chart: SpcChart) -> list[tuple[object, ...]]:
    return [
        (p.group, p.relative_to_mean, p.outside_limits, p.close_to_limits, p.rule, p.point_type)
        for p in chart.points
    ]


def _clear_of_thresholds(values: list[float], screen: bool, *, on_mean_ok: bool = True) -> bool:
    """No value or moving range within a hair of a threshold it is compared with.

    on_mean_ok: a value exactly on the mean stays exactly on it after adding an integer to
    integers (both are exact in floating point), but not always after scaling.
    """
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    amr = sum(ranges) / len(ranges) if ranges else 0.0
    scale = max(1.0, max(abs(v) for v in values))
    if screen and ranges:
        if any(abs(r - SCREEN_FACTOR * amr) < TOLERANCE * scale for r in ranges):
            return False
        kept = [r for r in ranges if r < SCREEN_FACTOR * amr]
        amr = sum(kept) / len(kept) if kept else amr
    thresholds = [
        mean + factor * amr for factor in (LIMIT_FACTOR, -LIMIT_FACTOR, NEAR_FACTOR, -NEAR_FACTOR)
    ]
    if not on_mean_ok and any(abs(v - mean) < TOLERANCE * scale for v in values):
        return False
    return all(
        abs(v - t) > TOLERANCE * scale or (v == t == mean)
        for v in values
        for t in thresholds
        if amr > 0
    )


@settings(max_examples=150, deadline=None)
@given(
    values=values_strategy,
    shift=st.integers(-10_000, 10_000),
    improvement=directions,
    screen=screens,
)
def test_adding_a_constant_shifts_mean_and_limits_and_keeps_every_flag(
    values, shift, improvement, screen
):
    floats = [float(v) for v in values]
    assume(_clear_of_thresholds(floats, screen))
    before = xmr(floats, improvement=improvement, screen_outliers=screen)
    after = xmr([v + shift for v in floats], improvement=improvement, screen_outliers=screen)
    for p, q in zip(before.points, after.points, strict=True):
        assert q.mean == pytest.approx(p.mean + shift, abs=1e-6)
        assert q.upl == pytest.approx(p.upl + shift, abs=1e-6)
        assert q.lpl == pytest.approx(p.lpl + shift, abs=1e-6)
    assert _flags(after) == _flags(before)
    assert (after.variation, after.warnings) == (before.variation, before.warnings)


@settings(max_examples=150, deadline=None)
@given(
    values=values_strategy,
    factor=st.sampled_from([0.001, 0.1, 0.5, 1.5, 2.0, 3.0, 7.25, 10.0, 1000.0]),
    improvement=directions,
    screen=screens,
)
def test_multiplying_by_a_positive_constant_scales_mean_and_limits_and_keeps_every_flag(
    values, factor, improvement, screen
):
    floats = [float(v) for v in values]
    assume(_clear_of_thresholds(floats, screen, on_mean_ok=False))
    before = xmr(floats, improvement=improvement, screen_outliers=screen)
    after = xmr([v * factor for v in floats], improvement=improvement, screen_outliers=screen)
    for p, q in zip(before.points, after.points, strict=True):
        assert q.mean == pytest.approx(p.mean * factor, rel=1e-9, abs=1e-9)
        assert q.upl == pytest.approx(p.upl * factor, rel=1e-9, abs=1e-9)
        assert q.lpl == pytest.approx(p.lpl * factor, rel=1e-9, abs=1e-9)
    assert _flags(after) == _flags(before)
    assert after.variation == before.variation


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=40
    ),
    rebase=st.lists(st.integers(0, 39), max_size=3),
    screen=screens,
)
def test_limits_are_symmetric_about_the_mean(values, rebase, screen):
    chart = xmr(values, rebase_at=rebase, screen_outliers=screen)
    for p in chart.points:
        assert p.upl - p.mean == pytest.approx(p.mean - p.lpl, rel=1e-9, abs=1e-6)
        assert p.lpl <= p.mean <= p.upl
    assert len(chart.points) == len(values)
