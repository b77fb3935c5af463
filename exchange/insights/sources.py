"""The texts a synthesis reads, from every app that holds some: workshop reflections (already
redacted when they were captured or imported), published examples, visible comments on
examples and "suggest a further improvement" texts after events (redacted here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from exchange.insights.models import SourceKind
from exchange_analysis import redact


@dataclass(frozen=True)
class SourceText:
    kind: str
    source_id: int
    text: str
    date: dt.date | None
    group: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.source_id)


def _day(moment: dt.datetime | None) -> dt.date | None:
    if moment is None:
        return None
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _parse_day(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value))


def _ids(sources: dict[str, Any], name: str) -> list[int] | None:
    ids = [int(i) for i in sources.get(name) or []]
    return ids or None


def reads_reflections(sources: dict[str, Any]) -> bool:
    return any(sources.get(name) for name in ("series", "workshops", "prompts"))


def _in_range(day: dt.date | None, date_from: dt.date | None, date_to: dt.date | None) -> bool:
    if day is None:
        return date_from is None and date_to is None
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def _redacted(text: str) -> str:
    return redact(text)[0]


def source_texts(sources: dict[str, Any], *, series_ids: list[int]) -> Iterator[SourceText]:
    """Every text the sources describe, redacted; the date range applies to every kind.

    Suggestions after events come from the events whose sessions held workshops of
    `series_ids` (the synthesis' series); from every event only when it reads no series, which
    only an administrator may create (services._sources_series).
    """
    date_from = _parse_day(sources.get("date_from"))
    date_to = _parse_day(sources.get("date_to"))
    if reads_reflections(sources):
        from exchange.workshops.selectors import reflection_list_for_synthesis

        rows = reflection_list_for_synthesis(
            series_ids=_ids(sources, "series"),
            workshop_ids=_ids(sources, "workshops"),
            prompt_ids=_ids(sources, "prompts"),
            date_from=date_from,
            date_to=date_to,
        ).values_list("pk", "text", "created_at", "group")
        for pk, text, created_at, group in rows.iterator(chunk_size=2000):
            yield SourceText(SourceKind.REFLECTION, pk, text, _day(created_at), group)
    if sources.get("examples"):
        from exchange.examples.models import Example, ExampleStatus

        examples = Example.objects.filter(status=ExampleStatus.PUBLISHED).values_list(
            "pk", "title", "summary", "what_changed", "published_at", "sector"
        )
        for pk, title, summary, what_changed, published_at, sector in examples.iterator():
            day = _day(published_at)
            if _in_range(day, date_from, date_to):
                text = _redacted(f"{title}. {summary}\n{what_changed}")
                yield SourceText(SourceKind.EXAMPLE, pk, text, day, sector)
    if sources.get("comments"):
        from exchange.conversation.models import Comment, CommentState
        from exchange.examples.models import Example

        comments = Comment.objects.filter(
            state=CommentState.VISIBLE, discussion__content_type__model=Example._meta.model_name
        ).values_list("pk", "body", "created_at")
        for pk, body, created_at in comments.iterator():
            day = _day(created_at)
            if _in_range(day, date_from, date_to):
                yield SourceText(SourceKind.COMMENT, pk, _redacted(body), day, "")
    if sources.get("improvements"):
        from exchange.events.models import Improvement

        suggestions = Improvement.objects.all()
        if series_ids:
            suggestions = suggestions.filter(
                session__event__sessions__workshops__series__in=series_ids
            ).distinct()
        improvements = suggestions.values_list("pk", "text", "created_at", "session__event__title")
        for pk, text, created_at, event_title in improvements.iterator():
            day = _day(created_at)
            if _in_range(day, date_from, date_to):
                yield SourceText(SourceKind.IMPROVEMENT, pk, _redacted(text), day, event_title)
