"""Reads for workshops: series pages, live walls, imports, and reflections for a synthesis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from exchange.core.permissions import Perm, permission_holders
from exchange.workshops.models import (
    ImportBatch,
    Prompt,
    Reflection,
    SeriesResource,
    Workshop,
    WorkshopSeries,
)


def reflection_list_for_synthesis(
    *,
    series_ids: Iterable[int] | None = None,
    workshop_ids: Iterable[int] | None = None,
    prompt_ids: Iterable[int] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Reflection]:
    """Visible reflections matching every filter given (None means "any"); dates inclusive."""
    reflections = Reflection.objects.filter(is_hidden=False).select_related(
        "prompt", "prompt__workshop", "prompt__workshop__series"
    )
    if series_ids is not None:
        reflections = reflections.filter(prompt__workshop__series_id__in=list(series_ids))
    if workshop_ids is not None:
        reflections = reflections.filter(prompt__workshop_id__in=list(workshop_ids))
    if prompt_ids is not None:
        reflections = reflections.filter(prompt_id__in=list(prompt_ids))
    if date_from is not None:
        reflections = reflections.filter(created_at__date__gte=date_from)
    if date_to is not None:
        reflections = reflections.filter(created_at__date__lte=date_to)
    return reflections.order_by("created_at", "pk")


def series_resource_list(*, series: WorkshopSeries) -> list[SeriesResource]:
    return list(SeriesResource.objects.filter(series=series).order_by("position", "pk"))


def series_resource_file_get(*, series: WorkshopSeries, pk: int) -> SeriesResource | None:
    """The series' resource with this pk if it has a file; the caller has checked the series."""
    return SeriesResource.objects.filter(series=series, pk=pk).exclude(file="").first()


def series_list() -> QuerySet[WorkshopSeries]:
    return WorkshopSeries.objects.annotate(workshop_count=Count("workshops")).order_by(
        "-created_at", "-pk"
    )


def series_get(*, slug: str) -> WorkshopSeries:
    return WorkshopSeries.objects.prefetch_related("facilitators").get(slug=slug)


def series_workshops(*, series: WorkshopSeries) -> list[Workshop]:
    return list(
        Workshop.objects.filter(series=series)
        .select_related("session", "session__event")
        .annotate(
            prompt_count=Count("prompts", distinct=True),
        )
        .order_by("starts_at", "pk")
    )


def manages_every_series(user: Any) -> bool:
    """Administrators manage every series (and reach every synthesis built on one)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(Perm.MANAGE_WORKSHOPS):
        return False
    return bool(user.is_superuser or user.has_perm("workshops.delete_workshopseries"))


def series_is_managed_by(*, series: WorkshopSeries, user: Any) -> bool:
    """Admins manage every series; facilitators only the series they are listed on (its team)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(Perm.MANAGE_WORKSHOPS):
        return False
    if manages_every_series(user):
        return True
    return series.facilitators.filter(pk=user.pk).exists()


def series_managed_by(*, user: Any) -> QuerySet[WorkshopSeries]:
    """The series `user` manages, by the same rule as `series_is_managed_by`."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(Perm.MANAGE_WORKSHOPS):
        return WorkshopSeries.objects.none()
    if manages_every_series(user):
        return WorkshopSeries.objects.all()
    return WorkshopSeries.objects.filter(facilitators=user)


def series_team(*, series: WorkshopSeries) -> list[Any]:
    """The series' facilitators, by name."""
    return list(series.facilitators.order_by("display_name", "email", "pk"))


def facilitator_list() -> QuerySet[Any]:
    """Active people who may join a series' team: those holding the facilitators' permission."""
    return permission_holders(Perm.MANAGE_WORKSHOPS).order_by("display_name", "email", "pk")


def workshop_get(*, series_slug: str, pk: int) -> Workshop:
    return Workshop.objects.select_related("series", "session", "session__event").get(
        series__slug=series_slug, pk=pk
    )


def workshop_by_join_code(*, code: str) -> Workshop | None:
    normalised = "".join(code.split()).upper()
    if not normalised:
        return None
    return Workshop.objects.select_related("series").filter(join_code=normalised).first()


def workshop_prompts(*, workshop: Workshop) -> list[Prompt]:
    return list(
        Prompt.objects.filter(workshop=workshop)
        .annotate(
            reflection_count=Count("reflections", distinct=True),
            hidden_count=Count("reflections", filter=Q(reflections__is_hidden=True), distinct=True),
        )
        .order_by("position", "pk")
    )


def open_prompts(*, workshop: Workshop) -> list[Prompt]:
    return list(Prompt.objects.filter(workshop=workshop, is_open=True).order_by("position", "pk"))


def workshop_redaction_summary(*, workshop: Workshop) -> dict[str, int]:
    """How many reflections there are, how many had personal data removed, and how many pieces."""
    totals = Reflection.objects.filter(prompt__workshop=workshop).aggregate(
        reflections=Count("pk"),
        redacted=Count("pk", filter=Q(redaction_count__gt=0)),
        pieces=Sum("redaction_count"),
        hidden=Count("pk", filter=Q(is_hidden=True)),
    )
    return {key: int(value or 0) for key, value in totals.items()}


def wall_reflections(*, workshop: Workshop, include_hidden: bool = False) -> QuerySet[Reflection]:
    """Newest first; the wall shows what people said in this workshop's prompts."""
    reflections = Reflection.objects.filter(prompt__workshop=workshop).select_related("prompt")
    if not include_hidden:
        reflections = reflections.filter(is_hidden=False)
    return reflections.order_by("-created_at", "-pk")


def workshop_import_batches(*, workshop: Workshop) -> list[ImportBatch]:
    return list(ImportBatch.objects.filter(workshop=workshop).order_by("-created_at", "-pk")[:20])


def series_with_workshops_prefetched(*, slug: str) -> WorkshopSeries:
    return WorkshopSeries.objects.prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.order_by("starts_at", "pk"))
    ).get(slug=slug)
