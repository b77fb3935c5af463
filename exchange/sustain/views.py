"""Sustain pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchange.examples.selectors import example_detail_get
from exchange.sustain import selectors, services
from exchange.sustain.forms import (
    MeasureForm,
    MeasureUploadConfirmForm,
    MeasureUploadForm,
    MeasureValuesForm,
    upload_token_make,
)
from exchange.sustain.measure_input import MeasureValuesError, csv_values_parse
from exchange.sustain.models import Measure, MeasureValue

# Measures ---------------------------------------------------------------------------------------

MEASURE_VALUES_PAGE_SIZE = 50


def _posted(request: HttpRequest) -> object:
    """The submitted data on POST (even when empty, so that an empty form shows its errors)."""
    return request.POST if request.method == "POST" else None


def _managed_measure(request: HttpRequest, pk: int) -> Measure:
    measure = selectors.measure_get_for_manager(pk=pk, user=request.user)
    if measure is None:
        raise Http404
    return measure


def _measure_manage_url(measure: Measure) -> str:
    return reverse("sustain:measure_manage", kwargs={"pk": measure.pk})


def _example_measures_url(measure: Measure) -> str:
    return f"{measure.example.get_absolute_url()}#measure-{measure.pk}"


def _form_errors_add(form: forms.Form, error: MeasureValuesError, field: str | None = None) -> None:
    for row_error in error.errors:
        form.add_error(field, str(row_error))


def _measure_settings(form: MeasureForm) -> dict[str, Any]:
    """The service arguments a valid measure form holds."""
    data = form.cleaned_data
    return {
        "name": data["name"],
        "unit": data["unit"],
        "improvement": data["improvement"],
        "target": data["target"],
        "baseline_points": data["baseline_points"],
        "rebase_dates": data["rebase_dates_text"],
    }


@login_required
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    example = example_detail_get(pk=pk, viewer=request.user)
    if example is None or not selectors.measure_manageable_by(user=request.user, example=example):
        raise Http404
    form = MeasureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(
                example=example, actor=request.user, **_measure_settings(form)
            )
        except services.MeasureError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Measure added. Now add its values."))
            return redirect(_measure_manage_url(measure))
    return render(request, "sustain/measure_form.html", {"form": form, "example": example})


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _managed_measure(request, pk)
    form = MeasureForm(_posted(request), instance=measure)
    if request.method == "POST" and form.is_valid():
        # The form's instance holds the submitted values; the service saves from fresh fields.
        measure = Measure.objects.select_related("example").get(pk=pk)
        try:
            services.measure_update(measure=measure, actor=request.user, **_measure_settings(form))
        except services.MeasureError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Measure saved."))
            return redirect(_measure_manage_url(measure))
    return render(
        request,
        "sustain/measure_form.html",
        {"form": form, "example": measure.example, "measure": measure},
    )


@login_required
def measure_manage(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _managed_measure(request, pk)
    values = list(selectors.measure_values(measure=measure))
    result = selectors.measure_chart(measure=measure, values=values)
    ids = {v.date: v.pk for v in values}
    rows = [{"point": p, "value_pk": ids[p.date]} for p in reversed(result.points)]
    page = Paginator(rows, MEASURE_VALUES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sustain/measure_manage.html",
        {
            "measure": measure,
            "example": measure.example,
            "result": result,
            "page_obj": page,
        },
    )


@login_required
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _managed_measure(request, pk)
    if request.method == "POST":
        example = measure.example
        services.measure_delete(measure=measure, actor=request.user)
        messages.success(request, _("Measure deleted."))
        return redirect(f"{example.get_absolute_url()}#measures")
    return render(
        request,
        "sustain/measure_delete.html",
        {"measure": measure, "example": measure.example},
    )


def _numbered_values_add(
    measure: Measure,
    rows: list[tuple[int, dt.date, Decimal]],
    *,
    request: HttpRequest,
    source: str,
) -> None:
    """Add (row number, date, value) rows; errors name the rows as the person numbered them."""
    services.measure_values_add(
        measure=measure,
        values=[(date, value) for _row, date, value in rows],
        rows=[row for row, _date, _value in rows],
        actor=request.user,
        source=source,
    )


@login_required
def measure_values_add(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _managed_measure(request, pk)
    form = MeasureValuesForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["values"]
        try:
            _numbered_values_add(measure, rows, request=request, source="form")
        except MeasureValuesError as error:
            for row_error in error.errors:
                field = f"date_{row_error.row}" if row_error.row else None
                form.add_error(field, str(row_error))
        else:
            messages.success(
                request,
                _("%(count)s values added.") % {"count": len(rows)}
                if len(rows) != 1
                else _("1 value added."),
            )
            return redirect(_measure_manage_url(measure))
    return render(
        request,
        "sustain/measure_values_form.html",
        {
            "form": form,
            "measure": measure,
            "example": measure.example,
            "upload_url": reverse("sustain:measure_upload", kwargs={"pk": measure.pk}),
        },
    )


def _preview_chart(
    measure: Measure, rows: list[tuple[int, dt.date, Decimal]]
) -> selectors.MeasureChart:
    """The chart as it will be once `rows` are added (nothing is saved)."""
    stored = list(selectors.measure_values(measure=measure))
    new = [MeasureValue(measure=measure, date=date, value=value) for _row, date, value in rows]
    return selectors.measure_chart(
        measure=measure, values=sorted([*stored, *new], key=lambda v: v.date)
    )


@login_required
def measure_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: choose a CSV file; a good file shows a preview (step 2) before anything is saved."""
    measure = _managed_measure(request, pk)
    form = MeasureUploadForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = csv_values_parse(form.cleaned_data["file"].read())
            errors = services.measure_values_check(measure=measure, rows=rows)
            if errors:
                raise MeasureValuesError(errors)
        except MeasureValuesError as error:
            _form_errors_add(form, error, "file")
        else:
            return render(
                request,
                "sustain/measure_upload_preview.html",
                {
                    "measure": measure,
                    "example": measure.example,
                    "rows": rows,
                    "confirm_form": MeasureUploadConfirmForm(
                        initial={"token": upload_token_make(measure_id=measure.pk, rows=rows)},
                        measure_id=measure.pk,
                    ),
                    "result": _preview_chart(measure, rows),
                },
            )
    return render(
        request,
        "sustain/measure_upload.html",
        {
            "form": form,
            "measure": measure,
            "example": measure.example,
            "max_values": settings.MEASURE_MAX_VALUES,
        },
    )


