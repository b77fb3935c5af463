"""Importing reflections from survey tools' CSV or XLSX exports.

Steps, each a page: upload (the file is stored as an ImportUpload, found by its token) →
choose the columns (`import_mapping_set`) → preview (`import_check`: every row is read and
checked, nothing written) → import (`import_queue` hands it to a task that calls
`import_run`). The import is all-or-nothing: one error anywhere and no row is written.

Duplicates — the same words (ignoring case and spacing) on the same day, in the same group,
for the same prompt (`reflection_fingerprint`) — are skipped, both repeats inside the file and
rows already in the workshop; the preview and the result say how many.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.core.services import audit_log
from exchange.core.uploads import ArchiveRefused, zip_open
from exchange.workshops.models import (
    ImportBatch,
    ImportState,
    ImportUpload,
    Prompt,
    Reflection,
    ReflectionSource,
    Workshop,
)
from exchange.workshops.selectors import series_is_managed_by
from exchange.workshops.services import WorkshopError, reflection_fingerprint, reflection_redact

CSV, XLSX = "csv", "xlsx"
BULK_BATCH_SIZE = 2000
# Tests switch this off to show the race it prevents (tests/workshops/test_concurrency.py).
LOCKING = True
PROGRESS_EVERY = 2000
MAX_ERRORS_SHOWN = 50
PREVIEW_ROWS = 10
GROUP_MAX_LENGTH = 100
PROMPT_MAX_LENGTH = 500
# UK order first: survey tools used here export 03/05/2026 for 3 May.
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}),?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
DATE_FORMATS = (
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
)


class ImportFileError(WorkshopError):
    pass


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class CheckedRow:
    row: int
    text: str
    created_at: dt.datetime
    prompt_text: str  # the prompt column's value, or the fixed prompt's text
    group: str
    fingerprint: str


@dataclass
class ImportCheck:
    """What importing the file as mapped would do; `rows` are those that would be written."""

    total_rows: int = 0
    blank_rows: int = 0
    duplicates_in_file: int = 0
    duplicates_existing: int = 0
    rows: list[CheckedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    new_prompts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def duplicates(self) -> int:
        return self.duplicates_in_file + self.duplicates_existing

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append(RowError(row, column, message))

    def as_json(self) -> dict[str, Any]:
        """What the preview shows, kept on the upload by the check task."""
        return {
            "ok": self.ok,
            "total_rows": self.total_rows,
            "blank_rows": self.blank_rows,
            "duplicates_in_file": self.duplicates_in_file,
            "duplicates_existing": self.duplicates_existing,
            "rows_to_import": len(self.rows),
            "errors": [str(error) for error in self.errors],
            "error_count": self.error_count,
            "new_prompts": self.new_prompts,
            "preview": [
                {**row, "created_at": row["created_at"].isoformat()} for row in preview_rows(self)
            ],
        }


@dataclass
class CheckSummary:
    """The stored result of checking an upload, as the preview page shows it."""

    ok: bool = False
    problem: str = ""  # a problem with the whole file: no rows were checked
    total_rows: int = 0
    blank_rows: int = 0
    duplicates_in_file: int = 0
    duplicates_existing: int = 0
    rows_to_import: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    new_prompts: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckSummary:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        summary = cls(**known)
        for row in summary.preview:
            row["created_at"] = dt.datetime.fromisoformat(row["created_at"])
        return summary


# Reading files ---------------------------------------------------------------------------
#
# Nothing a file declares about itself is trusted: an XLSX file's <dimension> is ignored and
# its ZIP container is checked before anything is decompressed (exchange.core.uploads);
# rows are read one at a time and reading stops at the row and column limits; a CSV file's
# lines and cells are bounded before the csv module splits them.

# What the upload and column steps read of a CSV file: the headings must end within it.
HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
# The longest line of a CSV file: far beyond a survey row, short enough that splitting one
# costs little however many cells it holds.
CSV_LINE_MAX_LENGTH = 1_000_000


def _file_error(message: str) -> ImportFileError:
    return ImportFileError(message, field="file")


def _too_many_rows() -> ImportFileError:
    limit = settings.WORKSHOPS_IMPORT_MAX_ROWS
    return _file_error(
        _("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": f"{limit:,}"}
    )


def _long_cell(row: int) -> ImportFileError:
    return _file_error(
        _(
            "Row %(row)s has a cell longer than %(limit)s characters, which no spreadsheet "
            "holds. Check that this is the right file."
        )
        % {"row": row, "limit": f"{settings.WORKSHOPS_IMPORT_CELL_MAX_LENGTH:,}"}
    )


def _xlsx_archive_check(stream: IO[bytes]) -> bool:
    """True for an XLSX file whose container is safe to open; False for other ZIP files."""
    try:
        with zip_open(stream) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except ArchiveRefused as error:
        raise _file_error(str(error)) from error
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False
    finally:
        stream.seek(0)


def file_kind(stream: IO[bytes]) -> str:
    """CSV or XLSX, from the content. Raises ImportFileError for anything else."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04") and _xlsx_archive_check(stream):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"PK\x03\x04"):
        raise _file_error(
            _("This file is not a CSV or XLSX file. Save it as XLSX or CSV and upload it again.")
        )
    if b"\x00" in head:
        raise _file_error(
            _("This file is not a CSV file: it holds binary data. Save it as CSV or XLSX.")
        )
    return CSV


