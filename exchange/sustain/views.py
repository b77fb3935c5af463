"""Pages for sustaining gains.

Check-ins, contacts, adoptions and at-risk alerts
-------------------------------------------------
The check-in form needs no sign-in: the emailed token is the permission. Its pages are never
cached and send no referrer to other sites, so the token stays out of their logs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exchange.core.permissions import Perm, permission_required
from exchange.core.uploads import upload_limit
from exchange.examples.models import Example, ExampleStatus
from exchange.examples.selectors import example_detail_get, example_get_for_viewer
from exchange.sustain import selectors, services
from exchange.sustain.forms import (
    AdoptionForm,
    AtRiskFilterForm,
    CheckInAnswerForm,
    CheckInMeasureValuesForm,
    ContactForm,
    MeasureForm,
    MeasureUploadConfirmForm,
    MeasureUploadForm,
    MeasureValuesForm,
    upload_token_make,
)
from exchange.sustain.measure_input import MeasureValuesError, csv_values_parse
from exchange.sustain.models import ExampleContact, Measure, MeasureValue


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    # Not "no-referrer": browsers then send `Origin: null` with the form, failing CSRF checks.
    response["Referrer-Policy"] = "same-origin"
    return response


def _link_problem(request: HttpRequest, error: services.CheckInLinkError) -> HttpResponse:
    """Why a check-in link cannot be used, with its status (404 unknown, 410 used or expired)."""
    return _private(
        render(
            request,
            "sustain/checkin_link_problem.html",
            {"message": error.message},
            status=error.status,
        )
    )


def _checkin_measure_section(*, example: Example, data: Any) -> CheckInMeasureValuesForm | None:
    """New values for the example's measures on the check-in form, or None when it has none."""
    measures = selectors.example_measure_list(example=example)
    if not measures:
        return None
    return CheckInMeasureValuesForm(data, measures=measures)


def _checkin_measure_values_add(form: CheckInMeasureValuesForm, *, actor: Any) -> None:
    """Add the values given with a check-in answer; a refused one is named on its field."""
    for measure, date, value in form.new_values:
        try:
            services.measure_values_add(
                measure=measure, values=[(date, value)], actor=actor, source="check-in"
            )
        except MeasureValuesError as error:
            _form_errors_add(form, error, f"date_{measure.pk}")
            raise


def checkin_answer(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        link = services.checkin_link_check(example_id=pk, token=token)
    except services.CheckInLinkError as error:
        return _link_problem(request, error)
    check_in = link.check_in
    example = check_in.example
    form = CheckInAnswerForm(request.POST if request.method == "POST" else None)
    measures = _checkin_measure_section(
        example=example, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid() and (measures is None or measures.is_valid()):
        try:
            with transaction.atomic():
                services.checkin_answer(example_id=pk, token=token, **form.cleaned_data)
                if measures is not None:
                    _checkin_measure_values_add(measures, actor=link.user)
        except services.CheckInLinkError as error:
            return _link_problem(request, error)
        except MeasureValuesError:
            pass  # named on the measures' fields; the answer was rolled back with them
        except services.SustainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("sustain:checkin_thanks", pk=pk)
    return _private(
        render(
            request,
            "sustain/checkin_answer.html",
            {
                "form": form,
                "example": example,
                "check_in": check_in,
                "adoption": check_in.adoption,
                "measures": measures,
            },
        )
    )


@require_GET
def checkin_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    """Thanks, with a link to the example only if it is public. Needs no token, so it shows no
    answers and, for any other id, the same page: it tells no one which examples exist."""
    example = (
        Example.objects.only("id", "title", "status")
        .filter(pk=pk, status=ExampleStatus.PUBLISHED)
        .first()
    )
    return render(request, "sustain/checkin_thanks.html", {"example": example})


def _published_or_404(request: HttpRequest, pk: int) -> Example:
    """An example the reader may see (examples' one rule) that is published: adoptions are
    recorded and listed for published examples only."""
    example = example_get_for_viewer(viewer=request.user, pk=pk)
    if example.status != ExampleStatus.PUBLISHED:
        raise Http404
    return example


@login_required
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    example = _published_or_404(request, pk)
    if request.method == "POST":
        form = AdoptionForm(request.POST)
        if form.is_valid():
            try:
                services.adoption_record(actor=request.user, example=example, **form.cleaned_data)
            except services.AdoptionInvalidError as error:
                for field, message in error.errors.items():
                    form.add_error(field, str(message))
            except services.SustainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your adoption is recorded; we will ask you in a few months how it is going."
                    ),
                )
                return redirect(example.get_absolute_url())
    else:
        form = AdoptionForm(initial={"organisation": getattr(request.user, "organisation", "")})
    return render(request, "sustain/adoption_form.html", {"form": form, "example": example})


@require_GET
def adoption_list(request: HttpRequest, pk: int) -> HttpResponse:
    example = _published_or_404(request, pk)
    page_obj = Paginator(
        selectors.adoption_list(example_id=pk), settings.SUSTAIN_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "sustain/adoption_list.html", {"example": example, "page_obj": page_obj})


def _own_example_or_404(request: HttpRequest, pk: int) -> Example:
    example = get_object_or_404(Example, pk=pk)
    if example.author_id != request.user.pk:
        raise Http404
    return example


@login_required
def contact_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The author names who else is asked the check-in questions."""
    example = _own_example_or_404(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=request.user, example=example, **form.cleaned_data)
        except services.SustainError as error:
            form.add_error("email", str(error.message))
        else:
            messages.success(request, _("The contact has been added."))
            return redirect("sustain:contacts", pk=pk)
    contacts = Paginator(
        example.check_in_contacts.order_by("name", "pk"), settings.SUSTAIN_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sustain/contacts.html",
        {"example": example, "form": form, "page_obj": contacts},
    )


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    example = _own_example_or_404(request, pk)
    contact = get_object_or_404(ExampleContact, pk=contact_pk, example=example)
    services.contact_remove(actor=request.user, contact=contact)
    messages.success(request, _("The contact has been removed."))
    return redirect("sustain:contacts", pk=pk)


@permission_required(Perm.MODERATE_EXAMPLES)
@require_POST
def checkin_send_now(request: HttpRequest, pk: int) -> HttpResponse:
    example = get_object_or_404(Example, pk=pk, status=ExampleStatus.PUBLISHED)
    try:
        check_in = services.checkin_send_now(actor=request.user, example=example)
    except services.SustainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The %(months)s-month check-in has been sent.") % {"months": check_in.months},
        )
    return redirect(example.get_absolute_url())


@permission_required(Perm.VIEW_AT_RISK)
@require_GET
def at_risk(request: HttpRequest) -> HttpResponse:
    form = AtRiskFilterForm(request.GET)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    page_obj = Paginator(
        selectors.at_risk_list(reason=reason), settings.SUSTAIN_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    summaries = list(page_obj.object_list)
    latest = selectors.at_risk_latest_answers(example_ids=[s.example_id for s in summaries])
    rows = [
        {
            "summary": summary,
            "phrase": selectors.status_phrase(summary.latest_status, summary.latest_months),
            "tag_class": selectors.status_tag_class(summary.latest_status),
            "answer": latest.get(summary.example_id),
        }
        for summary in summaries
    ]
    return render(
        request,
        "sustain/at_risk.html",
        {"form": form, "page_obj": page_obj, "rows": rows, "reason": reason},
    )


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


@upload_limit("MEASURE_CSV_MAX_BYTES")
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
