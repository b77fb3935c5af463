from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exchange.sustain.measure_input import CSV_CONTENT_TYPES, date_parse, value_parse
from exchange.sustain.models import Measure

# Measures ---------------------------------------------------------------------------------------

VALUE_ROWS = 6
UPLOAD_SALT = "sustain.measure_upload"
UPLOAD_MAX_AGE = 60 * 60  # seconds a preview can be confirmed for


class MeasureForm(forms.ModelForm):
    rebase_dates_text = forms.CharField(
        label=_("Dates the process changed (optional)"),
        help_text=_(
            "One date per line, like 2026-03-31. The chart's mean and limits start again from "
            "the value on each date, for example when a new way of working began."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Measure
        fields = ["name", "unit", "improvement", "target", "baseline_points"]
        labels = {"name": _("Name of the measure")}
        help_texts = {
            "name": _("For example, “Days from referral to first appointment”."),
            "unit": _("For example, days, %, appointments."),
            "target": _("A number to compare the process with, in the measure's unit."),
            "baseline_points": _(
                "Leave empty to use every value. Write 12 or more to keep the mean and limits "
                "of the first values (the baseline) and judge later values against them."
            ),
        }
        widgets = {"improvement": forms.RadioSelect}
        error_messages = {
            "name": {"required": _("Enter the name of the measure")},
            "baseline_points": {
                "min_value": _("Write 12 or more points, or leave it empty"),
                "invalid": _("Write a whole number of points, like 12"),
            },
            "target": {"invalid": _("Write the target as a number, like 14.5")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["rebase_dates_text"] = "\n".join(self.instance.rebase_dates)

    def clean_rebase_dates_text(self) -> list[dt.date]:
        dates: list[dt.date] = []
        for number, line in enumerate(self.cleaned_data["rebase_dates_text"].splitlines(), 1):
            if not line.strip():
                continue
            try:
                dates.append(date_parse(line))
            except ValueError as error:
                raise forms.ValidationError(
                    gettext("Line %(line)s: %(message)s") % {"line": number, "message": error}
                ) from None
        return dates


class MeasureValuesForm(forms.Form):
    """A few rows of date and value; empty rows are ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, VALUE_ROWS + 1):
            self.fields[f"date_{row}"] = forms.CharField(
                label=gettext("Date, row %(row)s") % {"row": row},
                required=False,
                max_length=20,
            )
            self.fields[f"value_{row}"] = forms.CharField(
                label=gettext("Value, row %(row)s") % {"row": row},
                required=False,
                max_length=30,
            )

    def rows(self) -> list[dict[str, Any]]:
        """Each row's two bound fields, for the template."""
        return [
            {
                "number": row,
                "date": self[f"date_{row}"],
                "value": self[f"value_{row}"],
                "fields": [
                    (self[f"date_{row}"], gettext("Date"), "govuk-input--width-10"),
                    (self[f"value_{row}"], gettext("Value"), "govuk-input--width-10"),
                ],
            }
            for row in range(1, VALUE_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values: list[tuple[int, dt.date, Decimal]] = []
        for row in range(1, VALUE_ROWS + 1):
            date_text = (data.get(f"date_{row}") or "").strip()
            value_text = (data.get(f"value_{row}") or "").strip()
            if not date_text and not value_text:
                continue
            parsed: dict[str, Any] = {}
            for column, text, parse in (
                ("date", date_text, date_parse),
                ("value", value_text, value_parse),
            ):
                try:
                    parsed[column] = parse(text)
                except ValueError as error:
                    self.add_error(
                        f"{column}_{row}",
                        gettext("Row %(row)s: %(message)s") % {"row": row, "message": error},
                    )
            if len(parsed) == 2:
                values.append((row, parsed["date"], parsed["value"]))
        if not values and not self.errors:
            self.add_error("date_1", gettext("Enter at least one date and value"))
        data["values"] = values
        return data


class MeasureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Two columns with the headings date and value, one row per date. Dates like "
            "2026-03-31 or 31/03/2026."
        ),
        error_messages={"required": _("Choose a CSV file"), "empty": _("The file is empty")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.MEASURE_CSV_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext("The file must be smaller than %(limit)s")
                % {"limit": filesizeformat(limit)}
            )
        extension = os.path.splitext(upload.name or "")[1].lower()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if extension not in {".csv", ".txt"} or (
            content_type and content_type not in CSV_CONTENT_TYPES
        ):
            raise forms.ValidationError(gettext("The file must be a CSV file (.csv)"))
        return upload


def upload_token_make(*, measure_id: int, rows: list[tuple[int, dt.date, Decimal]]) -> str:
    """The previewed rows, signed, for the confirm step (no server-side state between them)."""
    payload = {
        "measure": measure_id,
        "rows": [[row, date.isoformat(), str(value)] for row, date, value in rows],
    }
    return signing.dumps(payload, salt=UPLOAD_SALT, compress=True)


class MeasureUploadConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, measure_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure_id = measure_id

    def clean_token(self) -> list[tuple[int, dt.date, Decimal]]:
        message = gettext("This preview has expired or was changed; upload the file again")
        try:
            payload = signing.loads(
                self.cleaned_data["token"], salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(message) from None
        if payload.get("measure") != self.measure_id:
            raise forms.ValidationError(message)
        return [
            (int(row), dt.date.fromisoformat(date), Decimal(value))
            for row, date, value in payload["rows"]
        ]
