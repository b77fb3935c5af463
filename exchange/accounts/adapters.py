"""Hooks that django-allauth and django-axes call by dotted path from settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def user_display(user: Any) -> str:
    """allauth shows this name in its pages and emails; the default would be the email address."""
    return str(getattr(user, "public_name", "") or "")


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The address being signed in to, so axes counts failures per account and address.

    allauth authenticates with ``email=…`` while its form field is called ``login``, so axes'
    default lookup of one form field name finds nothing in one of the two places it looks.
    """
    value = ""
    if credentials:
        value = (
            credentials.get("email")
            or credentials.get("login")
            or credentials.get("username")
            or ""
        )
    if not value:
        data = getattr(request, "data", None) or request.POST
        value = data.get("login") or data.get("email") or ""
    return str(value).strip().lower()
