"""Measure services: all-or-nothing values, the stored chart summary, audit and cache."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from exchange.core.caching import published_examples_generation
from exchange.core.models import AuditEntry
from exchange.sustain import services
from exchange.sustain.measure_input import MeasureValuesError
from exchange.sustain.models import Measure, MeasureValue
from tests.factories import PublishedExampleFactory, UserFactory
from tests.sustain.factories import SHIFTED, STEADY, MeasureFactory, measure_with_values, weekly

pytestmark = pytest.mark.django_db


def test_measure_create_audits_and_refuses_a_second_measure_of_the_same_name():
    example = PublishedExampleFactory()
    author = example.author
    measure = services.measure_create(
        example=example,
        actor=author,
        name=" Days to approval ",
        unit="days",
        improvement="decrease",
        target=Decimal("10"),
        rebase_dates=[dt.date(2026, 3, 2), dt.date(2026, 1, 5), dt.date(2026, 3, 2)],
    )
    assert measure.name == "Days to approval"
    assert measure.rebase_dates == ["2026-01-05", "2026-03-02"]
    assert measure.created_by == author
    assert AuditEntry.objects.filter(action="measure.create", target_id=str(measure.pk)).exists()
    with pytest.raises(services.MeasureError, match="already has a measure"):
        services.measure_create(example=example, actor=author, name="days to approval")
    assert Measure.objects.count() == 1


def test_values_add_stores_the_latest_variation_for_the_gallery():
    measure = measure_with_values(SHIFTED)
    assert measure.value_count == 20
    assert measure.latest_variation == "improvement_high"
    assert measure.latest_assurance == ""
    steady = measure_with_values(STEADY, target=Decimal("30"))
    assert steady.latest_variation == "common_cause"
    assert steady.latest_assurance == "consistent_fail"


def test_values_add_is_all_or_nothing_when_a_date_exists():
    measure = measure_with_values(STEADY[:5])
    new = weekly([1, 2, 3], start=dt.date(2030, 1, 1)) + weekly([99])  # the last one exists
    with pytest.raises(MeasureValuesError) as caught:
        services.measure_values_add(measure=measure, values=new, actor=None)
    assert [str(e) for e in caught.value.errors] == [
        "Row 4, column “date”: there is already a value for 2025-01-06"
    ]
    assert MeasureValue.objects.filter(measure=measure).count() == 5
    measure.refresh_from_db()
    assert measure.value_count == 5


def test_values_add_rejects_repeated_dates_and_names_the_given_rows():
    measure = MeasureFactory()
    values = weekly([1, 2]) + weekly([3])
    with pytest.raises(MeasureValuesError) as caught:
        services.measure_values_add(measure=measure, values=values, rows=[2, 3, 4], actor=None)
    assert str(caught.value.errors[0]).startswith(
        "Row 4, column “date”: 2025-01-06 is also on row 2"
    )
    assert not MeasureValue.objects.exists()


def test_values_add_refuses_nothing_and_too_many(settings):
    measure = MeasureFactory()
    with pytest.raises(MeasureValuesError, match="at least one"):
        services.measure_values_add(measure=measure, values=[], actor=None)
    settings.MEASURE_MAX_VALUES = 4
    with pytest.raises(MeasureValuesError, match="at most 4 values"):
        services.measure_values_add(measure=measure, values=weekly([1] * 5), actor=None)
    assert not MeasureValue.objects.exists()


def test_values_add_writes_an_audit_entry_and_retires_cached_pages():
    measure = MeasureFactory()
    user = UserFactory()
    before = published_examples_generation()
    services.measure_values_add(measure=measure, values=weekly([1, 2, 3]), actor=user)
    entry = AuditEntry.objects.get(action="measure.values_add")
    assert entry.actor == user
    assert entry.data == {
        "count": 3,
        "first": "2025-01-06",
        "last": "2025-01-20",
        "source": "form",
    }
    assert published_examples_generation() != before


def test_value_delete_recomputes_the_summary():
    measure = measure_with_values([*STEADY, 40])
    assert measure.latest_variation == "improvement_high"
    last = MeasureValue.objects.filter(measure=measure).order_by("date").last()
    services.measure_value_delete(value=last, actor=None)
    measure.refresh_from_db()
    assert (measure.value_count, measure.latest_variation) == (20, "common_cause")
    assert AuditEntry.objects.filter(action="measure.value_delete").exists()


def test_update_recomputes_with_the_new_direction_target_baseline_and_rebase():
    measure = measure_with_values(SHIFTED)
    services.measure_update(
        measure=measure,
        actor=None,
        name=measure.name,
        unit="",
        improvement="decrease",
        target=Decimal("5"),
        baseline_points=12,
        rebase_dates=[],
    )
    measure.refresh_from_db()
    assert measure.latest_variation == "concern_high"
    assert measure.latest_assurance == "consistent_fail"  # lower is better, target below LPL
    services.measure_update(
        measure=measure,
        actor=None,
        name=measure.name,
        unit="",
        improvement="decrease",
        target=None,
        baseline_points=None,
        rebase_dates=[dt.date(2025, 3, 17)],  # the week of the shift: a new period begins
    )
    measure.refresh_from_db()
    assert measure.latest_variation == "common_cause"
    entry = AuditEntry.objects.filter(action="measure.update").first()
    assert set(entry.data["changed"]) == {"target", "baseline_points", "rebase_dates"}


def test_update_refuses_a_name_taken_by_another_measure():
    first = MeasureFactory(name="Waiting days")
    second = MeasureFactory(example=first.example, name="Other")
    with pytest.raises(services.MeasureError):
        services.measure_update(
            measure=second,
            actor=None,
            name="waiting days",
            unit="",
            improvement="increase",
            target=None,
            baseline_points=None,
            rebase_dates=[],
        )


def test_measure_delete_removes_values_and_audits():
    measure = measure_with_values([1, 2, 3])
    services.measure_delete(measure=measure, actor=None)
    assert not Measure.objects.exists()
    assert not MeasureValue.objects.exists()
    assert AuditEntry.objects.get(action="measure.delete").data["values"] == 3
