"""Exchange for Change analysis engine: themes, quotes, sentiment, change over time,
assisted coding and PII redaction. Pure Python; never imports Django or the web app."""

from exchange_analysis.coder import Coder, train_coder
from exchange_analysis.engine import analyse
from exchange_analysis.model import ModelFormatError, ThemeModel
from exchange_analysis.pii import Finding, redact
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
from exchange_analysis.spc import SpcChart, anhoej, xmr

__all__ = [
    "Assignment",
    "Coder",
    "DriftFinding",
    "Finding",
    "ModelFormatError",
    "PeriodStat",
    "Quote",
    "SentimentSummary",
    "SpcChart",
    "Synthesis",
    "Theme",
    "ThemeModel",
    "analyse",
    "anhoej",
    "redact",
    "sentiment",
    "train_coder",
    "xmr",
]
