"""Synthesis pages: facilitators run syntheses and edit their theme boards; everyone reads
published reports, downloads their PDF and data, and (signed in) comments on them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from exchange.conversation.views import comment_create_on
from exchange.core.permissions import Perm, permission_required
from exchange.insights import exports, selectors, services
from exchange.insights.forms import (
    MergeForm,
    MoveForm,
    QuestionForm,
    SplitForm,
    SynthesisCreateForm,
    SynthesisForm,
    ThemeForm,
)
from exchange.insights.models import RunMode, Synthesis, Theme
from exchange.insights.services import SynthesisError

PAGE_SIZE = 20
ITEMS_PAGE_SIZE = 50
# Seconds between reloads of the board while a run waits or runs (a meta refresh: no script).
REFRESH_SECONDS = 3


def _synthesis_or_404(request: HttpRequest, pk: int) -> Synthesis:
    return selectors.synthesis_get_for_viewer(viewer=request.user, pk=pk)


def _theme_or_404(request: HttpRequest, pk: int) -> Theme:
    return selectors.theme_get_for_viewer(viewer=request.user, pk=pk)


def _form_error(form: Any, error: SynthesisError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _board_url(synthesis: Synthesis) -> str:
    return reverse("insights:board", kwargs={"pk": synthesis.pk})


def _theme_url(theme: Theme) -> str:
    return reverse("insights:theme", kwargs={"pk": theme.pk})


# Public reports -----------------------------------------------------------------------------


def report_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_report_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/report_list.html",
        {"page_obj": page, "may_run": selectors.may_run_syntheses(request.user)},
    )


def _report_response(request: HttpRequest, page: selectors.ReportPage) -> HttpResponse:
    return render(request, "insights/report.html", exports.report_context(page=page))


def report(request: HttpRequest, slug: str) -> HttpResponse:
    """The last published version; before the first, a preview for the synthesis' team."""
    return _report_response(
        request, selectors.report_get_for_viewer(viewer=request.user, slug=slug)
    )


