"""Participants drafting, previewing, submitting and withdrawing their own examples."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exchange.core.uploads import upload_limit
from exchange.examples import services
from exchange.examples.forms import ExampleForm
from exchange.examples.models import Attachment, Campaign, Example, ExampleStatus

MY_EXAMPLES_PAGE_SIZE = 20
WITHDRAWABLE = {ExampleStatus.SUBMITTED, ExampleStatus.CHANGES_REQUESTED, ExampleStatus.PUBLISHED}


def _own_example(request: HttpRequest, pk: int) -> Example:
    """The signed-in person's example, or 404: no one learns whether someone else's exists."""
    return get_object_or_404(
        Example.objects.select_related("campaign", "author"), pk=pk, author=request.user
    )


def _form_add_service_error(form: ExampleForm, error: services.ExampleStateError) -> None:
    if isinstance(error, services.ExampleIncompleteError):
        for field, message in error.missing.items():
            form.add_error(field if field in form.fields else None, str(message))
    elif isinstance(error, services.AttachmentError):
        form.add_error("attachments", str(error.message))
    else:
        form.add_error(None, str(error.message))


def _after_save(request: HttpRequest, example: Example, *, to_preview: bool) -> HttpResponse:
    if to_preview:
        return redirect("examples:preview", pk=example.pk)
    messages.success(request, _("Your draft has been saved."))
    return redirect("examples:edit", pk=example.pk)


@upload_limit("EXAMPLE_ATTACHMENT_MAX_BYTES", files="EXAMPLE_MAX_ATTACHMENTS")
@login_required
def example_create(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, slug=slug)
    if not campaign.is_open():
        has_closed = campaign.closes_at is not None and campaign.closes_at <= timezone.now()
        return render(
            request,
            "examples/submission/campaign_closed.html",
            {"campaign": campaign, "has_closed": has_closed},
        )
    if request.method == "POST":
        to_preview = request.POST.get("action") == "preview"
        form = ExampleForm(request.POST, request.FILES, complete=to_preview)
        if form.is_valid():
            try:
                example = services.example_draft_create(
                    author=request.user, campaign=campaign, **form.service_arguments()
                )
            except services.ExampleStateError as error:
                _form_add_service_error(form, error)
            else:
                return _after_save(request, example, to_preview=to_preview)
    else:
        form = ExampleForm(initial={"organisation": request.user.organisation})
    return render(
        request,
        "examples/submission/form.html",
        {"form": form, "campaign": campaign, "example": None, "attachments": []},
    )


@upload_limit("EXAMPLE_ATTACHMENT_MAX_BYTES", files="EXAMPLE_MAX_ATTACHMENTS")
@login_required
def example_edit(request: HttpRequest, pk: int) -> HttpResponse:
    example = _own_example(request, pk)
    if not example.is_editable_by_author:
        messages.error(
            request,
            _("You can only change a draft or an example a moderator has asked you to change."),
        )
        return redirect("examples:mine")
    attachments = list(example.attachments.all())
    if request.method == "POST":
        to_preview = request.POST.get("action") == "preview"
        form = ExampleForm(
            request.POST,
            request.FILES,
            complete=to_preview,
            existing_attachments=len(attachments),
        )
        if form.is_valid():
            try:
                example = services.example_draft_update(
                    actor=request.user, example=example, **form.service_arguments()
                )
            except services.ExampleStateError as error:
                _form_add_service_error(form, error)
            else:
                return _after_save(request, example, to_preview=to_preview)
    else:
        form = ExampleForm(
            initial=ExampleForm.initial_for(example), existing_attachments=len(attachments)
        )
    return render(
        request,
        "examples/submission/form.html",
        {
            "form": form,
            "campaign": example.campaign,
            "example": example,
            "attachments": attachments,
        },
    )


def _preview(
    request: HttpRequest, example: Example, *, missing: dict | None = None, status: int = 200
) -> HttpResponse:
    if missing is None and example.is_editable_by_author:
        missing = services.example_missing_fields(example=example)
    return render(
        request,
        "examples/submission/preview.html",
        {
            "example": example,
            "attachments": list(example.attachments.all()),
            "tags": list(example.tags.all()),
            "missing": missing or {},
            "show_organisation": not example.show_as_anonymous,
        },
        status=status,
    )


@login_required
@require_GET
def example_preview(request: HttpRequest, pk: int) -> HttpResponse:
    return _preview(request, _own_example(request, pk))


@login_required
@require_POST
def example_submit(request: HttpRequest, pk: int) -> HttpResponse:
    example = _own_example(request, pk)
    try:
        example = services.example_submit(actor=request.user, example=example)
    except services.ExampleIncompleteError as error:
        return _preview(request, example, missing=error.missing, status=400)
    except services.ExampleStateError as error:
        messages.error(request, str(error.message))
        return redirect("examples:mine")
    if example.status == ExampleStatus.PUBLISHED:
        messages.success(request, _("Your example is published."))
    else:
        messages.success(
            request,
            _(
                "Your example is awaiting moderation. We will email you when a moderator has read it."
            ),
        )
    return redirect("examples:mine")


@login_required
def example_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    example = _own_example(request, pk)
    if example.status not in WITHDRAWABLE:
        messages.error(
            request, _("You can only withdraw an example that is awaiting moderation or published.")
        )
        return redirect("examples:mine")
    if request.method == "POST":
        try:
            services.example_withdraw(actor=request.user, example=example)
        except services.ExampleStateError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("You have withdrawn “%(title)s”.") % {"title": example.title}
            )
        return redirect("examples:mine")
    return render(request, "examples/submission/withdraw.html", {"example": example})


@login_required
def example_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's own draft: a confirmation page, then deleting it (anyone else: 404)."""
    example = _own_example(request, pk)
    if example.status != ExampleStatus.DRAFT:
        raise Http404
    if request.method == "POST":
        try:
            services.example_delete_draft(actor=request.user, example=example)
        except services.ExampleStateError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request, _("You have deleted the draft “%(title)s”.") % {"title": example.title}
            )
        return redirect("examples:mine")
    return render(request, "examples/submission/delete.html", {"example": example})


@login_required
@require_GET
def my_examples(request: HttpRequest) -> HttpResponse:
    examples = (
        Example.objects.filter(author=request.user)
        .select_related("campaign")
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(examples, MY_EXAMPLES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "examples/submission/mine.html",
        {
            "page_obj": page,
            "withdrawable": [str(status) for status in WITHDRAWABLE],
            "max_attachments": settings.EXAMPLE_MAX_ATTACHMENTS,
        },
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("example"),
        pk=attachment_pk,
        example_id=pk,
        example__author=request.user,
    )
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except services.ExampleStateError as error:
        messages.error(request, str(error.message))
        return redirect("examples:mine")
    messages.success(
        request, _("The file “%(name)s” has been removed.") % {"name": attachment.original_name}
    )
    return redirect("examples:edit", pk=pk)
