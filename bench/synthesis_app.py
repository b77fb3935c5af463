"""From "Run synthesis" to a ready theme board for 10,000 reflections (issue 8: <= 30 s, 2 cores).

Run from the repository root (never as a test):

    .venv/bin/python bench/synthesis_app.py [--n 10000] [--keep]

Steps: start PostgreSQL if needed; create and migrate a fresh database
`exchange_bench_synthesis`; create a workshop series with one workshop and prompt, and --n
reflections dated May to August (the NHS feedback comments of ../shared/data through the
canonical loaders when present, as in bench/synthesis_scale.py; otherwise texts generated
from topic phrases). Then, in this process, as a facilitator: create the synthesis, ask for a
run (the service queues the task; the immediate task backend runs it on commit: reading the
reflections, the engine, writing themes and items in bulk, the fitted model and the change
over time) and open the theme board page. `seconds` covers all of that (the engine's imports
and model load included); the database set-up does not count.

Last line JSON: n, seconds, run_seconds, board_seconds (first page of the process),
board_warm_seconds (the same page again), themes, texts, load_average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gallery import admin_sql, bench_environment, log, manage, postgres_ensure  # noqa: E402

DATABASE = "exchange_bench_synthesis"
TOPICS = {
    "rota": ("shared rota", "swapping shifts", "self rostering", "flexible hours"),
    "video": ("video consultations", "remote appointments", "online clinics", "phone triage"),
    "silos": ("working across organisations", "joint teams", "sharing data", "partnership"),
    "paperwork": ("less paperwork", "shorter forms", "faster approvals", "one sign-off"),
    "wellbeing": ("staff wellbeing", "rest spaces", "peer support", "time to debrief"),
    "volunteers": ("volunteer drivers", "community groups", "food parcels", "neighbours"),
}
OPENERS = ("We found that", "In our team", "Honestly,", "What worked was", "Sadly", "Since May")
CLOSERS = (
    "and we want it to stay.",
    "but it is slipping back now.",
    "which saved us hours every week.",
    "though not everyone agreed.",
    "and patients noticed the difference.",
    "until the old rules came back.",
)


def generated(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    topics = list(TOPICS.values())
    out = []
    for _ in range(n):
        phrases = rng.choice(topics)
        out.append(
            f"{rng.choice(OPENERS)} {rng.choice(phrases)} and {rng.choice(phrases)} "
            f"{rng.choice(CLOSERS)}"
        )
    return out


def texts_for(n: int) -> tuple[list[str], str]:
    try:
        from synthesis_scale import corpus

        return corpus(n), "nhs-feedback"
    except (ImportError, OSError) as error:
        log(f"Shared data not available ({error}); generating texts")
        return generated(n, 2026), "generated"


def seed_reflections(texts: list[str]) -> tuple[object, int]:
    from django.utils import timezone

    from exchange.accounts.models import User
    from exchange.accounts.services import roles_ensure, user_role_add
    from exchange.core.permissions import Role
    from exchange.workshops.models import Prompt, Reflection, Workshop, WorkshopSeries

    roles_ensure()
    facilitator = User.objects.create_user(
        username="bench-facilitator", email="bench-facilitator@example.invalid", password="x"
    )
    user_role_add(user=facilitator, role=Role.FACILITATOR)
    series = WorkshopSeries.objects.create(title="Bench summer", slug="bench-summer")
    series.facilitators.add(facilitator)  # a synthesis reads only its team's series
    workshop = Workshop.objects.create(series=series, title="Bench", starts_at=timezone.now())
    prompt = Prompt.objects.create(workshop=workshop, text="What should stay?", position=0)
    rng = random.Random(7)
    start = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
    Reflection.objects.bulk_create(
        (
            Reflection(
                prompt=prompt,
                text=text[:1000],
                created_at=start + dt.timedelta(days=rng.randrange(123)),
                group=f"Group {i % 5}",
            )
            for i, text in enumerate(texts)
        ),
        batch_size=2000,
    )
    return facilitator, series.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not 1 <= args.n <= 100_000:
        sys.exit("--n must be between 1 and 100,000")

    var_dir = ROOT / "var" / "bench_synthesis"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(
        database=DATABASE,
        var_dir=var_dir,
        TASK_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )

    postgres_ensure()
    log(f"Creating database {DATABASE}...")
    admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DATABASE}")
    try:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # the board page's assets
        import django

        django.setup()
        texts, origin = texts_for(args.n)
        log(f"Seeding {len(texts)} reflections ({origin})...")
        facilitator, series_id = seed_reflections(texts)

        from django.test import Client
        from django.urls import reverse

        from exchange.insights import services
        from exchange.insights.models import RunStatus

        log("Run synthesis...")
        start = time.perf_counter()
        synthesis = services.synthesis_create(
            actor=facilitator, title="Bench synthesis", sources={"series": [series_id]}
        )
        services.synthesis_run_request(actor=facilitator, synthesis=synthesis, mode="full")
        synthesis.refresh_from_db()
        run_seconds = time.perf_counter() - start
        if synthesis.status != RunStatus.READY:
            sys.exit(f"the run ended {synthesis.status}: {synthesis.error}")
        client = Client()
        client.force_login(facilitator)
        board_start = time.perf_counter()
        response = client.get(reverse("insights:board", kwargs={"pk": synthesis.pk}))
        board_seconds = time.perf_counter() - board_start
        seconds = time.perf_counter() - start
        if response.status_code != 200:
            sys.exit(f"the board answered {response.status_code}")
        # Once more, as a web process that has served a page before would (templates compiled).
        warm_start = time.perf_counter()
        client.get(reverse("insights:board", kwargs={"pk": synthesis.pk}))
        board_warm_seconds = time.perf_counter() - warm_start
        figures = {
            "n": synthesis.items.count(),
            "seconds": round(seconds, 2),
            "run_seconds": round(run_seconds, 2),
            "board_seconds": round(board_seconds, 3),
            "board_warm_seconds": round(board_warm_seconds, 3),
            "themes": synthesis.themes.count(),
            "texts": origin,
            "load_average": round(os.getloadavg()[0], 2),
        }
        log(
            f"{figures['n']} reflections: run {figures['run_seconds']} s, board "
            f"{figures['board_seconds']} s, {figures['themes']} themes; total {figures['seconds']} s"
        )
        print(json.dumps(figures))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