def _decodes_as(stream: IO[bytes], encoding: str) -> bool:
    """Whether the whole file decodes, read in chunks so that memory stays bounded."""
    decoder = codecs.getincrementaldecoder(encoding)()
    stream.seek(0)
    try:
        while chunk := stream.read(CHUNK_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def csv_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it."""
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes_as(stream, encoding):
            return encoding
    raise _file_error(
        _(
            "The characters in the file could not be read. Save it as “CSV UTF-8” and upload "
            "it again."
        )
    )


def _csv_dialect(sample: str) -> Any:
    try:
        return csv.Sniffer().sniff(sample[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _csv_reader_rows(lines: Iterator[str], dialect: Any) -> Generator[list[Any], None, None]:
    # The csv module has no per-reader cell limit; this bound is the same for every caller.
    csv.field_size_limit(settings.WORKSHOPS_IMPORT_CELL_MAX_LENGTH)
    reader = csv.reader(lines, dialect)
    try:
        yield from reader
    except csv.Error as error:
        if "field limit" in str(error):
            raise _long_cell(reader.line_num) from error
        raise _file_error(
            _("Row %(row)s could not be read as CSV: %(problem)s")
            % {"row": reader.line_num, "problem": str(error)}
        ) from error


def _bounded_lines(text: str) -> Iterator[str]:
    """The lines of `text` (any line ending), refusing a line over CSV_LINE_MAX_LENGTH."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > CSV_LINE_MAX_LENGTH:
            raise _file_error(
                _(
                    "Row %(row)s is longer than %(limit)s characters. Check that this is a "
                    "CSV export."
                )
                % {"row": number, "limit": f"{CSV_LINE_MAX_LENGTH:,}"}
            )
        yield line


def _csv_rows(stream: IO[bytes]) -> Generator[list[Any], None, None]:
    encoding = csv_encoding(stream)
    text = stream.read().decode(encoding)
    return _csv_reader_rows(_bounded_lines(text), _csv_dialect(text))


def _csv_head_rows(stream: IO[bytes]) -> Generator[list[Any], None, None]:
    """The rows that start within the first HEAD_BYTES: enough for the headings."""
    encoding = csv_encoding(stream)
    head = stream.read(HEAD_BYTES)
    complete = not stream.read(1)
    text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    if not complete:
        # The last line may be cut short: only whole lines are read.
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1]
        if not text:
            raise _file_error(
                _(
                    "The first row of the file is longer than %(limit)s. It must hold the "
                    "column headings."
                )
                % {"limit": filesizeformat(HEAD_BYTES)}
            )
    return _csv_reader_rows(_bounded_lines(text), _csv_dialect(text))


def _xlsx_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value
    return str(value)


class _SharedStrings:
    """An XLSX file's shared-string table, parsed only as far as the cells read so far need.

    openpyxl parses the whole table before the first row can be read; reading the headings
    (in a request) then costs as much as the largest part of the file. The headings' strings
    are normally the first ones, so this parses a handful. Same text as openpyxl gives.
    """

    def __init__(self, archive: zipfile.ZipFile, path: str) -> None:
        from openpyxl.xml.constants import SHEET_MAIN_NS
        from openpyxl.xml.functions import iterparse

        self._tag = f"{{{SHEET_MAIN_NS}}}si"
        self._source = archive.open(path)
        self._nodes = iterparse(self._source)
        self._strings: list[str] = []

    def __getitem__(self, index: int) -> str:
        from openpyxl.cell.text import Text

        while len(self._strings) <= index:
            try:
                _event, node = next(self._nodes)
            except StopIteration:
                raise IndexError(index) from None
            if node.tag == self._tag:
                self._strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                node.clear()
        return self._strings[index]

    def __len__(self) -> int:
        return len(self._strings)


