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
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery import (
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


def seed(clients: int, capacity: int) -> tuple[int, list[str]]:
    """One event, one session with `capacity` in-person places, `clients` people with tokens."""
    import datetime as dt

    from django.utils import timezone

    from exchange.accounts.models import User
    from exchange.api.services import api_token_create
    from exchange.events.models import AttendanceType, Event, Session

    starts = timezone.now() + dt.timedelta(days=7)
    event = Event.objects.create(
        title="Booking burst",
        slug="booking-burst",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8),
    )
    session = Session.objects.create(
        event=event,
        title="The popular workshop",
        starts_at=starts + dt.timedelta(hours=1),
        ends_at=starts + dt.timedelta(hours=2),
        attendance_type=AttendanceType.IN_PERSON,
        capacity_in_person=capacity,
    )
    users = User.objects.bulk_create(
        User(email=f"burst{i}@example.org", username=f"burst{i}@example.org", password="!")
        for i in range(clients)
    )
    tokens = [api_token_create(actor=user, user=user, name="bench")[1] for user in users]
    return session.pk, tokens


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def burst(host: str, session_id: int, tokens: list[str], concurrency: int) -> dict:
    url = f"{host}/api/sessions/{session_id}/bookings"
    body = json.dumps({"mode": "in_person"}).encode()
    gate = threading.Event()

    def one(token: str) -> tuple[int, float]:
        gate.wait()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
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
        futures = [pool.submit(one, token) for token in tokens]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight at most")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
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
        session_id, tokens = seed(args.clients, args.capacity)
        from django.db import connections

        connections.close_all()

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log(f"Starting gunicorn on {host} ({args.workers} workers x {args.threads} threads)...")
        server = gunicorn_start(
            app="exchange.wsgi:application",
            port=port,
            workers=args.workers,
            threads=args.threads,
            env=env,
            backlog=1024,
        )
        wait_for(f"{host}/api/events")
        log(
            f"{args.clients} clients book at once, at most {args.concurrency} requests in flight..."
        )
        figures = burst(host, session_id, tokens, args.concurrency)

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
    print(
        json.dumps(
            {
                "confirmed": confirmed,
                "capacity": args.capacity,
                "waitlisted": states.get("waitlisted", 0),
                "requests_per_s": round(figures["requests_per_s"], 1),
                "p95_ms": round(figures["p95_ms"], 1),
            }
        )
    )
    if confirmed != args.capacity:
        sys.exit(1)


if __name__ == "__main__":
    main()
