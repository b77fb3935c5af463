"""Import benchmark: 50,000 survey rows from a CSV into one workshop, on PostgreSQL.

Run from the repository root (never as a test):

    .venv/bin/python bench/import_rows.py            # fresh database, measure, drop it
    .venv/bin/python bench/import_rows.py --keep     # keep `exchange_bench_import`

Steps: start PostgreSQL if needed; create and migrate a fresh database `exchange_bench_import`;
create a facilitator, a series and a workshop with one prompt; write a 50,000-row CSV (UTF-8
with a byte-order mark, as Excel saves it; columns Timestamp, Question, Answer, Table) whose
answers are combined from written fragments (160,000 combinations, so most are distinct), about one in eight carrying a name, an email
address or a phone number to redact, and one in fifty repeated (duplicates to skip).

Measured, in-process (the same services the web pages and the import task call, without the
web request or the task queue around them): storing the upload, reading and checking every
row (`import_check`, as the preview does), then `import_run` — redaction of every row and the
all-or-nothing bulk insert. Prints each step's time and as its LAST line one JSON object with
`rows` (rows in the file), `imported`, `duplicates`, `redacted` and `seconds` (upload to
committed import). Target (issue 8): 50,000 rows in <= 30 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gallery import PG_SERVER, ROOT, admin_sql, log, manage, postgres_ensure  # house helpers

SEED = 2026
FRAMES = (
    "",
    "For me, ",
    "Honestly, ",
    "In our team ",
    "Looking back, ",
    "From the ward side, ",
    "As a manager, ",
    "On reflection, ",
    "Speaking for the night shift, ",
    "In the community team ",
)
OPENINGS = (
    "Working with the council team",
    "Sharing one referral form",
    "The weekly huddle across organisations",
    "Video calls with the care homes",
    "Having a named contact in the voluntary sector",
    "Moving the clinic online",
    "Joint rotas with social care",
    "The shared dashboard",
    "Our wellbeing check-ins",
    "Hot-desking at the hub",
)
MIDDLES = (
    "cut the waiting time for families",
    "meant we stopped duplicating assessments",
    "made it easier to ask for help",
    "felt awkward at first but now works",
    "slipped once the pressure came back",
    "has started to fade since June",
    "gave junior staff a voice",
    "saved hours of phone calls each week",
    "only worked because managers protected the time",
    "depends on goodwill more than process",
)
ENDINGS = (
    "and we should keep it.",
    "but it needs proper funding.",
    "though the old silos are creeping back.",
    "which nobody wants to lose.",
    "and people still talk about it.",
    "if we can agree who owns it.",
    "— let's write it down before we forget.",
    "but remote working makes it harder.",
)
ASIDES = (
    "",
    " We saw it most on Mondays.",
    " The students noticed it first.",
    " Families told us so.",
    " It took a while to trust it.",
    " Nobody planned it that way.",
    " The new starters found it easiest.",
    " It was messy but it worked.",
    " We argued about it for weeks.",
    " Our partners felt the same.",
    " It changed how meetings run.",
    " We would do it again.",
    " The evidence is mostly stories.",
    " Estates were surprisingly helpful.",
    " Pharmacy joined in later.",
    " It needs a champion.",
    " Some teams never tried it.",
    " It survived the winter.",
    " Paperwork crept back in.",
    " It made the rota fairer.",
)
PERSONAL = (
    " Ask Sarah Jones about it.",
    " Email me at sam.taylor@example.org for the template.",
    " Ring 07700 900123 if you want to visit.",
    " Thanks to Dr Patel for pushing it.",
)


def answer(rng: random.Random) -> str:
    opening = rng.choice(OPENINGS)
    frame = rng.choice(FRAMES)
    if frame:
        opening = opening[0].lower() + opening[1:]
    text = f"{frame}{opening} {rng.choice(MIDDLES)} {rng.choice(ENDINGS)}{rng.choice(ASIDES)}"
    if rng.random() < 0.125:
        text += rng.choice(PERSONAL)
    return text


def csv_bytes(count: int) -> bytes:
    import csv

    rng = random.Random(SEED)
    start = dt.datetime(2026, 5, 1, 9, 0)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["Timestamp", "Question", "Answer", "Table"])
    rows: list[list[str]] = []
    for i in range(count):
        if rows and rng.random() < 0.02:
            rows.append(list(rng.choice(rows)))  # the same row exported twice
            continue
        when = start + dt.timedelta(minutes=(i * 7) % (60 * 24 * 110))
        rows.append(
            [
                when.strftime("%d/%m/%Y %H:%M"),
                "What should we keep from working together this year?",
                answer(rng),
                f"Table {1 + i % 12}",
            ]
        )
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database", default="exchange_bench_import")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database) or args.database == "exchange":
        sys.exit("--database must be a plain name other than the project's own database")
    if not 1 <= args.rows <= 100_000:
        sys.exit("keep it bounded: 1-100,000 rows")

    var_dir = ROOT / "var" / "bench_import"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_SERVER}/{args.database}",
        "DEBUG": "0",
        "EXCHANGE_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "SECRET_KEY": "bench-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
        "LOG_LEVEL": "ERROR",
        "TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    os.environ.update({key: env[key] for key in env if key not in ("PATH",)})
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    postgres_ensure()
    log(f"Creating database {args.database}...")
    admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {args.database}")
    try:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        import django

        django.setup()
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection

        from exchange.accounts.models import User
        from exchange.accounts.services import roles_ensure, user_role_add
        from exchange.core.permissions import Role
        from exchange.workshops import imports, services

        roles_ensure()
        facilitator = User.objects.create_user(email="bench-facilitator@example.org")
        user_role_add(user=facilitator, role=Role.FACILITATOR)
        facilitator = User.objects.get(pk=facilitator.pk)
        series = services.series_create(actor=facilitator, title="Bench series", slug="bench")
        workshop = services.workshop_create(
            actor=facilitator,
            series=series,
            title="Bench workshop",
            starts_at=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
        )
        content = csv_bytes(args.rows)
        log(f"CSV of {args.rows:,} rows, {len(content) / 1e6:.1f} MB")

        started = time.perf_counter()
        upload = imports.import_upload_create(
            actor=facilitator,
            workshop=workshop,
            upload=SimpleUploadedFile("survey.csv", content, content_type="text/csv"),
        )
        imports.import_mapping_set(
            actor=facilitator,
            upload=upload,
            mapping={"text": "Answer", "date": "Timestamp", "prompt": "Question", "group": "Table"},
        )
        stored = time.perf_counter()
        check = imports.import_check(upload=upload)
        checked = time.perf_counter()
        assert check.ok, check.errors[:3]
        batch = imports.import_run(upload=upload, actor=facilitator)
        finished = time.perf_counter()
        log(f"  upload stored and mapped  {stored - started:6.2f} s")
        log(f"  preview check (all rows)  {checked - stored:6.2f} s")
        log(f"  import (redact + insert)  {finished - checked:6.2f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM workshops_reflection")
            in_database = cursor.fetchone()[0]
        log(
            f"  {batch.imported_count:,} imported ({in_database:,} in the database), "
            f"{batch.duplicate_count:,} duplicates skipped, {batch.redacted_count:,} redacted"
        )
        log(f"  load average {os.getloadavg()[0]:.2f}")
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "imported": batch.imported_count,
                    "duplicates": batch.duplicate_count,
                    "redacted": batch.redacted_count,
                    "seconds": round(finished - started, 2),
                }
            ),
            flush=True,
        )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")


if __name__ == "__main__":
    main()
