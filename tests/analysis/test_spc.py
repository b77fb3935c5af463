"""Reference cases from NHSRplotthedots 0.2.2 and qicharts2 (shared/reference/spc-making-data-count.md)."""

from __future__ import annotations

import pytest

from exchange_analysis.spc import (
    anhoej,
    part_of_seven,
    part_of_two_in_three,
    seven_point_one_side_mean,
    seven_point_trend,
    two_in_three,
    xmr,
)

CASE_A = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
CASE_B = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


@pytest.mark.parametrize(("screen", "upl", "lpl"), [(True, 4.6, -0.72), (False, 6.95, -3.06)])
def test_case_a_limits_and_outlier(screen, upl, lpl):
    chart = xmr(CASE_A, screen_outliers=screen)
    p = chart.points[0]
    assert round(p.mean, 2) == 1.94
    assert round(p.upl, 2) == upl
    assert round(p.lpl, 2) == lpl
    special = [q.index for q in chart.points if q.point_type != "common_cause"]
    assert special == [4]
    assert chart.points[4].point_type == "special_cause_improvement"


def test_case_b_random_data_is_common_cause():
    chart = xmr(CASE_B)
    p = chart.points[0]
    assert p.mean == pytest.approx(0.1416238, abs=1e-6)
    assert p.lpl == pytest.approx(-3.01138, abs=1e-5)
    assert p.upl == pytest.approx(3.294627, abs=1e-6)
    assert all(q.point_type == "common_cause" for q in chart.points)
    assert [q.relative_to_mean for q in chart.points[:15]] == [
        -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1,
    ]  # fmt: skip
    assert chart.variation == "common_cause"


@pytest.mark.parametrize(
    ("screen", "mean", "lpl", "upl"),
    [(True, 0.6694159, -2.383666, 3.722497), (False, 0.6694159, -4.596625, 5.935457)],
)
def test_case_b_with_an_outlier(screen, mean, lpl, upl):
    values = list(CASE_B)
    values[14] = 10
    p = xmr(values, screen_outliers=screen).points[0]
    assert (p.mean, p.lpl, p.upl) == pytest.approx((mean, lpl, upl), abs=1e-6)


def test_case_c_rebase_groups_and_no_op_rebase():
    chart = xmr(CASE_B, rebase_at=[10])
    first, second = chart.points[0], chart.points[10]
    assert (round(first.mean, 4), round(first.lpl, 2), round(first.upl, 2)) == (0.0746, -2.6, 2.75)
    assert (round(second.mean, 3), round(second.lpl, 2), round(second.upl, 2)) == (
        0.209,
        -3.28,
        3.7,
    )
    assert second.group == 1
    assert xmr(CASE_B, rebase_at=[0]).points[0].upl == xmr(CASE_B).points[0].upl
    assert chart.warnings  # two groups of 10 points are short


def test_case_d_two_in_three_needs_one_side():
    values = [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 5.5, -5.5]
    chart = xmr(values)
    assert [p.point_type for p in chart.points[14:]] == ["common_cause", "common_cause"]
    assert chart.points[0].upl == pytest.approx(6.175, abs=1e-3)


def test_case_e_rule_units():
    assert seven_point_trend(list(range(1, 8))) == [0, 0, 0, 0, 0, 0, 1]
    assert seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert seven_point_trend(list(range(7, 0, -1))) == [0, 0, 0, 0, 0, 0, -1]
    assert seven_point_one_side_mean([1] * 8 + [-1]) == [0, 0, 0, 0, 0, 0, 1, 1, 0]
    assert part_of_seven([0] * 6 + [1, 0]) == [1] * 7 + [0]
    close = [0, 0, 1, 0, 1, 0, 0]
    assert two_in_three(close, [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert part_of_two_in_three(close, [1] * 7) == [0, 0, 1, 0, 1, 0, 0]
    assert two_in_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]
    assert part_of_two_in_three([1, 0, 0, 1, 1], [1] * 5) == [0, 0, 0, 1, 1]


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
        ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
        ("neutral", [None, None, None]),
    ],
)
def test_case_f_assurance(improvement, expected):
    from exchange_analysis.spc import _assurance

    limits = [(1, 3), (5, 7), (1, 5)]
    assert [_assurance(4, lim, improvement) for lim in limits] == expected


def test_variation_icons_follow_direction():
    rising = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 30]
    assert xmr(rising).variation == "improvement_high"
    assert xmr(rising, improvement="decrease").variation == "concern_high"
    assert xmr(rising, improvement="neutral").variation == "neutral_high"
    falling = [*rising[:-1], -30]
    assert xmr(falling).variation == "concern_low"
    assert xmr(falling, improvement="decrease").variation == "improvement_low"


def test_bad_input():
    with pytest.raises(ValueError, match="improvement"):
        xmr([1, 2], improvement="up")
    with pytest.raises(ValueError, match="at least 12"):
        xmr([1, 2], fix_after_n_points=5)
    with pytest.raises(ValueError, match="finite"):
        xmr([1, float("nan")])
    assert xmr([]).points == []


@pytest.mark.parametrize(
    ("n", "longest_max", "crossings_min"),
    [(10, 6, 2), (12, 7, 3), (15, 7, 4), (20, 7, 6), (24, 8, 8), (30, 8, 10), (50, 9, 19),
     (100, 10, 41)],
)  # fmt: skip
def test_anhoej_limits_table(n, longest_max, crossings_min):
    result = anhoej([(-1) ** i for i in range(n)], centre=0)
    assert (result.longest_run_max, result.n_crossings_min) == (longest_max, crossings_min)
    assert result.n_crossings == n - 1
    assert not result.signal


def test_anhoej_signals_a_long_run():
    result = anhoej([1] * 8 + [-1] * 2, centre=0)
    assert result.longest_run == 8
    assert result.signal
