"""Values added at once by several people (PostgreSQL only): a date gets one value, and the
stored chart summary counts exactly what was written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from exchange.sustain import services
from exchange.sustain.measure_input import MeasureValuesError
from exchange.sustain.models import MeasureValue
from tests.events.test_concurrency import run_together
from tests.sustain.factories import MeasureFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WORKERS = 8


def test_the_same_dates_uploaded_at_once_are_added_once():
    measure = MeasureFactory()
    dates = [dt.date(2026, 1, 5) + dt.timedelta(weeks=i) for i in range(5)]

    def add(index: int) -> int:
        values = [(d, Decimal(index)) for d in dates]
        return len(services.measure_values_add(measure=measure, values=values, actor=None))

    results = run_together(WORKERS, add)

    assert results.count(5) == 1
    assert all(isinstance(r, MeasureValuesError) for r in results if r != 5)
    assert MeasureValue.objects.filter(measure=measure).count() == 5
    measure.refresh_from_db()
    assert measure.value_count == 5


def test_different_dates_added_at_once_are_all_counted():
    measure = MeasureFactory()

    def add(index: int) -> int:
        date = dt.date(2026, 1, 5) + dt.timedelta(weeks=index)
        return len(
            services.measure_values_add(measure=measure, values=[(date, Decimal(1))], actor=None)
        )

    assert run_together(WORKERS, add) == [1] * WORKERS
    measure.refresh_from_db()
    assert measure.value_count == WORKERS == MeasureValue.objects.filter(measure=measure).count()
