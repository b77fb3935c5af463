"""Hostile survey files are refused cheaply with a clear message, never a crash or a 500:
a dimension bomb, a zip bomb, an enormous line, too many columns or rows, giant cells."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from exchange.workshops import imports
from exchange.workshops.models import ImportState, ImportUpload

pytestmark = pytest.mark.django_db


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(content: bytes, change) -> bytes:
    """The same XLSX file with its first sheet's XML changed by `change`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return buffer.getvalue()


def xlsx_with_row(content: bytes, number: int, text: str) -> bytes:
    """The XLSX file with one more row holding `text` in column A (openpyxl itself would cut
    a cell to the 32,767 characters Excel allows)."""
    row = f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return _rewrite_sheet(content, lambda xml: xml.replace("</sheetData>", row + "</sheetData>"))


def dimension_bomb() -> bytes:
    """Two real rows, declaring every cell a sheet can have (A1:XFD1048576)."""
    content = xlsx_bytes([["Answer", "Date"], ["We kept the huddles", "03/05/2026"]])
    return _rewrite_sheet(
        content,
        lambda xml: xml.replace('<dimension ref="A1:B2" />', '<dimension ref="A1:XFD1048576" />'),
    )


def _read_until_refused(rows) -> tuple[int, str]:
    """How many rows were read before the reader refused the file, and why."""
    read = 0
    try:
        for _row in rows:
            read += 1
    except imports.ImportFileError as error:
        return read, error.message
    pytest.fail("the file was read to its end")


def _upload(facilitator, workshop, content: bytes, name: str) -> ImportUpload:
    return imports.import_upload_create(
        actor=facilitator, workshop=workshop, upload=SimpleUploadedFile(name, content)
    )


def _refused(facilitator, workshop, content: bytes, name: str = "survey.csv") -> str:
    with pytest.raises(imports.ImportFileError) as error:
        _upload(facilitator, workshop, content, name)
    assert error.value.field == "file"
    return error.value.message


def _checked(facilitator, prompt, content: bytes, name: str) -> ImportUpload:
    upload = _upload(facilitator, prompt.workshop, content, name)
    imports.import_mapping_set(
        actor=facilitator, upload=upload, mapping={"text": "Answer", "prompt_id": prompt.pk}
    )
    upload.refresh_from_db()
    assert upload.state == ImportState.CHECKED
    return upload


# XLSX -------------------------------------------------------------------------------------


def test_a_dimension_bomb_is_read_as_the_rows_it_really_has(facilitator, prompt):
    content = dimension_bomb()
    assert b'ref="A1:XFD1048576"' in zipfile.ZipFile(io.BytesIO(content)).read(
        "xl/worksheets/sheet1.xml"
    )
    headers, rows = imports.file_rows(io.BytesIO(content))
    assert headers == ["Answer", "Date"]
    assert [len(row) for row in rows] == [3]  # the headings and one cell past them

    upload = _checked(facilitator, prompt, content, "bomb.xlsx")
    assert upload.check_result["ok"]
    assert upload.check_result["rows_to_import"] == 1


def test_a_dimension_bomb_through_the_pages(facilitator_client, workshop):
    response = facilitator_client.post(
        reverse(
            "workshops:import_upload", kwargs={"slug": workshop.series.slug, "pk": workshop.pk}
        ),
        {"file": SimpleUploadedFile("bomb.xlsx", dimension_bomb())},
    )
    assert response.status_code == 302
    columns = facilitator_client.get(response.url)
    assert columns.status_code == 200
    assert "The file has these columns: Answer, Date." in columns.content.decode()


def test_a_row_far_down_the_sheet_stops_reading_at_the_row_limit(facilitator, prompt, settings):
    """Rows missing before it would each be made up: reading stops one past the limit."""
    settings.WORKSHOPS_IMPORT_MAX_ROWS = 50
    content = _rewrite_sheet(
        xlsx_bytes([["Answer"], ["Fine"]]),
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Last</t></is></c></row>'
            "</sheetData>",
        ),
    )
    _headers, rows = imports.file_rows(io.BytesIO(content))
    assert _read_until_refused(rows) == (
        50,
        "The file has more than 50 rows. Split it into smaller files.",
    )

    upload = _checked(facilitator, prompt, content, "far.xlsx")
    assert "more than 50 rows" in upload.check_result["problem"]


def test_cells_far_to_the_right_are_not_made_up(facilitator, prompt):
    content = _rewrite_sheet(
        xlsx_bytes([["Answer"], ["Fine"]]),
        lambda xml: xml.replace(
            "</row></sheetData>",
            '<c r="XFD2" t="inlineStr"><is><t>far</t></is></c></row></sheetData>',
        ),
    )
    _headers, rows = imports.file_rows(io.BytesIO(content))
    assert [len(row) for row in rows] == [2]


