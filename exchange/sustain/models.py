"""Making gains stick: check-ins months after publication, adoptions by other organisations,
and the at-risk alerts they raise. (Measures and their SPC charts live in their own block.)

A check-in is one question — "is this still in place?" — due N months after an example was
published (or after someone recorded that they adopted it). When it falls due, each recipient
is emailed a link holding a random token; only the token's SHA-256 digest is stored. The first
answer closes the check-in (a unique constraint makes every link single-use), answers are never
edited, and a check-in nobody answers in time is closed as "no answer".

`ExampleSustainSummary` repeats each example's latest status and adoption count so that the
gallery reads them in its one query, joined to the example.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchange.examples.models import Example


class CheckInStatus(models.TextChoices):
    RETAINED = "retained", _("Still in place")
    ADAPTED = "adapted", _("Adapted")
    SCALED = "scaled", _("Scaled up")
    SPREAD = "spread", _("Spread to other organisations")
    REVERTED = "reverted", _("Reverted")
    STOPPED = "stopped", _("Stopped")
    NO_ANSWER = "no_answer", _("No answer")


# The statuses someone can choose when answering (no answer is recorded by the schedule).
ANSWER_STATUSES = [choice for choice in CheckInStatus.choices if choice[0] != "no_answer"]
# Statuses that mean the change did not hold.
LOST_STATUSES = frozenset({CheckInStatus.REVERTED, CheckInStatus.STOPPED})


class CheckInState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent, waiting for an answer")
    ANSWERED = "answered", _("Answered")
    NO_ANSWER = "no_answer", _("No answer")
    CANCELLED = "cancelled", _("Cancelled")


class CampaignCheckInSettings(models.Model):
    """Per campaign: after how many months its published examples are asked how they are doing."""

    campaign = models.OneToOneField(
        "examples.Campaign", on_delete=models.CASCADE, related_name="check_in_settings"
    )
    months = models.JSONField(
        _("months after publication"),
        default=list,
        help_text=_("For example [3, 6, 12]. Leave empty to send no check-ins."),
    )

    class Meta:
        verbose_name = _("campaign check-in settings")
        verbose_name_plural = _("campaign check-in settings")

    def __str__(self) -> str:
        return f"Check-in settings for campaign {self.campaign_id}"


class ExampleContact(models.Model):
    """Someone besides the author who is asked the example's check-in questions."""

    example = models.ForeignKey(
        "examples.Example", on_delete=models.CASCADE, related_name="check_in_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["example", "email"], name="one_contact_per_address")
        ]

    def __str__(self) -> str:
        return self.name


class Adoption(models.Model):
    """Another organisation took an example up ("We adopted this")."""

    example = models.ForeignKey(
        "examples.Example", on_delete=models.CASCADE, related_name="adoptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adoptions"
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    adopted_on = models.DateField(_("date adopted"))
    how_adapted = models.TextField(_("how you adapted it"), max_length=5000)
    latest_status = models.CharField(
        max_length=20, choices=CheckInStatus.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-adopted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["example", "user", "organisation"], name="one_adoption_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} adopted example {self.example_id}"


class CheckIn(models.Model):
    """One scheduled "is this still in place?" for an example (or for one adoption of it)."""

    example = models.ForeignKey(
        "examples.Example", on_delete=models.CASCADE, related_name="check_ins"
    )
    adoption = models.ForeignKey(
        Adoption, on_delete=models.CASCADE, null=True, blank=True, related_name="check_ins"
    )
    months = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=CheckInState.choices, default=CheckInState.SCHEDULED
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        permissions = [("view_at_risk", "Can see examples at risk of reverting")]
        indexes = [models.Index(fields=["state", "due_at"], name="checkin_state_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["example", "months"],
                condition=models.Q(adoption__isnull=True),
                name="one_checkin_per_example_milestone",
            ),
            models.UniqueConstraint(
                fields=["adoption", "months"],
                condition=models.Q(adoption__isnull=False),
                name="one_checkin_per_adoption_milestone",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in at {self.months} months for example {self.example_id}"


class CheckInLink(models.Model):
    """One emailed link to a check-in's form. The token itself is never stored."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        ExampleContact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_reminder = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(contact__isnull=False),
                name="checkin_link_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"Link {self.pk} for check-in {self.check_in_id}"


class CheckInAnswer(models.Model):
    """What someone said at a check-in. Never changed; one per check-in."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="answer")
    link = models.ForeignKey(CheckInLink, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ANSWER_STATUSES)
    helped = models.TextField(_("what helped"), max_length=3000, blank=True)
    hindered = models.TextField(_("what hindered"), max_length=3000, blank=True)
    at_risk = models.BooleanField(_("at risk of reverting"), default=False)
    risk_note = models.TextField(_("what could make it revert"), max_length=3000, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"Answer to check-in {self.check_in_id}: {self.status}"


class AlertReason(models.TextChoices):
    REVERTED = "reverted", _("Reverted or stopped")
    SILENT = "silent", _("No answer to a check-in")
    RISK = "risk", _("At risk of reverting")


class ExampleSustainSummary(models.Model):
    """The latest check-in news of one example, kept by the services for the gallery and alerts."""

    example = models.OneToOneField(
        "examples.Example",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sustain_summary",
    )
    latest_status = models.CharField(
        max_length=20, choices=CheckInStatus.choices, blank=True, default="", db_index=True
    )
    latest_months = models.PositiveSmallIntegerField(null=True, blank=True)
    latest_at = models.DateTimeField(null=True, blank=True)
    adoption_count = models.PositiveIntegerField(default=0)
    alert_reason = models.CharField(
        max_length=10, choices=AlertReason.choices, blank=True, default="", db_index=True
    )
    alert_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "example sustain summaries"

    def __str__(self) -> str:
        return f"Sustain summary of example {self.example_id}"


class AtRiskDigestRun(models.Model):
    """One weekly at-risk digest; the unique week makes sending it twice impossible."""

    week = models.CharField(max_length=8, unique=True)  # ISO week, e.g. 2026-W49
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.week


class ImprovementDirection(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    NEUTRAL = "neutral", _("Neither (watch for change either way)")


class Measure(models.Model):
    """A named series of dated values showing whether an example's change held.

    `latest_variation`, `latest_assurance` and `value_count` summarise the XmR chart; the
    services recompute them whenever the values or settings change, so lists (the gallery) read
    them without running the SPC engine per row.
    """

    example = models.ForeignKey(Example, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    improvement = models.CharField(
        _("which direction is an improvement?"),
        max_length=10,
        choices=ImprovementDirection.choices,
        default=ImprovementDirection.INCREASE,
    )
    target = models.DecimalField(
        _("target (optional)"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_points = models.PositiveSmallIntegerField(
        _("fix the limits after this many points (optional)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(12)],
    )
    rebase_dates = models.JSONField(_("dates the process changed"), default=list, blank=True)

    latest_variation = models.CharField(max_length=32, blank=True)
    latest_assurance = models.CharField(max_length=32, blank=True)
    value_count = models.PositiveIntegerField(default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["example", "name"], name="measure_name_unique"),
            models.CheckConstraint(
                condition=models.Q(baseline_points__isnull=True)
                | models.Q(baseline_points__gte=12),
                name="measure_baseline_at_least_12",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "date"], name="measure_value_one_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.value}"
