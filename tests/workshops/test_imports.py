"""Importing survey files: encodings, XLSX, columns, bad rows, duplicates, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.workshops import imports
from exchange.workshops.models import (
    ImportBatch,
    ImportState,
    ImportUpload,
    Prompt,
    Reflection,
    ReflectionSource,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "Timestamp,Question,Answer,Table\n"
ROWS = (
    "03/05/2026 10:15,What should we keep?,Working with the council every day,Table 1\n"
    "2026-05-04,What should we keep?,Ring Sarah Jones on 07700 900123,Table 2\n"
    "05/05/2026,What got in the way?,Too many forms again,Table 1\n"
)
MAPPING = {"text": "Answer", "date": "Timestamp", "prompt": "Question", "group": "Table"}


def _upload(facilitator, workshop, content: bytes, name: str = "survey.csv") -> ImportUpload:
    return imports.import_upload_create(
        actor=facilitator, workshop=workshop, upload=SimpleUploadedFile(name, content)
    )


def _mapped(facilitator, workshop, content: bytes, mapping=None, name="survey.csv"):
    upload = _upload(facilitator, workshop, content, name)
    imports.import_mapping_set(actor=facilitator, upload=upload, mapping=mapping or MAPPING)
    return upload


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Queue an upload; the task runs when the transaction commits (at once in tests)."""

    def run(facilitator, upload) -> ImportUpload:
        with django_capture_on_commit_callbacks(execute=True):
            imports.import_queue(actor=facilitator, upload=upload)
        upload.refresh_from_db()
        return upload

    return run


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_encodings_all_import(facilitator, workshop, encode, run_import):
    content = encode(
        HEADER + ROWS + "06/05/2026,What got in the way?,Café rota \u2013 “always” late,\n"
    )
    upload = _mapped(facilitator, workshop, content)
    # The byte-order mark is not part of the first heading.
    assert imports.import_headers(upload=upload)[0] == "Timestamp"

    upload = run_import(facilitator, upload)

    assert upload.state == ImportState.DONE
    texts = set(Reflection.objects.values_list("text", flat=True))
    assert "Café rota \u2013 “always” late" in texts
    assert "Ring [NAME] on [PHONE]" in texts


def test_import_writes_redacted_rows_with_dates_prompts_groups_and_a_batch(
    facilitator, workshop, run_import
):
    Prompt.objects.create(workshop=workshop, text="What should we keep?", position=0)
    upload = _mapped(facilitator, workshop, (HEADER + ROWS).encode())
    stored = upload.file.name
    upload = run_import(facilitator, upload)

    batch = upload.batch
    assert (batch.row_count, batch.imported_count, batch.redacted_count) == (3, 3, 1)
    rows = list(Reflection.objects.order_by("created_at"))
    assert [r.created_at.date() for r in rows] == [
        dt.date(2026, 5, 3),
        dt.date(2026, 5, 4),
        dt.date(2026, 5, 5),
    ]
    assert [timezone.localtime(r.created_at).hour for r in rows[:2]] == [10, 12]
    assert [r.group for r in rows] == ["Table 1", "Table 2", "Table 1"]
    assert {r.source for r in rows} == {ReflectionSource.IMPORT}
    assert rows[1].redaction_count == 2
    # "What should we keep?" matched the existing prompt; the other one was added.
    assert list(workshop.prompts.values_list("text", flat=True)) == [
        "What should we keep?",
        "What got in the way?",
    ]
    assert upload.file.name == ""
    assert not upload.file.storage.exists(stored)
    assert AuditEntry.objects.filter(action="reflection_import.run", actor=facilitator).exists()


def test_xlsx_with_real_dates(facilitator, workshop, run_import):
    book = Workbook()
    sheet = book.active
    sheet.append(["Answer", "Submitted", "Cohort"])
    sheet.append(["Video clinics saved hours", dt.datetime(2026, 6, 2, 9, 30), "North"])
    sheet.append(["Email jo@example.org for the template", dt.date(2026, 6, 3), None])
    sheet.append([None, None, None])
    sheet.append([12345, "07/06/2026", "South"])
    buffer = io.BytesIO()
    book.save(buffer)
    prompt = Prompt.objects.create(workshop=workshop, text="What lasted?", position=0)
    mapping = {"text": "Answer", "date": "Submitted", "prompt_id": prompt.pk, "group": "Cohort"}
    upload = _mapped(facilitator, workshop, buffer.getvalue(), mapping, name="survey.xlsx")

    check = imports.import_check(upload=upload)
    assert check.ok
    assert check.blank_rows == 1
    assert len(check.rows) == 3
    upload = run_import(facilitator, upload)

    rows = list(Reflection.objects.order_by("created_at"))
    assert [r.text for r in rows] == [
        "Video clinics saved hours",
        "Email [EMAIL] for the template",
        "12345",
    ]
    assert timezone.localtime(rows[0].created_at).time() == dt.time(9, 30)
    assert {r.prompt for r in rows} == {prompt}


