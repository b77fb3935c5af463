"""Moderators reading submissions and approving, rejecting, sending back or featuring them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from exchange.core.models import AuditEntry
from exchange.core.permissions import Perm, permission_required
from exchange.examples import services
from exchange.examples.forms import (
    AuditFilterForm,
    RejectForm,
    RequestChangesForm,
    TakeDownForm,
)
from exchange.examples.models import Example, ExampleStatus

QUEUE_PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
HISTORY_LIMIT = 50

# The queue's views: key → (label, filter). "featured" is a subset of published.
QUEUE_VIEWS: dict[str, tuple[Any, Q]] = {
    "submitted": (gettext_lazy("Awaiting moderation"), Q(status=ExampleStatus.SUBMITTED)),
    "changes_requested": (
        gettext_lazy("Changes requested"),
        Q(status=ExampleStatus.CHANGES_REQUESTED),
    ),
    "published": (gettext_lazy("Published"), Q(status=ExampleStatus.PUBLISHED)),
    "featured": (
        gettext_lazy("Featured"),
        Q(status=ExampleStatus.PUBLISHED, is_featured=True),
    ),
    "rejected": (gettext_lazy("Rejected"), Q(status=ExampleStatus.REJECTED)),
    "taken_down": (gettext_lazy("Taken down"), Q(status=ExampleStatus.TAKEN_DOWN)),
}


@permission_required(Perm.MODERATE_EXAMPLES)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    current = request.GET.get("status", "submitted")
    if current not in QUEUE_VIEWS:
        current = "submitted"
    counts = Example.objects.aggregate(
        **{key: Count("pk", filter=condition) for key, (_label, condition) in QUEUE_VIEWS.items()}
    )
    examples = (
        Example.objects.filter(QUEUE_VIEWS[current][1])
        .select_related("author", "campaign")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(examples, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [
        {"key": key, "label": label, "count": counts[key], "current": key == current}
        for key, (label, _condition) in QUEUE_VIEWS.items()
    ]
    return render(
        request,
        "examples/moderation/queue.html",
        {"tabs": tabs, "current_label": QUEUE_VIEWS[current][0], "page_obj": page},
    )


def _example_for_moderation(pk: int) -> Example:
    """Any example that has been submitted at some point; drafts stay private to their author."""
    return get_object_or_404(
        Example.objects.select_related("author", "campaign").exclude(status=ExampleStatus.DRAFT),
        pk=pk,
    )


def _review(
    request: HttpRequest,
    example: Example,
    *,
    reject_form: RejectForm | None = None,
    changes_form: RequestChangesForm | None = None,
    take_down_form: TakeDownForm | None = None,
    status: int = 200,
) -> HttpResponse:
    invalid: Form | None = next(
        (
            form
            for form in (reject_form, changes_form, take_down_form)
            if form is not None and form.errors
        ),
        None,
    )
    history = (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Example), target_id=str(example.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")[:HISTORY_LIMIT]
    )
    return render(
        request,
        "examples/moderation/review.html",
        {
            "example": example,
            "attachments": list(example.attachments.all()),
            "tags": list(example.tags.all()),
            "history": list(history),
            "reject_form": reject_form or RejectForm(),
            "changes_form": changes_form or RequestChangesForm(),
            "take_down_form": take_down_form or TakeDownForm(),
            "form": invalid,
            "can_feature": request.user.has_perm(Perm.FEATURE_EXAMPLES),
        },
        status=status,
    )


@permission_required(Perm.MODERATE_EXAMPLES)
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, _example_for_moderation(pk))


def _act(
    request: HttpRequest,
    pk: int,
    action: Callable[..., Example],
    success: str,
    **arguments: Any,
) -> HttpResponse:
    example = _example_for_moderation(pk)
    try:
        action(actor=request.user, example=example, **arguments)
    except services.ExampleStateError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success % {"title": example.title})
    return redirect("examples:moderation_review", pk=pk)


@permission_required(Perm.MODERATE_EXAMPLES)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.example_approve,
        _("“%(title)s” is published. The author has been emailed."),
    )


@permission_required(Perm.MODERATE_EXAMPLES)
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _review(request, _example_for_moderation(pk), reject_form=form)
    return _act(
        request,
        pk,
        services.example_reject,
        _("“%(title)s” has been rejected. The author has been emailed the reason."),
        reason=form.cleaned_data["reason"],
    )


@permission_required(Perm.MODERATE_EXAMPLES)
@require_POST
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        return _review(request, _example_for_moderation(pk), changes_form=form)
    return _act(
        request,
        pk,
        services.example_request_changes,
        _("The author of “%(title)s” has been asked to change it."),
        message=form.cleaned_data["message"],
    )


@permission_required(Perm.MODERATE_EXAMPLES)
@require_POST
def take_down(request: HttpRequest, pk: int) -> HttpResponse:
    form = TakeDownForm(request.POST)
    if not form.is_valid():
        return _review(request, _example_for_moderation(pk), take_down_form=form, status=400)
    return _act(
        request,
        pk,
        services.example_take_down,
        _(
            "“%(title)s” has been taken down: nobody but its author and moderators can see it. "
            "The author has been emailed the reason."
        ),
        reason=form.cleaned_data["reason"],
    )


@permission_required(Perm.MODERATE_EXAMPLES)
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.example_restore,
        _("“%(title)s” is published again. The author has been emailed."),
    )


@permission_required(Perm.FEATURE_EXAMPLES)
@require_POST
def feature(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, services.example_feature, _("“%(title)s” is now featured on the home page.")
    )


@permission_required(Perm.FEATURE_EXAMPLES)
@require_POST
def unfeature(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.example_unfeature, _("“%(title)s” is no longer featured."))


@permission_required(Perm.VIEW_AUDIT_LOG)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    actions = list(
        AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    )
    form = AuditFilterForm(request.GET or None, actions=actions)
    entries = AuditEntry.objects.select_related("actor", "target_type").order_by(
        "-created_at", "-pk"
    )
    if form.is_valid() and form.cleaned_data["action"]:
        entries = entries.filter(action=form.cleaned_data["action"])
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "examples/moderation/audit_log.html",
        {
            "filter_form": form,
            "page_obj": page,
            "can_moderate": request.user.has_perm(Perm.MODERATE_EXAMPLES),
        },
    )
