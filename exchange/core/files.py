"""Private files: how uploads are named in storage and how their bytes reach the one person
a view has just checked.

Nothing under `MEDIA_ROOT` (or the object-storage bucket) has a public address. Every
upload is stored as `<kind>/<32 random hex characters><extension>` (`PrivateUploadTo`), so
a stored name says nothing about the object it belongs to and cannot be guessed; the name
people gave the file is kept in the model's own field and only used for the download.

A download view first finds the object with the same selector as the page that shows it
(raising 404 for anyone who may not see that page) and then hands the file to
`private_file_response`, the single place that turns a stored file into a response.

`settings.PRIVATE_FILE_DELIVERY` chooses how the bytes are delivered:

- `"django"` (the only one today): the app streams the file itself (`FileResponse`).

A later issue can add, here and nowhere else (views do not change):

- `"x-accel"`: an empty response carrying `X-Accel-Redirect: /protected/<file.name>` for an
  nginx `internal` location over the same storage; nginx keeps the headers set here.
- `"presigned"`: a redirect (`Cache-Control: no-store`) to a presigned URL of the private
  bucket valid for a minute or so, with `Content-Disposition` and `Content-Type` passed as
  the storage's response overrides (django-storages: `ResponseContentDisposition`,
  `ResponseContentType`), and `nosniff` set on the bucket's responses.

Whatever the delivery, the contract is the one `_protect` and the disposition rule below
spell out, and the access check stays in the view, before this function is called.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections import defaultdict
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible

DELIVERY_DJANGO = "django"
DELIVERIES = (DELIVERY_DJANGO,)

# Shown in the browser only when a view allows it: raster images cannot carry script.
# SVG, HTML, PDF and everything else are always downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
FALLBACK_TYPE = "application/octet-stream"
_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")
# A new upload is stored a moment before its row is committed: never take it for an orphan.
ORPHAN_GRACE = dt.timedelta(hours=1)


def private_name(*, kind: str, filename: str = "") -> str:
    """A new unguessable storage name under `kind/`, keeping only a plain extension.

    The extension comes from the caller's checked name (the type detected from the
    content), so operators can still tell a PDF from a spreadsheet.
    """
    extension = os.path.splitext(filename)[1].lower()
    if not _EXTENSION.fullmatch(extension):
        extension = ""
    return f"{kind}/{secrets.token_hex(16)}{extension}"


@deconstructible
class PrivateUploadTo:
    """`upload_to` for a `FileField`: every file gets a fresh random name under `kind/`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, instance: Any, filename: str) -> str:
        return private_name(kind=self.kind, filename=filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateUploadTo) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


def private_file_response(
    *, file: FieldFile, download_name: str, content_type: str, inline_ok: bool = False
) -> FileResponse:
    """The response delivering a stored file to a viewer the calling view has already checked.

    `file` is the model's `FieldFile`; `download_name` the name people gave it;
    `content_type` the type detected when it was uploaded. With `inline_ok` a raster image
    (PNG, JPEG, GIF, WebP) may be shown in the browser; everything else is an attachment.
    Every response is private to the viewer (never stored by a shared cache), is not
    sniffed into another type, and runs sandboxed if a browser renders it anyway.
    Raises Http404 when there is no file or storage has lost it.
    """
    delivery = settings.PRIVATE_FILE_DELIVERY
    if delivery != DELIVERY_DJANGO:
        raise ImproperlyConfigured(f"PRIVATE_FILE_DELIVERY {delivery!r} is not supported")
    if not file or not file.name:
        raise Http404
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    content_type = content_type or FALLBACK_TYPE
    response = FileResponse(
        handle,
        as_attachment=not (inline_ok and content_type in INLINE_TYPES),
        filename=download_name or os.path.basename(file.name),
        content_type=content_type,
    )
    _protect(response)
    return response


def _protect(response: FileResponse) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file opened directly (or embedded) cannot run script, submit forms or reach our
    # origin's cookies and storage, whatever it turns out to contain.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Referrer-Policy"] = "no-referrer"


def private_orphans_delete(*, now: dt.datetime | None = None) -> int:
    """Delete stored private files that no row names any more; return how many.

    Rows go without their files when a cascade removes them (an example or a workshop
    deleted in the admin). Every `FileField` named by `PrivateUploadTo` is covered, found
    through the app registry; only files older than ORPHAN_GRACE are touched. Idempotent:
    run by `files_tick`.
    """
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    deleted = 0
    for (storage, kind), fields in _private_fields().items():
        try:
            _folders, names = storage.listdir(kind)
        except FileNotFoundError:
            continue
        known: set[str] = set()
        for model, name in fields:
            stored = model._default_manager.exclude(**{name: ""}).values_list(name, flat=True)
            known.update(stored)
        for name in names:
            path = f"{kind}/{name}"
            if path not in known and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                deleted += 1
    return deleted


def _private_fields() -> dict[tuple[Storage, str], list[tuple[type[models.Model], str]]]:
    """Every private file field, grouped by the storage and folder its files live in."""
    fields: dict[tuple[Storage, str], list[tuple[type[models.Model], str]]] = defaultdict(list)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(field.upload_to, PrivateUploadTo):
                fields[(field.storage, field.upload_to.kind)].append((model, field.name))
    return fields


@register()
def check_private_file_delivery(app_configs: Any, **kwargs: Any) -> list[Error]:
    delivery = getattr(settings, "PRIVATE_FILE_DELIVERY", None)
    if delivery in DELIVERIES:
        return []
    return [
        Error(
            f"PRIVATE_FILE_DELIVERY is {delivery!r}; it must be one of {', '.join(DELIVERIES)}.",
            id="core.E001",
        )
    ]
