from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchange.examples.models import Example

# Measures and their values (issue 7, scope 4) ---------------------------------------------------


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
