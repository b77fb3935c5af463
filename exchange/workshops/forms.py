from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchange.events.forms import DATETIME_HELP, HttpsURLField
from exchange.events.models import Session
from exchange.examples.forms import GDSRadioSelect
from exchange.workshops.models import REFLECTION_MAX_LENGTH, Prompt, Workshop, WorkshopSeries


class SeriesForm(forms.ModelForm):
    class Meta:
        model = WorkshopSeries
        fields = ["title", "slug", "description"]
        help_texts = {
            "slug": _("Used in the series' web address: lower-case letters, numbers, hyphens."),
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "slug": {"required": _("Enter a short name for the web address")},
        }


class TeamAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the facilitator to add"),
        help_text=_("They must already have a facilitator's account."),
        max_length=254,
        error_messages={
            "required": _("Enter the facilitator's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class WorkshopForm(forms.ModelForm):
    session = forms.ModelChoiceField(
        label=_("Event session (optional)"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("Link the workshop to a session of an event so that people book it there."),
    )

    class Meta:
        model = Workshop
        fields = ["title", "starts_at", "session"]
        help_texts = {"starts_at": DATETIME_HELP}
        error_messages = {
            "title": {"required": _("Enter a title")},
            "starts_at": {"required": _("Enter the date and time the workshop starts")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sessions from a year ago on: a workshop is linked while it is being planned.
        since = timezone.now() - dt.timedelta(days=365)
        self.fields["session"].queryset = (
            Session.objects.filter(starts_at__gte=since)
            .select_related("event")
            .order_by("-starts_at", "pk")
        )
        self.fields["session"].label_from_instance = lambda s: f"{s.event.title}: {s.title}"


class PromptForm(forms.ModelForm):
    class Meta:
        model = Prompt
        fields = ["text", "position"]
        labels = {"text": _("Question")}
        help_texts = {"position": _("Questions are shown in this order, lowest first.")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {"required": _("Enter the question")},
            "position": {"required": _("Enter the question's position")},
        }


class PromptCreateForm(forms.ModelForm):
    class Meta:
        model = Prompt
        fields = ["text"]
        labels = {"text": _("Question")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"text": {"required": _("Enter the question")}}


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=20,
        help_text=_("The code shown by your facilitator, for example K7TQ3M."),
        error_messages={"required": _("Enter the workshop code")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class ReflectionForm(forms.Form):
    """An anonymous reflection. Length and emptiness are checked by the service, so the field
    only carries the text and everything typed comes back on an error."""

    prompt = forms.TypedChoiceField(
        label=_("Which question are you answering?"),
        coerce=int,
        widget=GDSRadioSelect,
        error_messages={"required": _("Choose the question you are answering")},
    )
    text = forms.CharField(
        label=_("Your reflection"),
        required=False,
        strip=False,
        help_text=_(
            "Up to 1,000 characters. It is shown on the wall without your name. Do not include "
            "names or contact details: they are removed."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # Hidden from people (visually and from assistive technology); bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, prompts: list[Prompt], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prompts = prompts
        self.fields["prompt"].choices = [(p.pk, p.text) for p in prompts]
        fields: list[Any] = []
        if len(prompts) == 1:
            # One open question: it is the label of the text box, not a choice to make.
            del self.fields["prompt"]
            self.fields["text"].label = prompts[0].text
        else:
            fields.append(Field.radios("prompt", legend_size="m"))
        fields.append(Field.textarea("text", rows=5, max_characters=REFLECTION_MAX_LENGTH))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields)

    def chosen_prompt(self) -> Prompt | None:
        if len(self.prompts) == 1:
            return self.prompts[0]
        chosen = self.cleaned_data.get("prompt")
        return next((p for p in self.prompts if p.pk == chosen), None)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("Your reflection could not be posted. Leave the last field empty and try again.")
            )
        return ""


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Survey file"),
        help_text=_("A CSV or XLSX export with one row per answer and column headings."),
        error_messages={"required": _("Choose a CSV or XLSX file")},
    )


class ImportMappingForm(forms.Form):
    NO_COLUMN = ""

    text = forms.ChoiceField(
        label=_("Which column holds the reflections?"),
        error_messages={"required": _("Choose the column that holds the reflections")},
    )
    date = forms.ChoiceField(
        label=_("Which column holds the date?"),
        required=False,
        help_text=_("If there is none, every reflection gets the workshop's date."),
    )
    prompt = forms.ChoiceField(
        label=_("Which column holds the question?"),
        required=False,
        help_text=_(
            "Each different question becomes a question of the workshop. If there is none, "
            "choose the question below."
        ),
    )
    prompt_id = forms.TypedChoiceField(
        label=_("Question for every row"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only used when no column holds the question."),
    )
    group = forms.ChoiceField(
        label=_("Which column holds the group (optional)?"),
        required=False,
        help_text=_("For example a table, cohort or site."),
    )

    def __init__(
        self, *args: Any, headers: list[str], prompts: list[Prompt], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        columns = [(name, name) for name in headers]
        none = [(self.NO_COLUMN, _("None"))]
        self.fields["text"].choices = [("", _("Choose a column")), *columns]
        self.fields["date"].choices = none + columns
        self.fields["prompt"].choices = none + columns
        self.fields["group"].choices = none + columns
        self.fields["prompt_id"].choices = [("", _("Choose a question"))] + [
            (p.pk, p.text[:120]) for p in prompts
        ]
        if not prompts:
            self.fields["prompt_id"].help_text = _(
                "This workshop has no questions yet: choose the column that holds the question, "
                "or add a question to the workshop first."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("prompt") and not data.get("prompt_id"):
            self.add_error(
                "prompt_id",
                _("Choose the column that holds the question, or the question for every row"),
            )
        chosen = [data.get(key) for key in ("text", "date", "prompt", "group") if data.get(key)]
        if len(chosen) != len(set(chosen)):
            self.add_error(None, _("Choose a different column for each kind of information"))
        return data

    def mapping(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "date": data.get("date") or "",
            "prompt": data.get("prompt") or "",
            "prompt_id": None if data.get("prompt") else data.get("prompt_id"),
            "group": data.get("group") or "",
        }


class ResourceForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title")},
    )
    description = forms.CharField(
        label=_("Short description"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = HttpsURLField(label=_("Link (optional)"), required=False, max_length=500)
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG or DOCX, up to 10 MB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and not data.get("file") and not self.errors:
            self.add_error("url", _("Add a link or choose a file"))
        return data
