"""Measures and their values for the sustain tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from exchange.sustain.models import Measure, MeasureValue
from tests.factories import PublishedExampleFactory

# Twenty weekly values with a shift up after the tenth: a run of 7+ above the mean.
SHIFTED = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 15, 16, 15, 14, 16, 15, 17, 15, 16, 15]
STEADY = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11]
START = dt.date(2025, 1, 6)


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    example = factory.SubFactory(PublishedExampleFactory)
    name = factory.Sequence(lambda n: f"Appointments kept {n}")
    unit = "%"
    improvement = "increase"


def weekly(values: list[float], start: dt.date = START) -> list[tuple[dt.date, Decimal]]:
    return [(start + dt.timedelta(weeks=i), Decimal(str(v))) for i, v in enumerate(values)]


def measure_with_values(values: list[float], **kwargs: object) -> Measure:
    """A measure holding `values` weekly from START, its stored summary up to date."""
    from exchange.sustain.services import measure_values_add

    measure = MeasureFactory(**kwargs)
    if values:
        measure_values_add(measure=measure, values=weekly(values), actor=None)
    measure.refresh_from_db()
    return measure


def csv_bytes(rows: list[tuple[object, object]], header: str = "date,value") -> bytes:
    lines = [header, *(f"{d},{v}" for d, v in rows)]
    return ("\n".join(lines) + "\n").encode()


__all__ = ["MeasureFactory", "MeasureValue", "csv_bytes", "measure_with_values", "weekly"]
