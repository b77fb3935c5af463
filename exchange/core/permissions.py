"""Roles and the permissions each holds. Roles are Django groups; views check one permission each."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class Perm(StrEnum):
    MODERATE_EXAMPLES = "examples.moderate_example"
    FEATURE_EXAMPLES = "examples.feature_example"
    VIEW_AUDIT_LOG = "core.view_auditentry"
    MANAGE_CAMPAIGNS = "examples.change_campaign"
    MANAGE_EVENTS = "events.change_event"
    MANAGE_WORKSHOPS = "workshops.change_workshopseries"
    RUN_SYNTHESIS = "insights.run_synthesis"


class Role(StrEnum):
    MODERATOR = "Moderators"
    FACILITATOR = "Facilitators"
    ORGANISER = "Organisers"
    ADMIN = "Administrators"


ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.MODERATOR: [Perm.MODERATE_EXAMPLES, Perm.FEATURE_EXAMPLES, Perm.VIEW_AUDIT_LOG],
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
    ],
    Role.ADMIN: [
        Perm.MODERATE_EXAMPLES,
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
