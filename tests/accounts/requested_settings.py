"""Settings requested from the lead in docs/requests/accounts-e2e.md.

Tests apply them until exchange/settings.py carries them, so they describe the intended setup.
"""

REQUESTED_SETTINGS = {
    "ACCOUNT_FORMS": {
        "login": "exchange.accounts.allauth_forms.LoginForm",
        "signup": "exchange.accounts.allauth_forms.SignupForm",
        "reset_password": "exchange.accounts.allauth_forms.ResetPasswordForm",
        "reset_password_from_key": "exchange.accounts.allauth_forms.ResetPasswordKeyForm",
        "change_password": "exchange.accounts.allauth_forms.ChangePasswordForm",
        "set_password": "exchange.accounts.allauth_forms.SetPasswordForm",
        "add_email": "exchange.accounts.allauth_forms.AddEmailForm",
        "reauthenticate": "exchange.accounts.allauth_forms.ReauthenticateForm",
    },
    "ACCOUNT_USER_DISPLAY": "exchange.accounts.adapters.user_display",
    "AXES_USERNAME_CALLABLE": "exchange.accounts.adapters.axes_username",
}


def apply_missing(settings) -> None:  # type: ignore[no-untyped-def]
    """Set each requested setting on pytest-django's `settings` fixture unless already set."""
    from django.conf import settings as django_settings

    for name, value in REQUESTED_SETTINGS.items():
        if not getattr(django_settings, name, None):
            setattr(settings, name, value)
