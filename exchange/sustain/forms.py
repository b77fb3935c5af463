"""Forms for sustaining gains.

Check-ins, contacts, adoptions and at-risk alerts
-------------------------------------------------
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.conf import settings
from django.core import signing
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exchange.sustain.measure_input import CSV_CONTENT_TYPES, date_parse, value_parse
from exchange.sustain.models import (
    ANSWER_STATUSES,
    Adoption,
    AlertReason,
    CheckInAnswer,
    ExampleContact,
    Measure,
)
from exchange.sustain.services import months_parse


def _helper(*fields: Any) -> FormHelper:
    """A crispy-forms-gds layout without its own <form> tag (the template writes it)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
TEXT_MAX = CheckInAnswer._meta.get_field("helped").max_length


def _answer_text(label: Any, too_long: Any) -> forms.CharField:
    """An optional free-text answer (what helped, what hindered, the risk)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": too_long},
    )


class CheckInAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How is the change going now?"),
        choices=ANSWER_STATUSES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how the change is going"),
            "invalid_choice": _("Select how the change is going"),
        },
    )
    helped = _answer_text(
        _("What helped keep it going? (optional)"),
        _("What helped must be %(limit_value)d characters or fewer"),
    )
    hindered = _answer_text(
        _("What got in the way? (optional)"),
        _("What got in the way must be %(limit_value)d characters or fewer"),
    )
    at_risk = forms.ChoiceField(
        label=_("Is anything putting it at risk of going back to the old way?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if anything could make it revert"),
            "invalid_choice": _("Select yes if anything could make it revert"),
        },
    )
    risk_note = _answer_text(
        _("If yes, what could make it revert?"),
        _("What could make it revert must be %(limit_value)d characters or fewer"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("helped", rows=4),
            Field.textarea("hindered", rows=4),
            Field.radios("at_risk", legend_size=Size.SMALL, inline=True),
            Field.textarea("risk_note", rows=3),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["at_risk"] = data.get("at_risk") == "yes"
        if data["at_risk"] and not data.get("risk_note", "").strip():
            self.add_error("risk_note", _("Enter what could make it revert"))
        return data


class AdoptionForm(forms.Form):
    organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=Adoption._meta.get_field("organisation").max_length,
        error_messages={
            "required": _("Enter your organisation"),
            "max_length": _("Your organisation must be %(limit_value)d characters or fewer"),
        },
    )
    adopted_on = DateInputField(
        label=_("When did you adopt it?"),
        help_text=_("For example, 27 3 2026"),
        require_all_fields=False,
    )
    how_adapted = forms.CharField(
        label=_("How did you adapt it to your organisation?"),
        max_length=Adoption._meta.get_field("how_adapted").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Enter how you adapted it"),
            "max_length": _("How you adapted it must be %(limit_value)d characters or fewer"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date_field = self.fields["adopted_on"]
        date_field.error_messages.update(
            {
                "required": _("Enter the date you adopted it"),
                "incomplete": _("Enter the date you adopted it"),
                "invalid": _("The date you adopted it must be a real date"),
            }
        )
        self.helper = _helper(
            Field.text("organisation"),
            Field("adopted_on"),
            Field.textarea("how_adapted", rows=5),
        )


class ContactForm(forms.ModelForm):
    class Meta:
        model = ExampleContact
        fields = ["name", "email"]
        error_messages = {
            "name": {"required": _("Enter the contact's name")},
            "email": {
                "required": _("Enter the contact's email address"),
                "invalid": _("Enter an email address in the correct format, like name@example.org"),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "We only use it to send them the check-in questions. It is never shown to anyone."
        )
        self.helper = _helper(Field.text("name"), Field.text("email", field_width=20))

    def validate_unique(self) -> None:
        """The service says when the address is already a contact (the example is not set yet)."""


class AtRiskFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why it is listed"),
        required=False,
        choices=[("", _("Any reason")), *AlertReason.choices],
        error_messages={"invalid_choice": _("Choose a reason from the list")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.select("reason"))
        self.helper.disable_csrf = True  # a GET form: no token in the address


class CampaignCheckInSettingsForm(forms.ModelForm):
    """For the admin: months typed as "3, 6, 12" and checked by the same rule as the service."""

    months_text = forms.CharField(
        label=_("Months after publication"),
        required=False,
        help_text=_("Comma-separated, for example 3, 6, 12. Leave empty to send no check-ins."),
    )

    class Meta:
        fields = ["campaign"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["months_text"].initial = ", ".join(str(m) for m in self.instance.months)

    def clean_months_text(self) -> list[int]:
        from exchange.sustain.services import SustainError

        try:
            return months_parse(self.cleaned_data["months_text"])
        except SustainError as error:
            raise forms.ValidationError(str(error.message)) from None

    def save(self, commit: bool = True) -> Any:
        self.instance.months = self.cleaned_data["months_text"]
        return super().save(commit=commit)


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
            "improvement": {"required": _("Choose which direction is an improvement")},
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
    token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Upload the file again")},
    )

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


class CheckInMeasureValuesForm(forms.Form):
    """On the check-in form: one optional new value for each of the example's measures."""

    template = "sustain/includes/checkin_measures.html"

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, prefix="measures", **kwargs)
        self.measures = measures
        self.new_values: list[tuple[Measure, dt.date, Decimal]] = []
        today = dt.date.today().isoformat()
        for measure in measures:
            self.fields[f"date_{measure.pk}"] = forms.CharField(
                label=gettext("Date"), required=False, max_length=20, initial=today
            )
            self.fields[f"value_{measure.pk}"] = forms.CharField(
                label=gettext("Value"), required=False, max_length=30
            )

    def rows(self) -> list[dict[str, Any]]:
        """Each measure with its two bound fields, for the template."""
        return [
            {
                "measure": measure,
                "fields": [
                    (self[f"date_{measure.pk}"], "govuk-input--width-10"),
                    (self[f"value_{measure.pk}"], "govuk-input--width-10"),
                ],
            }
            for measure in self.measures
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.new_values = []
        for measure in self.measures:
            value_text = (data.get(f"value_{measure.pk}") or "").strip()
            if not value_text:
                continue  # the values are optional: a measure left empty adds nothing
            try:
                value = value_parse(value_text)
            except ValueError as error:
                self.add_error(f"value_{measure.pk}", str(error))
                continue
            try:
                date = date_parse(data.get(f"date_{measure.pk}") or "")
            except ValueError as error:
                self.add_error(f"date_{measure.pk}", str(error))
                continue
            self.new_values.append((measure, date, value))
        return data
