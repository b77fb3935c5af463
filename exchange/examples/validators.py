"""Checks on what people upload with an example: the type comes from the content, never the name."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from exchange.core.uploads import ArchiveRefused, zip_open

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx"}
ALLOWED_TYPES_TEXT = _("PDF, PNG, JPEG or DOCX")
ORIGINAL_NAME_MAX_LENGTH = 200
STORED_STEM_MAX_LENGTH = 80


@dataclass(frozen=True)
class CheckedAttachment:
    content_type: str
    stored_name: str
    original_name: str
    size: int


def _is_docx(content: bytes) -> bool:
    """A DOCX file is a ZIP archive holding the main document part `word/document.xml`.

    The archive's declared shape is checked first (exchange.core.uploads.zip_open): a
    decompression bomb raises ArchiveRefused rather than passing as a document.
    """
    try:
        with zip_open(io.BytesIO(content)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        if isinstance(error, ArchiveRefused):
            raise
        return False


def attachment_content_type(content: bytes) -> str | None:
    """The allowed type these bytes really are, or None. Raises ArchiveRefused for a ZIP
    file too costly to open."""
    try:
        matches = puremagic.magic_string(content)
    except (puremagic.PureError, ValueError):
        matches = []
    mime_types = {match.mime_type for match in matches}
    for allowed in (PDF, PNG, JPEG):
        if allowed in mime_types:
            return allowed
    if content.startswith(b"PK\x03\x04") and _is_docx(content):
        return DOCX
    return None


def attachment_names(filename: str, content_type: str) -> tuple[str, str]:
    """(name shown to people, a safe name) with the extension of the detected type.

    Storage keeps only the safe name's extension: files are stored under random names
    (exchange.core.files.PrivateUploadTo).
    """
    base = os.path.basename(filename.replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip()
    stem = os.path.splitext(base)[0] or "attachment"
    extension = EXTENSIONS[content_type]
    original = f"{stem[: ORIGINAL_NAME_MAX_LENGTH - len(extension)]}{extension}"
    stored_stem = slugify(stem)[:STORED_STEM_MAX_LENGTH].strip("-_") or "attachment"
    return original, f"{stored_stem}{extension}"


def attachment_check(upload: UploadedFile) -> CheckedAttachment:
    """Check one upload's size and real type. Raises ValidationError with a message for people."""
    max_bytes = settings.EXAMPLE_ATTACHMENT_MAX_BYTES
    name = upload.name or "attachment"
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file %(name)s is empty"), code="empty", params={"name": name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file %(name)s must be smaller than %(limit)s"),
            code="too_big",
            params={"name": name, "limit": filesizeformat(max_bytes)},
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        content_type = attachment_content_type(content)
    except ArchiveRefused as error:
        raise ValidationError(
            _("The file %(name)s cannot be accepted: %(reason)s"),
            code="unsafe_archive",
            params={"name": name, "reason": str(error)},
        ) from error
    if content_type is None:
        raise ValidationError(
            _("The file %(name)s must be a %(types)s"),
            code="wrong_type",
            params={"name": name, "types": ALLOWED_TYPES_TEXT},
        )
    original, stored = attachment_names(name, content_type)
    return CheckedAttachment(
        content_type=content_type, stored_name=stored, original_name=original, size=upload.size
    )
