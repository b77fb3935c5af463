"""Reference cases from NHSRplotthedots 0.2.2 and qicharts2 (data in spc_reference.py).

Every case of the team's shared/reference/spc-making-data-count.md is a test here; the
section of that file each test covers is in its name.
"""

from __future__ import annotations

import datetime as dt

import pytest

from exchange_analysis.spc import (
    LIMIT_FACTOR,
    NEAR_FACTOR,
    SHORT_GROUP,
    anhoej,
    assurance_type,
    part_of_seven,
    part_of_two_in_three,
    rebase_indices,
    seven_point_one_side_mean,
    seven_point_trend,
    trend_directions,
    two_in_three,
    xmr,
)
from tests.analysis.spc_reference import (
    ANHOEJ_TABLE,
    CASE_A,
    CASE_A_AMR,
    CASE_A_LIMITS,
    CASE_A_MEAN,
    CASE_B,
    CASE_B_R1,
    CASE_B_R1_RELATIVE,
    CASE_B_R2,
    CASE_B_R3,
    CASE_C_FIRST,
    CASE_C_FIRST_DATE,
    CASE_C_NO_OP_REBASE,
    CASE_C_SECOND,
    CASE_C_UNCHANGED,
    CASE_D,
    CASE_D_AMR,
    CASE_D_NEAR,
    CASE_D_UPL,
    CASE_F_EXPECTED,
    CASE_F_LIMITS,
    CASE_F_TARGET,
)


def _amr(point) -> float:
    return (point.upl - point.mean) / LIMIT_FACTOR


# 1. Limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("screen", [True, False])
def test_case_a_limits_with_and_without_screening(screen):
    chart = xmr(CASE_A, screen_outliers=screen)
    p = chart.points[0]
    upl, lpl = CASE_A_LIMITS[screen]
    assert round(p.mean, 2) == 1.94
    assert p.mean == pytest.approx(CASE_A_MEAN, abs=1e-4)
    assert _amr(p) == pytest.approx(CASE_A_AMR[screen], abs=1e-5)
    assert (round(p.upl, 2), round(p.lpl, 2)) == (upl, lpl)


@pytest.mark.parametrize("screen", [True, False])
def test_case_a_only_the_outlier_is_special(screen):
    chart = xmr(CASE_A, screen_outliers=screen)
    special = [q.index for q in chart.points if q.point_type != "common_cause"]
    assert special == [4]
    assert chart.points[4].point_type == "special_cause_improvement"
    assert chart.points[4].rule == "outside_limits"
    assert chart.points[4].outside_limits


def test_screening_changes_only_the_moving_ranges():
    """The mean still includes the outlier (1.94, not the mean of the other 17 points)."""
    screened, unscreened = xmr(CASE_A).points[0], xmr(CASE_A, screen_outliers=False).points[0]
    assert screened.mean == unscreened.mean == pytest.approx(sum(CASE_A) / len(CASE_A))


def test_case_b_random_data_is_common_cause():
    chart = xmr(CASE_B)
    p = chart.points[0]
    assert (p.mean, p.lpl, p.upl) == pytest.approx(CASE_B_R1, abs=1e-5)
    assert all(q.point_type == "common_cause" for q in chart.points)
    assert len(chart.points) == 20
    assert [q.relative_to_mean for q in chart.points[:15]] == CASE_B_R1_RELATIVE
    assert chart.variation == "common_cause"
    assert chart.warnings == []


@pytest.mark.parametrize(("screen", "expected"), [(True, CASE_B_R2), (False, CASE_B_R3)])
def test_case_b_with_an_outlier(screen, expected):
    values = list(CASE_B)
    values[14] = 10
    chart = xmr(values, screen_outliers=screen)
    p = chart.points[0]
    assert (p.mean, p.lpl, p.upl) == pytest.approx(expected, abs=1e-6)
    # Not asserted by the R test, but true: point 15 is outside both sets of limits.
    assert chart.points[14].outside_limits
    assert chart.points[14].point_type == "special_cause_improvement"


def test_near_limits_are_two_sigma():
    assert pytest.approx(2 * 2.66 / 3) == NEAR_FACTOR
    chart = xmr(CASE_D)
    p = chart.points[0]
    assert p.mean + NEAR_FACTOR * _amr(p) == pytest.approx(CASE_D_NEAR, abs=1e-4)


def test_limits_are_strict():
    """A point exactly on a process limit is not outside it."""
    values = [0.0, 1.0] * 7
    mean, amr = 0.5, 1.0
    on_limit = mean + LIMIT_FACTOR * amr
    chart = xmr([*values, on_limit], screen_outliers=False)
    # The new point changes the mean and ranges a little: check against the chart's own limits.
    last = chart.points[-1]
    assert last.outside_limits == (last.value > last.upl)
    flat = xmr([2.0] * 14)
    assert not any(q.outside_limits or q.close_to_limits for q in flat.points)


