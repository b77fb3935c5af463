"""Workshop pages: series and workshops, live capture through a join code, the live wall,
imports from survey files, and the tools and resources of a series."""

from __future__ import annotations

import io
import secrets
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from exchange.core.files import private_file_response
from exchange.core.permissions import Perm, permission_required
from exchange.core.uploads import upload_limit
from exchange.workshops import imports, selectors, services
from exchange.workshops.forms import (
    ImportMappingForm,
    ImportUploadForm,
    JoinForm,
    PromptCreateForm,
    PromptForm,
    ReflectionForm,
    ResourceForm,
    SeriesForm,
    TeamAddForm,
    WorkshopForm,
)
from exchange.workshops.models import (
    ImportState,
    ImportUpload,
    Prompt,
    Reflection,
    SeriesResource,
    Workshop,
    WorkshopSeries,
)

DEVICE_COOKIE = "efc_device"
DEVICE_SALT = "exchange.workshops.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def _series_or_404(slug: str) -> WorkshopSeries:
    try:
        return selectors.series_get(slug=slug)
    except WorkshopSeries.DoesNotExist:
        raise Http404 from None


def _managed_series(request: HttpRequest, slug: str) -> WorkshopSeries:
    series = _series_or_404(slug)
    if not selectors.series_is_managed_by(series=series, user=request.user):
        raise PermissionDenied
    return series


def _managed_workshop(request: HttpRequest, slug: str, pk: int) -> Workshop:
    try:
        workshop = selectors.workshop_get(series_slug=slug, pk=pk)
    except Workshop.DoesNotExist:
        raise Http404 from None
    if not selectors.series_is_managed_by(series=workshop.series, user=request.user):
        raise PermissionDenied
    return workshop


def _joined_workshop(code: str) -> Workshop:
    workshop = selectors.workshop_by_join_code(code=code)
    if workshop is None:
        raise Http404
    return workshop


def _form_error(form: Any, error: services.WorkshopError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# Series ------------------------------------------------------------------------------------


def series_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.series_list(), settings.WORKSHOPS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "workshops/series_list.html", {"page_obj": page})


