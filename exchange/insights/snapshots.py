"""A synthesis' report as data: the document a publication stores, how a page, a PDF or a data
file reads one, and what changed between two of them.

A `ReportVersion` holds everything the published report shows (`report_document`), so that
no edit on the board reaches readers before the facilitator presses "Publish changes". Words
that depend on the reader's language (period names, statements of shifts, source kinds) are
kept as codes and translated when the document is read.

`report_document` reaches the synthesis' themes, items and questions only through its own
relations, never through imported model classes, so that a migration can run it on the
historical models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from exchange.insights.trend import finding_sentence, period_label

DOCUMENT_FORMAT = 1
QUOTES_IN_REPORT = 6


def report_document(synthesis: Any) -> dict[str, Any]:
    """Everything the report page and its PDF show, from the synthesis as it is now (the data
    files' texts are `report_rows`, kept apart so that the page never loads them)."""
    theme_model = type(synthesis)._meta.get_field("themes").related_model
    question_model = theme_model._meta.get_field("questions").related_model
    themes = list(synthesis.themes.order_by("position", "pk"))
    quotes: dict[int, list[str]] = {}
    for theme_id, text in (
        synthesis.items.filter(is_quote=True, theme__isnull=False)
        .values_list("theme_id", "text")
        .order_by("pk")
    ):
        quotes.setdefault(theme_id, []).append(text)
    questions: dict[int, list[str]] = {}
    for theme_id, text in (
        question_model.objects.filter(theme__synthesis=synthesis)
        .order_by("position", "pk")
        .values_list("theme_id", "text")
    ):
        questions.setdefault(theme_id, []).append(text)
    trend = synthesis.trend or {}
    series = trend.get("series", {})
    theme_ids = {theme.pk for theme in themes}
    document: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "title": synthesis.title,
        "introduction": synthesis.introduction,
        "method_note": synthesis.method_note,
        "people_count": synthesis.people_count,
        "series": sorted(synthesis.series.values_list("pk", flat=True)),
        "counts": {
            row["source_kind"]: row["n"]
            for row in synthesis.items.values("source_kind").annotate(n=Count("pk"))
        },
        "periods": list(trend.get("periods", [])),
        "findings": [f for f in trend.get("findings", []) if f.get("theme") in theme_ids],
        "themes": [
            {
                "id": theme.pk,
                "label": theme.label,
                "narrative": theme.narrative,
                "size": theme.size,
                "sentiment_mean": theme.sentiment_mean,
                "quotes": quotes.get(theme.pk, [])[:QUOTES_IN_REPORT],
                "questions": questions.get(theme.pk, []),
                "trend": [
                    [p["count"], p["prevalence"], p["sentiment"]]
                    for p in series.get(str(theme.pk), [])
                ],
            }
            for theme in themes
        ],
    }
    return document


def report_rows(synthesis: Any) -> list[list[Any]]:
    """Every text of the synthesis as the data files (CSV, XLSX) give it, theme by theme."""
    return [
        [
            label or "",
            text,
            day.isoformat() if day else "",
            group,
            kind,
            round(sentiment, 3),
            is_weak,
            is_quote,
        ]
        for label, text, day, group, kind, sentiment, is_weak, is_quote in (
            synthesis.items.order_by("theme__position", "pk")
            .values_list(
                "theme__label",
                "text",
                "date",
                "group",
                "source_kind",
                "sentiment",
                "is_weak",
                "is_quote",
            )
            .iterator(chunk_size=2000)
        )
    ]


# Reading a document ---------------------------------------------------------------------------


@dataclass
class ReportTheme:
    pk: int
    label: str
    narrative: str
    size: int
    sentiment_mean: float


@dataclass
class ReportText:
    text: str


@dataclass
class ReportThemeView:
    """What `_report_body.html` and the trend charts read of one theme (as `selectors.ThemeView`)."""

    theme: ReportTheme
    quotes: list[ReportText]
    questions: list[ReportText]
    prevalence: list[float]
    counts: list[int]
    sentiments: list[float | None]
    findings: list[str] = field(default_factory=list)


@dataclass
class ReportBoard:
    themes: list[ReportThemeView]
    periods: list[str]
    period_labels: list[str]
    findings: list[str]


