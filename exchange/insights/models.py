"""Syntheses: a run of the analysis engine over a snapshot of texts, the themes it found, the
facilitator's edits to them, and the published report.

A synthesis copies the texts it analyses into `SynthesisItem` rows (redacted of personal data),
so that facilitators' edits survive later changes to the sources, and new texts can be added to
the existing themes without clustering again. The fitted engine model is stored beside it in
`SynthesisModelFile` rows (the engine's own JSON and .npy files, never a pickle).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NARRATIVE_MAX_LENGTH = 5000
QUESTION_MAX_LENGTH = 500


class RunStatus(models.TextChoices):
    NEW = "new", _("Not run yet")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class RunMode(models.TextChoices):
    FULL = "full", _("Find themes from scratch")
    INCREMENTAL = "incremental", _("Add new items to the existing themes")


class SourceKind(models.TextChoices):
    REFLECTION = "reflection", _("Workshop reflection")
    EXAMPLE = "example", _("Published example")
    COMMENT = "comment", _("Comment")
    IMPROVEMENT = "improvement", _("Suggested improvement after an event")


class Synthesis(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    introduction = models.TextField(_("introduction"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    method_note = models.TextField(_("method note"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    # What to read: {"series": [ids], "workshops": [ids], "prompts": [ids], "date_from": iso,
    # "date_to": iso, "examples": bool, "comments": bool, "improvements": bool}.
    sources = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.NEW)
    run_mode = models.CharField(max_length=12, choices=RunMode.choices, default=RunMode.FULL)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    run_started_at = models.DateTimeField(null=True, blank=True)
    run_finished_at = models.DateTimeField(null=True, blank=True)
    # Change over time, recomputed from the items after every run and edit:
    # {"unit": "month", "periods": [...], "series": {theme_id: [{count, total, prevalence,
    # sentiment}]}, "findings": [{theme, kind, direction, period_from, ...}]}.
    trend = models.JSONField(default=dict, blank=True)
    people_count = models.PositiveIntegerField(
        _("number of people who took part"),
        null=True,
        blank=True,
        help_text=_("Shown in the report. Leave empty if you do not know."),
    )
    # The series whose reflections it reads (from `sources`: its series, and the series of its
    # workshops and prompts). Their facilitators share the synthesis; one with no series
    # belongs to the facilitator who created it (exchange.insights.selectors).
    series = models.ManyToManyField(
        "workshops.WorkshopSeries", blank=True, related_name="syntheses"
    )
    is_published = models.BooleanField(default=False)
    # When it was first published; each later "Publish changes" is a `ReportVersion`.
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("syntheses")
        permissions = [("run_synthesis", "Can run syntheses and edit their themes")]
        indexes = [models.Index(fields=["is_published", "-published_at"], name="synth_pub_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insights:report", kwargs={"slug": self.slug})

    # The published report's comments use exchange.conversation (see target_is_open there).
    def discussion_is_open(self) -> bool:
        return self.is_published

    def discussion_comment_url(self) -> str:
        return reverse("insights:report_comment", kwargs={"slug": self.slug})

    @property
    def is_busy(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class Theme(models.Model):
    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(_("label"), max_length=200)
    keywords = models.JSONField(default=list, blank=True)
    narrative = models.TextField(_("narrative"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Kept up to date by the services from the theme's items.
    size = models.PositiveIntegerField(default=0)
    sentiment_mean = models.FloatField(default=0.0)
    sentiment_negative = models.PositiveIntegerField(default=0)
    sentiment_neutral = models.PositiveIntegerField(default=0)
    sentiment_positive = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class SynthesisItem(models.Model):
    """One text of a synthesis, copied (redacted) from its source when the synthesis read it."""

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="items")
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField()
    text = models.TextField()
    date = models.DateField(null=True, blank=True)
    group = models.CharField(max_length=200, blank=True)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    subtheme = models.IntegerField(default=0)  # the engine's sub-theme id, for new items
    confidence = models.FloatField(default=0.0)
    is_weak = models.BooleanField(default=False)
    sentiment = models.FloatField(default=0.0)
    is_suggested_quote = models.BooleanField(default=False)
    is_quote = models.BooleanField(default=False)  # chosen for the published report
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["synthesis", "source_kind", "source_id"], name="one_item_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["theme", "is_quote"], name="synth_item_theme_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Question(models.Model):
    """A "Building from here" question of a theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ReportVersion(models.Model):
    """One publication of a synthesis' report: everything the report, its PDF and its data
    files show, as data. Readers only ever see the latest version; edits on the board stay a
    draft until the next one (exchange.insights.snapshots builds and reads the document)."""

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    # The data files' rows (one per text): apart from `document`, so the page never loads them.
    rows = models.JSONField(default=list)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["synthesis", "number"], name="one_report_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.synthesis_id} v{self.number}"


class SynthesisModelFile(models.Model):
    """One file of the fitted engine model (`ThemeModel.save`): model.json or an .npy array.

    Kept in the database so that any worker can add new items to the themes."""

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="model_files")
    name = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["synthesis", "name"], name="one_model_file_per_name")
        ]

    def __str__(self) -> str:
        return self.name