def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    series = _series_or_404(slug)
    may_manage = selectors.series_is_managed_by(series=series, user=request.user)
    return render(
        request,
        "workshops/series_detail.html",
        {
            "series": series,
            "workshops": selectors.series_workshops(series=series),
            "resources": selectors.series_resource_list(series=series),
            "may_manage": may_manage,
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
def series_create(request: HttpRequest) -> HttpResponse:
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(actor=request.user, **form.cleaned_data)
        except services.WorkshopError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Series created. Add its first workshop."))
            return redirect("workshops:series_detail", slug=series.slug)
    return render(request, "workshops/form.html", {"form": form, "heading": _("Create a series")})


@permission_required(Perm.MANAGE_WORKSHOPS)
def series_edit(request: HttpRequest, slug: str) -> HttpResponse:
    series = _managed_series(request, slug)
    form = SeriesForm(request.POST or None, instance=WorkshopSeries.objects.get(pk=series.pk))
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_update(actor=request.user, series=series, **form.cleaned_data)
        except services.WorkshopError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Series saved."))
            return redirect("workshops:series_detail", slug=series.slug)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "heading": _("Edit the series"),
            "back": reverse("workshops:series_detail", kwargs={"slug": series.slug}),
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
def series_team(request: HttpRequest, slug: str) -> HttpResponse:
    """The series' facilitators: an administrator or a member adds and removes them."""
    series = _managed_series(request, slug)
    form = TeamAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.series_facilitator_add(
                actor=request.user, series=series, email=form.cleaned_data["email"]
            )
        except services.WorkshopError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("%(name)s added to the team.") % {"name": user})
            return redirect("workshops:series_team", slug=series.slug)
    return render(
        request,
        "workshops/series_team.html",
        {"series": series, "team": selectors.series_team(series=series), "form": form},
        status=400 if form.errors else 200,
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
@require_POST
def series_team_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    series = _managed_series(request, slug)
    user = get_object_or_404(series.facilitators.all(), pk=user_pk)
    try:
        services.series_facilitator_remove(actor=request.user, series=series, user=user)
    except services.WorkshopError as error:
        messages.error(request, error.message)
        return redirect("workshops:series_team", slug=series.slug)
    messages.success(request, _("%(name)s removed from the team.") % {"name": user})
    if not selectors.series_is_managed_by(series=series, user=request.user):
        return redirect("workshops:series_detail", slug=series.slug)
    return redirect("workshops:series_team", slug=series.slug)


# Workshops and prompts --------------------------------------------------------------------


@permission_required(Perm.MANAGE_WORKSHOPS)
def workshop_create(request: HttpRequest, slug: str) -> HttpResponse:
    series = _managed_series(request, slug)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = services.workshop_create(actor=request.user, series=series, **form.cleaned_data)
        messages.success(request, _("Workshop created. Add the questions you will ask."))
        return redirect("workshops:workshop_manage", slug=series.slug, pk=workshop.pk)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "heading": _("Add a workshop"),
            "caption": series.title,
            "back": reverse("workshops:series_detail", kwargs={"slug": series.slug}),
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
def workshop_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _managed_workshop(request, slug, pk)
    form = WorkshopForm(request.POST or None, instance=Workshop.objects.get(pk=workshop.pk))
    if request.method == "POST" and form.is_valid():
        services.workshop_update(actor=request.user, workshop=workshop, **form.cleaned_data)
        messages.success(request, _("Workshop saved."))
        return redirect("workshops:workshop_manage", slug=slug, pk=workshop.pk)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "heading": _("Edit the workshop"),
            "caption": workshop.series.title,
            "back": reverse("workshops:workshop_manage", kwargs={"slug": slug, "pk": pk}),
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
def workshop_manage(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _managed_workshop(request, slug, pk)
    reflections = Paginator(
        selectors.wall_reflections(workshop=workshop, include_hidden=True),
        settings.WORKSHOPS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "workshops/workshop_manage.html",
        {
            "series": workshop.series,
            "workshop": workshop,
            "prompts": selectors.workshop_prompts(workshop=workshop),
            "summary": selectors.workshop_redaction_summary(workshop=workshop),
            "batches": selectors.workshop_import_batches(workshop=workshop),
            "page_obj": reflections,
            "join_url": request.build_absolute_uri(
                reverse("workshops:join_workshop", kwargs={"code": workshop.join_code})
            ),
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
def prompt_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _managed_workshop(request, slug, pk)
    form = PromptCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.prompt_create(
            actor=request.user, workshop=workshop, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Question added."))
        return redirect("workshops:workshop_manage", slug=slug, pk=workshop.pk)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "heading": _("Add a question"),
            "caption": workshop.title,
            "back": reverse("workshops:workshop_manage", kwargs={"slug": slug, "pk": pk}),
        },
    )


def _managed_prompt(request: HttpRequest, slug: str, pk: int, prompt_pk: int) -> Prompt:
    workshop = _managed_workshop(request, slug, pk)
    prompt = get_object_or_404(Prompt, pk=prompt_pk, workshop=workshop)
    prompt.workshop = workshop
    return prompt


@permission_required(Perm.MANAGE_WORKSHOPS)
def prompt_edit(request: HttpRequest, slug: str, pk: int, prompt_pk: int) -> HttpResponse:
    prompt = _managed_prompt(request, slug, pk, prompt_pk)
    form = PromptForm(request.POST or None, instance=Prompt.objects.get(pk=prompt.pk))
    if request.method == "POST" and form.is_valid():
        services.prompt_update(actor=request.user, prompt=prompt, **form.cleaned_data)
        messages.success(request, _("Question saved."))
        return redirect("workshops:workshop_manage", slug=slug, pk=pk)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "heading": _("Edit the question"),
            "caption": prompt.workshop.title,
            "back": reverse("workshops:workshop_manage", kwargs={"slug": slug, "pk": pk}),
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
@require_POST
def prompt_open(request: HttpRequest, slug: str, pk: int, prompt_pk: int) -> HttpResponse:
    prompt = _managed_prompt(request, slug, pk, prompt_pk)
    is_open = request.POST.get("open") == "1"
    services.prompt_open_set(actor=request.user, prompt=prompt, is_open=is_open)
    if is_open:
        messages.success(
            request,
            _("“%(prompt)s” is open: participants can answer it now.") % {"prompt": prompt.text},
        )
    else:
        messages.success(request, _("“%(prompt)s” is closed.") % {"prompt": prompt.text})
    return redirect("workshops:workshop_manage", slug=slug, pk=pk)


@permission_required(Perm.MANAGE_WORKSHOPS)
@require_POST
def reflection_hide(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = get_object_or_404(
        Reflection.objects.select_related("prompt__workshop__series"), pk=pk
    )
    workshop = reflection.prompt.workshop
    if not selectors.series_is_managed_by(series=workshop.series, user=request.user):
        raise PermissionDenied
    hide = request.POST.get("hidden", "1") == "1"
    services.reflection_hidden_set(actor=request.user, reflection=reflection, is_hidden=hide)
    messages.success(request, _("Reflection hidden.") if hide else _("Reflection shown again."))
    if request.POST.get("next") == "wall":
        return redirect("workshops:wall", code=workshop.join_code)
    return redirect("workshops:workshop_manage", slug=workshop.series.slug, pk=workshop.pk)


# Joining and live capture -----------------------------------------------------------------


def _device_id(request: HttpRequest) -> tuple[str, bool]:
    """The device's id from its signed cookie, or a new one (True: set the cookie)."""
    device = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    if device:
        return str(device), False
    return secrets.token_urlsafe(16), True


def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.GET or None)
    if form.is_bound and form.is_valid():
        workshop = selectors.workshop_by_join_code(code=form.cleaned_data["code"])
        if workshop is not None:
            return redirect("workshops:join_workshop", code=workshop.join_code)
        form.add_error("code", _("No workshop has this code. Check it and try again."))
    return render(request, "workshops/join.html", {"form": form})


@never_cache
def join_workshop(request: HttpRequest, code: str) -> HttpResponse:
    """The participant's page: no account, answer an open question."""
    workshop = _joined_workshop(code)
    if code != workshop.join_code:
        return redirect("workshops:join_workshop", code=workshop.join_code)
    prompts = selectors.open_prompts(workshop=workshop)
    device, new_device = _device_id(request)
    form = ReflectionForm(request.POST or None, prompts=prompts)
    if request.method == "POST" and prompts and form.is_valid():
        prompt = form.chosen_prompt()
        if prompt is None:
            form.add_error("prompt", _("Choose the question you are answering"))
        else:
            try:
                services.reflection_post(
                    prompt=prompt, text=form.cleaned_data["text"], device_id=device
                )
            except services.WorkshopError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, _("Thank you. Your reflection is on the wall. You can add another.")
                )
                response: HttpResponse = redirect(
                    "workshops:join_workshop", code=workshop.join_code
                )
                _set_device(response, device, new_device)
                return response
    response = render(
        request,
        "workshops/join_workshop.html",
        {"workshop": workshop, "prompts": prompts, "form": form},
    )
    _set_device(response, device, new_device)
    return response


def _set_device(response: HttpResponse, device: str, new_device: bool) -> None:
    if new_device:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device,
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _wall_context(request: HttpRequest, workshop: Workshop) -> dict[str, Any]:
    page = Paginator(
        selectors.wall_reflections(workshop=workshop), settings.WORKSHOPS_WALL_SIZE
    ).get_page(request.GET.get("page"))
    return {
        "workshop": workshop,
        "page_obj": page,
        "may_manage": selectors.series_is_managed_by(series=workshop.series, user=request.user),
    }


@never_cache
def wall(request: HttpRequest, code: str) -> HttpResponse:
    """What people said, newest first; a refresh (or the script, every few seconds) updates it."""
    workshop = _joined_workshop(code)
    context = _wall_context(request, workshop)
    context["prompts"] = selectors.open_prompts(workshop=workshop)
    context["join_address"] = settings.SITE_URL.rstrip("/") + reverse("workshops:join")
    return render(request, "workshops/wall.html", context)


@never_cache
def wall_fragment(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _joined_workshop(code)
    return render(request, "workshops/_wall_items.html", _wall_context(request, workshop))


def join_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The join page's address as a QR code, in SVG."""
    workshop = _joined_workshop(code)
    url = request.build_absolute_uri(
        reverse("workshops:join_workshop", kwargs={"code": workshop.join_code})
    )
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    # A standalone SVG file (served to an <img>) needs its namespace declared, else
    # browsers refuse to draw it; svg_inline() leaves it out, for embedding in HTML.
    qr.save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        title=_("QR code to join %(workshop)s") % {"workshop": workshop.title},
        svgclass=None,
        lineclass=None,
        xmldecl=False,
        svgns=True,
        encoding="utf-8",
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Imports ----------------------------------------------------------------------------------


@upload_limit("WORKSHOPS_IMPORT_MAX_BYTES")
@permission_required(Perm.MANAGE_WORKSHOPS)
def import_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workshop = _managed_workshop(request, slug, pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = imports.import_upload_create(
                actor=request.user, workshop=workshop, upload=form.cleaned_data["file"]
            )
        except imports.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("workshops:import_columns", token=upload.token)
    return render(
        request,
        "workshops/import_upload.html",
        {"form": form, "workshop": workshop, "series": workshop.series},
    )


IMPORT_STARTED = (ImportState.QUEUED, ImportState.RUNNING, ImportState.DONE)


def _upload_or_404(request: HttpRequest, token: str) -> ImportUpload:
    upload = imports.import_upload_get(actor=request.user, token=token)
    if upload is None:
        raise Http404
    return upload


@permission_required(Perm.MANAGE_WORKSHOPS)
def import_columns(request: HttpRequest, token: str) -> HttpResponse:
    upload = _upload_or_404(request, token)
    if upload.state in IMPORT_STARTED or not upload.file:
        return redirect("workshops:import_status", token=upload.token)
    workshop = upload.workshop
    prompts = list(Prompt.objects.filter(workshop=workshop))
    try:
        headers = imports.import_headers(upload=upload)
    except imports.ImportFileError as error:
        messages.error(request, error.message)
        return redirect("workshops:import_upload", slug=workshop.series.slug, pk=workshop.pk)
    initial = upload.mapping or _guess_mapping(headers)
    form = ImportMappingForm(
        request.POST or None, headers=headers, prompts=prompts, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        imports.import_mapping_set(actor=request.user, upload=upload, mapping=form.mapping())
        return redirect("workshops:import_preview", token=upload.token)
    return render(
        request,
        "workshops/import_columns.html",
        {"form": form, "upload": upload, "workshop": workshop, "headers": headers},
    )


GUESSES = {
    "text": ("answer", "response", "reflection", "comment", "text", "feedback"),
    "date": ("date", "timestamp", "submitted", "time", "created"),
    "prompt": ("question", "prompt"),
    "group": ("group", "table", "cohort", "site", "team"),
}


def _guess_mapping(headers: list[str]) -> dict[str, str]:
    """Columns whose headings name what they hold, as the form's first suggestion."""
    mapping: dict[str, str] = {}
    for key, words in GUESSES.items():
        for name in headers:
            if name not in mapping.values() and any(word in name.casefold() for word in words):
                mapping[key] = name
                break
    return mapping


@never_cache
@permission_required(Perm.MANAGE_WORKSHOPS)
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """What importing would do, once the check task has read the file (the page waits)."""
    upload = _upload_or_404(request, token)
    if upload.state in IMPORT_STARTED:
        return redirect("workshops:import_status", token=upload.token)
    if not upload.file:
        # Deleted after a failed import or when left too long: the status page says so.
        return redirect("workshops:import_status", token=upload.token)
    if upload.state not in (ImportState.CHECKING, ImportState.CHECKED):
        return redirect("workshops:import_columns", token=upload.token)
    problem = ""
    if request.method == "POST" and upload.state == ImportState.CHECKED:
        try:
            imports.import_queue(actor=request.user, upload=upload)
        except imports.ImportFileError as error:
            problem = error.message
        else:
            return redirect("workshops:import_status", token=upload.token)
    check = imports.import_check_summary(upload=upload)
    return render(
        request,
        "workshops/import_preview.html",
        {
            "upload": upload,
            "workshop": upload.workshop,
            "check": check,
            "problem": problem or (check.problem if check is not None else ""),
            "checking": check is None,
        },
    )


@never_cache
@permission_required(Perm.MANAGE_WORKSHOPS)
def import_status(request: HttpRequest, token: str) -> HttpResponse:
    upload = _upload_or_404(request, token)
    return render(
        request,
        "workshops/import_status.html",
        {
            "upload": upload,
            "workshop": upload.workshop,
            "in_progress": upload.state in (ImportState.QUEUED, ImportState.RUNNING),
        },
    )


# Tools and resources ----------------------------------------------------------------------


@upload_limit("EXAMPLE_ATTACHMENT_MAX_BYTES")
@permission_required(Perm.MANAGE_WORKSHOPS)
def resource_create(request: HttpRequest, slug: str) -> HttpResponse:
    series = _managed_series(request, slug)
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_add(
                actor=request.user,
                series=series,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["file"],
            )
        except services.WorkshopError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Resource added."))
            return redirect("workshops:series_detail", slug=series.slug)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "heading": _("Add a tool or resource"),
            "caption": series.title,
            "multipart": True,
            "back": reverse("workshops:series_detail", kwargs={"slug": series.slug}),
        },
    )


@permission_required(Perm.MANAGE_WORKSHOPS)
@require_POST
def resource_delete(request: HttpRequest, slug: str, resource_pk: int) -> HttpResponse:
    series = _managed_series(request, slug)
    resource = get_object_or_404(SeriesResource, pk=resource_pk, series=series)
    resource.series = series
    services.resource_remove(actor=request.user, resource=resource)
    messages.success(request, _("Resource removed."))
    return redirect("workshops:series_detail", slug=series.slug)


@require_GET
def resource_download(request: HttpRequest, slug: str, resource_pk: int) -> HttpResponse:
    """A resource's file, for whoever may see the series page (found the same way)."""
    series = _series_or_404(slug)
    resource = selectors.series_resource_file_get(series=series, pk=resource_pk)
    if resource is None:
        raise Http404
    return private_file_response(
        file=resource.file,
        download_name=resource.original_name,
        content_type=resource.content_type,
        inline_ok=True,
    )
