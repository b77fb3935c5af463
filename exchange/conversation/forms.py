from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.conversation.models import COMMENT_MAX_LENGTH, FlagReason, ReactionKind
from exchange.examples.forms import GDSRadioSelect

HONEYPOT = "website"


class CommentForm(forms.Form):
    """A comment or reply. `ask_policy` adds the comments-policy tick for first-time commenters.

    Length and emptiness are checked by the service (the same rules for the API); the field
    only carries the text so that everything typed comes back on an error.
    """

    body = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        help_text=_(
            "Up to 5,000 characters. You can use *italic*, **bold**, lists and links. "
            "Do not include personal information."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    policy_accepted = forms.BooleanField(
        label=_("I have read the comments policy and my comment follows it"), required=False
    )
    # Hidden from people (visually and from assistive technology); bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, ask_policy: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ask_policy = ask_policy
        fields: list[Any] = [Field.textarea("body", rows=6, max_characters=COMMENT_MAX_LENGTH)]
        if ask_policy:
            fields.append(Field.checkbox("policy_accepted", small=True))
        else:
            del self.fields["policy_accepted"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields)

    def clean_website(self) -> str:
        if self.cleaned_data.get(HONEYPOT):
            raise forms.ValidationError(
                _("Your comment could not be posted. Leave the last field empty and try again.")
            )
        return ""


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this comment?"),
        choices=FlagReason.choices,
        widget=GDSRadioSelect,
        error_messages={"required": _("Select why you are reporting this comment")},
    )
    note = forms.CharField(
        label=_("Anything else moderators should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Your note must be 1,000 characters or fewer")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("reason", legend_size=Size.MEDIUM), Field.textarea("note", rows=3)
        )


class StopCommentingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter the reason"),
            "max_length": _("The reason must be 1,000 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ReactionKind.choices,
        error_messages={"required": _("Choose a reaction")},
    )
    next = forms.CharField(required=False, max_length=2000)