def _load_workbook(stream: IO[bytes]) -> Any:
    """openpyxl's read-only workbook (`load_workbook`), with shared strings read lazily."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                self.shared_strings = _SharedStrings(self.archive, part.PartName[1:])

    reader = Reader(stream, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _xlsx_rows(stream: IO[bytes]) -> Generator[list[Any], None, None]:
    """The first sheet's rows, read one at a time; after the headings each is cut to one cell
    past the last heading (to report cells without a heading)."""
    try:
        workbook = _load_workbook(stream)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _file_error(
            _("The XLSX file could not be opened. Save it again and upload it.")
        ) from error
    cell_limit = settings.WORKSHOPS_IMPORT_CELL_MAX_LENGTH
    try:
        sheet = workbook.worksheets[0]
        # A <dimension> can claim a million rows of 16,384 columns and openpyxl would make up
        # every missing cell: it is ignored, and reading stops one row and one column past
        # the limits (enough to tell that a file is over them).
        sheet.reset_dimensions()
        width = settings.WORKSHOPS_IMPORT_MAX_COLUMNS + 1
        values_by_row = sheet.iter_rows(
            max_row=settings.WORKSHOPS_IMPORT_MAX_ROWS + 2, max_col=width, values_only=True
        )
        number = 0
        while (values := _next_values(values_by_row, number)) is not None:
            number += 1
            row = [_xlsx_cell(value) for value in values[:width]]
            if any(isinstance(value, str) and len(value) > cell_limit for value in row):
                raise _long_cell(number)
            if number == 1:
                filled = [i for i, value in enumerate(row) if str(value).strip()]
                width = filled[-1] + 2 if filled else 1
            yield row
    finally:
        workbook.close()


def _next_values(values_by_row: Iterator[tuple[Any, ...]], read: int) -> tuple[Any, ...] | None:
    try:
        return next(values_by_row, None)
    except Exception as error:  # damaged XML, or a part failing its CRC check (a lying size)
        raise _file_error(
            _("The XLSX file could not be read after row %(row)s. Save it again and upload it.")
            % {"row": read}
        ) from error


def _limited(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """Stop with an error at the row limit, counting empty rows: reading past it costs."""
    limit = settings.WORKSHOPS_IMPORT_MAX_ROWS
    for number, row in enumerate(rows, start=1):
        if number > limit:
            raise _too_many_rows()
        yield row


def _headers(first: list[Any]) -> list[str]:
    headers = [str(value).strip() for value in first]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise _file_error(_("The first row of the file must hold the column headings"))
    limit = settings.WORKSHOPS_IMPORT_MAX_COLUMNS
    if len(headers) > limit:
        raise _file_error(
            _("The file has more than %(limit)s columns. Keep only the columns to import.")
            % {"limit": limit}
        )
    headers = [name or _("Column %(number)s") % {"number": i + 1} for i, name in enumerate(headers)]
    seen: set[str] = set()
    for name in headers:
        if name.casefold() in seen:
            raise _file_error(
                _("Each column heading must be different: “%(name)s” appears more than once")
                % {"name": name}
            )
        seen.add(name.casefold())
    return headers


def _first(rows: Iterator[list[Any]]) -> list[Any]:
    try:
        return next(rows)
    except StopIteration:
        raise _file_error(_("The file is empty")) from None


def file_headers(stream: IO[bytes]) -> list[str]:
    """The column headings, reading no more of the file than the first row needs."""
    rows = _xlsx_rows(stream) if file_kind(stream) == XLSX else _csv_head_rows(stream)
    try:
        return _headers(_first(rows))
    finally:
        rows.close()


def file_rows(stream: IO[bytes]) -> tuple[list[str], Iterator[list[Any]]]:
    """The column headings (first row) and an iterator over the rows after it."""
    rows = _xlsx_rows(stream) if file_kind(stream) == XLSX else _csv_rows(stream)
    headers = _headers(_first(rows))
    return headers, _limited(rows)


# Checking ---------------------------------------------------------------------------------


def _aware(value: dt.datetime, zone: dt.tzinfo | None = None) -> dt.datetime:
    """In the site's time zone (or `zone`, the same looked up once for a whole file)."""
    zone = zone or timezone.get_current_timezone()
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value.astimezone(zone)


