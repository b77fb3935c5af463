"""Comments benchmark: one published example with 2,000 comments, gunicorn, 16 concurrent clients.

Run from the repository root (never as a test):

    .venv/bin/python bench/comments.py            # seed, measure, drop the database
    .venv/bin/python bench/comments.py --keep     # keep `exchange_bench_comments`

Steps: start PostgreSQL if needed; create and migrate a fresh database `exchange_bench_comments`;
load the demo data (the "other examples"); give one published example 2,000 comments (1,500
top-level, 500 replies on the newest 250 threads, a few pending/hidden/removed) from 300 people
and about 6,000 reactions on the example and its comments; ANALYZE; collectstatic; count the SQL
queries of one render of the example's page (first page of comments) in-process, anonymous and
signed in, and its CPU time per render (`time.process_time`, fragment cached and not); start
gunicorn on a free loopback port; then drive 16 closed-loop clients over that page, first as
anonymous visitors (served from the page cache after the first render) and then signed in as 16
different people (whole pages never cached: the comment list comes from the shared fragment
and each reader's own state is added per request — the honest figure).

Prints p50/p95/p99 and requests/s for both, and as its LAST line one JSON object with `p95_ms`
(signed in), `p95_ms_anonymous`, `queries` (one signed-in render with every cache cleared) and
`cpu_ms_signed_in` (CPU per signed-in render in-process, the figure that does not depend on how
busy the machine is). Target (issue 5): p95 <= 100 ms under 16 concurrent clients.

Internally, `--drive` runs the load driver (a subprocess reading its job as JSON on stdin).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gallery import (  # bench/ is not a package: the house helpers
    PY,
    ROOT,
    admin_sql,
    bench_environment,
    free_port,
    gunicorn_start,
    gunicorn_stop,
    log,
    manage,
    postgres_ensure,
    wait_for,
)

COMMENTS = 2_000
TOP_LEVEL = 1_500
PEOPLE = 300
BODIES = [
    "We did this too in **{place}**: the ward moved follow-ups to video and kept them.",
    "How did you handle consent for the recordings? We were told we needed a *separate* form.",
    "Our union was wary at first, but the trial ran for six months and now it is normal.\n\n"
    "- fewer missed appointments\n- shorter waits\n- more time for home visits",
    "Thank you for writing this up. The [guidance we used](https://example.org/guidance) "
    "might help others.",
    "In {place} the licences ran out in March and we went back to phone calls. Worth planning "
    "for that.",
    "Helpful. We are going to try this with the district nurses next month.",
]
PLACES = ["Kendal", "Truro", "Wrexham", "Bangor", "Carlisle", "Hexham", "Whitby", "Ludlow"]


# ---------------------------------------------------------------- seeding


def seed() -> dict[str, Any]:
    """Comments, replies and reactions on the first published demo example."""
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from exchange.conversation import services
    from exchange.conversation.markdown import markdown_render
    from exchange.conversation.models import (
        Comment,
        CommentPolicyAcceptance,
        CommentState,
        Reaction,
        ReactionKind,
    )
    from exchange.examples.models import Example, ExampleStatus

    rng = random.Random(2026)
    example = Example.objects.filter(status=ExampleStatus.PUBLISHED).order_by("pk").first()
    if example is None:
        sys.exit("load_demo made no published example")
    user_model = get_user_model()
    user_model.objects.bulk_create(
        [
            user_model(
                username=f"bench{i}@bench.invalid",
                email=f"bench{i}@bench.invalid",
                display_name=f"Bench reader {i}",
                password="!",
            )
            for i in range(PEOPLE)
        ]
    )
    people = list(user_model.objects.filter(email__endswith="@bench.invalid").order_by("pk"))
    CommentPolicyAcceptance.objects.bulk_create(
        [CommentPolicyAcceptance(user=person) for person in people], ignore_conflicts=True
    )
    discussion = services.discussion_get_or_create(target=example)
    rendered = {
        (body, place): markdown_render(body.format(place=place))
        for body in BODIES
        for place in PLACES
    }

    def comment(parent: Comment | None = None) -> Comment:
        body, place = rng.choice(BODIES), rng.choice(PLACES)
        state = rng.choices(
            [CommentState.VISIBLE, CommentState.PENDING, CommentState.HIDDEN, CommentState.REMOVED],
            weights=[96, 2, 1, 1],
        )[0]
        return Comment(
            discussion=discussion,
            author=rng.choice(people),
            parent=parent,
            body=body.format(place=place),
            body_html=rendered[body, place],
            state=state,
            published_at=timezone.now(),
        )

    top = Comment.objects.bulk_create([comment() for _ in range(TOP_LEVEL)])
    # Spread the creation times over a year, the newest last (auto_now_add set them all to now).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE conversation_comment SET created_at = now() - ((%s - id) * interval '3 hours')"
            " WHERE discussion_id = %s",
            [max(c.pk for c in top) + COMMENTS, discussion.pk],
        )
    newest = sorted(top, key=lambda c: c.pk)[-250:]
    replies = Comment.objects.bulk_create(
        [comment(parent=rng.choice(newest)) for _ in range(COMMENTS - TOP_LEVEL)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE conversation_comment AS c SET created_at = p.created_at + "
            "((c.id - %s) * interval '1 minute') FROM conversation_comment AS p "
            "WHERE c.parent_id = p.id AND c.discussion_id = %s",
            [min(r.pk for r in replies), discussion.pk],
        )
    comment_type = ContentType.objects.get_for_model(Comment)
    example_type = ContentType.objects.get_for_model(Example)
    reactions = [
        Reaction(user=person, content_type=example_type, object_id=example.pk, kind=kind)
        for person in people
        for kind in ReactionKind.values
        if rng.random() < 0.5
    ]
    targets = [c.pk for c in newest] + [r.pk for r in replies]
    for _ in range(5_500):
        reactions.append(
            Reaction(
                user=rng.choice(people),
                content_type=comment_type,
                object_id=rng.choice(targets),
                kind=rng.choice(ReactionKind.values),
            )
        )
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "example_id": example.pk,
        "path": example.get_absolute_url(),
        "comments": Comment.objects.filter(discussion=discussion).count(),
        "replies": Comment.objects.filter(discussion=discussion, parent__isnull=False).count(),
        "reactions": Reaction.objects.count(),
        "readers": [person.pk for person in people[:16]],
    }


# ---------------------------------------------------------------- in-process profile


def _caches_clear() -> None:
    """Retire every cached page and comment fragment (their tokens live in the default cache)."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        with contextlib.suppress(Exception):  # no such cache alias
            caches[alias].clear()


