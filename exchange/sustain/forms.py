"""Forms for sustaining gains.

Check-ins, contacts, adoptions and at-risk alerts
-------------------------------------------------
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.sustain.models import (
    ANSWER_STATUSES,
    Adoption,
    AlertReason,
    CheckInAnswer,
    ExampleContact,
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