def test_a_point_on_the_mean_is_zero_and_breaks_a_run():
    values = [5.0] * 3 + [10.0] * 6 + [7.5] + [10.0] * 3 + [0.0] * 7
    chart = xmr(values)
    mean = chart.points[0].mean
    assert mean == pytest.approx(sum(values) / len(values))
    relative = seven_point_one_side_mean([1] * 6 + [0] + [1] * 6)
    assert relative == [0] * 13


def test_fixed_baseline_uses_only_the_first_points():
    baseline = [10.0, 11.0] * 6  # 12 points: mean 10.5, average moving range 1
    later = [20.0] * 8
    chart = xmr([*baseline, *later], fix_after_n_points=12)
    p = chart.points[0]
    assert p.mean == pytest.approx(10.5)
    assert _amr(p) == pytest.approx(1.0)
    assert all(q.upl == p.upl for q in chart.points)
    assert all(q.outside_limits for q in chart.points[12:])
    assert chart.variation == "improvement_high"
    unfixed = xmr([*baseline, *later]).points[0]
    assert unfixed.mean != p.mean


def test_fixed_baseline_applies_in_each_rebase_group():
    group = [10.0, 11.0] * 6 + [30.0]
    chart = xmr([*group, *[v + 100 for v in group]], rebase_at=[13], fix_after_n_points=12)
    assert chart.points[0].mean == pytest.approx(10.5)
    assert chart.points[13].mean == pytest.approx(110.5)
    assert chart.points[12].outside_limits
    assert chart.points[25].outside_limits


def test_fixed_baseline_below_twelve_is_refused():
    with pytest.raises(ValueError, match="at least 12"):
        xmr(CASE_B, fix_after_n_points=11)


# 2. Rules --------------------------------------------------------------------------------------


def test_case_d_two_in_three_needs_one_side():
    chart = xmr(CASE_D)
    p = chart.points[0]
    assert p.mean == pytest.approx(0)
    assert _amr(p) == pytest.approx(CASE_D_AMR, abs=1e-4)
    assert p.upl == pytest.approx(CASE_D_UPL, abs=1e-3)
    assert [q.close_to_limits for q in chart.points[14:]] == [True, True]
    assert [q.point_type for q in chart.points[14:]] == ["common_cause", "common_cause"]


def test_two_in_three_flags_only_the_close_points_on_one_side():
    values = [0.0, 1.0] * 8 + [3.0, 0.9, 3.0]  # two close to the upper limit, one above the mean
    chart = xmr(values)
    tail = chart.points[-3:]
    assert [q.close_to_limits for q in tail] == [True, False, True]
    assert [q.rule for q in tail] == ["two_in_three", "common_cause", "two_in_three"]
    assert tail[0].point_type == "special_cause_improvement"


def test_a_point_outside_the_limits_never_counts_as_close():
    chart = xmr(CASE_A)
    assert chart.points[4].outside_limits
    assert not chart.points[4].close_to_limits


def test_run_of_seven_on_one_side_flags_all_seven():
    values = [3.0, 1.0] * 5 + [2.5] * 7 + [1.0, 3.0]
    chart = xmr(values)
    assert [q.rule for q in chart.points[10:17]] == ["run"] * 7
    assert chart.points[9].rule == "common_cause"
    assert all(q.point_type == "special_cause_improvement" for q in chart.points[10:17])
    six = xmr([3.0, 1.0] * 5 + [2.5] * 6 + [1.0, 3.0])
    assert all(q.rule == "common_cause" for q in six.points)


def test_trend_of_seven_flags_all_seven_and_may_cross_the_mean():
    values = [5.0, 6.0] * 5 + [3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0] + [5.0, 6.0]
    chart = xmr(values)
    assert [q.rule for q in chart.points[10:17]] == ["trend"] * 7
    assert {q.relative_to_mean for q in chart.points[10:17]} == {-1, 1}
    assert all(q.point_type == "special_cause_improvement" for q in chart.points[10:17])
    falling = xmr(values, improvement="decrease")
    assert all(q.point_type == "special_cause_concern" for q in falling.points[10:17])


def test_trend_ties_break_it():
    values = [5.0, 6.0] * 5 + [3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0] + [5.0, 6.0]
    assert all(q.rule != "trend" for q in xmr(values).points)


def test_trend_is_computed_on_the_values_not_the_baseline():
    baseline = [10.0, 11.0] * 6
    chart = xmr([*baseline, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7], fix_after_n_points=12)
    assert [q.rule for q in chart.points[12:]] == ["trend"] * 7


