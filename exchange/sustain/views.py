"""Pages for sustaining gains.

Check-ins, contacts, adoptions and at-risk alerts
-------------------------------------------------
The check-in form needs no sign-in: the emailed token is the permission. Its pages are never
cached and send no referrer to other sites, so the token stays out of their logs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exchange.core.permissions import Perm, permission_required
from exchange.examples.models import Example, ExampleStatus
from exchange.sustain import selectors, services
from exchange.sustain.forms import AdoptionForm, AtRiskFilterForm, CheckInAnswerForm, ContactForm
from exchange.sustain.models import ExampleContact


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


def _checkin_measure_section(*, example: Example, data: Any) -> Any:
    """Hook for the measures half of the sustain app: new measure values on the check-in form.

    Return None when the example has no measures (nothing is shown); otherwise an object with
    `template` (included inside the form), `is_valid()` and `save()` — the view validates it
    with the answer and saves it in the same transaction. Filled in when measures are merged.
    """
    return None


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
                    measures.save()
        except services.CheckInLinkError as error:
            return _link_problem(request, error)
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
    example = get_object_or_404(Example.objects.only("id", "title", "status"), pk=pk)
    return render(request, "sustain/checkin_thanks.html", {"example": example})


def _published_or_404(pk: int) -> Example:
    return get_object_or_404(
        Example.objects.select_related("campaign"), pk=pk, status=ExampleStatus.PUBLISHED
    )


@login_required
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    example = _published_or_404(pk)
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
    example = _published_or_404(pk)
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
