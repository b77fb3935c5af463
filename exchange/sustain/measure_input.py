"""Reading measure values that people type or upload: dates, numbers and CSV files.

Every problem is reported with the row and column it is in (rows are numbered as a spreadsheet
shows them: the header is row 1), so that people can fix their file and upload it again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DECIMAL_PLACES = 4
MAX_WHOLE_DIGITS = 12  # the model's DecimalField(max_digits=16, decimal_places=4)
CSV_COLUMNS = ("date", "value")
CSV_CONTENT_TYPES = {"text/csv", "text/plain", "application/vnd.ms-excel", "application/csv"}


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the problem is with the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class MeasureValuesError(Exception):
    """Values that cannot be added; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def date_parse(text: str) -> dt.date:
    """A date written 2026-03-31 or 31/03/2026. Raises ValueError with a message for people."""
    text = text.strip()
    if not text:
        raise ValueError(_("enter a date"))
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(text)s” is not a date; write it like 2026-03-31 or 31/03/2026") % {"text": text}
    )


def value_parse(text: str) -> Decimal:
    """A finite number with at most 4 decimal places. Raises ValueError with a message."""
    text = text.strip().replace("\u2212", "-")
    if not text:
        raise ValueError(_("enter a number"))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number") % {"text": text}) from None
    if not number.is_finite():
        raise ValueError(_("“%(text)s” is not a number") % {"text": text})
    if abs(number) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        raise ValueError(_("“%(text)s” is too large") % {"text": text})
    step = Decimal(1).scaleb(-DECIMAL_PLACES)
    if number != number.quantize(step):
        raise ValueError(
            _("“%(text)s” has more than %(places)s decimal places")
            % {"text": text, "places": DECIMAL_PLACES}
        )
    return number.quantize(step)


def duplicate_dates_errors(
    rows: list[tuple[int, dt.date]], existing: set[dt.date]
) -> list[RowError]:
    """One error per row whose date repeats an earlier row or a value already stored."""
    errors: list[RowError] = []
    seen: dict[dt.date, int] = {}
    for row, date in rows:
        if date in existing:
            errors.append(
                RowError(row, "date", _("there is already a value for %(date)s") % {"date": date})
            )
        elif date in seen:
            errors.append(
                RowError(
                    row,
                    "date",
                    _("%(date)s is also on row %(other)s; give each date once")
                    % {"date": date, "other": seen[date]},
                )
            )
        else:
            seen[date] = row
    return errors


def csv_values_parse(data: bytes) -> list[tuple[int, dt.date, Decimal]]:
    """(row number, date, value) of each row of a CSV file with the columns date and value.

    Raises MeasureValuesError listing every problem found (file-level problems first).
    """
    max_rows = settings.MEASURE_MAX_VALUES
    if not data.strip():
        raise MeasureValuesError([RowError(None, None, _("The file is empty"))])
    if len(data) > settings.MEASURE_CSV_MAX_BYTES:
        raise MeasureValuesError(
            [
                RowError(
                    None,
                    None,
                    _("The file must be smaller than %(limit)s")
                    % {"limit": filesizeformat(settings.MEASURE_CSV_MAX_BYTES)},
                )
            ]
        )
    if b"\x00" in data:
        raise MeasureValuesError([RowError(None, None, _("The file must be a CSV text file"))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MeasureValuesError(
            [RowError(None, None, _("The file must be saved as CSV with UTF-8 characters"))]
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        lines = list(reader)
    except csv.Error as error:
        raise MeasureValuesError(
            [
                RowError(
                    reader.line_num,
                    None,
                    _("the file cannot be read as CSV (%(error)s)") % {"error": error},
                )
            ]
        ) from None
    header = [cell.strip().lower() for cell in lines[0]]
    if header != list(CSV_COLUMNS):
        raise MeasureValuesError(
            [
                RowError(
                    1,
                    None,
                    _("the columns must be “date” and “value” (found: %(found)s)")
                    % {"found": ", ".join(f"“{c}”" for c in lines[0]) or _("nothing")},
                )
            ]
        )
    body = [
        (number, line)
        for number, line in enumerate(lines[1:], start=2)
        if any(c.strip() for c in line)
    ]
    if not body:
        raise MeasureValuesError([RowError(None, None, _("The file has a header but no values"))])
    if len(body) > max_rows:
        raise MeasureValuesError(
            [
                RowError(
                    None,
                    None,
                    _("The file has %(count)s rows; a measure holds at most %(limit)s values")
                    % {"count": len(body), "limit": max_rows},
                )
            ]
        )
    errors: list[RowError] = []
    parsed: list[tuple[int, dt.date, Decimal]] = []
    for number, line in body:
        if len(line) != len(CSV_COLUMNS):
            errors.append(
                RowError(
                    number,
                    None,
                    _("expected 2 cells (date, value), found %(count)s") % {"count": len(line)},
                )
            )
            continue
        row_ok = True
        try:
            date = date_parse(line[0])
        except ValueError as error:
            errors.append(RowError(number, "date", str(error)))
            row_ok = False
        try:
            value = value_parse(line[1])
        except ValueError as error:
            errors.append(RowError(number, "value", str(error)))
            row_ok = False
        if row_ok:
            parsed.append((number, date, value))
    errors += duplicate_dates_errors([(row, date) for row, date, _v in parsed], set())
    if errors:
        raise MeasureValuesError(sorted(errors, key=lambda e: e.row or 0))
    return parsed
