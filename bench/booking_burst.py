"""Booking burst: 500 clients book 100 seats over HTTP against gunicorn on PostgreSQL.

Run from the repository root (never as a test):

    .venv/bin/python bench/booking_burst.py                 # create, measure, drop the database
    .venv/bin/python bench/booking_burst.py --clients 1000 --capacity 200

Steps: start PostgreSQL if needed; create and migrate a fresh database `exchange_bench_booking`
(never the project's own); seed one event with one session (`--capacity` in-person places),
`--clients` people and a personal API token each; start gunicorn on a free loopback port
(2 workers x 4 threads, gthread); then every client sends ONE booking request
(`POST /api/sessions/<id>/bookings`, mode in_person) at the same moment, at most
`--concurrency` in flight at a time (bounded), all on loopback. Afterwards the database is
read directly: exactly `--capacity` bookings must be confirmed and the rest waitlisted.

Prints the confirmed and waitlisted counts, HTTP statuses, requests/s and p50/p95/max latency,
and as its LAST line one JSON object with confirmed, capacity, requests_per_s and p95_ms.
Targets (issue 6): confirmed == capacity; requests/s >= 200.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.request import Request

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery import (
    PG_SERVER,
    PY,
    ROOT,
    admin_sql,
    bench_environment,
    free_port,
    gunicorn_start,
    gunicorn_stop,
    log,
    postgres_ensure,
    wait_for,
)

# As the other benchmarks: two processes (one per CPU) of four threads, so that a request
# waiting for the seat lock or the disk does not leave a CPU idle.
WORKERS = 2
THREADS = 4


def seed_event() -> Any:
    import datetime as dt

    from django.utils import timezone

    from exchange.events.models import Event

    starts = timezone.now() + dt.timedelta(days=7)
    return Event.objects.create(
        title="Booking burst",
        slug="booking-burst",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8),
    )


def seed_session(event: Any, title: str, hour: int, capacity: int) -> int:
    """A session of `event` with `capacity` in-person places, starting `hour` hours in."""
    import datetime as dt

    from exchange.events.models import AttendanceType, Session

    return int(
        Session.objects.create(
            event=event,
            title=title,
            starts_at=event.starts_at + dt.timedelta(hours=hour),
            ends_at=event.starts_at + dt.timedelta(hours=hour, minutes=50),
            attendance_type=AttendanceType.IN_PERSON,
            capacity_in_person=capacity,
        ).pk
    )


def seed_people(prefix: str, count: int) -> list[str]:
    """`count` people with a personal API token each; returns the raw tokens."""
    from exchange.accounts.models import User
    from exchange.api.services import api_token_create

    users = User.objects.bulk_create(
        User(email=f"{prefix}{i}@example.org", username=f"{prefix}{i}@example.org", password="!")
        for i in range(count)
    )
    return [api_token_create(actor=user, user=user, name="bench")[1] for user in users]


def profile_booking(event: Any, people: int) -> dict[str, Any]:
    """SQL statements and CPU time of one booking request, in this process (test client).

    Two fresh sessions with room for half of `people` each, so that both kinds of answer are
    measured: `people` bookings on the first with their queries captured, then the same people
    on the second with the CPU clock running (no capture: DEBUG is off, as in the server).
    The CPU clock counts this process only, so other work on the machine barely moves it;
    PostgreSQL's share is read from its server process for this connection.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    first = seed_session(event, "Profiled session 1", 3, people // 2)
    second = seed_session(event, "Profiled session 2", 4, people // 2)
    headers = [{"Authorization": f"Bearer {token}"} for token in seed_people("profile", people)]
    client = Client()
    for header in headers:  # the token's first use is recorded once; warm the connection
        client.get("/api/me/bookings", headers=header)

    def book(session_id: int, header: dict[str, str]) -> str:
        response = client.post(
            f"/api/sessions/{session_id}/bookings",
            {"mode": "in_person"},
            content_type="application/json",
            headers=header,
        )
        if response.status_code != 201:
            raise RuntimeError(f"profiling booking failed: {response.status_code}")
        return str(response.json()["state"])

    queries: dict[str, list[int]] = {"confirmed": [], "waitlisted": []}
    for header in headers:
        with CaptureQueriesContext(connection) as captured:
            state = book(first, header)
        queries[state].append(len(captured.captured_queries))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = [int(cursor.fetchone()[0])]
    database_started, started = cpu_seconds(backend), time.process_time()
    for header in headers:
        book(second, header)
    cpu_ms = (time.process_time() - started) * 1000 / len(headers)
    database_ms = (cpu_seconds(backend) - database_started) * 1000 / len(headers)
    return {
        # The median: the first booking also fills Django's content-type cache.
        "queries_confirmed": statistics.median_low(queries["confirmed"]),
        "queries_waitlisted": statistics.median_low(queries["waitlisted"]),
        "cpu_ms_per_booking": round(cpu_ms, 2),
        "database_cpu_ms_per_booking": round(database_ms, 2),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (all their threads) so far, from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has gone
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def gunicorn_workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def database_backends(database: str) -> list[int]:
    """Server processes of the connections to `database` (the web workers' connections)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
        ).fetchall()
    return [int(row[0]) for row in rows]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def booking_requests(host: str, session_id: int, tokens: list[str]) -> list[Request]:
    body = json.dumps({"mode": "in_person"}).encode()
    return [
        Request(
            f"{host}/api/sessions/{session_id}/bookings",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        for token in tokens
    ]


def burst(requests: list[Request], concurrency: int) -> dict[str, Any]:
    """Send every request at the same moment, at most `concurrency` in flight."""
    gate = threading.Event()

    def one(request: Request) -> tuple[int, float]:
        gate.wait()
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = int(response.status)
                response.read()
        except urllib.error.HTTPError as error:
            status = int(error.code)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            status = 0
        return status, (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(one, request) for request in requests]
        started = time.perf_counter()
        gate.set()
        results = [future.result() for future in futures]
        elapsed = time.perf_counter() - started
    latencies = [ms for _status, ms in results]
    return {
        "statuses": Counter(status for status, _ms in results),
        "elapsed_s": elapsed,
        "requests_per_s": len(results) / elapsed,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": max(latencies),
    }


def measured_burst(
    requests: list[Request], concurrency: int, workers: list[int], database: str
) -> dict[str, Any]:
    """burst() plus the CPU time it cost the web workers, PostgreSQL and this client."""
    server, db = cpu_seconds(workers), cpu_seconds(database_backends(database))
    client = time.process_time()
    figures = burst(requests, concurrency)
    count = len(requests)
    figures["cpu_ms_per_request"] = {
        "server": round((cpu_seconds(workers) - server) * 1000 / count, 2),
        "database": round((cpu_seconds(database_backends(database)) - db) * 1000 / count, 2),
        "client": round((time.process_time() - client) * 1000 / count, 2),
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight at most")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads per gunicorn worker")
    parser.add_argument(
        "--profile-people", type=int, default=40, help="bookings profiled in-process first"
    )
    parser.add_argument("--database", default="exchange_bench_booking")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database) or args.database == "exchange":
        sys.exit("--database must be a plain name other than the project's own database")

    var_dir = ROOT / "var" / "bench-booking"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = bench_environment(
        database=args.database,
        var_dir=var_dir,
        # Confirmation emails are queued as tasks; no worker runs, nothing is sent.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )

    postgres_ensure()
    log(f"Creating database {args.database}...")
    admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {args.database}")
    server: subprocess.Popen[bytes] | None = None
    try:
        log("Migrating...")
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        import django

        django.setup()
        log(f"Seeding one session with {args.capacity} places and {args.clients} people...")
        event = seed_event()
        session_id = seed_session(event, "The popular workshop", 1, args.capacity)
        tokens = seed_people("burst", args.clients)
        # Every worker thread books once before the clock starts (imports, connections).
        warm_up_people = args.workers * args.threads * 4
        warm_up_session = seed_session(event, "Warm-up", 2, warm_up_people // 2)
        warm_up_tokens = seed_people("warmup", warm_up_people)
        log(f"Profiling {args.profile_people} booking requests in-process...")
        profile = profile_booking(event, args.profile_people)
        log(
            f"  queries per booking: {profile['queries_confirmed']} confirmed, "
            f"{profile['queries_waitlisted']} waitlisted; "
            f"CPU per booking {profile['cpu_ms_per_booking']} ms in Django (test client), "
            f"{profile['database_cpu_ms_per_booking']} ms in PostgreSQL"
        )
        from django.db import connections

        connections.close_all()

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log(f"Starting gunicorn on {host} ({args.workers} workers x {args.threads} threads)...")
        server = gunicorn_start(
            app="bench.bare_app:application",
            port=port,
            workers=args.workers,
            threads=args.threads,
            env=env,
            backlog=1024,
        )
        wait_for(f"{host}/api/events")
        burst(booking_requests(host, warm_up_session, warm_up_tokens), args.concurrency)
        workers = gunicorn_workers(server.pid)
        log(f"Floor: {args.clients} requests for the bare view at once...")
        bare = measured_burst(
            [Request(f"{host}/bench/bare") for _ in tokens],
            args.concurrency,
            workers,
            args.database,
        )
        log(
            f"{args.clients} clients book at once, at most {args.concurrency} requests in flight..."
        )
        figures = measured_burst(
            booking_requests(host, session_id, tokens), args.concurrency, workers, args.database
        )

        from exchange.events.models import Booking

        states = Counter(
            Booking.objects.filter(session_id=session_id).values_list("state", flat=True)
        )
    finally:
        gunicorn_stop(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            log(f"Dropped database {args.database}.")

    confirmed = states.get("confirmed", 0)
    cost = figures["cpu_ms_per_request"]
    total_cpu_ms = sum(cost.values())
    log("")
    log(f"HTTP statuses: {dict(sorted(figures['statuses'].items()))}")
    log(f"Bookings: {dict(sorted(states.items()))}")
    log(
        f"confirmed {confirmed} of capacity {args.capacity} "
        f"({'OK' if confirmed == args.capacity else 'WRONG'})"
    )
    log(
        f"{args.clients} requests in {figures['elapsed_s']:.2f} s: "
        f"{figures['requests_per_s']:.0f} requests/s; latency p50 {figures['p50_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms, max {figures['max_ms']:.0f} ms"
    )
    for name, phase in (("booking", figures), ("bare view", bare)):
        log(
            f"CPU per {name} request: "
            + ", ".join(f"{part} {ms} ms" for part, ms in phase["cpu_ms_per_request"].items())
        )
    log(
        f"At {total_cpu_ms:.1f} ms of CPU per booking, {os.cpu_count()} CPUs could serve at most "
        f"{os.cpu_count() * 1000 / total_cpu_ms:.0f} bookings/s with nothing else running; "
        f"bare view {bare['requests_per_s']:.0f} requests/s in this run"
    )
    log(f"Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        json.dumps(
            {
                "confirmed": confirmed,
                "capacity": args.capacity,
                "waitlisted": states.get("waitlisted", 0),
                "requests_per_s": round(figures["requests_per_s"], 1),
                "p95_ms": round(figures["p95_ms"], 1),
                "p50_ms": round(figures["p50_ms"], 1),
                **profile,
                **{f"{part}_cpu_ms_per_request": ms for part, ms in cost.items()},
                "cpu_bound_requests_per_s": round((os.cpu_count() or 1) * 1000 / total_cpu_ms, 1),
                "bare_requests_per_s": round(bare["requests_per_s"], 1),
                "bare_server_cpu_ms_per_request": bare["cpu_ms_per_request"]["server"],
                "gunicorn": f"{args.workers}x{args.threads}",
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )
    if confirmed != args.capacity:
        sys.exit(1)


if __name__ == "__main__":
    main()