def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.report_get_for_viewer(viewer=request.user, slug=slug)
    response = HttpResponse(exports.report_pdf(page=page), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{page.synthesis.slug}.pdf"'
    return response


def report_data(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    page = selectors.report_get_for_viewer(viewer=request.user, slug=slug, with_rows=True)
    if fmt == "csv":
        response = HttpResponse(
            exports.items_csv(report=page.report), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.items_xlsx(report=page.report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{page.synthesis.slug}-data.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """Comment on a published report, with the conversation app's form and rules."""
    return comment_create_on(request, selectors.report_published_get(slug=slug))


# Facilitators: syntheses --------------------------------------------------------------------


@permission_required(Perm.RUN_SYNTHESIS)
def manage_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.synthesis_list(viewer=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "insights/manage_list.html", {"page_obj": page})


@permission_required(Perm.RUN_SYNTHESIS)
@require_http_methods(["GET", "POST"])
def synthesis_create(request: HttpRequest) -> HttpResponse:
    form = SynthesisCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            synthesis = services.synthesis_create(
                actor=request.user, title=form.cleaned_data["title"], sources=form.sources()
            )
        except SynthesisError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Synthesis created. Run it to find its themes."))
            return redirect(_board_url(synthesis))
    return render(
        request,
        "insights/synthesis_form.html",
        {"form": form, "synthesis": None},
        status=400 if form.errors else 200,
    )


@permission_required(Perm.RUN_SYNTHESIS)
@require_http_methods(["GET", "POST"])
def synthesis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    synthesis = _synthesis_or_404(request, pk)
    form = SynthesisForm.for_synthesis(synthesis, request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.synthesis_update(
                actor=request.user,
                synthesis=synthesis,
                title=data["title"],
                introduction=data["introduction"],
                method_note=data["method_note"],
                people_count=data["people_count"],
                sources=form.sources(),
            )
        except SynthesisError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Synthesis saved"))
            return redirect(_board_url(synthesis))
    return render(
        request,
        "insights/synthesis_form.html",
        {"form": form, "synthesis": synthesis},
        status=400 if form.errors else 200,
    )


@permission_required(Perm.RUN_SYNTHESIS)
def board(request: HttpRequest, pk: int) -> HttpResponse:
    synthesis = _synthesis_or_404(request, pk)
    data = selectors.board(synthesis=synthesis)
    return render(
        request,
        "insights/board.html",
        {
            "synthesis": synthesis,
            "board": data,
            "charts": exports.trend_charts(data),
            "merge_form": MergeForm(synthesis=synthesis),
            "may_run": services.synthesis_may_run(synthesis),
            "refresh_seconds": REFRESH_SECONDS if synthesis.is_busy else None,
            "counts": selectors.source_counts(synthesis=synthesis),
            "version": selectors.report_version_latest(synthesis=synthesis),
            "changes": selectors.report_changes(synthesis=synthesis),
        },
    )


@permission_required(Perm.RUN_SYNTHESIS)
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as it would read if the board were published now."""
    synthesis = _synthesis_or_404(request, pk)
    return _report_response(request, selectors.report_preview(synthesis=synthesis))


@permission_required(Perm.RUN_SYNTHESIS)
@require_http_methods(["GET", "POST"])
def synthesis_run(request: HttpRequest, pk: int) -> HttpResponse:
    """POST mode=incremental adds new texts at once; a full run over existing themes asks
    for confirmation first (GET shows the question, POST with confirm=yes runs it)."""
    synthesis = _synthesis_or_404(request, pk)
    has_themes = synthesis.themes.exists()
    mode = request.POST.get("mode", RunMode.FULL)
    if request.method == "GET" or (
        mode == RunMode.FULL and has_themes and request.POST.get("confirm") != "yes"
    ):
        return render(request, "insights/run_confirm.html", {"synthesis": synthesis})
    try:
        services.synthesis_run_request(actor=request.user, synthesis=synthesis, mode=mode)
    except SynthesisError as error:
        messages.error(request, str(error.message))
    return redirect(_board_url(synthesis))


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def theme_merge(request: HttpRequest, pk: int) -> HttpResponse:
    synthesis = _synthesis_or_404(request, pk)
    form = MergeForm(request.POST, synthesis=synthesis)
    if form.is_valid():
        try:
            theme = services.theme_merge(
                actor=request.user,
                synthesis=synthesis,
                theme_ids=[t.pk for t in form.cleaned_data["themes"]],
            )
        except SynthesisError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Themes merged into “%(label)s”") % {"label": theme.label})
    else:
        messages.error(request, _("Choose at least two themes to merge"))
    return redirect(_board_url(synthesis))


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def synthesis_publish(request: HttpRequest, pk: int) -> HttpResponse:
    synthesis = _synthesis_or_404(request, pk)
    try:
        if request.POST.get("publish") == "0":
            services.synthesis_unpublish(actor=request.user, synthesis=synthesis)
            messages.success(request, _("The report is no longer published"))
        else:
            was_published = synthesis.is_published
            before = selectors.report_version_latest(synthesis=synthesis)
            version = services.synthesis_publish(actor=request.user, synthesis=synthesis)
            if not was_published:
                messages.success(request, _("The report is published"))
            elif before is not None and version.pk == before.pk:
                messages.success(request, _("Nothing to publish: readers already see this"))
            else:
                messages.success(request, _("Changes published: readers now see them"))
    except SynthesisError as error:
        messages.error(request, str(error.message))
    return redirect(_board_url(synthesis))


# Facilitators: one theme --------------------------------------------------------------------


def _theme_page(
    request: HttpRequest,
    theme: Theme,
    *,
    form: ThemeForm | None = None,
    question_form: QuestionForm | None = None,
    move_error: str = "",
    status: int = 200,
) -> HttpResponse:
    weak_only = request.GET.get("weak") == "1"
    page = Paginator(
        selectors.theme_items(theme=theme, weak_only=weak_only), ITEMS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/theme.html",
        {
            "theme": theme,
            "synthesis": theme.synthesis,
            "form": form or ThemeForm(initial={"label": theme.label, "narrative": theme.narrative}),
            "question_form": question_form or QuestionForm(),
            "split_form": SplitForm(),
            "questions": list(theme.questions.all()),
            "other_themes": list(theme.synthesis.themes.exclude(pk=theme.pk)),
            "page_obj": page,
            "weak_only": weak_only,
            "move_error": move_error,
        },
        status=status,
    )


@permission_required(Perm.RUN_SYNTHESIS)
@require_http_methods(["GET", "POST"])
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_or_404(request, pk)
    if request.method == "GET":
        return _theme_page(request, theme)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.theme_update(
                actor=request.user,
                theme=theme,
                label=form.cleaned_data["label"],
                narrative=form.cleaned_data["narrative"],
            )
        except SynthesisError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Theme saved"))
            return redirect(_theme_url(theme))
    return _theme_page(request, theme, form=form, status=400)


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_or_404(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(actor=request.user, theme=theme, text=form.cleaned_data["text"])
        except SynthesisError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Question added"))
            return redirect(_theme_url(theme) + "#questions")
    return _theme_page(request, theme, question_form=form, status=400)


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for_viewer(viewer=request.user, pk=pk)
    theme = question.theme
    services.question_delete(actor=request.user, question=question)
    messages.success(request, _("Question removed"))
    return redirect(_theme_url(theme) + "#questions")


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def theme_split(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_or_404(request, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many themes to split it into"))
        return redirect(_theme_url(theme))
    try:
        parts = services.theme_split(
            actor=request.user, theme=theme, parts=form.cleaned_data["parts"]
        )
    except SynthesisError as error:
        messages.error(request, str(error.message))
        return redirect(_theme_url(theme))
    messages.success(
        request,
        _("Split into %(count)s themes: %(labels)s")
        % {"count": len(parts), "labels": ", ".join(f"“{t.label}”" for t in parts)},
    )
    return redirect(_board_url(theme.synthesis))


def _shown_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.POST.getlist("shown") if pk.isdigit()]


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def theme_quotes(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_or_404(request, pk)
    chosen = [int(v) for v in request.POST.getlist("quotes") if v.isdigit()]
    try:
        count = services.quotes_set(
            actor=request.user, theme=theme, shown_ids=_shown_ids(request), chosen_ids=chosen
        )
    except SynthesisError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Quotes saved: the report shows %(count)s") % {"count": count})
    back = request.POST.get("back", "")
    # Back to the page of texts the quotes were chosen on, never anywhere else.
    return redirect(back if back.startswith(_theme_url(theme)) else _theme_url(theme))


@permission_required(Perm.RUN_SYNTHESIS)
@require_POST
def theme_move(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme_or_404(request, pk)
    form = MoveForm(request.POST, theme=theme, item_ids=_shown_ids(request))
    if not form.is_valid():
        message = (
            _("Choose the texts to move")
            if "items" in form.errors
            else _("Choose a theme to move the texts to")
        )
        return _theme_page(request, theme, move_error=message, status=400)
    try:
        moved = services.items_move(
            actor=request.user,
            theme=theme,
            item_ids=form.cleaned_data["items"],
            to=form.cleaned_data["to"],
        )
    except SynthesisError as error:
        return _theme_page(request, theme, move_error=str(error.message), status=400)
    messages.success(
        request,
        _("%(count)s texts moved to “%(label)s”")
        % {"count": moved, "label": form.cleaned_data["to"].label},
    )
    return redirect(_theme_url(theme))