def test_rule_priority_outside_then_trend_then_two_in_three_then_run():
    # A rising trend of 7 whose last point is above the upper limit and whose points are all
    # above the mean: the last point is "outside", the others "trend", not "run".
    values = [0.0, 1.0] * 8 + [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 9.0]
    chart = xmr(values)
    assert chart.points[-1].rule == "outside_limits"
    assert [q.rule for q in chart.points[-7:-1]] == ["trend"] * 6
    # Close to the limit and part of a run: two_in_three wins over run.
    values = [0.0, 1.0] * 8 + [0.9] * 5 + [2.3, 2.3]
    chart = xmr(values)
    assert [q.rule for q in chart.points[-2:]] == ["two_in_three", "two_in_three"]
    assert [q.rule for q in chart.points[-7:-2]] == ["run"] * 5


def test_trend_direction_follows_the_point_own_step():
    """NHSRplotthedots: the step to the right when the next point is in a trend too, else left.

    The last point of a rising trend followed by a drop and another rising trend is labelled
    decreasing, exactly as the R package does.
    """
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    part = part_of_seven(seven_point_trend(values))
    assert part == [1] * 14
    assert trend_directions(values, part) == [1] * 6 + [-1] + [1] * 7
    peak = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]
    part = [abs(f) for f in part_of_seven(seven_point_trend(peak))]
    assert trend_directions(peak, part) == [1] * 6 + [-1] * 7


def test_case_e_rule_units():
    assert seven_point_trend([]) == []
    assert seven_point_trend(list(range(1, 7))) == [0] * 6
    assert seven_point_trend(list(range(1, 8))) == [0, 0, 0, 0, 0, 0, 1]
    assert seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert seven_point_trend(list(range(7, 0, -1))) == [0, 0, 0, 0, 0, 0, -1]
    assert seven_point_trend([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0, 0, 0, 0, 0, 0, 0, -1, 0]
    assert seven_point_one_side_mean([1] * 6) == [0] * 6
    assert seven_point_one_side_mean([1] * 6 + [-1]) == [0] * 7
    assert seven_point_one_side_mean([1] * 8 + [-1]) == [0, 0, 0, 0, 0, 0, 1, 1, 0]
    # R returns 1 for either side; this engine keeps the side's sign.
    assert seven_point_one_side_mean([-1] * 8 + [1]) == [0, 0, 0, 0, 0, 0, -1, -1, 0]
    assert seven_point_one_side_mean([-1] + [1] * 8 + [-1]) == [0] * 7 + [1, 1, 0]
    assert part_of_seven([0] * 6 + [1, 0]) == [1] * 7 + [0]
    assert two_in_three([1, 0, 1], [1] * 3) == [1, 1, 1]
    assert two_in_three([0, 1, 1], [1] * 3) == [1, 1, 1]
    assert two_in_three([1, 1, 0], [1] * 3) == [1, 1, 1]
    close = [0, 0, 1, 0, 1, 0, 0]
    assert two_in_three(close, [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert part_of_two_in_three(close, [1] * 7) == [0, 0, 1, 0, 1, 0, 0]
    assert two_in_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]
    assert two_in_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]
    assert part_of_two_in_three([1, 0, 0, 1], [1] * 4) == [0, 0, 0, 0]
    assert part_of_two_in_three([1, 0, 0, 1, 1], [1] * 5) == [0, 0, 0, 1, 1]


@pytest.mark.parametrize(("improvement", "expected"), list(CASE_F_EXPECTED.items()))
def test_case_f_assurance(improvement, expected):
    assert [
        assurance_type(CASE_F_TARGET, limits, improvement) for limits in CASE_F_LIMITS
    ] == expected


def test_assurance_uses_the_last_group_limits():
    low = [1.0, 2.0] * 7
    chart = xmr([*low, *[v + 50 for v in low]], rebase_at=[14], target=20, improvement="increase")
    assert chart.assurance == "consistent_pass"  # target below the last group's lower limit
    assert xmr(low, target=20).assurance == "consistent_fail"
    assert xmr(low, target=1.5).assurance == "inconsistent"
    assert xmr(low).assurance is None
    assert xmr(low, target=20, improvement="neutral").assurance is None


def test_variation_icons_follow_direction():
    rising = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 30]
    assert xmr(rising).variation == "improvement_high"
    assert xmr(rising, improvement="decrease").variation == "concern_high"
    assert xmr(rising, improvement="neutral").variation == "neutral_high"
    assert xmr(rising, improvement="neutral").points[-1].point_type == (
        "special_cause_neutral_high"
    )
    falling = [*rising[:-1], -30]
    assert xmr(falling).variation == "concern_low"
    assert xmr(falling, improvement="decrease").variation == "improvement_low"
    assert xmr(falling, improvement="neutral").variation == "neutral_low"


