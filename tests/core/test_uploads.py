"""Hostile uploads are cheap to refuse: bodies over a URL's limit, files over it while
streaming, and ZIP containers (XLSX, DOCX) whose declared shape is too costly to open."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import encode_multipart
from django.urls import reverse

from exchange.core import uploads
from exchange.core.uploads import (
    ArchiveRefused,
    UploadLimitHandler,
    UploadLimitMiddleware,
    zip_member_read,
    zip_open,
)
from exchange.workshops.models import SeriesResource
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


class _Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        pytest.fail("the body was read")

    readline = read


# ZIP containers ---------------------------------------------------------------------------


def test_a_normal_archive_opens():
    with zip_open(_zip({"word/document.xml": b"<w:document/>" * 100})) as archive:
        assert archive.namelist() == ["word/document.xml"]


def test_too_many_members_are_refused_before_zipfile_reads_the_directory(settings, monkeypatch):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 5
    archive = _zip({f"part{i}.xml": b"x" for i in range(10)})
    monkeypatch.setattr(
        uploads.zipfile, "ZipFile", lambda *a, **k: pytest.fail("the directory was parsed")
    )
    with pytest.raises(ArchiveRefused, match="more than 5 parts"):
        zip_open(archive)


def test_a_member_declaring_too_much_is_refused_before_decompressing(settings):
    settings.UPLOAD_ZIP_MAX_MEMBER_BYTES = 1024 * 1024
    settings.UPLOAD_ZIP_MAX_RATIO = 10_000
    with pytest.raises(ArchiveRefused, match=r"unpacks to more than 1\.0"):
        zip_open(_zip({"xl/sharedStrings.xml": b"a" * (2 * 1024 * 1024)}))


def test_members_declaring_too_much_together_are_refused(settings):
    settings.UPLOAD_ZIP_MAX_TOTAL_BYTES = 1000
    with pytest.raises(ArchiveRefused, match="unpacks to more than"):
        zip_open(_zip({"a.xml": b"a" * 600, "b.xml": b"b" * 600}))


def test_a_decompression_bomb_is_refused_by_its_ratio():
    """2 MB of one letter packs into about 2 KB: far beyond what real documents compress to."""
    bomb = _zip({"xl/sharedStrings.xml": b"a" * (2 * 1024 * 1024)})
    assert len(bomb.getvalue()) < 10_000
    with pytest.raises(ArchiveRefused, match="compressed far more"):
        zip_open(bomb)


def test_zip64_records_are_refused():
    archive = _zip({"a.xml": b"a"}).getvalue()
    end = archive.rfind(b"PK\x05\x06")
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, 0, 1)
    with pytest.raises(ArchiveRefused):
        zip_open(io.BytesIO(archive[:end] + locator + archive[end:]))


def test_not_a_zip_file():
    with pytest.raises(zipfile.BadZipFile):
        zip_open(io.BytesIO(b"PK\x03\x04 not really"))


def test_member_read_stops_at_its_cap_whatever_the_header_says():
    with zipfile.ZipFile(_zip({"a.xml": b"a" * 200_000})) as archive:
        assert len(zip_member_read(archive, "a.xml", limit=200_000)) == 200_000
        with pytest.raises(ArchiveRefused):
            zip_member_read(archive, "a.xml", limit=100_000)


def test_a_member_larger_than_its_header_says_is_never_read_past_it():
    """zipfile gives no more than the declared size, so the checks on it bound the reading."""
    data = _zip({"a.xml": b"a" * 100_000}, method=zipfile.ZIP_DEFLATED).getvalue()
    # Declare 10 bytes in the central directory (offset 24 of its entry: uncompressed size).
    entry = data.rfind(b"PK\x01\x02")
    lying = data[: entry + 24] + struct.pack("<L", 10) + data[entry + 28 :]
    with (
        zipfile.ZipFile(io.BytesIO(lying)) as archive,
        archive.open("a.xml") as member,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        member.read()


# Request bodies ---------------------------------------------------------------------------


def _resource_url(series) -> str:
    return reverse("workshops:resource_create", kwargs={"slug": series.slug})


@pytest.fixture
def series(facilitator_client, facilitator):
    return WorkshopFactory(series__facilitators=[facilitator]).series


@pytest.fixture
def facilitator(db):
    from exchange.core.permissions import Role
    from tests.factories import UserFactory

    return UserFactory(roles=[Role.FACILITATOR])


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def test_an_oversized_body_is_refused_before_it_is_read(settings, series):
    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = 1000
    settings.UPLOAD_FORM_FIELDS_MAX_BYTES = 1000
    request = RequestFactory().post(
        _resource_url(series), {"title": "Plan", "file": io.BytesIO(b"x")}
    )
    request.META["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    request._stream = _Unreadable()  # type: ignore[attr-defined]
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = UploadLimitMiddleware(lambda r: HttpResponse("view ran"))(request)
    assert response.status_code == 413
    assert "must be smaller than 1000\xa0bytes" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_view(settings, series):
    request = RequestFactory().post(_resource_url(series), {"title": "Plan"})
    response = UploadLimitMiddleware(lambda r: HttpResponse("view ran"))(request)
    assert response.content == b"view ran"


def test_the_413_page_through_the_whole_stack(settings, facilitator_client, series):
    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = 1000
    settings.UPLOAD_FORM_FIELDS_MAX_BYTES = 1000
    body = encode_multipart("BoUnDaRy", {"title": "Plan", "file": io.BytesIO(b"x" * 5000)})
    response = facilitator_client.post(
        _resource_url(series), body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    assert response.status_code == 413
    assert "The file is too big" in response.content.decode()
    assert not SeriesResource.objects.exists()


def test_the_handler_refuses_an_oversized_body_before_reading_it(settings, series):
    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = 1000
    request = RequestFactory().post(_resource_url(series))
    handler = UploadLimitHandler(request)
    with pytest.raises(RequestDataTooBig):
        handler.handle_raw_input(_Unreadable(), request.META, 10**9, b"b")


def test_a_file_over_its_limit_while_streaming_is_dropped_and_the_form_says_so(
    settings, facilitator_client, series, tmp_path: Path, monkeypatch
):
    """Nothing past the limit is kept, the partial temporary file is deleted at once, and the
    form keeps what was typed."""
    limit = 100 * 1024
    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = limit
    # Content-Length is within the body limit: only streaming can catch the file.
    settings.UPLOAD_FORM_FIELDS_MAX_BYTES = 10 * 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    written: list[int] = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        written.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    pdf = b"%PDF-1.4\n" + b"x" * (2 * 1024 * 1024)
    response = facilitator_client.post(
        _resource_url(series),
        {"title": "Running order", "description": "Kept", "file": _named(pdf, "big.pdf")},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "must be smaller than 100.0\xa0KB" in content
    assert 'value="Running order"' in content
    assert sum(written) <= limit
    assert list(tmp_path.iterdir()) == []
    assert not SeriesResource.objects.exists()


def test_a_file_within_its_limit_is_kept(settings, facilitator_client, series):
    settings.EXAMPLE_ATTACHMENT_MAX_BYTES = 100 * 1024
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
    response = facilitator_client.post(
        _resource_url(series), {"title": "Plan", "file": _named(pdf, "plan.pdf")}
    )
    assert response.status_code == 302
    assert SeriesResource.objects.get().size == len(pdf)


def _named(content: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream
