"""Factories and helpers for the check-in, adoption and at-risk tests."""

from __future__ import annotations

import datetime as dt
import re

import factory
from django.core import mail
from factory.django import DjangoModelFactory

from exchange.sustain.models import Adoption, ExampleContact
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
