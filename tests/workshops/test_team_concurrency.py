"""Two facilitators each remove the other from a series of two at the same moment (PostgreSQL
only). With the series row locked, one removal waits for the other and then finds the team too
small (or its actor no longer on it); the control test switches the lock off and shows both
passing the check, leaving a series no one runs.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from exchange.workshops import services
from tests.events.test_concurrency import run_together
from tests.factories import FacilitatorFactory
from tests.workshops.factories import WorkshopSeriesFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def pair():
    first, second = FacilitatorFactory(), FacilitatorFactory()
    return WorkshopSeriesFactory(facilitators=[first, second]), [first, second]


def _remove_the_other(series, people):
    return lambda i: services.series_facilitator_remove(
        actor=people[i], series=series, user=people[1 - i]
    )


def test_control_without_the_lock_both_removals_pass(pair, monkeypatch):
    series, people = pair
    monkeypatch.setattr(services, "TEAM_LOCKING", False)
    both_counted = threading.Barrier(2)
    count = services._team_size

    def count_then_wait(series):
        size = count(series)
        both_counted.wait(timeout=30)
        return size

    monkeypatch.setattr(services, "_team_size", count_then_wait)

    results = run_together(2, _remove_the_other(series, people))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert series.facilitators.count() == 0


def test_with_the_lock_one_facilitator_always_stays(pair):
    series, people = pair

    results = run_together(2, _remove_the_other(series, people))

    assert len([r for r in results if isinstance(r, Exception)]) == 1, results
    assert series.facilitators.count() == 1
