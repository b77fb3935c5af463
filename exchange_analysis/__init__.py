"""Exchange for Change analysis engine: themes, quotes, sentiment, change over time,
assisted coding and PII redaction. Pure Python; never imports Django or the web app."""

from exchange_analysis.engine import analyse
from exchange_analysis.model import ModelFormatError, ThemeModel
from exchange_analysis.results import (
    Assignment,
    DriftFinding,
    PeriodStat,
    Quote,
    SentimentSummary,
    Synthesis,
    Theme,
)
from exchange_analysis.sentiment import sentiment

__all__ = [
    "Assignment",
    "DriftFinding",
    "ModelFormatError",
    "PeriodStat",
    "Quote",
    "SentimentSummary",
    "Synthesis",
    "Theme",
    "ThemeModel",
    "analyse",
    "sentiment",
]
