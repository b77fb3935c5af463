"""Account forms: the profile and the extra sign-up fields.

allauth imports SignupProfileForm (ACCOUNT_SIGNUP_FORM_CLASS) while it builds its own forms, so
this module must never import allauth's forms: the GOV.UK versions of those live in
exchange/accounts/allauth_forms.py.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "organisation"]
        labels = {
            "display_name": _("Display name"),
            "organisation": _("Organisation (optional)"),
        }
        help_texts = {
            "display_name": _("Shown beside what you share. Your email address is never shown."),
            "organisation": _("For example, “Leeds Teaching Hospitals” or “Bristol City Council”."),
        }


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown beside what you share. Your email address is never shown."),
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )

    def signup(self, request, user: User) -> None:  # type: ignore[no-untyped-def]
        user.display_name = self.cleaned_data["display_name"].strip()
        user.organisation = self.cleaned_data["organisation"].strip()
        user.save(update_fields=["display_name", "organisation"])
