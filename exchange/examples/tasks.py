"""Background work for examples, run by `manage.py db_worker`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django_tasks import task

from exchange.core.permissions import Perm


def moderator_emails() -> list[str]:
    """Addresses of every active user who may moderate examples (by group, directly, or superuser)."""
    app_label, codename = Perm.MODERATE_EXAMPLES.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@task()
def example_moderators_alert(*, example_id: int) -> int:
    """Email every moderator about a newly submitted example. Returns how many were told.

    Safe to run twice: it only reads the example and queues messages.
    """
    from exchange.core.services import email_send
    from exchange.examples.models import Example, ExampleStatus

    example = Example.objects.select_related("author", "campaign").filter(pk=example_id).first()
    if example is None or example.status not in {
        ExampleStatus.SUBMITTED,
        ExampleStatus.PUBLISHED,
    }:
        return 0
    recipients = moderator_emails()
    email_send(
        to=recipients,
        template="emails/example_submitted_moderators",
        context={
            "example": example,
            "author_name": example.author.public_name,
            "awaiting_moderation": example.status == ExampleStatus.SUBMITTED,
            "review_url": settings.SITE_URL
            + reverse("examples:moderation_review", kwargs={"pk": example.pk}),
        },
    )
    return len(recipients)
