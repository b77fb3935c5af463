"""Single-use links under concurrency (PostgreSQL only): many recipients of one check-in (and the
same link sent many times) answer at the same moment, and exactly one answer is recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from exchange.sustain import services
from exchange.sustain.measure_input import MeasureValuesError
from exchange.sustain.models import CheckInAnswer, CheckInLink, CheckInState, MeasureValue
from exchange.sustain.services import token_digest
from tests.events.test_concurrency import run_together
from tests.factories import PublishedExampleFactory
from tests.sustain.factories import ContactFactory, MeasureFactory, sent_check_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

WORKERS = 12


def test_exactly_one_of_many_simultaneous_answers_is_recorded():
    example = PublishedExampleFactory()
    first = sent_check_in(example, token="token-0")
    tokens = ["token-0"]
    for n in range(1, WORKERS // 2):
        contact = ContactFactory(example=example)
        CheckInLink.objects.create(
            check_in=first.check_in,
            token_hash=token_digest(f"token-{n}"),
            contact=contact,
            expires_at=first.expires_at,
        )
        tokens.append(f"token-{n}")

    # Half the threads use distinct links, half reuse the first one.
    results = run_together(
        WORKERS,
        lambda i: services.checkin_answer(
            example_id=example.pk, token=tokens[i % len(tokens)], status="retained"
        ),
    )

    answers = [r for r in results if isinstance(r, CheckInAnswer)]
    refused = [r for r in results if isinstance(r, services.CheckInLinkError)]
    assert len(answers) == 1, results
    assert len(refused) == WORKERS - 1, results
    assert CheckInAnswer.objects.count() == 1
    first.check_in.refresh_from_db()
    assert first.check_in.state == CheckInState.ANSWERED


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
