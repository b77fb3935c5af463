"""Workshop reflections about four clear topics across four months, and a synthesis over them."""

from __future__ import annotations

import datetime as dt
import random

from django.test import TestCase
from django.utils import timezone

from exchange.insights import services
from exchange.insights.models import Synthesis
from exchange.workshops.models import Prompt, Reflection, SeriesResource, Workshop, WorkshopSeries

TOPICS = {
    "rota": [
        "The shared rota meant nurses could swap shifts without waiting for a manager",
        "Self rostering gave staff control over their shifts and fewer people left",
        "Flexible shifts on the rota helped parents stay in work during the school closures",
        "Swapping shifts through the rota app took minutes instead of days",
        "Our rota was finally fair because everyone could see every shift",
    ],
    "video": [
        "Video consultations saved patients long journeys to the clinic",
        "Remote video appointments worked well for follow ups but not for first visits",
        "Older patients struggled with video calls until volunteers showed them how",
        "The video clinic cut missed appointments in half",
        "Video appointments let carers join from work",
    ],
    "silos": [
        "Working across organisations was easy in the crisis but the silos came back",
        "The council and the hospital shared one team and one budget for discharge",
        "Partnership working between the trust and social care faded by the summer",
        "Sharing data across organisations broke down once the emergency rules ended",
        "We lost the joint team with the council and went back to separate silos",
    ],
    "paperwork": [
        "Cutting the paperwork for discharge freed hours every day",
        "One short form replaced five long forms and nobody missed them",
        "Less paperwork meant more time with patients on the ward",
        "Approval forms that took weeks were signed off in a day",
        "We stopped printing forms and the paperwork backlog disappeared",
    ],
}
MONTHS = [dt.date(2026, 5, 10), dt.date(2026, 6, 10), dt.date(2026, 7, 10), dt.date(2026, 8, 10)]


def series_create(
    title: str = "Summer listening", slug: str = "summer-listening"
) -> WorkshopSeries:
    return WorkshopSeries.objects.create(title=title, slug=slug, description="Four workshops.")


def workshop_create(series: WorkshopSeries, title: str = "Workshop one") -> Workshop:
    return Workshop.objects.create(series=series, title=title, starts_at=timezone.now())


def prompt_create(workshop: Workshop, text: str = "What should stay?") -> Prompt:
    return Prompt.objects.create(workshop=workshop, text=text, position=0, is_open=True)


def reflections_create(prompt: Prompt, *, per_topic: int = 20, seed: int = 1) -> list[Reflection]:
    """per_topic texts of each topic, spread over May to August (silos grow over time)."""
    rng = random.Random(seed)
    rows = []
    for topic, sentences in TOPICS.items():
        for n in range(per_topic):
            # Silos re-emerge by late summer: most of those texts come in August.
            late = topic == "silos" and n % 3 != 0
            month = MONTHS[3] if late else MONTHS[n % 4]
            day = month + dt.timedelta(days=rng.randrange(15))
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
            text = sentences[n % len(sentences)]
            if n >= len(sentences):
                text = f"{text} {rng.choice(['really', 'honestly', 'for us', 'here', 'again'])}"
            rows.append(Reflection(prompt=prompt, text=text, created_at=moment, group=topic))
    return Reflection.objects.bulk_create(rows)


def resource_create(series: WorkshopSeries) -> SeriesResource:
    return SeriesResource.objects.create(
        series=series,
        title="Workshop facilitation guide",
        description="How we ran the listening workshops",
        url="https://example.org/guide",
        position=0,
    )


def synthesis_with_reflections(actor, *, per_topic: int = 20, run: bool = True) -> Synthesis:
    """A synthesis over a new series whose team is `actor`."""
    series = series_create()
    series.facilitators.add(actor)
    prompt = prompt_create(workshop_create(series))
    reflections_create(prompt, per_topic=per_topic)
    synthesis = services.synthesis_create(
        actor=actor, title="What we heard this summer", sources={"series": [series.pk]}
    )
    if run:
        run_synthesis(actor, synthesis)
    return synthesis


def run_synthesis(actor, synthesis: Synthesis, mode: str = "full") -> Synthesis:
    """Ask for a run and let the task run now (the test backend is immediate; the task is
    queued when the request's transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.synthesis_run_request(actor=actor, synthesis=synthesis, mode=mode)
    synthesis.refresh_from_db()
    return synthesis
