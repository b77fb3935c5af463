"""The report as a page context, a PDF (WeasyPrint) and data files (CSV, XLSX), all read from
one document (`snapshots.Report`): the last published version, or the team's preview."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from exchange.core.spreadsheets import spreadsheet_safe
from exchange.insights import charts, selectors, snapshots
from exchange.insights.models import SourceKind

EXPORT_COLUMNS = ("theme", "text", "date", "group", "source", "sentiment", "weak_fit", "quote")


def _resources(series_ids: list[int]) -> list[tuple[Any, list[Any]]]:
    """Tools and resources of each series the synthesis read, as (series, resources)."""
    if not series_ids:
        return []
    from exchange.workshops.models import WorkshopSeries
    from exchange.workshops.selectors import series_resource_list

    out = []
    for series in WorkshopSeries.objects.filter(pk__in=series_ids).order_by("title", "pk"):
        resources = series_resource_list(series=series)
        if resources:
            out.append((series, resources))
    return out


def trend_charts(board: selectors.Board | snapshots.ReportBoard) -> dict[str, Any]:
    """The two change-over-time charts and the rows of their table alternative."""
    if len(board.periods) < 2:
        return {"show": False}
    labels = [view.theme.label for view in board.themes]
    prevalence = charts.trend_chart(
        chart_id="prevalence-chart",
        title=_("Share of texts in each theme, by period"),
        description=_("A line per theme, one point per period. The table below gives the figures."),
        period_labels=board.period_labels,
        series=[(view.theme.label, view.prevalence) for view in board.themes],
        low=0.0,
        high=max([max(v.prevalence or [0.0]) for v in board.themes] + [0.1]),
    )
    sentiment = charts.trend_chart(
        chart_id="sentiment-chart",
        title=_("Mean sentiment of each theme, by period"),
        description=_(
            "A line per theme from -1 (negative) to +1 (positive), one point per period. "
            "The table below gives the figures."
        ),
        period_labels=board.period_labels,
        series=[(view.theme.label, view.sentiments) for view in board.themes],
        low=-1.0,
        high=1.0,
        axis_format="signed",
    )
    rows = [
        {
            "label": view.theme.label,
            "cells": [
                {"count": c, "prevalence": round(p * 100), "sentiment": s}
                for c, p, s in zip(view.counts, view.prevalence, view.sentiments, strict=True)
            ],
        }
        for view in board.themes
    ]
    return {
        "show": True,
        "prevalence": prevalence,
        "sentiment": sentiment,
        "rows": rows,
        "period_labels": board.period_labels,
        "legend": [(label, charts.colour(n)) for n, label in enumerate(labels)],
    }


def report_context(*, page: selectors.ReportPage) -> dict[str, Any]:
    report = page.report
    board = report.board
    return {
        "synthesis": page.synthesis,
        "report": report,
        "version": page.version,
        "is_preview": page.is_preview,
        "board": board,
        "charts": trend_charts(board),
        "sparklines": [
            charts.sparkline(view.prevalence, label=view.theme.label, index=n)
            for n, view in enumerate(board.themes)
        ],
        "reflection_count": report.counts.get(SourceKind.REFLECTION, 0),
        "other_count": sum(n for kind, n in report.counts.items() if kind != SourceKind.REFLECTION),
        "resources": _resources(report.series_ids),
    }


def report_pdf(*, page: selectors.ReportPage) -> bytes:
    from weasyprint import HTML

    html = render_to_string("insights/report_pdf.html", report_context(page=page))
    return bytes(HTML(string=html).write_pdf())


def _rows(report: snapshots.Report) -> list[list[Any]]:
    kinds = dict(SourceKind.choices)
    return [
        [
            label,
            text,
            day,
            group,
            str(kinds.get(kind, kind)),
            sentiment,
            "yes" if is_weak else "no",
            "yes" if is_quote else "no",
        ]
        for label, text, day, group, kind, sentiment, is_weak, is_quote in report.rows
    ]


def items_csv(*, report: snapshots.Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in _rows(report):
        writer.writerow([spreadsheet_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def items_xlsx(*, report: snapshots.Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    themes = book.create_sheet(_("Themes"))
    themes.append(["theme", "texts", "mean sentiment", "narrative", "questions"])
    for theme in report.themes:
        themes.append(
            [
                spreadsheet_safe(theme["label"]),
                theme["size"],
                round(theme["sentiment_mean"], 3),
                spreadsheet_safe(theme["narrative"]),
                spreadsheet_safe("\n".join(theme["questions"])),
            ]
        )
    texts = book.create_sheet(_("Texts"))
    texts.append(list(EXPORT_COLUMNS))
    for row in _rows(report):
        texts.append([spreadsheet_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
