"""Roles and the permissions each holds. Roles are Django groups; views check one permission each."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse


class Perm(StrEnum):
    MODERATE_EXAMPLES = "examples.moderate_example"
    # Hide, restore and approve comments, stop people from commenting (the comment moderation list).
    MODERATE_COMMENTS = "conversation.moderate_comment"
    FEATURE_EXAMPLES = "examples.feature_example"
    VIEW_AUDIT_LOG = "core.view_auditentry"
    MANAGE_CAMPAIGNS = "examples.change_campaign"
    MANAGE_EVENTS = "events.change_event"
    VIEW_AT_RISK = "sustain.view_at_risk"
    MANAGE_WORKSHOPS = "workshops.change_workshopseries"
    RUN_SYNTHESIS = "insights.run_synthesis"


class Role(StrEnum):
    MODERATOR = "Moderators"
    FACILITATOR = "Facilitators"
    ORGANISER = "Organisers"
    ADMIN = "Administrators"


ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.MODERATOR: [
        Perm.MODERATE_EXAMPLES,
        Perm.MODERATE_COMMENTS,
        Perm.FEATURE_EXAMPLES,
        Perm.VIEW_AUDIT_LOG,
        Perm.VIEW_AT_RISK,
    ],
    # Facilitators manage the series they are listed on (exchange.workshops.selectors).
    Role.FACILITATOR: [
        Perm.MANAGE_WORKSHOPS,
        "workshops.add_workshopseries",
        "workshops.view_workshopseries",
        "workshops.view_reflection",
        # Syntheses: run them, edit their themes and publish reports (exchange.insights).
        Perm.RUN_SYNTHESIS,
    ],
    Role.ORGANISER: [
        Perm.MANAGE_EVENTS,
        "events.add_event",
        "events.view_event",
        "events.add_session",
        "events.change_session",
        "events.view_session",
        "events.view_booking",
        Perm.VIEW_AT_RISK,
    ],
    Role.ADMIN: [
        Perm.MODERATE_EXAMPLES,
        Perm.MODERATE_COMMENTS,
        Perm.FEATURE_EXAMPLES,
        Perm.VIEW_AUDIT_LOG,
        Perm.MANAGE_CAMPAIGNS,
        "examples.add_campaign",
        "examples.delete_campaign",
        "examples.view_campaign",
        Perm.MANAGE_EVENTS,
        "events.add_event",
        "events.view_event",
        "events.delete_event",
        "events.add_session",
        "events.change_session",
        "events.view_session",
        "events.delete_session",
        "events.view_booking",
        Perm.VIEW_AT_RISK,
        Perm.MANAGE_WORKSHOPS,
        "workshops.add_workshopseries",
        "workshops.view_workshopseries",
        "workshops.view_reflection",
        # Holding this marks someone who manages every series, not just their own.
        "workshops.delete_workshopseries",
        Perm.RUN_SYNTHESIS,
    ],
}

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)


def permission_holders(perm: Perm) -> QuerySet[Any]:
    """Every active user holding `perm` (by group, directly, or as superuser), once each."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = perm.split(".")
    holds = (
        Q(is_superuser=True)
        | Q(
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
        | Q(
            user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
        )
    )
    users = get_user_model().objects.filter(holds, is_active=True)
    # Through a subquery: the joins above would repeat a person holding it more than one way.
    return get_user_model().objects.filter(pk__in=users.values("pk"))


def permission_holder_emails(perm: Perm) -> list[str]:
    """Addresses of every active user holding `perm`."""
    users = permission_holders(perm).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def permission_required(perm: Perm) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Sign-in first (redirect), then 403 for signed-in people without the permission."""

    def decorator(view: Callable[..., R]) -> Callable[..., R]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