@login_required
@require_POST
def measure_upload_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: import the previewed rows, all or nothing."""
    measure = _managed_measure(request, pk)
    form = MeasureUploadConfirmForm(request.POST, measure_id=measure.pk)
    if form.is_valid():
        rows = form.cleaned_data["token"]
        try:
            _numbered_values_add(measure, rows, request=request, source="csv")
        except MeasureValuesError as error:
            _form_errors_add(form, error)
        else:
            messages.success(request, _("%(count)s values imported.") % {"count": len(rows)})
            return redirect(_example_measures_url(measure))
    return render(
        request,
        "sustain/measure_upload.html",
        {
            "form": MeasureUploadForm(),
            "upload_errors": [*form.errors.get("token", []), *form.non_field_errors()],
            "measure": measure,
            "example": measure.example,
            "max_values": settings.MEASURE_MAX_VALUES,
        },
        status=400,
    )


@login_required
def measure_value_delete(request: HttpRequest, pk: int, value_pk: int) -> HttpResponse:
    measure = _managed_measure(request, pk)
    value = get_object_or_404(MeasureValue, pk=value_pk, measure=measure)
    if request.method == "POST":
        services.measure_value_delete(value=value, actor=request.user)
        messages.success(
            request, _("The value for %(date)s was deleted.") % {"date": value.date.isoformat()}
        )
        return redirect(_measure_manage_url(measure))
    return render(
        request,
        "sustain/measure_value_delete.html",
        {"measure": measure, "example": measure.example, "value": value},
    )
