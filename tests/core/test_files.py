"""Private files: random storage names and the one response that delivers a checked file."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from exchange.core.files import (
    ORPHAN_GRACE,
    PrivateUploadTo,
    check_private_file_delivery,
    private_file_response,
    private_name,
    private_orphans_delete,
)
from exchange.examples.models import Attachment

RANDOM = r"[0-9a-f]{32}"


def _stored(name: str, content: bytes) -> FieldFile:
    """A FieldFile of an attachment, stored in memory under `name`."""
    field = Attachment._meta.get_field("file")
    file = FieldFile(Attachment(), field, name)
    file.storage = InMemoryStorage()
    file.storage.save(name, ContentFile(content))
    return file


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_private_name_is_random_and_keeps_only_a_plain_extension():
    first = private_name(kind="attachments", filename="Ward plan 2026-03-01.PDF")
    second = private_name(kind="attachments", filename="Ward plan 2026-03-01.PDF")
    assert re.fullmatch(rf"attachments/{RANDOM}\.pdf", first)
    assert first != second
    assert "ward" not in first.lower()
    assert re.fullmatch(rf"x/{RANDOM}", private_name(kind="x", filename="evil.p h<p"))
    assert re.fullmatch(rf"x/{RANDOM}", private_name(kind="x", filename="no-extension"))


def test_private_upload_to_ignores_the_instance_and_deconstructs_for_migrations():
    upload_to = PrivateUploadTo("workshop-imports")
    name = upload_to(object(), "abcdefghijklmnop.csv")
    assert re.fullmatch(rf"workshop-imports/{RANDOM}\.csv", name)
    assert upload_to.deconstruct() == (
        "exchange.core.files.PrivateUploadTo",
        ("workshop-imports",),
        {},
    )
    assert upload_to == PrivateUploadTo("workshop-imports")
    assert upload_to != PrivateUploadTo("attachments")


@pytest.mark.parametrize(
    ("content_type", "inline_ok", "disposition"),
    [
        ("image/png", True, "inline"),
        ("image/jpeg", True, "inline"),
        ("image/webp", True, "inline"),
        ("image/png", False, "attachment"),
        ("image/svg+xml", True, "attachment"),
        ("text/html", True, "attachment"),
        ("application/pdf", True, "attachment"),
        ("", True, "attachment"),
    ],
)
def test_only_raster_images_may_be_shown_inline(content_type, inline_ok, disposition):
    response = private_file_response(
        file=_stored("attachments/a.bin", b"bytes"),
        download_name="Ward plan.png",
        content_type=content_type,
        inline_ok=inline_ok,
    )
    assert response["Content-Disposition"].startswith(f'{disposition}; filename="Ward plan.png"')
    assert response["Content-Type"] == (content_type or "application/octet-stream")


def test_every_file_response_is_private_unsniffed_and_sandboxed():
    response = private_file_response(
        file=_stored("attachments/b.pdf", b"%PDF-1.4"),
        download_name="Report (final).pdf",
        content_type="application/pdf",
    )
    assert _body(response) == b"%PDF-1.4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_non_ascii_download_name_is_encoded():
    response = private_file_response(
        file=_stored("attachments/c.pdf", b"%PDF-1.4"),
        download_name="Cynllun ward \u2013 terfynol.pdf",
        content_type="application/pdf",
    )
    assert (
        "filename*=utf-8''Cynllun%20ward%20%E2%80%93%20terfynol.pdf"
        in (response["Content-Disposition"])
    )


def test_a_missing_file_is_a_404():
    file = _stored("attachments/d.pdf", b"%PDF-1.4")
    file.storage.delete("attachments/d.pdf")
    with pytest.raises(Http404):
        private_file_response(file=file, download_name="d.pdf", content_type="application/pdf")
    file.name = ""
    with pytest.raises(Http404):
        private_file_response(file=file, download_name="d.pdf", content_type="application/pdf")


@override_settings(PRIVATE_FILE_DELIVERY="x-accel")
def test_an_unknown_delivery_is_refused_loudly():
    assert [error.id for error in check_private_file_delivery(None)] == ["core.E001"]
    with pytest.raises(ImproperlyConfigured):
        private_file_response(
            file=_stored("attachments/e.pdf", b"%PDF-1.4"),
            download_name="e.pdf",
            content_type="application/pdf",
        )


def test_the_default_delivery_passes_the_check():
    assert check_private_file_delivery(None) == []


@pytest.mark.django_db
def test_files_no_row_names_are_swept_after_a_grace_period(django_capture_on_commit_callbacks):
    """Cascades delete rows, not files: an example deleted in the admin kept its files."""
    from django.core.management import call_command

    from tests.factories import ExampleFactory

    example = ExampleFactory()
    kept = Attachment.objects.create(
        example=example,
        file=ContentFile(b"%PDF-1.4", name="kept.pdf"),
        original_name="kept.pdf",
        content_type="application/pdf",
        size=8,
    )
    gone = Attachment.objects.create(
        example=ExampleFactory(),
        file=ContentFile(b"%PDF-1.4", name="gone.pdf"),
        original_name="gone.pdf",
        content_type="application/pdf",
        size=8,
    )
    storage = kept.file.storage
    gone_name = gone.file.name
    gone.example.delete()
    fresh = storage.save(
        private_name(kind="workshop-imports", filename="new.csv"), ContentFile(b"x")
    )

    # Within the grace period nothing goes: an upload is stored just before its row.
    assert storage.exists(gone_name)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("files_tick", stdout=io.StringIO())
    assert storage.exists(gone_name)

    later = timezone.now() + ORPHAN_GRACE + dt.timedelta(minutes=1)
    # At least these two: other tests leave files in the shared in-memory storage.
    assert private_orphans_delete(now=later) >= 2
    assert not storage.exists(gone_name)
    assert not storage.exists(fresh)
    assert storage.exists(kept.file.name)
