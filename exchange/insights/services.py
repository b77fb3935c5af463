"""Writes for syntheses: create, run (as a task), edit themes, write questions, publish.

Every change is written to the audit log in the transaction that made it. Theme sizes,
sentiment and the change over time are recomputed from the items after every change of
membership (`synthesis_stats_refresh`), so the board, the report and the exports agree.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exchange.core.permissions import Perm
from exchange.core.services import audit_log
from exchange.insights import selectors, snapshots
from exchange.insights.models import (
    Question,
    ReportVersion,
    RunMode,
    RunStatus,
    Synthesis,
    SynthesisItem,
    SynthesisModelFile,
    Theme,
)
from exchange.insights.sources import SourceText, source_texts
from exchange.insights.trend import trend_compute
from exchange_analysis import Assignment, ThemeModel, analyse

logger = logging.getLogger(__name__)

# Scores beyond this are counted as positive or negative on the board (the engine's scores are
# expected positivity in [-1, 1]; within the band a text reads as neutral).
SENTIMENT_BAND = 0.2
BULK_BATCH = 2000
MIN_SPLIT_ITEMS = 4
# A run that has been "running" this long lost its worker; it may be started again.
STALE_RUN = dt.timedelta(minutes=30)

# The engine's progress messages, and where each puts the bar (percent).
PROGRESS_STEPS = {
    "reading": (5, gettext_noop("Reading the texts")),
    "embedding": (15, gettext_noop("Reading the meaning of each text")),
    "scoring": (35, gettext_noop("Scoring sentiment")),
    "clustering": (45, gettext_noop("Grouping texts into themes")),
    "labelling": (70, gettext_noop("Naming the themes")),
    "choosing": (80, gettext_noop("Choosing quotes")),
    "measuring": (85, gettext_noop("Measuring change over time")),
    "assigning": (50, gettext_noop("Adding new texts to the existing themes")),
    "saving": (92, gettext_noop("Saving the themes")),
}


class SynthesisError(Exception):
    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def _check_facilitator(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(Perm.RUN_SYNTHESIS):
        raise SynthesisError(_("Only facilitators can do that"))


def _check_team(actor: Any, synthesis: Synthesis) -> None:
    """The actor is on the synthesis' team (or an administrator): the selectors' one rule."""
    _check_facilitator(actor)
    if not selectors.synthesis_may_be_managed_by(synthesis=synthesis, viewer=actor):
        raise PermissionDenied


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180] or "synthesis"
    slug, n = base, 1
    taken = Synthesis.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _sources_series(*, actor: Any, sources: dict[str, Any]) -> set[int]:
    """The series the sources read reflections of; each must be one the actor facilitates
    (administrators: any), whatever was posted."""
    from exchange.workshops.models import Prompt, Workshop, WorkshopSeries
    from exchange.workshops.selectors import manages_every_series, series_managed_by

    rows = {
        "series": WorkshopSeries.objects.filter(pk__in=sources["series"]).values_list("pk", "pk"),
        "workshops": Workshop.objects.filter(pk__in=sources["workshops"]).values_list(
            "pk", "series_id"
        ),
        "prompts": Prompt.objects.filter(pk__in=sources["prompts"]).values_list(
            "pk", "workshop__series_id"
        ),
    }
    found: dict[str, set[int]] = {}
    for name, pairs in rows.items():
        series_of = dict(pairs)
        # An id that names nothing yet could name someone else's series later.
        if set(series_of) != set(sources[name]):
            raise SynthesisError(
                _("Choose only workshop series and workshops you facilitate"),
                field="series" if name == "series" else "workshops",
            )
        found[name] = set(series_of.values())
    managed = set(
        series_managed_by(user=actor)
        .filter(pk__in=set().union(*found.values()))
        .values_list("pk", flat=True)
    )
    for name, series_ids in found.items():
        if not series_ids <= managed:
            raise SynthesisError(
                _("Choose only workshop series and workshops you facilitate"),
                field="series" if name == "series" else "workshops",
            )
    series_ids = set().union(*found.values())
    # Suggestions are read from the events that held the series' workshops (sources.py); with
    # no series that would be every event's, which only an administrator may read.
    if sources["improvements"] and not series_ids and not manages_every_series(actor):
        raise SynthesisError(
            _(
                "Suggestions after events are read from the events of your workshops: "
                "choose a workshop series or workshop too"
            ),
            field="improvements",
        )
    return series_ids


def _series_ids(synthesis: Synthesis) -> list[int]:
    return list(synthesis.series.values_list("pk", flat=True))


def _clean_sources(sources: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in ("series", "workshops", "prompts"):
        cleaned[name] = sorted({int(i) for i in sources.get(name) or []})
    for name in ("date_from", "date_to"):
        value = sources.get(name)
        cleaned[name] = value.isoformat() if isinstance(value, dt.date) else (value or None)
    for name in ("examples", "comments", "improvements"):
        cleaned[name] = bool(sources.get(name))
    if not any(
        cleaned[n]
        for n in ("series", "workshops", "prompts", *("examples", "comments", "improvements"))
    ):
        raise SynthesisError(_("Choose at least one source of texts"), field="series")
    if cleaned["date_from"] and cleaned["date_to"] and cleaned["date_from"] > cleaned["date_to"]:
        raise SynthesisError(_("The start date must be on or before the end date"), field="date_to")
    return cleaned


# Creating and describing ------------------------------------------------------------------


@transaction.atomic
def synthesis_create(
    *, actor: Any, title: str, sources: dict[str, Any], introduction: str = ""
) -> Synthesis:
    _check_facilitator(actor)
    title = title.strip()
    if not title:
        raise SynthesisError(_("Enter a title"), field="title")
    cleaned = _clean_sources(sources)
    series_ids = _sources_series(actor=actor, sources=cleaned)
    synthesis = Synthesis.objects.create(
        title=title,
        slug=_unique_slug(title),
        introduction=introduction.strip(),
        sources=cleaned,
        created_by=actor,
    )
    synthesis.series.set(series_ids)
    audit_log(actor=actor, action="synthesis.create", target=synthesis, sources=synthesis.sources)
    return synthesis


@transaction.atomic
def synthesis_update(
    *,
    actor: Any,
    synthesis: Synthesis,
    title: str,
    introduction: str,
    method_note: str,
    people_count: int | None,
    sources: dict[str, Any] | None = None,
) -> Synthesis:
    """Change what the report says about itself (and, before the next run, what it reads)."""
    _check_team(actor, synthesis)
    title = title.strip()
    if not title:
        raise SynthesisError(_("Enter a title"), field="title")
    synthesis.title = title
    synthesis.introduction = introduction.strip()
    synthesis.method_note = method_note.strip()
    synthesis.people_count = people_count
    series_ids = None
    if sources is not None:
        cleaned = _clean_sources(sources)
        if cleaned != synthesis.sources:
            # Unchanged sources stay as they are even if they hold series this member does
            # not facilitate (an administrator chose them); changed ones are checked.
            series_ids = _sources_series(actor=actor, sources=cleaned)
        synthesis.sources = cleaned
    synthesis.save()
    if series_ids is not None:
        synthesis.series.set(series_ids)
    audit_log(actor=actor, action="synthesis.update", target=synthesis)
    return synthesis


# Running ------------------------------------------------------------------------------------


def synthesis_may_run(synthesis: Synthesis) -> bool:
    if synthesis.status == RunStatus.QUEUED:
        return False
    if synthesis.status == RunStatus.RUNNING:
        started = synthesis.run_started_at
        return started is None or timezone.now() - started > STALE_RUN
    return True


@transaction.atomic
def synthesis_run_request(*, actor: Any, synthesis: Synthesis, mode: str) -> Synthesis:
    """Queue a run: `full` finds themes from scratch (the facilitator's edits are replaced),
    `incremental` adds new texts to the existing themes and removes texts whose source was
    hidden or deleted. Asking again while a run waits or runs changes nothing."""
    _check_team(actor, synthesis)
    if mode not in RunMode.values:
        raise SynthesisError(_("Choose how to run the synthesis"))
    synthesis = Synthesis.objects.select_for_update().get(pk=synthesis.pk)
    if not synthesis_may_run(synthesis):
        return synthesis
    if mode == RunMode.INCREMENTAL and not synthesis.model_files.exists():
        mode = RunMode.FULL
    synthesis.status = RunStatus.QUEUED
    synthesis.run_mode = mode
    synthesis.progress = 0
    synthesis.progress_message = gettext_noop("Waiting to start")
    synthesis.error = ""
    synthesis.save()
    audit_log(actor=actor, action="synthesis.run", target=synthesis, mode=mode)
    from exchange.insights.tasks import synthesis_run_task

    pk = synthesis.pk
    transaction.on_commit(lambda: synthesis_run_task.enqueue(synthesis_id=pk))
    return synthesis


def _progress(synthesis_id: int, step: str) -> None:
    percent, message = PROGRESS_STEPS[step]
    # Outside the run's transaction, so that the page polling the status sees it at once.
    Synthesis.objects.filter(pk=synthesis_id).update(progress=percent, progress_message=message)


def _engine_progress(synthesis_id: int) -> Callable[[str], None]:
    def report(message: str) -> None:
        step = message.split(" ", 1)[0]
        if step in PROGRESS_STEPS:
            _progress(synthesis_id, step)

    return report


def synthesis_run(*, synthesis_id: int) -> str:
    """The task's work. Claims the queued run (a second delivery of the task finds nothing
    queued and stops), runs the engine outside any transaction, then writes the result in one.
    Returns the final status."""
    with transaction.atomic():
        synthesis = Synthesis.objects.select_for_update().filter(pk=synthesis_id).first()
        if synthesis is None or synthesis.status != RunStatus.QUEUED:
            return synthesis.status if synthesis else "missing"
        synthesis.status = RunStatus.RUNNING
        synthesis.run_started_at = timezone.now()
        synthesis.progress, synthesis.progress_message = PROGRESS_STEPS["reading"]
        synthesis.save(update_fields=["status", "run_started_at", "progress", "progress_message"])
    try:
        texts = list(source_texts(synthesis.sources, series_ids=_series_ids(synthesis)))
        if synthesis.run_mode == RunMode.INCREMENTAL:
            _run_incremental(synthesis, texts)
        else:
            _run_full(synthesis, texts)
    except Exception as error:
        logger.exception("synthesis %s failed", synthesis_id)
        if isinstance(error, SynthesisError):
            reason = str(error.message)
        else:
            reason = _("The analysis stopped with an error (%(error)s).") % {
                "error": f"{type(error).__name__}: {error}"
            }
        Synthesis.objects.filter(pk=synthesis_id).update(
            status=RunStatus.FAILED,
            error=reason[:2000],
            run_finished_at=timezone.now(),
        )
        return RunStatus.FAILED
    return RunStatus.READY


def _finish(synthesis: Synthesis, **counts: int) -> None:
    synthesis_stats_refresh(synthesis=synthesis)
    Synthesis.objects.filter(pk=synthesis.pk).update(
        status=RunStatus.READY,
        progress=100,
        progress_message=gettext_noop("Ready"),
        run_finished_at=timezone.now(),
    )
    audit_log(actor=None, action="synthesis.ready", target=synthesis, **counts)


def _model_files_save(synthesis: Synthesis, model: ThemeModel) -> None:
    SynthesisModelFile.objects.filter(synthesis=synthesis).delete()
    with tempfile.TemporaryDirectory() as directory:
        model.save(directory)
        SynthesisModelFile.objects.bulk_create(
            SynthesisModelFile(synthesis=synthesis, name=path.name, content=path.read_bytes())
            for path in sorted(Path(directory).iterdir())
        )


def _model_load(synthesis: Synthesis) -> ThemeModel:
    with tempfile.TemporaryDirectory() as directory:
        for name, content in synthesis.model_files.values_list("name", "content"):
            # The names are the engine's own (model.json, *.npy); never a path from elsewhere.
            (Path(directory) / Path(name).name).write_bytes(bytes(content))
        return ThemeModel.load(directory)


def _item(
    synthesis: Synthesis, text: SourceText, a: Assignment, *, theme_id: int | None, quoted: bool
) -> SynthesisItem:
    return SynthesisItem(
        synthesis=synthesis,
        source_kind=text.kind,
        source_id=text.source_id,
        text=text.text,
        date=text.date,
        group=text.group[:200],
        theme_id=theme_id,
        subtheme=a.subtheme,
        confidence=a.confidence,
        is_weak=a.weak_fit,
        sentiment=a.sentiment,
        is_suggested_quote=quoted,
        is_quote=quoted,
    )


def _run_full(synthesis: Synthesis, texts: list[SourceText]) -> None:
    if not texts:
        raise SynthesisError(_("The sources you chose hold no texts yet"))
    result = analyse(
        [t.text for t in texts],
        [t.date for t in texts],
        progress=_engine_progress(synthesis.pk),
    )
    _progress(synthesis.pk, "saving")
    quoted = {q.index for theme in result.themes for q in theme.quotes}
    with transaction.atomic():
        synthesis.items.all().delete()
        synthesis.themes.all().delete()
        themes = Theme.objects.bulk_create(
            Theme(
                synthesis=synthesis,
                label=theme.label[:200],
                keywords=theme.keywords,
                position=position,
            )
            for position, theme in enumerate(result.themes)
        )
        by_engine_id = {theme.id: row for theme, row in zip(result.themes, themes, strict=True)}
        SynthesisItem.objects.bulk_create(
            (
                _item(
                    synthesis, text, a, theme_id=by_engine_id[a.theme].pk, quoted=a.index in quoted
                )
                for text, a in zip(texts, result.assignments, strict=True)
            ),
            batch_size=BULK_BATCH,
        )
        assert result.model is not None
        _model_files_save(synthesis, result.model)
        _finish(synthesis, items=len(texts), themes=len(themes))


def _run_incremental(synthesis: Synthesis, texts: list[SourceText]) -> None:
    wanted = {t.key: t for t in texts}
    existing = set(synthesis.items.values_list("source_kind", "source_id"))
    new = [t for key, t in wanted.items() if key not in existing]
    gone = [key for key in existing if key not in wanted]
    model = _model_load(synthesis)
    _progress(synthesis.pk, "assigning")
    assignments = model.assign([t.text for t in new])
    _progress(synthesis.pk, "saving")
    with transaction.atomic():
        for kind in {kind for kind, _ in gone}:
            synthesis.items.filter(
                source_kind=kind, source_id__in=[pk for k, pk in gone if k == kind]
            ).delete()
        theme_of_subtheme = _theme_of_subtheme(synthesis)
        largest = synthesis.themes.annotate(n=Count("items")).order_by("-n", "pk").first()
        if new and largest is None:
            raise SynthesisError(_("This synthesis has no themes: run it from scratch"))
        SynthesisItem.objects.bulk_create(
            (
                _item(
                    synthesis,
                    text,
                    a,
                    theme_id=theme_of_subtheme.get(a.subtheme, largest.pk if largest else None),
                    quoted=False,
                )
                for text, a in zip(new, assignments, strict=True)
            ),
            batch_size=BULK_BATCH,
        )
        _finish(synthesis, added=len(new), removed=len(gone))


def _theme_of_subtheme(synthesis: Synthesis) -> dict[int, int]:
    """Where the facilitator's edits put each engine sub-theme: the theme holding most of its
    items now. New texts of that sub-theme go there, so merges, splits and moves carry over."""
    counts: dict[int, Counter[int]] = {}
    rows = (
        synthesis.items.filter(theme__isnull=False)
        .values_list("subtheme", "theme_id")
        .annotate(n=Count("pk"))
    )
    for subtheme, theme_id, n in rows:
        counts.setdefault(subtheme, Counter())[theme_id] += n
    return {sub: counter.most_common(1)[0][0] for sub, counter in counts.items()}


def synthesis_stats_refresh(*, synthesis: Synthesis) -> None:
    """Theme sizes and sentiment, and the change over time, from the items as they are now."""
    themes = list(synthesis.themes.all())
    stats = {
        row["theme"]: row
        for row in synthesis.items.values("theme").annotate(
            size=Count("pk"),
            mean=Avg("sentiment"),
            negative=Count("pk", filter=Q(sentiment__lt=-SENTIMENT_BAND)),
            positive=Count("pk", filter=Q(sentiment__gt=SENTIMENT_BAND)),
        )
    }
    for theme in themes:
        row = stats.get(theme.pk, {"size": 0, "mean": 0.0, "negative": 0, "positive": 0})
        theme.size = row["size"]
        theme.sentiment_mean = float(row["mean"] or 0.0)
        theme.sentiment_negative = row["negative"]
        theme.sentiment_positive = row["positive"]
        theme.sentiment_neutral = row["size"] - row["negative"] - row["positive"]
    Theme.objects.bulk_update(
        themes,
        ["size", "sentiment_mean", "sentiment_negative", "sentiment_neutral", "sentiment_positive"],
    )
    rows = list(synthesis.items.values_list("theme_id", "date", "sentiment"))
    trend = trend_compute(rows, {theme.pk: theme.label for theme in themes})
    Synthesis.objects.filter(pk=synthesis.pk).update(trend=trend)
    synthesis.trend = trend


# Editing themes -----------------------------------------------------------------------------


def _check_editable(synthesis: Synthesis) -> None:
    if synthesis.is_busy:
        raise SynthesisError(_("Wait for the synthesis to finish running before editing it"))


@transaction.atomic
def theme_update(*, actor: Any, theme: Theme, label: str, narrative: str) -> Theme:
    """Rename a theme and write its narrative."""
    _check_team(actor, theme.synthesis)
    _check_editable(theme.synthesis)
    label = " ".join(label.split())
    if not label:
        raise SynthesisError(_("Enter a label for the theme"), field="label")
    old = theme.label
    theme.label = label[:200]
    theme.narrative = narrative.strip()
    theme.save(update_fields=["label", "narrative"])
    audit_log(actor=actor, action="theme.update", target=theme, label_from=old, label_to=label)
    if old != theme.label:
        synthesis_stats_refresh(synthesis=theme.synthesis)  # the shift statements name it
    return theme


@transaction.atomic
def theme_merge(*, actor: Any, synthesis: Synthesis, theme_ids: Sequence[int]) -> Theme:
    """Merge themes into the largest of them: its label and narrative stay, the others'
    items, quotes and questions join it."""
    _check_team(actor, synthesis)
    _check_editable(synthesis)
    themes = list(
        synthesis.themes.select_for_update().filter(pk__in=list(theme_ids)).order_by("-size", "pk")
    )
    if len(themes) < 2:
        raise SynthesisError(_("Choose at least two themes to merge"), field="themes")
    into, others = themes[0], themes[1:]
    other_ids = [t.pk for t in others]
    SynthesisItem.objects.filter(theme_id__in=other_ids).update(theme=into)
    offset = into.questions.count()
    questions = list(
        Question.objects.filter(theme_id__in=other_ids).order_by(
            "theme__position", "position", "pk"
        )
    )
    for n, question in enumerate(questions):
        question.theme = into
        question.position = offset + n
    Question.objects.bulk_update(questions, ["theme", "position"])
    labels = [t.label for t in others]
    Theme.objects.filter(pk__in=other_ids).delete()
    audit_log(actor=actor, action="theme.merge", target=into, merged=labels)
    synthesis_stats_refresh(synthesis=synthesis)
    into.refresh_from_db()
    return into


@transaction.atomic
def theme_split(*, actor: Any, theme: Theme, parts: int = 2) -> list[Theme]:
    """Find `parts` themes inside one (the engine runs on its texts alone). The first part
    keeps the theme, its narrative and questions; the others are new themes after it."""
    _check_team(actor, theme.synthesis)
    synthesis = theme.synthesis
    _check_editable(synthesis)
    if parts < 2:
        raise SynthesisError(_("Split a theme into at least two"), field="parts")
    items = list(theme.items.order_by("pk").only("pk", "text", "date"))
    if len(items) < max(MIN_SPLIT_ITEMS, parts * 2):
        raise SynthesisError(_("This theme has too few texts to split"))
    result = analyse([i.text for i in items], [i.date for i in items], n_themes=parts)
    if len(result.themes) < 2:
        raise SynthesisError(_("The texts of this theme could not be told apart"))
    later = synthesis.themes.filter(position__gt=theme.position)
    for row in later:
        row.position += len(result.themes) - 1
    Theme.objects.bulk_update(list(later), ["position"])
    new_themes = Theme.objects.bulk_create(
        Theme(
            synthesis=synthesis,
            label=found.label[:200],
            keywords=found.keywords,
            position=theme.position + n,
        )
        for n, found in enumerate(result.themes[1:], start=1)
    )
    target = {result.themes[0].id: theme}
    target.update({found.id: row for found, row in zip(result.themes[1:], new_themes, strict=True)})
    quoted = {q.index for found in result.themes for q in found.quotes}
    for item, a in zip(items, result.assignments, strict=True):
        item.theme = target[a.theme]
        item.is_suggested_quote = a.index in quoted
    SynthesisItem.objects.bulk_update(items, ["theme", "is_suggested_quote"], batch_size=BULK_BATCH)
    audit_log(
        actor=actor,
        action="theme.split",
        target=theme,
        into=[theme.label, *(t.label for t in new_themes)],
    )
    synthesis_stats_refresh(synthesis=synthesis)
    return [theme, *new_themes]


@transaction.atomic
def items_move(*, actor: Any, theme: Theme, item_ids: Sequence[int], to: Theme) -> int:
    """Move items of one theme to another theme of the same synthesis. Returns how many moved."""
    _check_team(actor, theme.synthesis)
    _check_editable(theme.synthesis)
    if to.synthesis_id != theme.synthesis_id:
        raise SynthesisError(_("Choose a theme of this synthesis"), field="to")
    if not item_ids:
        raise SynthesisError(_("Choose the texts to move"), field="items")
    if to.pk == theme.pk:
        raise SynthesisError(_("Choose a different theme to move the texts to"), field="to")
    moved = SynthesisItem.objects.filter(theme=theme, pk__in=list(item_ids)).update(theme=to)
    audit_log(actor=actor, action="theme.items_move", target=theme, to=to.label, count=moved)
    synthesis_stats_refresh(synthesis=theme.synthesis)
    return moved


@transaction.atomic
def quotes_set(
    *, actor: Any, theme: Theme, shown_ids: Sequence[int], chosen_ids: Sequence[int]
) -> int:
    """Of the items shown (`shown_ids`), publish the chosen ones as quotes and no others.
    Returns how many quotes the theme has now."""
    _check_team(actor, theme.synthesis)
    _check_editable(theme.synthesis)
    shown = theme.items.filter(pk__in=list(shown_ids))
    chosen = set(chosen_ids)
    shown.filter(pk__in=chosen).update(is_quote=True)
    shown.exclude(pk__in=chosen).update(is_quote=False)
    count = theme.items.filter(is_quote=True).count()
    audit_log(actor=actor, action="theme.quotes_set", target=theme, quotes=count)
    return count


@transaction.atomic
def question_add(*, actor: Any, theme: Theme, text: str) -> Question:
    """Add a "Building from here" question to a theme."""
    _check_team(actor, theme.synthesis)
    text = " ".join(text.split())
    if not text:
        raise SynthesisError(_("Enter a question"), field="text")
    question = Question.objects.create(theme=theme, text=text, position=theme.questions.count())
    audit_log(actor=actor, action="question.add", target=theme, text=text)
    return question


@transaction.atomic
def question_delete(*, actor: Any, question: Question) -> None:
    _check_team(actor, question.theme.synthesis)
    theme = question.theme
    audit_log(actor=actor, action="question.delete", target=theme, text=question.text)
    question.delete()


# Publishing ---------------------------------------------------------------------------------


@transaction.atomic
def synthesis_publish(*, actor: Any, synthesis: Synthesis) -> ReportVersion:
    """Publish the report as it is now ("Publish changes" once it is published): a new
    `ReportVersion` holding everything readers see, until the next one. Edits on the board in
    between are a draft. Publishing again with nothing changed adds no version."""
    _check_team(actor, synthesis)
    # Two presses at once make one version each, numbered in turn.
    locked = Synthesis.objects.select_for_update().get(pk=synthesis.pk)
    synthesis.status, synthesis.published_at = locked.status, locked.published_at
    if synthesis.status != RunStatus.READY or not synthesis.themes.exists():
        raise SynthesisError(_("Run the synthesis before publishing it"))
    latest = synthesis.versions.order_by("-number").first()
    document = snapshots.report_document(synthesis)
    rows = snapshots.report_rows(synthesis)
    now = timezone.now()
    if latest is not None and latest.document == document and latest.rows == rows:
        version = latest
    else:
        version = ReportVersion.objects.create(
            synthesis=synthesis,
            number=latest.number + 1 if latest else 1,
            document=document,
            rows=rows,
            published_at=now,
            published_by=actor,
        )
    synthesis.is_published = True
    synthesis.published_at = synthesis.published_at or now
    synthesis.save(update_fields=["is_published", "published_at", "updated_at"])
    audit_log(actor=actor, action="synthesis.publish", target=synthesis, version=version.number)
    return version


@transaction.atomic
def synthesis_unpublish(*, actor: Any, synthesis: Synthesis) -> Synthesis:
    _check_team(actor, synthesis)
    synthesis.is_published = False
    synthesis.save(update_fields=["is_published"])
    audit_log(actor=actor, action="synthesis.unpublish", target=synthesis)
    return synthesis
