"""Workshop series, their workshops and prompts, and the reflections people give.

Reflections come in two ways: typed live by anonymous participants who joined with a
workshop's short code, or imported from a survey tool's CSV/XLSX export. Either way the text
is stored already redacted of personal data (exchange_analysis.pii) — the original is never
kept — and `redaction_count` says how many pieces were replaced.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchange.core.files import PrivateUploadTo, private_name

REFLECTION_MAX_LENGTH = 1000
# Short codes people type from a screen: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_upload_token() -> str:
    return secrets.token_urlsafe(24)


class ReflectionSource(models.TextChoices):
    LIVE = "live", _("Live")
    IMPORT = "import", _("Imported")


class WorkshopSeries(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_series"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("workshop series")
        verbose_name_plural = _("workshop series")

    def __str__(self) -> str:
        return self.title


class Workshop(models.Model):
    series = models.ForeignKey(WorkshopSeries, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    # A workshop can be a session of an event, so people book it like any other session.
    session = models.ForeignKey(
        "events.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshops",
        verbose_name=_("event session"),
    )
    join_code = models.CharField(
        _("join code"), max_length=12, unique=True, default=new_join_code, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Prompt(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="prompts")
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_open = models.BooleanField(_("open for live capture"), default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ImportBatch(models.Model):
    """One file imported into one workshop; its reflections point back at it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="import_batches")
    original_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    row_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    redacted_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.original_name}"


class Reflection(models.Model):
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="reflections")
    # Always the redacted text: personal data is replaced before the row is written.
    text = models.TextField(_("reflection"))
    redaction_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    group = models.CharField(_("group"), max_length=100, blank=True)
    source = models.CharField(
        max_length=10, choices=ReflectionSource.choices, default=ReflectionSource.LIVE
    )
    is_hidden = models.BooleanField(default=False)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="reflections"
    )
    # sha256 of the normalised redacted text, for finding duplicates within a workshop.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ReflectionSource.values), name="reflection_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["prompt", "is_hidden", "created_at"])]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Checked")
    QUEUED = "queued", _("Waiting to import")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportUpload(models.Model):
    """An uploaded file kept between the steps of an import (columns → preview → import).

    Found by its unguessable token and only by the person who uploaded it (or an admin). The
    raw file is never served and is deleted when the import ends (imported or failed) or is
    left unfinished too long; the row stays as the record of the import's progress.
    """

    token = models.CharField(max_length=64, unique=True, default=new_upload_token)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # The raw file (personal data): random name, never served, deleted when the import ends
    # or is abandoned (imports.import_upload_file_delete, imports.import_uploads_sweep).
    file = models.FileField(upload_to=PrivateUploadTo("workshop-imports"), max_length=300)
    original_name = models.CharField(max_length=200)
    # The column headings, read once at upload: the column step never reads the file again.
    headers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The columns chosen: {"text": ..., "date": ..., "prompt": ..., "prompt_id": ..., "group": ...}
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # What the check task found for the chosen columns (ImportCheck.as_json): the preview.
    check_result = models.JSONField(default=dict, blank=True)
    batch = models.OneToOneField(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportState.values), name="import_upload_state_valid"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


def resource_path(instance: SeriesResource, filename: str) -> str:
    """Kept for migration 0001, which names it; new files are named by PrivateUploadTo."""
    return private_name(kind="workshop-resources", filename=filename)


class SeriesResource(models.Model):
    """A tool or resource used in a series: a file, a link, or both."""

    series = models.ForeignKey(WorkshopSeries, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("short description"), max_length=1000, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(
        upload_to=PrivateUploadTo("workshop-resources"), max_length=300, blank=True
    )
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="series_resource_has_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title