def test_too_many_columns_are_refused_at_upload(facilitator, workshop, settings):
    settings.WORKSHOPS_IMPORT_MAX_COLUMNS = 20
    content = xlsx_bytes([[f"Question {i}" for i in range(30)], ["x"] * 30])
    assert "more than 20 columns" in _refused(facilitator, workshop, content, "wide.xlsx")


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(facilitator, workshop):
    """One cell of 4 MB of the same letter: the file is a few KB, its ratio gives it away."""
    content = xlsx_with_row(xlsx_bytes([["Answer"]]), 2, "a" * (4 * 1024 * 1024))
    assert len(content) < 50_000
    assert "compressed far more" in _refused(facilitator, workshop, content, "bomb.xlsx")


def test_an_xlsx_declaring_too_much_unpacked_data_is_refused(facilitator, workshop, settings):
    settings.UPLOAD_ZIP_MAX_MEMBER_BYTES = 64 * 1024
    content = xlsx_bytes([["Answer"], *[[f"answer {i} " * 20] for i in range(1000)]])
    assert "unpacks to more than 64.0" in _refused(facilitator, workshop, content, "big.xlsx")


def test_an_xlsx_cell_longer_than_a_spreadsheet_holds_names_its_row(facilitator, prompt):
    import random

    text = "".join(random.choices("abcdefghij klmnopqrstuvwxyz", k=40_000))
    content = xlsx_with_row(xlsx_bytes([["Answer"], ["Fine"]]), 3, text)
    upload = _checked(facilitator, prompt, content, "long.xlsx")
    assert "Row 3 has a cell longer than 32,767 characters" in upload.check_result["problem"]


# CSV --------------------------------------------------------------------------------------


def test_an_enormous_first_line_is_refused_at_upload_reading_only_its_start(facilitator, workshop):
    message = _refused(facilitator, workshop, b"Answer" + b",x" * 200_000)
    assert "first row of the file is longer than 64.0" in message


def test_an_enormous_line_further_down_is_refused_naming_its_row(facilitator, prompt):
    content = b"Answer\nFine\n" + b"y" * (imports.CSV_LINE_MAX_LENGTH + 10) + b"\n"
    upload = _checked(facilitator, prompt, content, "long.csv")
    assert "Row 3 is longer than 1,000,000 characters" in upload.check_result["problem"]


def test_a_csv_with_too_many_columns_is_refused_at_upload(facilitator, workshop, settings):
    header = ",".join(f"Q{i}" for i in range(201))
    message = _refused(facilitator, workshop, f"{header}\n{'x,' * 200}x\n".encode())
    assert "more than 200 columns" in message


def test_a_row_with_thousands_of_cells_is_an_error_naming_its_row(facilitator, prompt):
    content = b"Answer\nFine\nAlso fine" + b",x" * 50_000 + b"\n"
    upload = _checked(facilitator, prompt, content, "cells.csv")
    assert not upload.check_result["ok"]
    assert upload.check_result["errors"][0].startswith("Row 3: it has more cells")


def test_a_csv_cell_longer_than_a_spreadsheet_holds_names_its_row(facilitator, prompt):
    content = b'Answer\nFine\n"' + b"word " * 10_000 + b'"\n'
    upload = _checked(facilitator, prompt, content, "cell.csv")
    assert "Row 3 has a cell longer than 32,767 characters" in upload.check_result["problem"]


def test_csv_rows_stop_at_the_row_limit_counting_empty_ones(facilitator, prompt, settings):
    settings.WORKSHOPS_IMPORT_MAX_ROWS = 10
    _headers, rows = imports.file_rows(io.BytesIO(b"Answer\n" + b"\n" * 1000 + b"Fine\n"))
    assert _read_until_refused(rows) == (
        10,
        "The file has more than 10 rows. Split it into smaller files.",
    )


def test_the_upload_step_reads_only_the_start_of_a_csv(facilitator, workshop):
    """The headings come from the first 64 KB; rows far down are left to the check task."""
    content = b"Answer\n" + b"fine\n" * 100_000 + b'"unterminated\n'
    assert imports.file_headers(io.BytesIO(content)) == ["Answer"]
    upload = _upload(facilitator, workshop, content, "survey.csv")
    assert upload.state == ImportState.UPLOADED


# The preview waits for the check ----------------------------------------------------------


