"""Factories and helpers for the check-in, adoption and at-risk tests."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import factory
from django.core import mail
from factory.django import DjangoModelFactory

from exchange.sustain.models import Adoption, ExampleContact, Measure, MeasureValue
from tests.factories import PublishedExampleFactory, UserFactory

LINK = re.compile(r"/examples/(?P<pk>\d+)/check-in/(?P<token>[A-Za-z0-9_\-]+)/")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = ExampleContact

    example = factory.SubFactory(PublishedExampleFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")


class AdoptionFactory(DjangoModelFactory):
    class Meta:
        model = Adoption

    example = factory.SubFactory(PublishedExampleFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.Sequence(lambda n: f"Adopting Trust {n}")
    adopted_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    how_adapted = "We ran it on Tuesdays only."


def links_in_outbox(to: str | None = None) -> list[tuple[int, str]]:
    """(example pk, token) of every check-in link emailed so far (to one address, if given)."""
    found = []
    for message in mail.outbox:
        if to is None or to in message.to:
            found += [(int(m["pk"]), m["token"]) for m in LINK.finditer(message.body)]
    return found


def sent_check_in(example, *, months: int = 3, token: str = "a-test-token", user=None, **fields):
    """A check-in of `example` emailed now, with a link for `token`; returns the link."""
    from django.utils import timezone

    from exchange.sustain.models import CheckIn, CheckInLink, CheckInState
    from exchange.sustain.services import token_digest

    now = timezone.now()
    check_in = CheckIn.objects.create(
        example=example,
        months=months,
        due_at=now,
        state=CheckInState.SENT,
        sent_at=now,
        **fields,
    )
    return CheckInLink.objects.create(
        check_in=check_in,
        token_hash=token_digest(token),
        user=user or example.author,
        expires_at=now + dt.timedelta(days=30),
    )


def answered(example, *, months: int, status: str, token: str | None = None, **answer_fields):
    """A check-in of `example` answered with `status` through the service."""
    from exchange.sustain.services import checkin_answer

    token = token or f"token-{example.pk}-{months}"
    sent_check_in(example, months=months, token=token)
    return checkin_answer(example_id=example.pk, token=token, status=status, **answer_fields)


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
