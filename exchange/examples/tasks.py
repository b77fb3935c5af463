"""Background work for examples, run by `manage.py db_worker`."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from exchange.core.permissions import Perm, permission_holder_emails


def moderator_emails() -> list[str]:
    """Addresses of every active user who may moderate examples (by group, directly, or superuser)."""
    return permission_holder_emails(Perm.MODERATE_EXAMPLES)


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