def test_errors_name_the_row_and_column_and_nothing_is_written(facilitator, workshop, settings):
    settings.WORKSHOPS_IMPORT_TEXT_MAX_LENGTH = 50
    content = (
        HEADER
        + "03/05/2026,Keep?,Fine answer,T1\n"
        + "31/02/2026,Keep?,Bad date,T1\n"
        + "not a date,Keep?,Another,T1\n"
        + "04/05/2026,Keep?,,T1\n"
        + f"04/05/2026,Keep?,{'x' * 51},T1\n"
        + ",Keep?,No date,T1\n"
        + "04/05/2026,,No question,T1\n"
        + "04/05/2026,Keep?,Too wide,T1,extra\n"
    ).encode()
    upload = _mapped(facilitator, workshop, content)

    check = imports.import_check(upload=upload)

    messages = [str(error) for error in check.errors]
    assert messages == [
        "Row 3, column “Timestamp”: “31/02/2026” is not a date (use a date like 14/05/2026 "
        "or 2026-05-14)",
        "Row 4, column “Timestamp”: “not a date” is not a date (use a date like 14/05/2026 "
        "or 2026-05-14)",
        "Row 5, column “Answer”: the text is empty",
        "Row 6, column “Answer”: the text is 51 characters long; the most is 50",
        "Row 7, column “Timestamp”: the date is empty",
        "Row 8, column “Question”: the question is empty",
        "Row 9: it has more cells than there are column headings (5 for 4)",
    ]
    with pytest.raises(imports.ImportFileError):
        imports.import_queue(actor=facilitator, upload=upload)
    with pytest.raises(imports.ImportFileError):
        imports.import_run(upload=upload)
    assert not Reflection.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not Prompt.objects.filter(workshop=workshop).exists()


def test_a_failure_while_writing_rolls_everything_back(
    facilitator, workshop, monkeypatch, run_import
):
    upload = _mapped(facilitator, workshop, (HEADER + ROWS).encode())

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Reflection.objects, "bulk_create", broken)
    upload = run_import(facilitator, upload)

    assert upload.state == ImportState.FAILED
    assert not Reflection.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not Prompt.objects.exists()


def test_duplicates_in_the_file_and_already_imported_are_skipped(facilitator, workshop, run_import):
    repeated = "03/05/2026 10:15,What should we keep?,working  with the COUNCIL every day,Table 1\n"
    first = run_import(
        facilitator, _mapped(facilitator, workshop, (HEADER + ROWS + repeated).encode())
    )
    assert (first.batch.imported_count, first.batch.duplicate_count) == (3, 1)

    extra = "07/05/2026,What should we keep?,A new answer,Table 3\n"
    second = _mapped(facilitator, workshop, (HEADER + ROWS + extra).encode())
    check = imports.import_check(upload=second)
    assert (check.duplicates_existing, check.duplicates_in_file, len(check.rows)) == (3, 0, 1)

    second = run_import(facilitator, second)
    assert (second.batch.imported_count, second.batch.duplicate_count) == (1, 3)
    assert Reflection.objects.count() == 4


