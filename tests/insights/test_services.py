import datetime as dt

import pytest
from django.utils import timezone

from exchange.conversation.models import CommentState
from exchange.core.models import AuditEntry
from exchange.events.models import Improvement
from exchange.insights import services
from exchange.insights.models import RunStatus, SourceKind, Synthesis, SynthesisItem
from exchange.insights.services import SynthesisError
from exchange.insights.trend import finding_sentence, trend_compute
from exchange.workshops.models import Reflection
from tests.conversation.factories import CommentFactory, DiscussionFactory
from tests.events.factories import SessionFactory
from tests.factories import FacilitatorFactory, PublishedExampleFactory, UserFactory
from tests.insights.factories import (
    prompt_create,
    reflections_create,
    run_synthesis,
    series_create,
    synthesis_with_reflections,
    workshop_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator():
    return FacilitatorFactory()


def test_run_end_to_end_stores_themes_items_and_model(facilitator):
    synthesis = synthesis_with_reflections(facilitator)

    assert synthesis.status == RunStatus.READY
    assert synthesis.progress == 100
    assert synthesis.items.count() == 80
    assert not synthesis.items.filter(theme__isnull=True).exists()
    themes = list(synthesis.themes.all())
    assert len(themes) >= 2
    assert sum(t.size for t in themes) == 80
    assert synthesis.items.filter(is_quote=True).exists()
    assert set(synthesis.model_files.values_list("name", flat=True)) >= {
        "model.json",
        "centres.npy",
    }
    assert synthesis.trend["periods"] == ["2026-05", "2026-06", "2026-07", "2026-08"]
    assert AuditEntry.objects.filter(action="synthesis.ready", target_id=str(synthesis.pk)).exists()


def test_running_twice_is_idempotent(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    item_ids = set(synthesis.items.values_list("pk", flat=True))

    assert services.synthesis_run(synthesis_id=synthesis.pk) == RunStatus.READY

    assert set(synthesis.items.values_list("pk", flat=True)) == item_ids


def test_asking_again_while_queued_changes_nothing(facilitator):
    synthesis = synthesis_with_reflections(facilitator, run=False)
    Synthesis.objects.filter(pk=synthesis.pk).update(status=RunStatus.QUEUED)

    run_synthesis(facilitator, synthesis, "full")
    assert synthesis.status == RunStatus.QUEUED
    assert not synthesis.items.exists()


def test_a_run_without_texts_fails_clearly_and_can_be_retried(facilitator):
    series = series_create()
    series.facilitators.add(facilitator)
    prompt = prompt_create(workshop_create(series))
    synthesis = services.synthesis_create(
        actor=facilitator, title="Empty", sources={"series": [series.pk]}
    )
    run_synthesis(facilitator, synthesis, "full")
    assert synthesis.status == RunStatus.FAILED
    assert synthesis.error == "The sources you chose hold no texts yet"

    reflections_create(prompt, per_topic=10)
    run_synthesis(facilitator, synthesis, "full")
    assert synthesis.status == RunStatus.READY
    assert synthesis.error == ""


def test_an_engine_error_is_recorded(facilitator, monkeypatch):
    synthesis = synthesis_with_reflections(facilitator, run=False)

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(services, "analyse", broken)
    run_synthesis(facilitator, synthesis, "full")
    assert synthesis.status == RunStatus.FAILED
    assert "MemoryError: out of memory" in synthesis.error
    assert not synthesis.themes.exists()


def test_new_items_join_the_edited_themes_without_reclustering(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    theme = synthesis.themes.order_by("-size").first()
    services.theme_update(actor=facilitator, theme=theme, label="Our own words", narrative="N")
    theme_ids = set(synthesis.themes.values_list("pk", flat=True))
    prompt = Reflection.objects.first().prompt
    hidden = Reflection.objects.order_by("pk").last()
    Reflection.objects.filter(pk=hidden.pk).update(is_hidden=True)
    new = reflections_create(prompt, per_topic=2, seed=9)

    run_synthesis(facilitator, synthesis, "incremental")
    assert synthesis.status == RunStatus.READY
    assert set(synthesis.themes.values_list("pk", flat=True)) == theme_ids
    assert synthesis.themes.get(pk=theme.pk).label == "Our own words"
    assert synthesis.items.count() == 80 - 1 + len(new)
    assert not synthesis.items.filter(source_id=hidden.pk).exists()
    added = synthesis.items.filter(source_id__in=[r.pk for r in new])
    assert added.count() == len(new)
    assert not added.filter(theme__isnull=True).exists()


def test_incremental_without_a_model_runs_in_full(facilitator):
    synthesis = synthesis_with_reflections(facilitator, run=False)

    run_synthesis(facilitator, synthesis, "incremental")
    assert synthesis.run_mode == "full"
    assert synthesis.status == RunStatus.READY


def test_merge_moves_items_and_questions_into_the_largest(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    first, second = list(synthesis.themes.order_by("-size", "pk"))[:2]
    services.question_add(actor=facilitator, theme=second, text="What would keep this going?")
    total = first.size + second.size

    merged = services.theme_merge(
        actor=facilitator, synthesis=synthesis, theme_ids=[first.pk, second.pk]
    )

    assert merged.pk == first.pk
    assert merged.size == total
    assert not synthesis.themes.filter(pk=second.pk).exists()
    assert list(merged.questions.values_list("text", flat=True)) == ["What would keep this going?"]
    entry = AuditEntry.objects.get(action="theme.merge")
    assert entry.data["merged"] == [second.label]


def test_merge_needs_two_themes(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    with pytest.raises(SynthesisError):
        services.theme_merge(
            actor=facilitator, synthesis=synthesis, theme_ids=[synthesis.themes.first().pk]
        )


def test_split_finds_themes_inside_one(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    first, second = list(synthesis.themes.order_by("-size", "pk"))[:2]
    merged = services.theme_merge(
        actor=facilitator, synthesis=synthesis, theme_ids=[first.pk, second.pk]
    )
    count = synthesis.themes.count()

    parts = services.theme_split(actor=facilitator, theme=merged, parts=2)

    assert len(parts) == 2
    assert synthesis.themes.count() == count + 1
    assert sum(t.size for t in synthesis.themes.all()) == 80
    assert all(p.size > 0 for p in synthesis.themes.filter(pk__in=[p.pk for p in parts]))


def test_move_and_quotes(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    source, target = list(synthesis.themes.all())[:2]
    items = list(source.items.values_list("pk", flat=True)[:3])

    moved = services.items_move(actor=facilitator, theme=source, item_ids=items, to=target)

    assert moved == 3
    target.refresh_from_db()
    assert set(items) <= set(target.items.values_list("pk", flat=True))
    shown = list(target.items.values_list("pk", flat=True))
    count = services.quotes_set(
        actor=facilitator, theme=target, shown_ids=shown, chosen_ids=items[:1]
    )
    assert count == 1
    assert list(target.items.filter(is_quote=True).values_list("pk", flat=True)) == items[:1]


def test_moving_to_another_synthesis_is_refused(facilitator):
    one = synthesis_with_reflections(facilitator)
    other = services.synthesis_create(actor=facilitator, title="Other", sources={"examples": True})
    from exchange.insights.models import Theme

    elsewhere = Theme.objects.create(synthesis=other, label="Elsewhere")
    theme = one.themes.first()
    with pytest.raises(SynthesisError):
        services.items_move(
            actor=facilitator,
            theme=theme,
            item_ids=list(theme.items.values_list("pk", flat=True)[:1]),
            to=elsewhere,
        )


def test_questions_and_empty_question(facilitator):
    synthesis = synthesis_with_reflections(facilitator)
    theme = synthesis.themes.first()
    with pytest.raises(SynthesisError):
        services.question_add(actor=facilitator, theme=theme, text="   ")
    question = services.question_add(actor=facilitator, theme=theme, text="How  do we  keep it?")
    assert question.text == "How do we keep it?"
    services.question_delete(actor=facilitator, question=question)
    assert not theme.questions.exists()
    assert AuditEntry.objects.filter(action__startswith="question.").count() == 2


def test_publish_needs_a_ready_synthesis(facilitator):
    synthesis = synthesis_with_reflections(facilitator, run=False)
    with pytest.raises(SynthesisError):
        services.synthesis_publish(actor=facilitator, synthesis=synthesis)
    run_synthesis(facilitator, synthesis, "full")

    services.synthesis_publish(actor=facilitator, synthesis=synthesis)
    assert synthesis.is_published
    assert synthesis.published_at
    services.synthesis_unpublish(actor=facilitator, synthesis=synthesis)
    assert not Synthesis.objects.get(pk=synthesis.pk).is_published


def test_participants_cannot_run_or_edit():
    participant = UserFactory()
    with pytest.raises(SynthesisError):
        services.synthesis_create(actor=participant, title="Mine", sources={"examples": True})


def test_sources_are_required_and_dates_ordered(facilitator):
    with pytest.raises(SynthesisError) as error:
        services.synthesis_create(actor=facilitator, title="Nothing", sources={})
    assert error.value.field == "series"
    with pytest.raises(SynthesisError) as error:
        services.synthesis_create(
            actor=facilitator,
            title="Backwards",
            sources={
                "examples": True,
                "date_from": dt.date(2026, 5, 1),
                "date_to": dt.date(2026, 4, 1),
            },
        )
    assert error.value.field == "date_to"


def test_other_sources_are_read_and_redacted(facilitator):
    example = PublishedExampleFactory(summary="Ring Sarah Jones on 07700 900123 to learn more")
    comment = CommentFactory(
        discussion=DiscussionFactory(example=example),
        body="Email me at jo@example.org about the rota",
        state=CommentState.VISIBLE,
    )
    session = SessionFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    improvement = Improvement.objects.create(
        session=session, text="Call 07700 900456 for the notes", user=None
    )
    # Suggestions are read from the events that held the series' workshops.
    series = series_create()
    series.facilitators.add(facilitator)
    workshop = workshop_create(series)
    workshop.session = session
    workshop.save(update_fields=["session"])
    synthesis = services.synthesis_create(
        actor=facilitator,
        title="Everything",
        sources={
            "series": [series.pk],
            "examples": True,
            "comments": True,
            "improvements": True,
        },
    )

    run_synthesis(facilitator, synthesis)

    items = {(i.source_kind, i.source_id): i.text for i in SynthesisItem.objects.all()}
    assert "07700" not in items[(SourceKind.EXAMPLE, example.pk)]
    assert "[PHONE]" in items[(SourceKind.EXAMPLE, example.pk)]
    assert "jo@example.org" not in items[(SourceKind.COMMENT, comment.pk)]
    assert "[PHONE]" in items[(SourceKind.IMPROVEMENT, improvement.pk)]


def test_date_range_limits_reflections(facilitator):
    series = series_create()
    series.facilitators.add(facilitator)
    reflections_create(prompt_create(workshop_create(series)), per_topic=8)
    synthesis = services.synthesis_create(
        actor=facilitator,
        title="June only",
        sources={"series": [series.pk], "date_from": "2026-06-01", "date_to": "2026-06-30"},
    )
    run_synthesis(facilitator, synthesis)
    dates = set(synthesis.items.values_list("date", flat=True))
    assert dates
    assert all(d.month == 6 for d in dates)


def test_trend_finds_a_significant_rise():
    rows = []
    for month, silos, others in ((5, 5, 95), (6, 10, 90), (7, 30, 70), (8, 50, 50)):
        day = dt.date(2026, month, 3)
        rows += [(1, day, 0.1)] * silos + [(2, day, 0.3)] * others
    trend = trend_compute(rows, {1: "Silos", 2: "Everything else"})

    assert trend["unit"] == "month"
    assert [p["count"] for p in trend["series"]["1"]] == [5, 10, 30, 50]
    rise = next(f for f in trend["findings"] if f["theme"] == 1 and f["kind"] == "prevalence")
    assert (
        finding_sentence(rise, "Silos")
        == "'Silos' rose from 5% of texts in May 2026 to 50% in August 2026."
    )


def test_trend_without_dates_is_empty():
    assert trend_compute([(1, None, 0.0)], {1: "A"})["periods"] == []
