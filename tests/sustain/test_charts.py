"""The SVG chart geometry, the icons and the numbers people read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from exchange.sustain import charts, selectors
from exchange.sustain.models import MeasureValue
from tests.sustain.factories import SHIFTED, STEADY, MeasureFactory, measure_with_values

pytestmark = pytest.mark.django_db


def _svg(measure):
    return charts.chart_svg(selectors.measure_chart(measure=measure), dom_id="c")


def test_points_lines_and_key_of_a_shifted_series():
    svg = _svg(measure_with_values(SHIFTED, target=Decimal("18")))
    assert len(svg.points) == 20
    assert {p.shape for p in svg.points} >= {"square"}
    assert all(svg.left < p.x < svg.right and svg.top <= p.y <= svg.bottom for p in svg.points)
    assert [p.x for p in svg.points] == sorted(p.x for p in svg.points)
    assert len(svg.means) == 1
    assert len(svg.limits) == 2
    assert svg.target is not None
    assert svg.limits[0].y < svg.means[0].y < svg.limits[1].y  # upper limit drawn higher
    assert [item.shape for item in svg.legend][-3:] == ["mean", "limit", "target"]
    assert svg.x_ticks[0].anchor == "start"
    assert svg.x_ticks[-1].anchor == "end"
    assert "20 values from 6 Jan 2025 to 19 May 2025." in svg.description
    assert "Target 18." in svg.description


def test_each_rebase_period_gets_its_own_mean_and_limits():
    measure = measure_with_values(SHIFTED, rebase_dates=["2025-03-17"])
    svg = _svg(measure)
    assert len(svg.means) == 2
    assert len(svg.limits) == 4
    assert svg.means[0].x2 <= svg.means[1].x1
    assert "The limits start again from 17 Mar 2025" in svg.description


def test_no_values_and_one_value():
    empty = _svg(MeasureFactory())
    assert (empty.points, empty.description) == ([], "No values yet.")
    one = _svg(measure_with_values([5]))
    assert len(one.points) == 1
    assert one.points[0].x == pytest.approx((one.left + one.right) / 2)
    assert one.y_ticks


def test_neutral_direction_uses_triangles():
    svg = _svg(measure_with_values([*STEADY, 40, 1], improvement="neutral"))
    shapes = {p.shape for p in svg.points}
    assert {"triangle_up", "triangle_down"} <= shapes
    assert charts.marker_polygon("circle", 1, 1, 1) == ""
    assert charts.marker_polygon("square", 10, 10, 2) == "8,8 12,8 12,12 8,12"


@pytest.mark.parametrize("code", list(charts.VARIATION_LABELS))
def test_every_variation_icon_has_words_and_a_letter_or_line(code):
    icon = charts.variation_icon(code)
    html = render_to_string(
        "sustain/includes/icon.html", {"icon": icon, "labelled": False, "size": 40}
    )
    assert 'role="img"' in html
    assert f"<title>{icon.label}</title>" in html
    assert (icon.letter in {"H", "L"}) == (code != "common_cause")
    labelled = render_to_string(
        "sustain/includes/icon.html", {"icon": icon, "labelled": True, "size": 40}
    )
    assert 'aria-hidden="true"' in labelled
    assert icon.label in labelled


def test_assurance_icons_and_unknown_codes():
    assert charts.assurance_icon("consistent_pass").letter == "P"
    assert charts.assurance_icon("consistent_fail").letter == "F"
    assert charts.assurance_icon("inconsistent").short_label == "Hit and miss"
    assert charts.assurance_icon("") is None
    assert charts.variation_icon("bogus") is None


def test_number_text():
    assert charts.number_text(Decimal("12.5000"), 4) == "12.5"
    assert charts.number_text(3.0) == "3"
    assert charts.number_text(-0.0001) == "0"
    assert charts.number_text(2.666666) == "2.67"


def test_preview_values_need_not_be_saved():
    measure = MeasureFactory()
    unsaved = [
        MeasureValue(measure=measure, date=dt.date(2026, 1, 5) + dt.timedelta(weeks=i), value=v)
        for i, v in enumerate([Decimal(1), Decimal(2)])
    ]
    result = selectors.measure_chart(measure=measure, values=unsaved)
    assert [p.value for p in result.points] == [Decimal(1), Decimal(2)]
    assert not MeasureValue.objects.exists()