def test_same_words_on_another_day_or_table_are_not_duplicates(facilitator, workshop, run_import):
    content = (
        HEADER
        + "03/05/2026,Keep?,Same words,Table 1\n"
        + "04/05/2026,Keep?,Same words,Table 1\n"
        + "03/05/2026,Keep?,Same words,Table 2\n"
    ).encode()
    upload = run_import(facilitator, _mapped(facilitator, workshop, content))
    assert upload.batch.imported_count == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n", "column headings"),
        (b"Answer,Answer\nx,y\n", "appears more than once"),
        (b"Answer,Date\n", "no rows"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "not a CSV or XLSX"),
        (b"PK\x03\x04not really a zip", "not a CSV or XLSX"),
        (b"Answer\n\x00\x01\x02binary", "binary"),
        (b"Answer\n\x81\x8d\x8f", "could not be read"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(facilitator, prompt, content, message):
    workshop = prompt.workshop

    def upload_and_check() -> None:
        upload = _mapped(facilitator, workshop, content, {"text": "Answer", "prompt_id": prompt.pk})
        imports.import_check(upload=upload)

    with pytest.raises(imports.ImportFileError) as error:
        upload_and_check()
    assert message in error.value.message


def test_a_missing_column_is_reported(facilitator, workshop):
    upload = _mapped(facilitator, workshop, (HEADER + ROWS).encode(), {**MAPPING, "text": "Reply"})

    with pytest.raises(imports.ImportFileError) as error:
        imports.import_check(upload=upload)
    assert "no column “Reply”" in error.value.message


def test_size_and_row_limits(facilitator, workshop, settings):
    settings.WORKSHOPS_IMPORT_MAX_BYTES = 100
    with pytest.raises(imports.ImportFileError) as error:
        _upload(facilitator, workshop, b"Answer\n" + b"x" * 200)
    assert "smaller than" in error.value.message

    settings.WORKSHOPS_IMPORT_MAX_BYTES = 10_000
    settings.WORKSHOPS_IMPORT_MAX_ROWS = 2
    upload = _mapped(facilitator, workshop, (HEADER + ROWS).encode())
    with pytest.raises(imports.ImportFileError) as error:
        imports.import_check(upload=upload)
    assert "more than 2 rows" in error.value.message


def test_long_answers_are_errors_naming_their_row(facilitator, workshop):
    content = ("Answer\n" + '"' + "word " * 2_000 + '"\n').encode()
    prompt = Prompt.objects.create(workshop=workshop, text="Keep?", position=0)
    upload = _mapped(facilitator, workshop, content, {"text": "Answer", "prompt_id": prompt.pk})

    check = imports.import_check(upload=upload)
    assert not check.ok
    assert "Row 2, column “Answer”" in str(check.errors[0])
    assert "characters long" in str(check.errors[0])


def test_semicolon_separated_files_are_read(facilitator, workshop):
    content = b"Answer;Date\nOne team at last;03/05/2026\nWe kept the huddles;04/05/2026\n"
    prompt = Prompt.objects.create(workshop=workshop, text="Keep?", position=0)
    upload = _mapped(
        facilitator, workshop, content, {"text": "Answer", "date": "Date", "prompt_id": prompt.pk}
    )
    assert len(imports.import_check(upload=upload).rows) == 2


def test_without_a_date_column_rows_take_the_workshop_date(facilitator, workshop, run_import):
    prompt = Prompt.objects.create(workshop=workshop, text="Keep?", position=0)
    upload = _mapped(
        facilitator, workshop, b"Answer\nOne\nTwo\n", {"text": "Answer", "prompt_id": prompt.pk}
    )
    run_import(facilitator, upload)
    assert {r.created_at for r in Reflection.objects.all()} == {workshop.starts_at}


def test_preview_rows_are_redacted(facilitator, workshop):
    upload = _mapped(facilitator, workshop, (HEADER + ROWS).encode())
    preview = imports.preview_rows(imports.import_check(upload=upload))
    assert [row["text"] for row in preview][1] == "Ring [NAME] on [PHONE]"
    assert preview[1]["redactions"] == 2


def test_only_managers_of_the_series_upload_or_see_uploads(facilitator, workshop):
    other = UserFactory(roles=[Role.FACILITATOR])
    with pytest.raises(PermissionDenied):
        _upload(other, workshop, (HEADER + ROWS).encode())
    upload = _upload(facilitator, workshop, (HEADER + ROWS).encode())
    assert imports.import_upload_get(actor=other, token=upload.token) is None
    assert imports.import_upload_get(actor=facilitator, token=upload.token) == upload


def test_queueing_twice_imports_once(facilitator, workshop, run_import):
    upload = run_import(facilitator, _mapped(facilitator, workshop, (HEADER + ROWS).encode()))
    with pytest.raises(imports.ImportFileError):
        imports.import_queue(actor=facilitator, upload=upload)
    from exchange.workshops.tasks import reflection_import_task

    assert reflection_import_task.call(upload_id=upload.pk) is None
    assert Reflection.objects.count() == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14/05/2026", dt.datetime(2026, 5, 14, 12)),
        ("14/05/2026 09:05", dt.datetime(2026, 5, 14, 9, 5)),
        ("14/05/2026 09:05:07", dt.datetime(2026, 5, 14, 9, 5, 7)),
        ("2026-05-14", dt.datetime(2026, 5, 14, 12)),
        ("2026-05-14T09:05:00", dt.datetime(2026, 5, 14, 9, 5)),
        ("14.05.2026", dt.datetime(2026, 5, 14, 12)),
        ("14 May 2026", dt.datetime(2026, 5, 14, 12)),
        ("31/02/2026", None),
        ("yesterday", None),
    ],
)
def test_parse_date(value, expected):
    parsed = imports.parse_date(value)
    if expected is None:
        assert parsed is None
    else:
        assert parsed is not None
        assert parsed.replace(tzinfo=None) == expected
