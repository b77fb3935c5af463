"""Load driver for bench/gallery.py: locust (as a library) against one page type on loopback.

Run by bench/gallery.py in its own process (locust patches the standard library with gevent),
one process per page type. It takes a JSON plan on stdin and prints one JSON line:

    {"page": "gallery", "requests": 1234, "failures": 0, "rps": 61.7, "p50_ms": 480, ...}

Bounded: it stops after warm-up + duration seconds, or after `max_requests` measured requests,
whichever comes first, and it refuses any host but 127.0.0.1.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

PLAN: dict[str, Any] = json.load(sys.stdin)
if urlsplit(PLAN["host"]).hostname != "127.0.0.1":
    sys.exit("gallery_load: loopback (127.0.0.1) only")

PAGE: str = PLAN["page"]
MEASURING = {"on": False, "count": 0}


def next_path(rng: random.Random) -> str:
    if PAGE == "bare":
        return "/bench/bare"
    if PAGE == "gallery":
        return rng.choice(PLAN["gallery_paths"])
    if PAGE == "search":
        return rng.choice(PLAN["search_paths"])
    if PAGE == "detail":
        return f"/examples/{rng.choice(PLAN['detail_ids'])}/"
    raise ValueError(PAGE)


class BenchUser(FastHttpUser):
    wait_time = constant(PLAN.get("wait", 0))
    # One connection per simulated client, like a browser tab.
    concurrency = 1

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def fetch(self) -> None:
        if MEASURING["on"]:
            MEASURING["count"] += 1
            if MEASURING["count"] > PLAN["max_requests"]:
                raise StopUser
        path = next_path(self.rng)
        with self.client.get(path, name=PAGE, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")


def main() -> None:
    env = Environment(user_classes=[BenchUser], host=PLAN["host"])
    runner = env.create_local_runner()
    runner.start(PLAN["clients"], spawn_rate=PLAN["clients"])
    gevent.sleep(PLAN["warmup"])

    env.stats.reset_all()
    MEASURING["on"] = True
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    deadline = started + PLAN["duration"]
    while time.monotonic() < deadline and MEASURING["count"] <= PLAN["max_requests"]:
        gevent.sleep(0.2)
    # Freeze the figures before stopping: requests cut short by the stop are not counted.
    elapsed = time.monotonic() - started
    entry = env.stats.get(PAGE, "GET")
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "page": PAGE,
        "clients": PLAN["clients"],
        "seconds": round(elapsed, 2),
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.num_requests / elapsed, 1) if elapsed else 0.0,
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "mean_ms": round(entry.avg_response_time, 1),
        "max_ms": round(entry.max_response_time or 0, 1),
        "errors": sorted({str(e.error) for e in env.stats.errors.values()})[:5],
        "driver_cpu_s": round(
            (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
            2,
        ),
    }
    runner.quit()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
