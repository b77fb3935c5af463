from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.core.tasks import send_email_task


def audit_log(
    *, actor: Any, action: str, target: models.Model | None = None, **data: Any
) -> AuditEntry:
    """Record who did what to which object. Call inside the transaction that made the change."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        data=data,
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:255]
    entry.save()
    return entry


def per_minute_count(*, key: str) -> int:
    """Count one more action under `key` in the current clock minute; return the minute's total.

    For rate limits: the counter lives in the shared cache, so every web process sees it.
    """
    window = int(timezone.now().timestamp() // 60)
    cache_key = f"rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=120)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # the entry expired between add() and incr()
        cache.set(cache_key, 1, timeout=120)
        return 1


def email_send(
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    """Queue an email rendered from `<template>_subject.txt` and `<template>_body.txt`, with
    extra `headers` if given (e.g. List-Unsubscribe).

    The email is queued only when the surrounding transaction commits, so a rolled-back
    action never sends mail.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    extra = {"headers": dict(headers)} if headers else {}
    transaction.on_commit(
        lambda: send_email_task.enqueue(subject=subject, body=body, recipients=recipients, **extra)
    )


def email_deliver(
    *, subject: str, body: str, recipients: list[str], headers: dict[str, str] | None = None
) -> int:
    """Send one message per recipient so that no one sees anyone else's address."""
    sent = 0
    for recipient in recipients:
        sent += EmailMessage(
            subject=subject, body=body, to=[recipient], headers=headers or None
        ).send()
    return sent
