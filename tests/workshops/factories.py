from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exchange.workshops.models import (
    Prompt,
    Reflection,
    ReflectionSource,
    Workshop,
    WorkshopSeries,
    new_join_code,
)


class WorkshopSeriesFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopSeries
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Summer of reflection {n}")
    slug = factory.Sequence(lambda n: f"summer-{n}")
    description = "Workshops on what changed and what to keep."

    @factory.post_generation
    def facilitators(obj: WorkshopSeries, create: bool, extracted: list | None, **kwargs: object):
        if create and extracted:
            obj.facilitators.add(*extracted)


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    series = factory.SubFactory(WorkshopSeriesFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    join_code = factory.LazyFunction(new_join_code)


class PromptFactory(DjangoModelFactory):
    class Meta:
        model = Prompt

    workshop = factory.SubFactory(WorkshopFactory)
    text = factory.Sequence(lambda n: f"What should we keep? ({n})")
    position = factory.Sequence(lambda n: n)
    is_open = True


class ReflectionFactory(DjangoModelFactory):
    class Meta:
        model = Reflection

    prompt = factory.SubFactory(PromptFactory)
    text = factory.Sequence(lambda n: f"Working with the council every day helped ({n}).")
    source = ReflectionSource.LIVE
