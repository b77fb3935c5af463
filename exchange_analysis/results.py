"""Plain result types returned by the engine. No behaviour beyond conversion to dicts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exchange_analysis.model import ThemeModel


@dataclass(frozen=True)
class Quote:
    index: int  # position of the text in the input list
    text: str
    sentiment: float


@dataclass(frozen=True)
class SentimentSummary:
    mean: float
    negative: int  # texts scored below -NEUTRAL_BAND
    neutral: int
    positive: int  # texts scored above +NEUTRAL_BAND


@dataclass(frozen=True)
class Theme:
    id: int
    label: str
    keywords: list[str]
    size: int
    quotes: list[Quote]
    sentiment: SentimentSummary
    parent: int | None = None  # id of the top-level theme for a sub-theme, None for a top-level one
    subthemes: list[Theme] = field(default_factory=list)


@dataclass(frozen=True)
class Assignment:
    index: int
    theme: int  # top-level theme id
    subtheme: int  # sub-theme id
    confidence: float  # cosine similarity to the sub-theme centre, clipped to [0, 1]
    weak_fit: bool  # assigned, but not a typical member (or nothing to go on, e.g. an empty text)
    sentiment: float  # in [-1, 1]


@dataclass(frozen=True)
class PeriodStat:
    period: str  # "2022-05" for months, "2022-W19" for ISO weeks
    theme: int  # top-level theme id
    count: int
    total: int  # texts in the period
    prevalence: float  # count / total
    mean_sentiment: float | None  # None when the theme has no text in the period


@dataclass(frozen=True)
class DriftFinding:
    theme: int
    label: str
    kind: str  # "prevalence" or "sentiment"
    direction: str  # "rose" or "fell"
    period_from: str
    period_to: str
    value_from: float
    value_to: float
    p_value: float
    q_value: float  # Benjamini-Hochberg adjusted
    sentence: str


@dataclass
class Synthesis:
    themes: list[Theme]  # top-level themes, each with its sub-themes, largest first
    assignments: list[Assignment]  # one per input text, in input order
    periods: list[PeriodStat]
    findings: list[DriftFinding]
    embedder: str
    seed: int
    model: ThemeModel | None = field(default=None, repr=False)

    @property
    def subthemes(self) -> list[Theme]:
        return [s for t in self.themes for s in t.subthemes]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the fitted model is left out: save it with ``model.save``)."""
        return {
            "embedder": self.embedder,
            "seed": self.seed,
            "themes": [dataclasses.asdict(t) for t in self.themes],
            "assignments": [dataclasses.asdict(a) for a in self.assignments],
            "periods": [dataclasses.asdict(p) for p in self.periods],
            "findings": [dataclasses.asdict(f) for f in self.findings],
        }
