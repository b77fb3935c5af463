"""Writes for the sustain app: each service checks, writes in one transaction and audits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from exchange.core.caching import published_examples_changed
from exchange.core.services import audit_log
from exchange.examples.models import Example
from exchange.sustain import selectors
from exchange.sustain.measure_input import MeasureValuesError, RowError, duplicate_dates_errors
from exchange.sustain.models import Measure, MeasureValue

# Measures ---------------------------------------------------------------------------------------


class MeasureError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


MEASURE_FIELDS = ("name", "unit", "improvement", "target", "baseline_points", "rebase_dates")


def _rebase_dates_clean(dates: list[dt.date]) -> list[str]:
    return sorted({d.isoformat() for d in dates})


def measure_summary_refresh(*, measure: Measure) -> None:
    """Recompute the stored latest variation, assurance and count from the values.

    Call inside the transaction that changed the values or the measure's settings.
    """
    result = selectors.measure_chart(
        measure=measure, values=list(selectors.measure_values(measure=measure))
    )
    measure.value_count = len(result.points)
    measure.latest_variation = result.chart.variation if result.points else ""
    measure.latest_assurance = (result.chart.assurance or "") if result.points else ""
    Measure.objects.filter(pk=measure.pk).update(
        value_count=measure.value_count,
        latest_variation=measure.latest_variation,
        latest_assurance=measure.latest_assurance,
    )


def _name_taken(*, example: Example, name: str, exclude: int | None = None) -> bool:
    return (
        Measure.objects.filter(example=example, name__iexact=name.strip())
        .exclude(pk=exclude)
        .exists()
    )


def measure_create(
    *,
    example: Example,
    actor: Any,
    name: str,
    unit: str = "",
    improvement: str = "increase",
    target: Decimal | None = None,
    baseline_points: int | None = None,
    rebase_dates: list[dt.date] | None = None,
) -> Measure:
    """Add a measure to an example. Raises MeasureError when the name is already used."""
    name = name.strip()
    with transaction.atomic():
        if _name_taken(example=example, name=name):
            raise MeasureError(
                _("This example already has a measure called “%(name)s”") % {"name": name}
            )
        measure = Measure.objects.create(
            example=example,
            name=name,
            unit=unit.strip(),
            improvement=improvement,
            target=target,
            baseline_points=baseline_points,
            rebase_dates=_rebase_dates_clean(rebase_dates or []),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log(actor=actor, action="measure.create", target=measure, example=example.pk)
        published_examples_changed()
    return measure


def measure_update(
    *,
    measure: Measure,
    actor: Any,
    name: str,
    unit: str,
    improvement: str,
    target: Decimal | None,
    baseline_points: int | None,
    rebase_dates: list[dt.date],
) -> Measure:
    """Change a measure's settings and recompute its chart summary."""
    name = name.strip()
    with transaction.atomic():
        if _name_taken(example=measure.example, name=name, exclude=measure.pk):
            raise MeasureError(
                _("This example already has a measure called “%(name)s”") % {"name": name}
            )
        before = {f: str(getattr(measure, f)) for f in MEASURE_FIELDS}
        measure.name, measure.unit, measure.improvement = name, unit.strip(), improvement
        measure.target, measure.baseline_points = target, baseline_points
        measure.rebase_dates = _rebase_dates_clean(rebase_dates)
        measure.save(update_fields=[*MEASURE_FIELDS, "updated_at"])
        measure_summary_refresh(measure=measure)
        changed = [f for f in MEASURE_FIELDS if before[f] != str(getattr(measure, f))]
        audit_log(actor=actor, action="measure.update", target=measure, changed=changed)
        published_examples_changed()
    return measure


def measure_delete(*, measure: Measure, actor: Any) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="measure.delete",
            target=measure,
            example=measure.example_id,
            values=measure.value_count,
        )
        measure.delete()
        published_examples_changed()


def measure_values_check(
    *, measure: Measure, rows: list[tuple[int, dt.date, Decimal]]
) -> list[RowError]:
    """Problems with adding these (row number, date, value) rows: repeated or existing dates,
    too many values. Empty when they can be added."""
    errors = duplicate_dates_errors(
        [(row, date) for row, date, _value in rows], selectors.measure_value_dates(measure=measure)
    )
    limit = settings.MEASURE_MAX_VALUES
    if not errors and measure.value_count + len(rows) > limit:
        errors.append(
            RowError(
                None,
                None,
                _("A measure holds at most %(limit)s values; this one has %(count)s already")
                % {"limit": limit, "count": measure.value_count},
            )
        )
    return errors


def measure_values_add(
    *,
    measure: Measure,
    values: list[tuple[dt.date, Decimal]],
    actor: Any,
    rows: list[int] | None = None,
    source: str = "form",
) -> list[MeasureValue]:
    """Add dated values to a measure, all or nothing.

    Raises MeasureValuesError (naming the rows, numbered 1.. or as given in `rows`) when a date
    is repeated, already has a value, or the measure would hold too many. Holds a lock on the
    measure's row while checking and writing, so two uploads at once cannot both add a date.
    """
    numbers = rows or list(range(1, len(values) + 1))
    numbered = [(n, date, value) for n, (date, value) in zip(numbers, values, strict=True)]
    if not numbered:
        raise MeasureValuesError([RowError(None, None, _("Enter at least one value"))])
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        errors = measure_values_check(measure=locked, rows=numbered)
        if errors:
            raise MeasureValuesError(errors)
        try:
            with transaction.atomic():
                created = MeasureValue.objects.bulk_create(
                    [
                        MeasureValue(measure=locked, date=date, value=value)
                        for _n, date, value in numbered
                    ]
                )
        except IntegrityError:
            raise MeasureValuesError(
                [RowError(None, None, _("Some of these dates were added meanwhile; try again"))]
            ) from None
        measure_summary_refresh(measure=locked)
        audit_log(
            actor=actor,
            action="measure.values_add",
            target=locked,
            count=len(created),
            first=min(d for d, _v in values).isoformat(),
            last=max(d for d, _v in values).isoformat(),
            source=source,
        )
        published_examples_changed()
    measure.value_count = locked.value_count
    measure.latest_variation, measure.latest_assurance = (
        locked.latest_variation,
        locked.latest_assurance,
    )
    return created


def measure_value_delete(*, value: MeasureValue, actor: Any) -> None:
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=value.measure_id)
        audit_log(
            actor=actor,
            action="measure.value_delete",
            target=measure,
            date=value.date.isoformat(),
            value=str(value.value),
        )
        value.delete()
        measure_summary_refresh(measure=measure)
        published_examples_changed()
