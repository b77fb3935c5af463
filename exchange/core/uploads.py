"""Making hostile uploads cheap to refuse: request bodies, per-file sizes and ZIP containers.

Three layers, cheapest first:

1. `UploadLimitMiddleware` refuses a body whose Content-Length is over what the URL accepts
   (its `upload_limit`) with a 413 page, before anything reads the body.
2. `UploadLimitHandler`, first of `FILE_UPLOAD_HANDLERS`, counts each file's bytes as they
   stream in; a file over the URL's limit stops being kept (the partial copy is closed, so a
   temporary file is deleted at once) and reaches the form as an empty `OversizedUpload` with
   the size seen, so the form's own size check reports it and every other field is kept.
3. `zip_open` checks a ZIP container (XLSX, DOCX) from its central directory before anything
   is decompressed: number of members, each member's declared size, their total and the
   compression ratio; `zip_member_read` then reads a member with a cap.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

F = TypeVar("F", bound=Callable[..., Any])


# Request bodies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadLimit:
    """What one URL accepts: files of at most `setting` bytes each, and how many (a number or
    a setting's name). Settings are read on each request, so tests can change them."""

    setting: str
    files: int | str = 1

    @property
    def file_max_bytes(self) -> int:
        return int(getattr(settings, self.setting))

    @property
    def file_count(self) -> int:
        return int(getattr(settings, self.files) if isinstance(self.files, str) else self.files)

    @property
    def body_max_bytes(self) -> int:
        """The largest request body: every file at its largest, plus the form's other fields."""
        fields = int(settings.UPLOAD_FORM_FIELDS_MAX_BYTES)
        return self.file_max_bytes * self.file_count + fields


def upload_limit(setting: str, *, files: int | str = 1) -> Callable[[F], F]:
    """Declare on a view which setting bounds each uploaded file, and how many it takes.

    URLs without one accept files up to `UPLOAD_DEFAULT_MAX_BYTES`.
    """

    def decorate(view: F) -> F:
        view.upload_limit = UploadLimit(setting, files)  # type: ignore[attr-defined]
        return view

    return decorate


DEFAULT_LIMIT = UploadLimit("UPLOAD_DEFAULT_MAX_BYTES")


def upload_limit_for(request: HttpRequest) -> UploadLimit:
    """The URL's limit, resolved once per request (the middleware and the handler both ask)."""
    cached: UploadLimit | None = getattr(request, "_upload_limit", None)
    if cached is not None:
        return cached
    try:
        limit = getattr(resolve(request.path_info).func, "upload_limit", None) or DEFAULT_LIMIT
    except Resolver404:
        limit = DEFAULT_LIMIT
    request._upload_limit = limit  # type: ignore[attr-defined]
    return limit


def _content_length(meta: dict[str, Any]) -> int:
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class UploadLimitMiddleware:
    """Answer 413 to a multipart body larger than its URL accepts, without reading it.

    Runs before the CSRF check reads the form, which would otherwise read the whole body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "multipart/form-data":
            limit = upload_limit_for(request)
            if _content_length(request.META) > limit.body_max_bytes:
                return upload_too_large(request, limit)
        return self.get_response(request)


def upload_too_large(request: HttpRequest, limit: UploadLimit) -> HttpResponse:
    return render(
        request,
        "core/413.html",
        {
            "limit": filesizeformat(limit.file_max_bytes),
            "files": limit.file_count,
            "back": request.path,
        },
        status=413,
    )


class OversizedUpload(UploadedFile):  # type: ignore[type-arg]
    """A file that went over its limit while streaming: its bytes were dropped, not kept.

    `size` is how many bytes arrived, so size checks in forms and services refuse it with
    their usual message.
    """

    def __init__(self, *, name: str, content_type: str, size: int, charset: str | None) -> None:
        import io

        super().__init__(io.BytesIO(), name, content_type, size, charset)


class UploadLimitHandler(FileUploadHandler):
    """Stops keeping a file once it is over its URL's limit (see the module docstring)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit_for(request) if request is not None else DEFAULT_LIMIT
        self.received = 0
        self.oversized = False

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        # UploadLimitMiddleware answers these with a page; this is the backstop for a request
        # parsed without it (a 400, still before a byte of the body is read).
        if content_length > self.limit.body_max_bytes:
            raise RequestDataTooBig(f"Upload body of {content_length} bytes is over the limit.")

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.oversized:
            return None
        if self.received > self.limit.file_max_bytes:
            self.oversized = True
            self._drop_partial_copies()
            return None
        return raw_data

    def _drop_partial_copies(self) -> None:
        """Close what the later handlers kept of this file: a temporary file is deleted now."""
        for handler in getattr(self.request, "upload_handlers", ()):
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if not self.oversized:
            return None
        return OversizedUpload(
            name=self.file_name or "",
            content_type=self.content_type or "application/octet-stream",
            size=self.received,
            charset=self.charset,
        )


# ZIP containers ---------------------------------------------------------------------------


class ArchiveRefused(ValueError):
    """A ZIP container that would cost too much to open; the message is for people."""


_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_CENTRAL_ENTRY_MIN = 46  # bytes of one central-directory entry with an empty name
_CENTRAL_ENTRY_NAME_MAX = 1024


def _end_of_directory(stream: IO[bytes]) -> tuple[int, int] | None:
    """(members, central directory size) from the end record, before zipfile parses it."""
    stream.seek(0, 2)
    size = stream.tell()
    tail_size = min(size, _EOCD.size + 0xFFFF)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < _EOCD.size:
        return None
    fields = _EOCD.unpack_from(tail, at)
    zip64 = at >= _ZIP64_LOCATOR_SIZE and tail[
        at - _ZIP64_LOCATOR_SIZE : at - _ZIP64_LOCATOR_SIZE + 4
    ] == (_ZIP64_LOCATOR_SIGNATURE)
    if zip64:
        # Office files of the sizes accepted here never need ZIP64; its records could
        # declare more members than the end record shows.
        return (0xFFFFFFFF, 0xFFFFFFFF)
    return fields[4], fields[5]


def zip_open(stream: IO[bytes]) -> zipfile.ZipFile:
    """Open a ZIP container once its declared shape is within the `UPLOAD_ZIP_*` limits.

    Raises ArchiveRefused (too costly) or zipfile.BadZipFile (not a ZIP file). Nothing is
    decompressed here; zipfile then never gives more bytes of a member than its declared
    size (a lying member fails its CRC check instead), so the checks bound what reading costs.
    """
    max_members = settings.UPLOAD_ZIP_MAX_MEMBERS
    end = _end_of_directory(stream)
    if end is None:
        raise zipfile.BadZipFile("No end of central directory record")
    members, directory_size = end
    if members > max_members or directory_size > max_members * (
        _CENTRAL_ENTRY_MIN + _CENTRAL_ENTRY_NAME_MAX
    ):
        raise ArchiveRefused(
            _("The file holds more than %(limit)s parts, which is more than a document needs.")
            % {"limit": f"{max_members:,}"}
        )
    stream.seek(0)
    archive = zipfile.ZipFile(stream)
    try:
        zip_members_check(archive)
    except ArchiveRefused:
        archive.close()
        raise
    return archive


def zip_members_check(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose members declare too much data or compress too well."""
    members = archive.infolist()
    if len(members) > settings.UPLOAD_ZIP_MAX_MEMBERS:
        raise ArchiveRefused(
            _("The file holds more than %(limit)s parts, which is more than a document needs.")
            % {"limit": f"{settings.UPLOAD_ZIP_MAX_MEMBERS:,}"}
        )
    member_max = settings.UPLOAD_ZIP_MAX_MEMBER_BYTES
    total_max = settings.UPLOAD_ZIP_MAX_TOTAL_BYTES
    ratio_max = settings.UPLOAD_ZIP_MAX_RATIO
    too_big = _(
        "The file unpacks to more than %(limit)s. Save it again without embedded files, "
        "or split it."
    )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > member_max:
            raise ArchiveRefused(too_big % {"limit": filesizeformat(member_max)})
        if total > total_max:
            raise ArchiveRefused(too_big % {"limit": filesizeformat(total_max)})
        # Small members may compress arbitrarily well at no cost; large ones that compress
        # far better than real documents do are a decompression bomb.
        if (
            member.file_size > settings.UPLOAD_ZIP_RATIO_FROM_BYTES
            and member.file_size > ratio_max * max(member.compress_size, 1)
        ):
            raise ArchiveRefused(
                _(
                    "The file is compressed far more than a real document is (more than "
                    "%(ratio)s to 1), so it was not opened."
                )
                % {"ratio": ratio_max}
            )


def zip_member_read(archive: zipfile.ZipFile, name: str, *, limit: int) -> bytes:
    """A member's bytes, read in chunks and refused past `limit` whatever its header says."""
    chunks: list[bytes] = []
    size = 0
    with archive.open(name) as member:
        while chunk := member.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise ArchiveRefused(
                    _("The file unpacks to more than %(limit)s.") % {"limit": filesizeformat(limit)}
                )
            chunks.append(chunk)
    return b"".join(chunks)