def profile(path: str, reader_ids: list[int], *, renders: int = 20) -> dict[str, Any]:
    """Queries and CPU of the page in-process, with Django's test client.

    `queries` and `total_ms` are one render with every cache cleared first (the comment
    fragment is rendered too); `queries_warm` one render with the fragment cached. `cpu_ms` is
    `time.process_time` per render over `renders` renders by 16 readers in turn with the
    fragment cached (what nearly every request costs), `cpu_ms_cold` the same with the caches
    cleared before each render. CPU time, not wall time: it hardly moves with the machine's load.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    figures: dict[str, Any] = {}
    readers = []
    for pk in reader_ids:
        reader = Client()
        reader.force_login(get_user_model().objects.get(pk=pk))
        readers.append(reader)
    for name, clients in (("anonymous", [Client()]), ("signed_in", readers)):
        client = clients[0]
        client.get(path)  # warm templates, translations, the connection
        _caches_clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            total_ms = (time.perf_counter() - started) * 1000
        # Read now: the next request empties the connection's query log.
        cold_queries = len(queries.captured_queries)
        db_ms = round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1)
        html = response.content.decode()
        with CaptureQueriesContext(connection) as warm_queries:
            client.get(path)
        warm_count = len(warm_queries.captured_queries)
        for other in clients:
            other.get(path)
        cpu_started = time.process_time()
        for index in range(renders):
            clients[index % len(clients)].get(path)
        cpu_ms = (time.process_time() - cpu_started) * 1000 / renders
        cold_renders = max(1, renders // 4)
        cold_cpu = 0.0
        for index in range(cold_renders):
            _caches_clear()
            cpu_started = time.process_time()
            clients[index % len(clients)].get(path)
            cold_cpu += time.process_time() - cpu_started
        figures[name] = {
            "status": response.status_code,
            "queries": cold_queries,
            "queries_warm": warm_count,
            "db_ms": db_ms,
            "total_ms": round(total_ms, 1),
            "cpu_ms": round(cpu_ms, 1),
            "cpu_ms_cold": round(cold_cpu * 1000 / cold_renders, 1),
            "articles": html.count('class="efc-comment '),
            "bytes": len(response.content),
            "email_shown": "@bench.invalid" in html,
        }
    return figures


def session_cookies(reader_ids: list[int]) -> list[str]:
    """A real session for each signed-in client, stored in the database gunicorn reads."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    cookies = []
    for pk in reader_ids:
        client = Client()
        client.force_login(get_user_model().objects.get(pk=pk))
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


# ---------------------------------------------------------------- load driver (subprocess)


def drive_main() -> None:
    """Closed-loop clients, one thread and one keep-alive connection each; reads the job from
    stdin and prints one JSON line. Measures only after the warm-up, stops at the time limit
    or the request cap."""
    job = json.load(sys.stdin)
    host, port = job["host"], job["port"]
    cookies: list[str | None] = job["cookies"] or [None] * job["clients"]
    started = time.monotonic()
    measure_from = started + job["warmup"]
    stop_at = measure_from + job["duration"]
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    counter = {"measured": 0}
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)

    def client(index: int) -> None:
        headers = {"Accept": "text/html"}
        cookie = cookies[index % len(cookies)]
        if cookie:
            headers["Cookie"] = cookie
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            begin = time.perf_counter()
            try:
                connection.request("GET", job["path"], headers=headers)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and b"efc-comment" in body
                error = "" if ok else f"HTTP {response.status}"
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                ok, error = False, type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = (time.perf_counter() - begin) * 1000
            if now >= measure_from:
                with lock:
                    if counter["measured"] >= job["max_requests"]:
                        break
                    counter["measured"] += 1
                    latencies.append(elapsed)
                    if not ok:
                        failures.append(error)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(job["clients"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = min(time.monotonic(), stop_at) - measure_from
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1)

    print(
        json.dumps(
            {
                "requests": len(latencies),
                "failures": len(failures),
                "errors": sorted(set(failures))[:5],
                "seconds": round(seconds, 2),
                "rps": round(len(latencies) / seconds, 1) if seconds > 0 else 0.0,
                "p50_ms": pct(0.50),
                "p95_ms": pct(0.95),
                "p99_ms": pct(0.99),
                "mean_ms": round(statistics.mean(latencies), 1) if latencies else 0.0,
                "driver_cpu_s": round(cpu, 2),
            }
        ),
        flush=True,
    )


def drive(job: dict[str, Any], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--drive"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"load driver failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(lines[-1]))


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds per phase")
    parser.add_argument("--max-requests", type=int, default=100_000, help="cap per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--database", default="exchange_bench_comments")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive_main()
        return
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database) or args.database == "exchange":
        sys.exit("--database must be a plain name other than the project's own database")
    if not 1 <= args.clients <= 64 or not 0 < args.duration <= 120 or args.warmup > 60:
        sys.exit("keep it bounded: 1-64 clients, at most 120 s measured and 60 s warm-up")

    var_dir = ROOT / "var" / "bench_comments"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(database=args.database, var_dir=var_dir)

    postgres_ensure()
    log(f"Creating database {args.database}...")
    admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {args.database}")
    server: subprocess.Popen[bytes] | None = None
    results: dict[str, dict[str, Any]] = {}
    try:
        log("Migrating and loading the demo data...")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_demo")

        import django

        django.setup()
        log(f"Seeding {COMMENTS:,} comments with replies and reactions...")
        started = time.perf_counter()
        seeded = seed()
        log(
            f"  example {seeded['example_id']}: {seeded['comments']:,} comments "
            f"({seeded['replies']} replies), {seeded['reactions']:,} reactions in the database, "
            f"{time.perf_counter() - started:.1f} s"
        )

        log("Collecting static files...")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")

        log("Profiling one render of the page in-process...")
        figures = profile(seeded["path"], seeded["readers"])
        for name, row in figures.items():
            log(
                f"  {name:9} HTTP {row['status']}  {row['queries']:2} queries cold, "
                f"{row['queries_warm']} warm  db {row['db_ms']:6.1f} ms  total "
                f"{row['total_ms']:6.1f} ms  CPU {row['cpu_ms']:5.1f} ms a render "
                f"({row['cpu_ms_cold']:5.1f} ms cold)  {row['articles']} comments shown  "
                f"{row['bytes']:,} bytes"
            )
            if row["email_shown"]:
                sys.exit("an email address appears on the page")
        cookies = session_cookies(seeded["readers"][: args.clients])

        from django.db import connections

        connections.close_all()
        _caches_clear()

        port = free_port()
        log(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers}x{args.threads} gthread)...")
        server = gunicorn_start(
            app="exchange.wsgi:application",
            port=port,
            workers=args.workers,
            threads=args.threads,
            env=env,
        )
        wait_for(f"http://127.0.0.1:{port}{seeded['path']}")
        job = {
            "host": "127.0.0.1",
            "port": port,
            "path": seeded["path"],
            "clients": args.clients,
            "warmup": args.warmup,
            "duration": args.duration,
            "max_requests": args.max_requests,
        }
        timeout = args.warmup + args.duration + 60
        for phase, phase_cookies in (("anonymous", []), ("signed_in", cookies)):
            log(
                f"Driving {args.clients} {phase.replace('_', '-')} clients for "
                f"{args.warmup:g} s warm-up + {args.duration:g} s..."
            )
            results[phase] = drive({**job, "cookies": phase_cookies}, timeout)
    finally:
        gunicorn_stop(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            shutil.rmtree(var_dir, ignore_errors=True)
            log(f"Dropped database {args.database}.")

    log("")
    log(
        f"{'visitors':10} {'requests':>9} {'fail':>5} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7}"
    )
    for phase, run in results.items():
        log(
            f"{phase:10} {run['requests']:9} {run['failures']:5} {run['rps']:8.1f} "
            f"{run['p50_ms']:7.1f} {run['p95_ms']:7.1f} {run['p99_ms']:7.1f}"
        )
        for error in run["errors"]:
            log(f"           error: {error}")
    log(
        f"Closed loop, {args.clients} clients, no think time; gunicorn {args.workers}x"
        f"{args.threads} gthread; {os.cpu_count()} CPUs shared by server, PostgreSQL and driver. "
        "Signed-in pages are never cached: p95_ms is theirs. Target: p95 <= 100 ms."
    )
    signed, anonymous = results["signed_in"], results["anonymous"]
    summary = {
        "p95_ms": signed["p95_ms"],
        "queries": figures["signed_in"]["queries"],
        "cpu_ms_signed_in": figures["signed_in"]["cpu_ms"],
        "p95_ms_anonymous": anonymous["p95_ms"],
        "queries_anonymous": figures["anonymous"]["queries"],
        "queries_warm": figures["signed_in"]["queries_warm"],
        "cpu_ms_signed_in_cold": figures["signed_in"]["cpu_ms_cold"],
        "cpu_ms_anonymous_uncached": figures["anonymous"]["cpu_ms_cold"],
        "p50_ms": signed["p50_ms"],
        "p50_ms_anonymous": anonymous["p50_ms"],
        "rps": signed["rps"],
        "rps_anonymous": anonymous["rps"],
        "failures": signed["failures"] + anonymous["failures"],
        "comments": seeded["comments"],
        "clients": args.clients,
        "seconds_per_phase": args.duration,
        "gunicorn": f"{args.workers}x{args.threads} gthread",
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
