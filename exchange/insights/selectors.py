"""Reads for syntheses: the facilitator's list and board, a theme's page, the public report.

Who may reach a synthesis, its themes, questions and unpublished report is decided here, once
(`synthesis_list_for_viewer`); views and services reach them only through these selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.http import Http404

from exchange.core.permissions import Perm
from exchange.insights import snapshots
from exchange.insights.models import Question, ReportVersion, Synthesis, SynthesisItem, Theme
from exchange.insights.trend import finding_sentence, period_label

QUOTES_ON_BOARD = 3


def may_run_syntheses(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(Perm.RUN_SYNTHESIS))


def sees_every_synthesis(user: Any) -> bool:
    """Administrators: they run syntheses and manage every series."""
    from exchange.workshops.selectors import manages_every_series

    return may_run_syntheses(user) and manages_every_series(user)


def synthesis_list_for_viewer(*, viewer: Any) -> QuerySet[Synthesis]:
    """The syntheses `viewer` may open, edit and publish: the one access rule for syntheses.

    A synthesis belongs to the facilitators of every series it reads (it holds their
    reflections, so someone on only one of the teams does not see the others'); one that reads
    no series belongs to the facilitator who created it. Administrators see all."""
    if not may_run_syntheses(viewer):
        return Synthesis.objects.none()
    syntheses = Synthesis.objects.all()
    if sees_every_synthesis(viewer):
        return syntheses
    links = Synthesis.series.through.objects.filter(synthesis_id=OuterRef("pk"))
    return syntheses.alias(
        has_series=Exists(links),
        has_foreign_series=Exists(links.exclude(workshopseries__facilitators=viewer)),
    ).filter(Q(has_series=True, has_foreign_series=False) | Q(has_series=False, created_by=viewer))


def synthesis_list(*, viewer: Any) -> QuerySet[Synthesis]:
    """The viewer's syntheses, newest first, for the facilitators' list."""
    return (
        synthesis_list_for_viewer(viewer=viewer)
        .annotate(theme_count=Count("themes", distinct=True))
        .order_by("-created_at", "-pk")
    )


def synthesis_may_be_managed_by(*, synthesis: Synthesis, viewer: Any) -> bool:
    return synthesis_list_for_viewer(viewer=viewer).filter(pk=synthesis.pk).exists()


def synthesis_get_for_viewer(*, viewer: Any, pk: int) -> Synthesis:
    """The synthesis, if `viewer` may manage it; Http404 otherwise (others' syntheses are not
    to be found, like anything else that is not theirs)."""
    synthesis = synthesis_list_for_viewer(viewer=viewer).filter(pk=pk).first()
    if synthesis is None:
        raise Http404
    return synthesis


def theme_get_for_viewer(*, viewer: Any, pk: int) -> Theme:
    theme = (
        Theme.objects.select_related("synthesis")
        .filter(pk=pk, synthesis__in=synthesis_list_for_viewer(viewer=viewer).values("pk"))
        .first()
    )
    if theme is None:
        raise Http404
    return theme


def question_get_for_viewer(*, viewer: Any, pk: int) -> Question:
    question = (
        Question.objects.select_related("theme", "theme__synthesis")
        .filter(pk=pk, theme__synthesis__in=synthesis_list_for_viewer(viewer=viewer).values("pk"))
        .first()
    )
    if question is None:
        raise Http404
    return question


def published_report_list() -> QuerySet[Synthesis]:
    """Published reports that have a publication to show, newest first, with the title and
    introduction of their last publication (`report_title`, `report_introduction`)."""
    latest = ReportVersion.objects.filter(synthesis=OuterRef("pk")).order_by("-number")
    return (
        Synthesis.objects.filter(is_published=True)
        .filter(Exists(latest))
        .annotate(
            report_title=Subquery(latest.annotate(v=KT("document__title")).values("v")[:1]),
            report_introduction=Subquery(
                latest.annotate(v=KT("document__introduction")).values("v")[:1]
            ),
            last_published_at=Subquery(latest.values("published_at")[:1]),
        )
        .order_by("-published_at", "-pk")
    )


def report_version_latest(*, synthesis: Synthesis) -> ReportVersion | None:
    """The last publication, without its data rows (`report_version_rows` reads those)."""
    return synthesis.versions.defer("rows").order_by("-number").first()


def report_version_rows(*, version: ReportVersion) -> list[list[Any]]:
    rows: list[list[Any]] = ReportVersion.objects.values_list("rows", flat=True).get(pk=version.pk)
    return rows


@dataclass
class ReportPage:
    """A report as one viewer may read it: the last published version, or (for the
    synthesis' team, before it is first published) a preview of the draft."""

    synthesis: Synthesis
    report: snapshots.Report
    version: ReportVersion | None

    @property
    def is_preview(self) -> bool:
        return self.version is None


def report_get_for_viewer(*, viewer: Any, slug: str, with_rows: bool = False) -> ReportPage:
    """Published reports are public and show their last published version; an unpublished one
    is previewed only by its synthesis' team and administrators. Http404 for anyone else."""
    synthesis = Synthesis.objects.filter(slug=slug).first()
    if synthesis is None:
        raise Http404
    if synthesis.is_published:
        version = report_version_latest(synthesis=synthesis)
        if version is not None:
            rows = report_version_rows(version=version) if with_rows else None
            return ReportPage(synthesis, snapshots.report_read(version.document, rows), version)
    if not synthesis_may_be_managed_by(synthesis=synthesis, viewer=viewer):
        raise Http404
    return report_preview(synthesis=synthesis, with_rows=with_rows)


def report_preview(*, synthesis: Synthesis, with_rows: bool = False) -> ReportPage:
    """The report as it would read if published now (for the synthesis' team only)."""
    rows = snapshots.report_rows(synthesis) if with_rows else None
    return ReportPage(
        synthesis, snapshots.report_read(snapshots.report_document(synthesis), rows), None
    )


def report_published_get(*, slug: str) -> Synthesis:
    """A published report (to comment on it); Http404 otherwise."""
    synthesis = published_report_list().filter(slug=slug).first()
    if synthesis is None:
        raise Http404
    return synthesis


def report_changes(*, synthesis: Synthesis) -> list[str] | None:
    """What publishing now would change for readers (None if never published)."""
    version = report_version_latest(synthesis=synthesis)
    if version is None:
        return None
    draft = snapshots.report_document(synthesis)
    return snapshots.report_changes(version.document, draft)


@dataclass
class ThemeView:
    theme: Theme
    quotes: list[SynthesisItem]
    questions: list[Question]
    prevalence: list[float]  # per period of the synthesis, for the sparkline
    counts: list[int]
    sentiments: list[float | None]
    findings: list[str]


@dataclass
class Board:
    synthesis: Synthesis
    themes: list[ThemeView]
    item_count: int
    periods: list[str]
    period_labels: list[str]
    findings: list[str]


def board(*, synthesis: Synthesis) -> Board:
    """Themes with their quotes, questions and trends, in three queries.

    The board shows the chosen quotes, or the engine's suggestions when none is chosen yet (the
    report, `snapshots.report_document`, shows only the chosen ones)."""
    quote_filter = Q(is_quote=True) | Q(is_suggested_quote=True)
    themes = list(
        synthesis.themes.prefetch_related(
            Prefetch(
                "items",
                queryset=SynthesisItem.objects.filter(quote_filter).order_by("-is_quote", "pk"),
                to_attr="quote_items",
            ),
            Prefetch("questions", queryset=Question.objects.order_by("position", "pk")),
        )
    )
    trend = synthesis.trend or {}
    periods: list[str] = trend.get("periods", [])
    labels = {theme.pk: theme.label for theme in themes}
    by_theme: dict[int, list[str]] = {}
    all_findings: list[str] = []
    for finding in trend.get("findings", []):
        label = labels.get(finding["theme"])
        if label is None:  # a theme merged away since the trend was computed
            continue
        sentence = finding_sentence(finding, label)
        by_theme.setdefault(finding["theme"], []).append(sentence)
        all_findings.append(sentence)
    views = []
    for theme in themes:
        series = trend.get("series", {}).get(str(theme.pk), [])
        chosen = [i for i in theme.quote_items if i.is_quote]
        quotes = chosen or theme.quote_items
        views.append(
            ThemeView(
                theme=theme,
                quotes=quotes[:QUOTES_ON_BOARD],
                questions=list(theme.questions.all()),
                prevalence=[p["prevalence"] for p in series],
                counts=[p["count"] for p in series],
                sentiments=[p["sentiment"] for p in series],
                findings=by_theme.get(theme.pk, []),
            )
        )
    return Board(
        synthesis=synthesis,
        themes=views,
        item_count=sum(t.size for t in themes),
        periods=periods,
        period_labels=[period_label(p) for p in periods],
        findings=all_findings,
    )


def theme_items(*, theme: Theme, weak_only: bool = False) -> QuerySet[SynthesisItem]:
    items = theme.items.order_by("-is_quote", "-is_suggested_quote", "-confidence", "pk")
    if weak_only:
        items = items.filter(is_weak=True)
    return items


def source_counts(*, synthesis: Synthesis) -> dict[str, int]:
    return {
        row["source_kind"]: row["n"]
        for row in synthesis.items.values("source_kind").annotate(n=Count("pk"))
    }
