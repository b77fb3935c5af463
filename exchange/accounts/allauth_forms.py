"""django-allauth's forms in GOV.UK style, wired in with ``ACCOUNT_FORMS`` in settings.

allauth puts placeholders in every input and uses title case labels. GOV.UK asks for labels and
hints instead of placeholders (placeholders vanish as you type and often fail contrast checks),
so these subclasses change only labels, hints and widget attributes; validation stays allauth's.
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

PASSWORD_HINT = _(
    "Use at least 8 characters. Do not use a common password, a password made only of "
    "numbers, or one that looks like your email address or name."
)


# GOV.UK error messages say what to do, specific to the field, instead of "This field is required".
REQUIRED = {
    "login": _("Enter your email address"),
    "email": _("Enter your email address"),
    "password": _("Enter your password"),
    "oldpassword": _("Enter your current password"),
    "password1": _("Enter a new password"),
    "password2": _("Enter the password again to confirm it"),
}
INVALID_EMAIL = _("Enter an email address in the correct format, like name@example.com")


def _govuk_fields(form: forms.Form, labels: dict[str, Any], hints: dict[str, Any]) -> None:
    for name, field in form.fields.items():
        field.widget.attrs.pop("placeholder", None)
        if name in labels:
            field.label = labels[name]
        if name in hints:
            field.help_text = hints[name]
        if name in REQUIRED:
            field.error_messages["required"] = REQUIRED[name]
        if isinstance(field, forms.EmailField):
            # Field.run_validators uses this message for the validator's "invalid" code.
            field.error_messages["invalid"] = INVALID_EMAIL


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            labels={
                "login": _("Email address"),
                "password": _("Password"),
                "remember": _("Keep me signed in on this device"),
            },
            # The "forgotten your password" link sits below the form instead of inside a hint.
            hints={"password": ""},
        )


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            labels={
                "email": _("Email address"),
                "password1": _("Create a password"),
                "password2": _("Confirm your password"),
            },
            hints={
                "email": _("We will send you a link to confirm it. It is never shown to anyone."),
                "password1": PASSWORD_HINT,
            },
        )


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(self, labels={"email": _("Email address")}, hints={})


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            labels={"password1": _("New password"), "password2": _("Confirm your new password")},
            hints={"password1": PASSWORD_HINT},
        )


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            labels={
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("Confirm your new password"),
            },
            hints={"oldpassword": "", "password1": PASSWORD_HINT},
        )


class SetPasswordForm(allauth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(
            self,
            labels={"password1": _("Password"), "password2": _("Confirm your password")},
            hints={"password1": PASSWORD_HINT},
        )


class AddEmailForm(allauth_forms.AddEmailForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(self, labels={"email": _("Email address")}, hints={})


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_fields(self, labels={"password": _("Password")}, hints={"password": ""})
