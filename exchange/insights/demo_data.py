"""Demo synthesis: the "Summer of reflection" series (exchange/workshops/demo_data.py) run
through the engine once, its themes named, narrated and given "Building from here" questions
written for the project, and the report published, so that `make run` shows one.

Idempotent and quick on every start after the first: one query finds the audit entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from exchange.accounts.models import User
from exchange.core.models import AuditEntry
from exchange.core.services import audit_log
from exchange.insights import services
from exchange.insights.models import RunStatus, Synthesis

AUDIT_ACTION = "demo.load.insights"
SLUG = "summer-of-reflection-what-we-heard"
FACILITATOR_EMAIL = "facilitator@example.org"


@dataclass(frozen=True)
class DemoTheme:
    label: str
    narrative: str
    questions: tuple[str, ...]


THEMES = {
    "across": DemoTheme(
        "Working across organisations",
        "When the pressure was on, people stopped waiting for permission to work together. "
        "Social workers, district nurses, care home managers and housing officers sat in the "
        "same rooms and shared one list of the people they were worried about. What they "
        "describe is less a new structure than a new habit: picking up the phone to a named "
        "person in a partner organisation, and trusting them to act.\n\n"
        "This was the largest theme in May and it is still large in August, but it shrank "
        "every month as the silos theme grew.",
        (
            "Which of the shared meetings, lists and forms should become the normal way we "
            "work, and who will keep them going?",
            "How do we give every team a named contact in each partner organisation?",
            "What did we stop duplicating, and how do we make sure it stays stopped?",
        ),
    ),
    "silos": DemoTheme(
        "Silos creeping back",
        "By late summer more and more reflections described the opposite: the partnership "
        "call cancelled, the joint post unfunded, forms emailed between teams again. People "
        "say the relationships are still there but the process that held them together is "
        "not, and that patients and families wait longer because of it.",
        (
            "Who holds the shared pathway now that the emergency arrangements have ended?",
            "What is the smallest piece of the joint working we could protect this winter?",
            "How will we notice early when a partnership starts to slip?",
        ),
    ),
    "digital": DemoTheme(
        "Digital by choice, not by default",
        "Video appointments, online meetings and working from home saved hours of travel "
        "and let colleagues on other sites take part. The same reflections warn that some "
        "patients, often older people, were left behind, and that equipment and training "
        "have not caught up. People want digital to stay as an option alongside human "
        "contact.",
        (
            "How do we offer people a real choice between a video, phone or face-to-face "
            "appointment?",
            "What equipment and training do teams still need to make remote working work?",
        ),
    ),
    "wellbeing": DemoTheme(
        "Looking after each other",
        "Wellbeing huddles, quiet rooms, flexible rotas and managers who asked how people "
        "really were kept many staff going. These are also the first things to go when a "
        "team is short-staffed, and people are tired. This theme grew over the summer.",
        (
            "Which wellbeing practices will we protect time for, even on the busiest days?",
            "How do we make it normal to talk about burnout with a manager?",
        ),
    ),
    "decisions": DemoTheme(
        "Trusted to decide",
        "Same-day decisions, fewer sign-off steps and permission to try things showed how "
        "much of the paperwork was not needed. People felt trusted as professionals and "
        "fixed problems while they were small. They also ask that what was decided is "
        "written down, so that the lighter process can be defended.",
        (
            "Which approval steps that we dropped should stay dropped?",
            "How do we record decisions lightly enough that people keep doing it?",
        ),
    ),
    "community": DemoTheme(
        "Communities as partners",
        "Volunteer drivers, food banks, mutual aid groups and faith communities reached "
        "people services had never reached. Reflections ask that these groups are treated "
        "as real partners, with support and funding, rather than as a stop-gap.",
        (
            "What would it take to fund and support community groups as partners?",
            "Where could a community partner reach people we are missing today?",
        ),
    ),
}

INTRODUCTION = (
    "Over the summer of 2026 people from the network's health, care, council and voluntary "
    "organisations came to four workshops, in May, June, July and August, and answered the "
    "same questions online afterwards: what changed when we had to work differently, what "
    "has lasted, and what should we build on.\n\n"
    "This report brings together what they said. Each theme below is described in our own "
    "words, with quotes in theirs, and ends with questions to build from."
)
METHOD_NOTE = (
    "Reflections were captured live in the workshops through an anonymous join code, or "
    "imported from the survey that followed each one. Facilitators read every theme the "
    "analysis suggested, merged those that said the same thing, and chose the quotes."
)
PEOPLE_COUNT = 212


def _topic_of_texts(texts: list[str]) -> str | None:
    """The demo topic most of a theme's texts were written from (by their middle phrase)."""
    from exchange.workshops.demo_data import FRAGMENTS

    votes: Counter[str] = Counter()
    for text in texts:
        for topic, (_openings, middles, _endings) in FRAGMENTS.items():
            if any(middle in text for middle in middles):
                votes[topic] += 1
                break
    return votes.most_common(1)[0][0] if votes else None


def insights_demo_load() -> bool:
    """Run and publish the demo synthesis once. True when it was made now."""
    if AuditEntry.objects.filter(action=AUDIT_ACTION).exists():
        return False
    from exchange.workshops.demo_data import SERIES_SLUG
    from exchange.workshops.models import WorkshopSeries

    series = WorkshopSeries.objects.filter(slug=SERIES_SLUG).first()
    facilitator = User.objects.filter(email=FACILITATOR_EMAIL).first()
    if series is None or facilitator is None:
        return False
    # A load that stopped half-way (no audit entry) starts again from nothing.
    Synthesis.objects.filter(slug=SLUG).delete()
    synthesis = services.synthesis_create(
        actor=facilitator,
        title="Summer of reflection: what we heard",
        sources={"series": [series.pk]},
        introduction=INTRODUCTION,
    )
    Synthesis.objects.filter(pk=synthesis.pk).update(slug=SLUG, status=RunStatus.QUEUED)
    # The task's own work, here and now: the report must exist when the demo load returns.
    if services.synthesis_run(synthesis_id=synthesis.pk) != RunStatus.READY:
        return False
    synthesis.refresh_from_db()
    with transaction.atomic():
        _edit(synthesis, facilitator)
        services.synthesis_publish(actor=facilitator, synthesis=synthesis)
        audit_log(actor=None, action=AUDIT_ACTION, target=synthesis)
    return True


def _edit(synthesis: Synthesis, facilitator: User) -> None:
    by_topic: dict[str, list[int]] = {}
    for theme in synthesis.themes.all():
        topic = _topic_of_texts(list(theme.items.values_list("text", flat=True)))
        if topic in THEMES:
            by_topic.setdefault(topic, []).append(theme.pk)
    for topic, theme_ids in by_topic.items():
        if len(theme_ids) > 1:
            theme = services.theme_merge(
                actor=facilitator, synthesis=synthesis, theme_ids=theme_ids
            )
        else:
            theme = synthesis.themes.get(pk=theme_ids[0])
        written = THEMES[topic]
        services.theme_update(
            actor=facilitator, theme=theme, label=written.label, narrative=written.narrative
        )
        for question in written.questions:
            services.question_add(actor=facilitator, theme=theme, text=question)
    services.synthesis_update(
        actor=facilitator,
        synthesis=synthesis,
        title=synthesis.title,
        introduction=INTRODUCTION,
        method_note=METHOD_NOTE,
        people_count=PEOPLE_COUNT,
    )
