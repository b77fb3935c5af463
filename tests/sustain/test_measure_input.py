"""CSV files and typed values: every problem names its row and column; nothing half-read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from exchange.sustain.measure_input import (
    MeasureValuesError,
    RowError,
    csv_values_parse,
    date_parse,
    value_parse,
)
from tests.sustain.factories import csv_bytes


def _errors(data: bytes) -> list[str]:
    with pytest.raises(MeasureValuesError) as caught:
        csv_values_parse(data)
    return [str(e) for e in caught.value.errors]


def test_a_good_file_gives_rows_numbered_as_in_a_spreadsheet():
    rows = csv_values_parse(csv_bytes([("2026-01-05", "14"), ("12/01/2026", "12.5")]))
    assert rows == [
        (2, dt.date(2026, 1, 5), Decimal("14")),
        (3, dt.date(2026, 1, 12), Decimal("12.5")),
    ]


def test_byte_order_mark_capital_headings_semicolons_and_blank_lines_are_fine():
    data = "\ufeffDate ; Value\n2026-01-05;14\n\n2026-01-12;-3\n".encode()
    data = data.replace(b" ; ", b";")
    assert [r[2] for r in csv_values_parse(data)] == [Decimal("14"), Decimal("-3")]


@pytest.mark.parametrize(
    ("header", "found"),
    [
        ("when,value", "“when”, “value”"),
        ("date,value,note", "“date”, “value”, “note”"),
        ("value,date", "“value”, “date”"),
    ],
)
def test_wrong_columns_name_what_was_found(header, found):
    errors = _errors(csv_bytes([("2026-01-05", "1")], header=header))
    assert errors == [f"Row 1: the columns must be “date” and “value” (found: {found})"]


def test_bad_dates_and_values_name_row_and_column_and_every_problem_is_listed():
    data = csv_bytes(
        [
            ("2026-01-05", "abc"),
            ("31/02/2026", "4"),
            ("2026-01-19", "NaN"),
            ("", ""),
            ("2026-01-26", "1.23456"),
            ("next week", "1e20"),
        ]
    )
    assert _errors(data) == [
        "Row 2, column “value”: “abc” is not a number",
        "Row 3, column “date”: “31/02/2026” is not a date; write it like 2026-03-31 or 31/03/2026",
        "Row 4, column “value”: “NaN” is not a number",
        "Row 6, column “value”: “1.23456” has more than 4 decimal places",
        "Row 7, column “date”: “next week” is not a date; write it like 2026-03-31 or 31/03/2026",
        "Row 7, column “value”: “1e20” is too large",
    ]


def test_duplicate_dates_in_the_file_name_both_rows():
    data = csv_bytes([("2026-01-05", "1"), ("2026-01-12", "2"), ("05/01/2026", "3")])
    assert _errors(data) == [
        "Row 4, column “date”: 2026-01-05 is also on row 2; give each date once"
    ]


def test_a_row_with_the_wrong_number_of_cells():
    data = b"date,value\n2026-01-05,1,extra\n2026-01-12\n"
    assert _errors(data) == [
        "Row 2: expected 2 cells (date, value), found 3",
        "Row 3: expected 2 cells (date, value), found 1",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n", "The file is empty"),
        (b"date,value\n", "The file has a header but no values"),
        (b"date,value\n\xff\xfe2026", "The file must be saved as CSV with UTF-8 characters"),
        (b"PK\x03\x04\x00\x00binary", "The file must be a CSV text file"),
    ],
)
def test_files_that_are_not_usable_csv(data, message):
    assert _errors(data) == [message]


def test_too_many_rows_and_too_many_bytes(settings):
    settings.MEASURE_MAX_VALUES = 3
    rows = [(f"2026-01-0{i}", "1") for i in range(1, 5)]
    assert _errors(csv_bytes(rows)) == ["The file has 4 rows; a measure holds at most 3 values"]
    settings.MEASURE_CSV_MAX_BYTES = 20
    assert _errors(csv_bytes(rows[:1])) == ["The file must be smaller than 20\xa0bytes"]


def test_row_error_text():
    assert str(RowError(None, None, "The file is empty")) == "The file is empty"
    assert str(RowError(3, None, "odd")) == "Row 3: odd"


def test_typed_values():
    assert value_parse(" 12.50 ") == Decimal("12.5")
    assert value_parse("\u22123") == Decimal("-3")  # a typographic minus sign
    assert date_parse("31/03/2026") == dt.date(2026, 3, 31)
    for bad in ("", "Infinity", "1,5", "twelve"):
        with pytest.raises(ValueError, match="number"):
            value_parse(bad)
    with pytest.raises(ValueError, match="enter a date"):
        date_parse(" ")