def test_variation_comes_from_the_last_point_only():
    values = [*CASE_A, 1.0]
    chart = xmr(values)
    assert chart.points[4].point_type == "special_cause_improvement"
    assert chart.variation == "common_cause"


def test_case_c_rebase_groups():
    chart = xmr(CASE_B, rebase_at=[10])
    first, second = chart.points[0], chart.points[10]
    assert (round(first.mean, 4), round(first.lpl, 2), round(first.upl, 2)) == CASE_C_FIRST
    assert (round(second.mean, 3), round(second.lpl, 2), round(second.upl, 2)) == CASE_C_SECOND
    assert [q.group for q in chart.points] == [0] * 10 + [1] * 10
    assert all(q.point_type == "common_cause" for q in chart.points)
    assert len(chart.warnings) == 2  # two groups of 10 points are short


def test_case_c_rebase_dates_match_rows_and_a_date_before_the_series_does_nothing():
    start = dt.date.fromisoformat(CASE_C_FIRST_DATE)
    dates = [start + dt.timedelta(days=i) for i in range(20)]
    no_op = rebase_indices(dates, [dt.date.fromisoformat(CASE_C_NO_OP_REBASE)])
    assert no_op == []
    p = xmr(CASE_B, rebase_at=no_op).points[0]
    assert (round(p.mean, 3), round(p.lpl, 2), round(p.upl, 2)) == CASE_C_UNCHANGED
    assert rebase_indices(dates, [dates[10], dt.date(1999, 1, 1)]) == [10]
    # A rebase on the first row starts no new group either (cumsum gives one group).
    assert xmr(CASE_B, rebase_at=[0]).points[0].upl == xmr(CASE_B).points[0].upl


def test_rules_run_within_each_rebase_group():
    """Seven points above the mean across a rebase are not a run."""
    values = [1.0, 3.0] * 6 + [2.5] * 4 + [10.0, 12.0] * 6
    chart = xmr(values, rebase_at=[16])
    assert all(q.rule != "run" for q in chart.points[10:16])


@pytest.mark.parametrize(("n", "warns"), [(12, True), (SHORT_GROUP, False)])
def test_warning_under_thirteen_points(n, warns):
    assert bool(xmr(CASE_B[:n]).warnings) is warns


def test_bad_input():
    with pytest.raises(ValueError, match="improvement"):
        xmr([1, 2], improvement="up")
    with pytest.raises(ValueError, match="finite"):
        xmr([1, float("nan")])
    with pytest.raises(ValueError, match="finite"):
        xmr([1, float("inf")])
    empty = xmr([])
    assert empty.points == []
    assert empty.variation == "common_cause"
    assert empty.warnings


# 4. qicharts2 ----------------------------------------------------------------------------------


def test_qicharts2_i_chart_sigma_differs_from_making_data_count():
    """qicharts2 uses CL ± 3·amr/1.128 (about 2.6596·amr); this engine follows MDC's 2.66."""
    assert pytest.approx(2.6596, abs=1e-4) == 3 / 1.128
    assert LIMIT_FACTOR == 2.66
    p = xmr(CASE_A, screen_outliers=False).points[0]
    assert p.upl - p.mean != pytest.approx(3 / 1.128 * _amr(p), abs=1e-6)


@pytest.mark.parametrize(("n", "longest_max", "crossings_min"), ANHOEJ_TABLE)
def test_anhoej_limits_table(n, longest_max, crossings_min):
    result = anhoej([(-1) ** i for i in range(n)], centre=0)
    assert (result.longest_run_max, result.n_crossings_min) == (longest_max, crossings_min)
    assert result.n_crossings == n - 1
    assert not result.signal


def test_anhoej_signals_a_long_run():
    result = anhoej([1] * 8 + [-1] * 2, centre=0)
    assert result.longest_run == 8
    assert result.signal


def test_anhoej_drops_points_on_the_centre_line_and_counts_crossings():
    result = anhoej([1, 0, 1, -1, 0, -1, 1], centre=0)
    assert result.n_useful == 5
    assert result.n_crossings == 2  # runs: (1, 1), (-1, -1), (1) -> 3 runs, 2 crossings
    assert anhoej([1, 2, 3, 4, 5]).n_useful == 4  # the median itself is dropped


def test_anhoej_signals_too_few_crossings():
    result = anhoej([1] * 6 + [-1] * 6, centre=0)
    assert result.n_crossings == 1 < result.n_crossings_min
    assert result.signal