def test_the_preview_shows_progress_while_the_file_is_checked(
    facilitator_client, facilitator, workshop
):
    upload = _upload(facilitator, workshop, b"Answer\nFine\n", "survey.csv")
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.CHECKING, mapping={"text": "Answer"}, rows_done=4000
    )
    url = reverse("workshops:import_preview", kwargs={"token": upload.token})
    page = facilitator_client.get(url).content.decode()
    assert "Checking the file" in page
    assert "4000 rows read so far" in page
    assert "js/live.js" in page
    # Pressing import before the check is done does nothing.
    assert facilitator_client.post(url).status_code == 200
    assert ImportUpload.objects.get(pk=upload.pk).state == ImportState.CHECKING


def test_a_check_for_columns_chosen_before_is_dropped(facilitator, prompt):
    upload = _upload(facilitator, prompt.workshop, b"Answer,Other\nFine,x\n", "survey.csv")
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.CHECKING, mapping={"text": "Other", "prompt_id": prompt.pk}
    )
    upload.refresh_from_db()
    stale = ImportUpload.objects.get(pk=upload.pk)
    stale.mapping = {"text": "Answer", "prompt_id": prompt.pk}
    assert imports.import_check_store(upload=stale) is None
    upload.refresh_from_db()
    assert upload.state == ImportState.CHECKING
    assert upload.check_result == {}


def test_a_file_problem_found_by_the_check_shows_on_the_preview(
    facilitator_client, facilitator, prompt, settings
):
    settings.WORKSHOPS_IMPORT_MAX_ROWS = 1
    upload = _checked(facilitator, prompt, b"Answer\nOne\nTwo\n", "survey.csv")
    page = facilitator_client.get(
        reverse("workshops:import_preview", kwargs={"token": upload.token})
    ).content.decode()
    assert "There is a problem" in page
    assert "more than 1 rows" in page
    assert "Import 0" not in page
    assert "problems need correcting" not in page


def test_the_column_step_never_reads_the_file_again(facilitator_client, facilitator, workshop):
    upload = _upload(
        facilitator, workshop, xlsx_bytes([["Answer", "Date"], ["Fine", "x"]]), "s.xlsx"
    )
    assert upload.headers == ["Answer", "Date"]
    upload.file.storage.delete(upload.file.name)
    page = facilitator_client.get(
        reverse("workshops:import_columns", kwargs={"token": upload.token})
    )
    assert "The file has these columns: Answer, Date." in page.content.decode()


def test_a_sheet_larger_than_its_declared_size_is_refused_not_read_past_it(facilitator, prompt):
    """A part whose header understates its size fails its CRC check: a clear file error."""
    content = xlsx_bytes([["Answer"], *[[f"answer {i}"] for i in range(2000)]])
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    directory = content.rfind(b"xl/worksheets/sheet1.xml") - 46
    assert content[directory : directory + 4] == b"PK\x01\x02"
    lying = (
        content[: directory + 24]
        + (info.file_size // 2).to_bytes(4, "little")
        + content[directory + 28 :]
    )
    upload = _checked(facilitator, prompt, lying, "lying.xlsx")
    assert "could not be read after row" in upload.check_result["problem"]


def shared_strings_xlsx(rows: list[list[str]]) -> bytes:
    """An XLSX file whose cells are in a shared-string table, as Excel saves them (openpyxl
    writes inline strings)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    table: dict[str, int] = {}
    cells = []
    for r, row in enumerate(rows, start=1):
        row_cells = "".join(
            f'<c r="{chr(65 + c)}{r}" t="s"><v>{table.setdefault(text, len(table))}</v></c>'
            for c, text in enumerate(row)
        )
        cells.append(f'<row r="{r}">{row_cells}</row>')
    strings = "".join(f"<si><t>{text}</t></si>" for text in table)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kinds}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Answers" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">{strings}</sst>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_headings_parse_only_the_shared_strings_they_use(facilitator, prompt, monkeypatch):
    content = shared_strings_xlsx([["Answer"], *[[f"Answer number {i}"] for i in range(3000)]])
    tables = []
    original = imports._SharedStrings.__init__

    def spy(self, *args):
        original(self, *args)
        tables.append(self)

    monkeypatch.setattr(imports._SharedStrings, "__init__", spy)
    assert imports.file_headers(io.BytesIO(content)) == ["Answer"]
    assert len(tables[0]) <= 2

    upload = _checked(facilitator, prompt, content, "excel.xlsx")
    assert upload.check_result["rows_to_import"] == 3000
    assert upload.check_result["preview"][0]["text"] == "Answer number 0"
    assert len(tables[-1]) == 3001