@dataclass
class Report:
    """A document as the report's templates read it."""

    title: str
    introduction: str
    method_note: str
    people_count: int | None
    series_ids: list[int]
    counts: dict[str, int]
    board: ReportBoard
    rows: list[list[Any]]
    themes: list[dict[str, Any]]


def report_read(document: dict[str, Any], rows: list[list[Any]] | None = None) -> Report:
    """The document (and the data files' rows, when they are wanted), with its periods and
    shifts put into the reader's language."""
    labels = {theme["id"]: theme["label"] for theme in document["themes"]}
    by_theme: dict[int, list[str]] = {}
    findings = []
    for finding in document.get("findings", []):
        label = labels.get(finding["theme"])
        if label is None:
            continue
        sentence = finding_sentence(finding, label)
        by_theme.setdefault(finding["theme"], []).append(sentence)
        findings.append(sentence)
    views = [
        ReportThemeView(
            theme=ReportTheme(
                pk=theme["id"],
                label=theme["label"],
                narrative=theme["narrative"],
                size=theme["size"],
                sentiment_mean=theme["sentiment_mean"],
            ),
            quotes=[ReportText(text) for text in theme["quotes"]],
            questions=[ReportText(text) for text in theme["questions"]],
            counts=[point[0] for point in theme["trend"]],
            prevalence=[point[1] for point in theme["trend"]],
            sentiments=[point[2] for point in theme["trend"]],
            findings=by_theme.get(theme["id"], []),
        )
        for theme in document["themes"]
    ]
    periods = list(document.get("periods", []))
    return Report(
        title=document["title"],
        introduction=document["introduction"],
        method_note=document["method_note"],
        people_count=document["people_count"],
        series_ids=list(document.get("series", [])),
        counts=dict(document.get("counts", {})),
        board=ReportBoard(
            themes=views,
            periods=periods,
            period_labels=[period_label(p) for p in periods],
            findings=findings,
        ),
        rows=rows or [],
        themes=list(document["themes"]),
    )


# What changed -------------------------------------------------------------------------------


def _shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def report_changes(published: dict[str, Any], draft: dict[str, Any]) -> list[str]:
    """What a reader would see change if the draft were published, one sentence per change,
    in the reader's language. Empty when the draft shows what is published."""
    changes: list[str] = []
    for name, sentence in (
        ("title", _("The title changed")),
        ("introduction", _("The introduction changed")),
        ("method_note", _("The method note changed")),
        ("people_count", _("The number of people who took part changed")),
    ):
        if published.get(name) != draft.get(name):
            changes.append(sentence)
    before = {theme["id"]: theme for theme in published["themes"]}
    after = {theme["id"]: theme for theme in draft["themes"]}
    for theme in draft["themes"]:
        old = before.get(theme["id"])
        label = theme["label"]
        if old is None:
            changes.append(_("Theme added: “%(label)s”") % {"label": label})
            continue
        if old["label"] != label:
            changes.append(
                _("Theme renamed: “%(old)s” is now “%(new)s”") % {"old": old["label"], "new": label}
            )
        if old["narrative"] != theme["narrative"]:
            changes.append(_("“%(label)s”: narrative changed") % {"label": label})
        if old["size"] != theme["size"]:
            changes.append(
                _("“%(label)s”: %(old)s texts, now %(new)s")
                % {"label": label, "old": old["size"], "new": theme["size"]}
            )
        if old["quotes"] != theme["quotes"]:
            changes.append(_("“%(label)s”: quotes changed") % {"label": label})
        if old["questions"] != theme["questions"]:
            changes.append(_("“%(label)s”: questions changed") % {"label": label})
    for theme in published["themes"]:
        if theme["id"] not in after:
            changes.append(_("Theme removed: “%(label)s”") % {"label": _shorten(theme["label"])})
    if [t["id"] for t in published["themes"] if t["id"] in after] != [
        t["id"] for t in draft["themes"] if t["id"] in before
    ]:
        changes.append(_("The order of the themes changed"))
    if not changes and published != draft:
        # The figures, the change over time or the sources read changed, and nothing above.
        changes.append(_("Figures of the report changed (texts read, change over time)"))
    return changes
