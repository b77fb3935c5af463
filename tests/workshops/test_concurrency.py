"""Two imports of the same file into one workshop at the same moment (PostgreSQL only).

Each thread has its own database connection and waits at a barrier. With the workshop row
locked while duplicates are checked and rows written, the second import waits for the first,
then finds every row already there; the control test switches the lock off and shows both
writing everything.
"""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from exchange.workshops import imports
from exchange.workshops.models import Reflection
from tests.events.test_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

ROWS = 300
CONTENT = ("Answer,Date\n" + "".join(f"Answer {i},03/05/2026\n" for i in range(ROWS))).encode()


def _uploads(facilitator, workshop, prompt, count: int) -> list:
    uploads = []
    for _ in range(count):
        upload = imports.import_upload_create(
            actor=facilitator, workshop=workshop, upload=SimpleUploadedFile("s.csv", CONTENT)
        )
        imports.import_mapping_set(
            actor=facilitator,
            upload=upload,
            mapping={"text": "Answer", "date": "Date", "prompt_id": prompt.pk},
        )
        uploads.append(upload)
    return uploads


def test_control_without_the_lock_both_imports_write_everything(
    facilitator, workshop, prompt, monkeypatch
):

    monkeypatch.setattr(imports, "LOCKING", False)
    uploads = _uploads(facilitator, workshop, prompt, 2)
    # Both read the rows already there before either writes: the race, every time.
    both_read = threading.Barrier(2)
    read = imports._existing_fingerprints

    def read_then_wait(workshop):
        found = read(workshop)
        if connection.in_atomic_block:  # the check inside the write, not the preview's
            both_read.wait(timeout=30)
        return found

    monkeypatch.setattr(imports, "_existing_fingerprints", read_then_wait)

    results = run_together(2, lambda i: imports.import_run(upload=uploads[i]))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Reflection.objects.count() == 2 * ROWS


def test_with_the_lock_the_second_import_skips_every_row(facilitator, workshop, prompt):
    uploads = _uploads(facilitator, workshop, prompt, 2)

    results = run_together(2, lambda i: imports.import_run(upload=uploads[i]))

    assert not [r for r in results if isinstance(r, Exception)], results
    assert Reflection.objects.count() == ROWS
    assert sorted(batch.imported_count for batch in results) == [0, ROWS]
    assert sorted(batch.duplicate_count for batch in results) == [0, ROWS]
