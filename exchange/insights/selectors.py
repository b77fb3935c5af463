"""Reads for syntheses: the facilitator's list and board, a theme's page, the public report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from exchange.core.permissions import Perm
from exchange.insights.models import Question, Synthesis, SynthesisItem, Theme
from exchange.insights.trend import finding_sentence, period_label

QUOTES_ON_BOARD = 3
QUOTES_IN_REPORT = 6


def may_run_syntheses(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(Perm.RUN_SYNTHESIS))


def synthesis_list() -> QuerySet[Synthesis]:
    """Every synthesis, newest first, for facilitators."""
    return Synthesis.objects.annotate(theme_count=Count("themes", distinct=True)).order_by(
        "-created_at", "-pk"
    )


def published_report_list() -> QuerySet[Synthesis]:
    return Synthesis.objects.filter(is_published=True).order_by("-published_at", "-pk")


def synthesis_get(*, pk: int) -> Synthesis | None:
    return Synthesis.objects.filter(pk=pk).first()


def report_get(*, slug: str, viewer: Any) -> Synthesis | None:
    """A published report; facilitators may also preview an unpublished one."""
    synthesis = Synthesis.objects.filter(slug=slug).first()
    if synthesis is None:
        return None
    if synthesis.is_published or may_run_syntheses(viewer):
        return synthesis
    return None


def theme_get(*, pk: int) -> Theme | None:
    return Theme.objects.select_related("synthesis").filter(pk=pk).first()


def question_get(*, pk: int) -> Question | None:
    return Question.objects.select_related("theme", "theme__synthesis").filter(pk=pk).first()


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


def board(*, synthesis: Synthesis, published_quotes_only: bool = False) -> Board:
    """Themes with their quotes, questions and trends, in three queries.

    The board shows the chosen quotes, or the engine's suggestions when none is chosen yet;
    the report (`published_quotes_only`) shows only the chosen ones."""
    quote_filter = (
        Q(is_quote=True) if published_quotes_only else Q(is_quote=True) | Q(is_suggested_quote=True)
    )
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
        quotes = chosen if chosen or published_quotes_only else theme.quote_items
        views.append(
            ThemeView(
                theme=theme,
                quotes=quotes[: QUOTES_IN_REPORT if published_quotes_only else QUOTES_ON_BOARD],
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


def item_export_rows(*, synthesis: Synthesis) -> QuerySet[SynthesisItem]:
    return synthesis.items.select_related("theme").order_by("theme__position", "pk")


def source_counts(*, synthesis: Synthesis) -> dict[str, int]:
    return {
        row["source_kind"]: row["n"]
        for row in synthesis.items.values("source_kind").annotate(n=Count("pk"))
    }
