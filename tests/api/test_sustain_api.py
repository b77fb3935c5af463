"""Measures with their SPC result as JSON: public for published examples only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import ExampleFactory, PublishedExampleFactory
from tests.sustain.factories import SHIFTED, MeasureFactory, measure_with_values

pytestmark = pytest.mark.django_db


def test_measures_of_a_published_example_with_limits_flags_and_icons(
    client, django_assert_max_num_queries
):
    example = PublishedExampleFactory()
    measure = measure_with_values(SHIFTED, example=example, target=Decimal("20"))
    MeasureFactory(example=example, name="No values yet")
    with django_assert_max_num_queries(4):  # example exists, count, measures, values
        response = client.get(f"/api/examples/{example.pk}/measures")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, empty = body["items"]
    assert first["id"] == measure.pk
    assert first["target"] == 20.0
    spc = first["spc"]
    assert spc["variation"] == "improvement_high"
    assert spc["variation_label"] == "Special cause variation: improving, higher values"
    assert spc["assurance"] == "consistent_fail"
    assert len(spc["points"]) == 20
    assert spc["warnings"] == []
    point = spc["points"][-1]
    assert set(point) == {
        "date", "value", "period", "mean", "upper_limit", "lower_limit", "relative_to_mean",
        "outside_limits", "close_to_limits", "rule", "point_type",
    }  # fmt: skip
    assert point["date"] == "2025-05-19"
    assert point["point_type"] == "special_cause_improvement"
    assert point["rule"] in {"run", "outside_limits", "two_in_three", "trend"}
    assert point["upper_limit"] - point["mean"] == pytest.approx(
        point["mean"] - point["lower_limit"]
    )
    assert spc["special_cause_points"] == sum(
        p["point_type"] != "common_cause" for p in spc["points"]
    )
    assert empty["spc"]["points"] == []
    assert empty["spc"]["mean"] is None


def test_one_measure_and_the_not_found_cases(client):
    measure = measure_with_values(SHIFTED[:5])
    response = client.get(f"/api/measures/{measure.pk}")
    assert response.status_code == 200
    assert response.json()["spc"]["warnings"] == ["group 0 has 5 points; limits need at least 12"]
    hidden = measure_with_values([1, 2], example=ExampleFactory())
    assert client.get(f"/api/measures/{hidden.pk}").status_code == 404
    assert client.get(f"/api/examples/{hidden.example_id}/measures").status_code == 404
    assert client.get("/api/measures/999999").status_code == 404