def parse_date(value: Any, zone: dt.tzinfo | None = None) -> dt.datetime | None:
    """A date or date and time from a cell, in the site's time zone; a date alone means
    midday. None if unreadable."""
    if isinstance(value, dt.datetime):
        return _aware(value, zone)
    if isinstance(value, dt.date):
        return _aware(dt.datetime.combine(value, dt.time(12)), zone)
    text = str(value).strip()
    if not text:
        return None
    uk = _UK_DATE.fullmatch(text)
    if uk is not None:  # the commonest export format, read without strptime (50,000 rows)
        day, month, year, hour, minute, second = uk.groups()
        try:
            return _aware(
                dt.datetime(
                    int(year),
                    int(month),
                    int(day),
                    int(hour or 12),
                    int(minute or 0),
                    int(second or 0),
                ),
                zone,
            )
        except ValueError:
            return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        for date_format in DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, date_format)
            except ValueError:
                continue
            break
        if parsed is None:
            return None
    date_only = ":" not in text and "T" not in text
    if date_only:
        parsed = parsed.replace(hour=12)
    return _aware(parsed, zone)


def _cell(row: Sequence[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _workshop_prompts(workshop: Workshop) -> dict[str, Prompt]:
    return {
        " ".join(p.text.casefold().split()): p for p in Prompt.objects.filter(workshop=workshop)
    }


def _existing_fingerprints(workshop: Workshop) -> set[str]:
    return set(
        Reflection.objects.filter(prompt__workshop=workshop)
        .exclude(fingerprint="")
        .values_list("fingerprint", flat=True)
    )


def import_check(
    *, upload: ImportUpload, progress: Callable[[int], None] | None = None
) -> ImportCheck:
    """Read every row of the upload as mapped and say what importing it would do.

    Reading a large file takes a while: this runs in tasks, never in a request.
    """
    with upload.file.open("rb") as stored:
        return _import_check(upload, *file_rows(stored), progress=progress)


def _import_check(
    upload: ImportUpload,
    headers: list[str],
    rows: Iterator[list[Any]],
    progress: Callable[[int], None] | None = None,
) -> ImportCheck:
    mapping = upload.mapping
    workshop = upload.workshop
    index = {name: i for i, name in enumerate(headers)}
    for key in ("text", "date", "prompt", "group"):
        name = mapping.get(key) or ""
        if name and name not in index:
            raise ImportFileError(
                _("The file has no column “%(name)s”. Choose the columns again.") % {"name": name}
            )
    text_name, date_name = mapping.get("text", ""), mapping.get("date", "")
    prompt_name, group_name = mapping.get("prompt", ""), mapping.get("group", "")
    text_at = index.get(text_name) if text_name else None
    date_at = index.get(date_name) if date_name else None
    prompt_at = index.get(prompt_name) if prompt_name else None
    group_at = index.get(group_name) if group_name else None
    if text_at is None:
        raise ImportFileError(_("Choose the column that holds the reflections"))
    fixed_prompt = None
    if prompt_at is None:
        fixed_prompt = Prompt.objects.filter(workshop=workshop, pk=mapping.get("prompt_id")).first()
        if fixed_prompt is None:
            raise ImportFileError(_("Choose the question these answers are for"))
    known_prompts = _workshop_prompts(workshop)
    zone = timezone.get_current_timezone()
    default_date = _aware(workshop.starts_at, zone) if date_at is None else None
    text_limit = settings.WORKSHOPS_IMPORT_TEXT_MAX_LENGTH
    existing = _existing_fingerprints(workshop)
    seen: set[str] = set()
    new_prompts: dict[str, str] = {}
    check = ImportCheck()
    width = len(headers)
    for number, row in enumerate(rows, start=2):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number - 1)
        if not any(str(value).strip() for value in row):
            check.blank_rows += 1
            continue
        check.total_rows += 1
        if len(row) > width and any(str(value).strip() for value in row[width:]):
            check.add_error(
                number,
                "",
                _("it has more cells than there are column headings (%(cells)s for %(headings)s)")
                % {"cells": len(row), "headings": width},
            )
            continue
        text = str(_cell(row, text_at)).strip()
        if not text:
            check.add_error(number, text_name, _("the text is empty"))
        elif len(text) > text_limit:
            check.add_error(
                number,
                text_name,
                _("the text is %(count)s characters long; the most is %(limit)s")
                % {"count": f"{len(text):,}", "limit": f"{text_limit:,}"},
            )
        if date_at is None:
            created_at = default_date
        else:
            raw_date = _cell(row, date_at)
            created_at = parse_date(raw_date, zone)
            if created_at is None:
                check.add_error(
                    number,
                    date_name,
                    _("“%(value)s” is not a date (use a date like 14/05/2026 or 2026-05-14)")
                    % {"value": str(raw_date)[:40]}
                    if str(raw_date).strip()
                    else _("the date is empty"),
                )
        if fixed_prompt is not None:
            prompt_text = fixed_prompt.text
        else:
            prompt_text = " ".join(str(_cell(row, prompt_at)).split())
            if not prompt_text:
                check.add_error(number, prompt_name, _("the question is empty"))
            elif len(prompt_text) > PROMPT_MAX_LENGTH:
                check.add_error(
                    number,
                    prompt_name,
                    _("the question is longer than %(limit)s characters")
                    % {"limit": PROMPT_MAX_LENGTH},
                )
            elif prompt_text.casefold() not in known_prompts:
                new_prompts.setdefault(prompt_text.casefold(), prompt_text)
        group = " ".join(str(_cell(row, group_at)).split())
        if len(group) > GROUP_MAX_LENGTH:
            check.add_error(
                number,
                group_name,
                _("the group is longer than %(limit)s characters") % {"limit": GROUP_MAX_LENGTH},
            )
        if check.error_count or created_at is None:
            continue
        key = reflection_fingerprint(
            text=text, day=created_at.date(), group=group, prompt_text=prompt_text
        )
        if key in seen:
            check.duplicates_in_file += 1
            continue
        seen.add(key)
        if key in existing:
            check.duplicates_existing += 1
            continue
        check.rows.append(CheckedRow(number, text, created_at, prompt_text, group, key))
    if check.total_rows == 0 and check.ok:
        raise ImportFileError(_("The file has column headings but no rows"), field="file")
    check.new_prompts = sorted(new_prompts.values())
    if not check.ok:
        check.rows = []
    return check


def preview_rows(check: ImportCheck) -> list[dict[str, Any]]:
    """The first rows as they will be stored, redacted."""
    preview = []
    for row in check.rows[:PREVIEW_ROWS]:
        text, count = reflection_redact(row.text)
        preview.append(
            {
                "row": row.row,
                "text": text,
                "redactions": count,
                "created_at": row.created_at,
                "prompt": row.prompt_text,
                "group": reflection_redact(row.group)[0],
            }
        )
    return preview


# Steps ------------------------------------------------------------------------------------


def _check_manager(actor: Any, workshop: Workshop) -> None:
    if not series_is_managed_by(series=workshop.series, user=actor):
        raise PermissionDenied


@transaction.atomic
def import_upload_create(*, actor: Any, workshop: Workshop, upload: UploadedFile) -> ImportUpload:
    """Keep an uploaded survey file for the next steps, once it is known to be readable."""
    _check_manager(actor, workshop)
    limit = settings.WORKSHOPS_IMPORT_MAX_BYTES
    if not upload.size:
        raise ImportFileError(_("The file is empty"), field="file")
    if upload.size > limit:
        raise ImportFileError(
            _("The file must be smaller than %(limit)s") % {"limit": filesizeformat(limit)},
            field="file",
        )
    kind = file_kind(upload)
    headers = file_headers(upload)  # the headings are readable: raises otherwise
    upload.seek(0)
    name = (upload.name or "import").replace("\\", "/").rsplit("/", 1)[-1][:200]
    stored = ImportUpload(workshop=workshop, uploaded_by=actor, original_name=name, headers=headers)
    extension = ".xlsx" if kind == XLSX else ".csv"
    # Stored under a random name (the model's upload_to), never derived from the token.
    stored.file.save(f"upload{extension}", upload, save=False)
    stored.save()
    audit_log(actor=actor, action="reflection_import.upload", target=workshop, file=name)
    return stored


def import_upload_file_delete(*, upload: ImportUpload) -> None:
    """Delete the raw survey file (personal data) of an upload; harmless when already gone.

    The row stays as the record of the import. The bytes go once the caller's transaction
    commits, so a rolled-back change never loses a file it still names.
    """
    name = upload.file.name
    if not name:
        return
    storage = upload.file.storage
    ImportUpload.objects.filter(pk=upload.pk).update(file="")
    upload.file.name = ""
    transaction.on_commit(lambda: storage.delete(name))


def import_uploads_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete the raw files of uploads not imported within WORKSHOPS_IMPORT_FILE_HOURS.

    Covers uploads left at the column or preview step and imports stuck in the queue or
    stopped with their worker; those not finished are marked failed so their page says why.
    Returns how many files were deleted. Idempotent: run by `workshops_tick`.
    """
    hours = settings.WORKSHOPS_IMPORT_FILE_HOURS
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    stale = ImportUpload.objects.filter(created_at__lt=cutoff).exclude(file="").only("pk", "file")
    deleted = 0
    for upload in stale:
        with transaction.atomic():
            ImportUpload.objects.filter(pk=upload.pk).exclude(
                state__in=(ImportState.DONE, ImportState.FAILED)
            ).update(
                state=ImportState.FAILED,
                error=_("The file was deleted because it was not imported within %(hours)s hours.")
                % {"hours": hours},
            )
            import_upload_file_delete(upload=upload)
        deleted += 1
    return deleted


def import_upload_get(*, actor: Any, token: str) -> ImportUpload | None:
    """The upload with this token, if the person may manage its workshop."""
    upload = (
        ImportUpload.objects.select_related("workshop", "workshop__series", "batch")
        .filter(token=token)
        .first()
    )
    if upload is None or not series_is_managed_by(series=upload.workshop.series, user=actor):
        return None
    return upload


def import_headers(*, upload: ImportUpload) -> list[str]:
    """The column headings, as read at upload (files uploaded before they were kept are read
    again)."""
    if upload.headers:
        return list(upload.headers)
    with upload.file.open("rb") as stored:
        return file_headers(stored)


@transaction.atomic
def import_mapping_set(*, actor: Any, upload: ImportUpload, mapping: dict[str, Any]) -> None:
    """Keep the chosen columns and hand the file to the check task, which reads every row
    (the preview waits for it)."""
    from exchange.workshops.tasks import import_check_task

    _check_manager(actor, upload.workshop)
    if upload.state in (ImportState.QUEUED, ImportState.RUNNING, ImportState.DONE):
        raise ImportFileError(_("This file is already being imported"))
    upload.mapping = mapping
    upload.state = ImportState.CHECKING
    upload.check_result = {}
    upload.rows_done = upload.rows_total = 0
    upload.error = ""
    upload.save(
        update_fields=["mapping", "state", "check_result", "rows_done", "rows_total", "error"]
    )
    # Enqueued in the transaction: the database queue hands the task out once it commits.
    import_check_task.enqueue(upload_id=upload.pk)


def import_check_store(
    *, upload: ImportUpload, progress: Callable[[int], None] | None = None
) -> ImportUpload | None:
    """Check the upload as mapped and keep the result for the preview (the check task).

    Returns None, storing nothing, if the columns were chosen again meanwhile: the newer
    check's task stores its own.
    """
    mapping = dict(upload.mapping)
    try:
        result = import_check(upload=upload, progress=progress).as_json()
    except ImportFileError as error:
        result = {"ok": False, "problem": error.message}
    with transaction.atomic():
        current = ImportUpload.objects.select_for_update().get(pk=upload.pk)
        if current.state != ImportState.CHECKING or current.mapping != mapping:
            return None
        current.check_result = result
        current.state = ImportState.CHECKED
        current.save(update_fields=["check_result", "state"])
    return current


def import_check_summary(*, upload: ImportUpload) -> CheckSummary | None:
    """What the check found, or None while it runs."""
    if upload.state != ImportState.CHECKED:
        return None
    return CheckSummary.from_json(upload.check_result)


def import_queue(*, actor: Any, upload: ImportUpload) -> ImportUpload:
    """Hand a checked file to the import task, which checks every row once more (the
    workshop may have changed since) and writes them."""
    from exchange.workshops.tasks import reflection_import_task

    _check_manager(actor, upload.workshop)
    upload.refresh_from_db(fields=["state", "check_result"])  # the check task wrote them
    if upload.state == ImportState.CHECKING:
        raise ImportFileError(_("The file is still being checked. Try again in a moment."))
    if upload.state != ImportState.CHECKED:
        raise ImportFileError(_("This file is already being imported"))
    if not upload.file:
        raise ImportFileError(_("The file is no longer kept. Upload it again."))
    check = import_check_summary(upload=upload)
    if check is None or not check.ok:
        raise ImportFileError(_("Correct the errors in the file, then upload it again"))
    with transaction.atomic():
        claimed = ImportUpload.objects.filter(pk=upload.pk, state=ImportState.CHECKED).update(
            state=ImportState.QUEUED, error="", rows_total=check.rows_to_import, rows_done=0
        )
        if not claimed:
            raise ImportFileError(_("This file is already being imported"))
        audit_log(actor=actor, action="reflection_import.queue", target=upload.workshop)
        transaction.on_commit(lambda: reflection_import_task.enqueue(upload_id=upload.pk))
    upload.refresh_from_db()
    return upload


def import_run(
    *,
    upload: ImportUpload,
    actor: Any = None,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Redact and write every new row of the upload in one transaction; all or nothing.

    Redaction (the slow part) runs before the transaction so that progress can be reported;
    the workshop row is locked while duplicates are checked again and rows are written, so
    two imports of the same file at once cannot both write it.
    """
    workshop = upload.workshop
    check = import_check(upload=upload)
    if not check.ok:
        raise ImportFileError(str(check.errors[0]))
    redacted_texts: dict[str, tuple[str, int]] = {}
    redacted_groups: dict[str, str] = {}
    redacted: list[tuple[str, int, str]] = []
    for done, row in enumerate(check.rows, start=1):
        result = redacted_texts.get(row.text)
        if result is None:
            result = redacted_texts[row.text] = reflection_redact(row.text)
        group = redacted_groups.get(row.group)
        if group is None:
            group = redacted_groups[row.group] = reflection_redact(row.group)[0]
        redacted.append((result[0], result[1], group))
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    with transaction.atomic():
        if LOCKING:
            Workshop.objects.select_for_update().get(pk=workshop.pk)
        existing = _existing_fingerprints(workshop)
        prompts = _workshop_prompts(workshop)
        last = Prompt.objects.filter(workshop=workshop).aggregate(last=Max("position"))["last"]
        position = -1 if last is None else last
        batch = ImportBatch.objects.create(
            workshop=workshop,
            original_name=upload.original_name,
            imported_by=actor or upload.uploaded_by,
            row_count=check.total_rows,
        )
        reflections: list[Reflection] = []
        skipped = check.duplicates
        for row, (text, count, group) in zip(check.rows, redacted, strict=True):
            if row.fingerprint in existing:
                skipped += 1
                continue
            key = " ".join(row.prompt_text.casefold().split())
            prompt = prompts.get(key)
            if prompt is None:
                position += 1
                prompt = prompts[key] = Prompt.objects.create(
                    workshop=workshop, text=row.prompt_text, position=position
                )
            reflections.append(
                Reflection(
                    prompt=prompt,
                    text=text,
                    redaction_count=count,
                    created_at=row.created_at,
                    group=group,
                    source=ReflectionSource.IMPORT,
                    import_batch=batch,
                    fingerprint=row.fingerprint,
                )
            )
        Reflection.objects.bulk_create(reflections, batch_size=BULK_BATCH_SIZE)
        batch.imported_count = len(reflections)
        batch.duplicate_count = skipped
        batch.redacted_count = sum(1 for r in reflections if r.redaction_count)
        batch.save(update_fields=["imported_count", "duplicate_count", "redacted_count"])
        audit_log(
            actor=actor or upload.uploaded_by,
            action="reflection_import.run",
            target=batch,
            workshop=workshop.pk,
            imported=batch.imported_count,
            duplicates=skipped,
            redacted=batch.redacted_count,
        )
    if progress is not None:
        progress(len(check.rows))
    return batch
