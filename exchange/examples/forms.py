from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from exchange.examples.models import Example, Permanence, Sector
from exchange.examples.services import (
    MAX_TAGS,
    REQUIRED_FOR_SUBMISSION,
    TAG_NAME_MAX_LENGTH,
    tag_names_parse,
)
from exchange.examples.validators import ALLOWED_TYPES_TEXT, attachment_check


def _max_length(field: str) -> int:
    return Example._meta.get_field(field).max_length  # type: ignore[return-value]


class GDSRadioSelect(forms.RadioSelect):
    """Radios whose error-summary link points at the first radio as crispy-forms-gds numbers it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None:
            return f"{id_}_1" if id_ else ""
        return super().id_for_label(id_, index)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when nothing was chosen)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


class ExampleForm(forms.Form):
    """Everything about an example. A draft needs only a title; `complete=True` asks for all
    the questions needed before submission."""

    title = forms.CharField(
        label=_("Title"),
        max_length=_max_length("title"),
        help_text=_("A few words that say what you changed."),
        error_messages={
            "required": REQUIRED_FOR_SUBMISSION["title"],
            "max_length": _("Title must be %(limit_value)d characters or fewer"),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=_max_length("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences. This appears in the gallery."),
        error_messages={
            "required": REQUIRED_FOR_SUBMISSION["summary"],
            "max_length": _("Summary must be %(limit_value)d characters or fewer"),
        },
    )
    what_changed = forms.CharField(
        label=_("What changed?"),
        max_length=_max_length("what_changed"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you do differently, and for whom?"),
        error_messages={
            "required": REQUIRED_FOR_SUBMISSION["what_changed"],
            "max_length": _("What changed must be %(limit_value)d characters or fewer"),
        },
    )
    enablers = forms.CharField(
        label=_("What enabled it?"),
        max_length=_max_length("enablers"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For example, rules that were relaxed, money, people or technology."),
        error_messages={
            "required": REQUIRED_FOR_SUBMISSION["enablers"],
            "max_length": _("What enabled it must be %(limit_value)d characters or fewer"),
        },
    )
    evidence = forms.CharField(
        label=_("Evidence and impact (optional)"),
        max_length=_max_length("evidence"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("What difference did it make? Figures, feedback or stories."),
        error_messages={
            "max_length": _("Evidence and impact must be %(limit_value)d characters or fewer")
        },
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("Choose a sector")), *Sector.choices],
        error_messages={
            "required": REQUIRED_FOR_SUBMISSION["sector"],
            "invalid_choice": REQUIRED_FOR_SUBMISSION["sector"],
        },
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"),
        max_length=_max_length("organisation"),
        required=False,
        help_text=_("Where it happened. It is not shown if you choose to be anonymous."),
        error_messages={
            "max_length": _("Organisation must be %(limit_value)d characters or fewer")
        },
    )
    permanence = forms.ChoiceField(
        label=_("Was it temporary, or should it stay?"),
        choices=Permanence.choices,
        widget=GDSRadioSelect,
        error_messages={
            "required": REQUIRED_FOR_SUBMISSION["permanence"],
            "invalid_choice": REQUIRED_FOR_SUBMISSION["permanence"],
        },
    )
    risks_of_reverting = forms.CharField(
        label=_("What could make it revert? (optional)"),
        max_length=_max_length("risks_of_reverting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        error_messages={
            "max_length": _("What could make it revert must be %(limit_value)d characters or fewer")
        },
    )
    tags = forms.CharField(
        label=_("Tags (optional)"),
        required=False,
        max_length=MAX_TAGS * (TAG_NAME_MAX_LENGTH + 2),
        error_messages={"max_length": _("Tags must be %(limit_value)d characters or fewer")},
        help_text=_("Separate tags with commas, for example: remote working, digital, staffing."),
    )
    show_as_anonymous = forms.BooleanField(
        label=_("Show me as anonymous"),
        required=False,
        help_text=_(
            "Your name and organisation are not shown to the public. Moderators can still see "
            "who you are."
        ),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        # Empty files are reported, by name, by attachment_check.
        allow_empty_file=True,
        widget=MultipleFileInput(attrs={"class": "govuk-file-upload"}),
    )

    def __init__(
        self,
        *args: Any,
        complete: bool = False,
        existing_attachments: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.existing_attachments = existing_attachments
        for name in REQUIRED_FOR_SUBMISSION:
            self.fields[name].required = complete or name == "title"
        allowed = settings.EXAMPLE_MAX_ATTACHMENTS - existing_attachments
        self.fields["attachments"].help_text = _(
            "Up to %(max)d files (%(types)s), each smaller than %(size)d MB. "
            "You can attach %(left)d more."
        ) % {
            "max": settings.EXAMPLE_MAX_ATTACHMENTS,
            "types": ALLOWED_TYPES_TEXT,
            "size": settings.EXAMPLE_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "left": max(allowed, 0),
        }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("summary", rows=3, max_characters=_max_length("summary")),
            Field.textarea("what_changed", rows=6),
            Field.textarea("enablers", rows=6),
            Field.textarea("evidence", rows=6),
            Field.select("sector"),
            Field.text("organisation"),
            Field.radios("permanence"),
            Field.textarea("risks_of_reverting", rows=4),
            Field.text("tags"),
            Field.checkbox("show_as_anonymous"),
            Field("attachments"),
        )

    def clean_tags(self) -> list[str]:
        names = tag_names_parse(self.cleaned_data.get("tags") or "")
        if len(names) > MAX_TAGS:
            raise ValidationError(
                _("Enter %(max)d tags or fewer"), code="too_many", params={"max": MAX_TAGS}
            )
        for name in names:
            if len(name) > TAG_NAME_MAX_LENGTH:
                raise ValidationError(
                    _("Each tag must be %(max)d characters or fewer"),
                    code="too_long",
                    params={"max": TAG_NAME_MAX_LENGTH},
                )
            if not slugify(name):
                raise ValidationError(_("Tags must contain letters or numbers"), code="invalid")
        return names

    def clean_attachments(self) -> list[Any]:
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) + self.existing_attachments > settings.EXAMPLE_MAX_ATTACHMENTS:
            raise ValidationError(
                _("You can attach up to %(max)d files to an example"),
                code="too_many",
                params={"max": settings.EXAMPLE_MAX_ATTACHMENTS},
            )
        errors = []
        for upload in uploads:
            try:
                attachment_check(upload)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return uploads

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for example_draft_create/update from the cleaned data."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data.get("summary") or "",
            "what_changed": data.get("what_changed") or "",
            "enablers": data.get("enablers") or "",
            "evidence": data.get("evidence") or "",
            "sector": data.get("sector") or "",
            "organisation": data.get("organisation") or "",
            "permanence": data.get("permanence") or "",
            "risks_of_reverting": data.get("risks_of_reverting") or "",
            "tag_names": data.get("tags") or [],
            "show_as_anonymous": bool(data.get("show_as_anonymous")),
            "attachments": data.get("attachments") or [],
        }

    @classmethod
    def initial_for(cls, example: Example) -> dict[str, Any]:
        return {
            "title": example.title,
            "summary": example.summary,
            "what_changed": example.what_changed,
            "enablers": example.enablers,
            "evidence": example.evidence,
            "sector": example.sector,
            "organisation": example.organisation,
            "permanence": example.permanence,
            "risks_of_reverting": example.risks_of_reverting,
            "tags": ", ".join(tag.name for tag in example.tags.all()),
            "show_as_anonymous": example.show_as_anonymous,
        }


StrOrPromise = str | Promise


def _moderator_note(
    *, label: StrOrPromise, help_text: StrOrPromise, required: StrOrPromise, too_long: StrOrPromise
) -> forms.CharField:
    """A moderator's note that is emailed to the author (a reason or a request)."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=help_text,
        error_messages={"required": required, "max_length": too_long},
    )


class _ModeratorNoteForm(forms.Form):
    """Rendered inside the review page's own form (no tag, no second CSRF field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL


class RejectForm(_ModeratorNoteForm):
    reason = _moderator_note(
        label=_("Reason for rejecting"),
        help_text=_("The author is emailed this reason."),
        required=_("Enter the reason for rejecting the example"),
        too_long=_("The reason must be 2000 characters or fewer"),
    )


class TakeDownForm(_ModeratorNoteForm):
    reason = _moderator_note(
        label=_("Reason for taking it down"),
        help_text=_("The author is emailed this reason and sees it on the example."),
        required=_("Enter the reason for taking the example down"),
        too_long=_("The reason must be 2000 characters or fewer"),
    )


class RequestChangesForm(_ModeratorNoteForm):
    message = _moderator_note(
        label=_("What should the author change?"),
        help_text=_("The author is emailed this message and can then change the example."),
        required=_("Enter what the author should change"),
        too_long=_("The message must be 2000 characters or fewer"),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All actions")), *((a, a) for a in actions)]
