"""Writes for campaigns' examples: drafting, submitting, moderating, featuring, attachments.

Every function runs in one transaction, locks the example row it changes (so two moderators
cannot approve the same example twice) and writes an audit entry. State rules:

    draft ──submit──▶ submitted ──approve──▶ published ──withdraw──▶ withdrawn
      ▲                  │  │ └──reject──▶ rejected     │  ▲
      │                  │  │                           │  └──restore (moderator)──┐
      │                  │  │                           └──take down (moderator)──▶ taken_down
      │                  │  └──request changes──▶ changes_requested ──submit──▶ submitted
      └ edit             └──withdraw──▶ withdrawn

A campaign without pre-moderation publishes an example as soon as it is submitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from exchange.core.caching import published_examples_changed, published_object_changed
from exchange.core.permissions import Perm
from exchange.core.services import audit_log, email_send
from exchange.examples.models import (
    Attachment,
    Campaign,
    Example,
    ExampleStatus,
    Permanence,
    Sector,
    Tag,
)
from exchange.examples.search import example_search_index_update
from exchange.examples.tasks import example_moderators_alert
from exchange.examples.validators import attachment_check
from exchange.sustain.services import checkins_schedule

TAG_NAME_MAX_LENGTH = 60
MAX_TAGS = 10

# Fields an example needs before it can be submitted, with the message shown when one is missing.
REQUIRED_FOR_SUBMISSION: dict[str, Any] = {
    "title": _("Enter a title"),
    "summary": _("Enter a summary"),
    "what_changed": _("Enter what changed"),
    "enablers": _("Enter what enabled it"),
    "sector": _("Select a sector"),
    "permanence": _("Select whether it was temporary or should stay"),
}


class ExampleStateError(Exception):
    """An action that the example's current state (or its campaign) does not allow."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class CampaignClosedError(ExampleStateError):
    pass


class ExampleIncompleteError(ExampleStateError):
    """The example lacks fields needed for submission; `missing` maps each field to a message."""

    def __init__(self, missing: dict[str, Any]) -> None:
        super().__init__(_("Complete every required question before you submit"))
        self.missing = missing


class AttachmentError(ExampleStateError):
    pass


# Checks ------------------------------------------------------------------------------------


def example_missing_fields(*, example: Example) -> dict[str, Any]:
    """Required fields that are still empty, each with the message to show."""
    missing = {
        field: message
        for field, message in REQUIRED_FOR_SUBMISSION.items()
        if not str(getattr(example, field) or "").strip()
    }
    if example.sector and example.sector not in Sector.values:
        missing["sector"] = REQUIRED_FOR_SUBMISSION["sector"]
    if example.permanence and example.permanence not in Permanence.values:
        missing["permanence"] = REQUIRED_FOR_SUBMISSION["permanence"]
    return missing


def _check_author(*, actor: Any, example: Example) -> None:
    if not getattr(actor, "is_authenticated", False) or example.author_id != actor.pk:
        raise PermissionDenied


def _check_perm(*, actor: Any, perm: Perm) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm):
        raise PermissionDenied


def _check_editable(example: Example) -> None:
    if not example.is_editable_by_author:
        raise ExampleStateError(
            _("You can only change a draft or an example a moderator has asked you to change")
        )


def _lock(example: Example) -> Example:
    """Re-read the example with its row locked until the transaction ends."""
    return Example.objects.select_for_update().get(pk=example.pk)


def tag_names_parse(text: str) -> list[str]:
    """Split comma-separated tags into distinct names (by slug), keeping the first spelling."""
    names: dict[str, str] = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        slug = slugify(name)
        if slug and slug not in names:
            names[slug] = name
    return list(names.values())


def _tags_get_or_create(names: Sequence[str]) -> list[Tag]:
    """Tags for these names, creating missing ones; safe when two people add one at once."""
    by_slug = {slugify(name)[:TAG_NAME_MAX_LENGTH]: name[:TAG_NAME_MAX_LENGTH] for name in names}
    by_slug.pop("", None)
    if not by_slug:
        return []
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slug) for slug, name in by_slug.items()], ignore_conflicts=True
    )
    found = Tag.objects.filter(Q(slug__in=by_slug) | Q(name__in=by_slug.values()))
    return sorted(found, key=lambda tag: tag.name.lower())


def _example_fill(
    example: Example,
    *,
    title: str,
    summary: str,
    what_changed: str,
    enablers: str,
    evidence: str,
    sector: str,
    organisation: str,
    permanence: str,
    risks_of_reverting: str,
    show_as_anonymous: bool,
) -> None:
    example.title = title.strip()
    example.summary = summary.strip()
    example.what_changed = what_changed.strip()
    example.enablers = enablers.strip()
    example.evidence = evidence.strip()
    example.sector = sector
    example.organisation = organisation.strip()
    example.permanence = permanence
    example.risks_of_reverting = risks_of_reverting.strip()
    example.show_as_anonymous = show_as_anonymous


def _draft_save(
    example: Example,
    *,
    actor: Any,
    action: str,
    tag_names: Sequence[str],
    uploads: Sequence[UploadedFile],
) -> Example:
    """Store a filled-in draft with its tags and new attachments; the caller holds the transaction."""
    example.save()
    example.tags.set(_tags_get_or_create(tag_names))
    audit_log(actor=actor, action=action, target=example)
    _attachments_add(actor=actor, example=example, uploads=uploads)
    example_search_index_update(example_ids=[example.pk])
    return example


def _attachments_add(*, actor: Any, example: Example, uploads: Sequence[UploadedFile]) -> None:
    existing = example.attachments.count()
    if existing + len(uploads) > settings.EXAMPLE_MAX_ATTACHMENTS:
        raise AttachmentError(
            _("You can attach up to %(max)d files to an example")
            % {"max": settings.EXAMPLE_MAX_ATTACHMENTS}
        )
    for upload in uploads:
        try:
            checked = attachment_check(upload)
        except ValidationError as error:
            raise AttachmentError(" ".join(error.messages)) from error
        attachment = Attachment(
            example=example,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
        )
        attachment.file.save(checked.stored_name, upload, save=False)
        attachment.save()
        audit_log(
            actor=actor,
            action="attachment.add",
            target=example,
            attachment=attachment.original_name,
            content_type=checked.content_type,
        )


# Drafting and submitting -------------------------------------------------------------------


@transaction.atomic
def example_draft_create(
    *,
    author: Any,
    campaign: Campaign,
    title: str,
    summary: str = "",
    what_changed: str = "",
    enablers: str = "",
    evidence: str = "",
    sector: str = "",
    organisation: str = "",
    permanence: str = "",
    risks_of_reverting: str = "",
    tag_names: Sequence[str] = (),
    show_as_anonymous: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Example:
    """Start a draft in an open campaign. Only the title is needed until submission."""
    if not getattr(author, "is_authenticated", False):
        raise PermissionDenied
    if not campaign.is_open():
        raise CampaignClosedError(_("This campaign is not open for new examples"))
    if not title.strip():
        raise ExampleIncompleteError({"title": REQUIRED_FOR_SUBMISSION["title"]})
    example = Example(campaign=campaign, author=author, status=ExampleStatus.DRAFT)
    _example_fill(
        example,
        title=title,
        summary=summary,
        what_changed=what_changed,
        enablers=enablers,
        evidence=evidence,
        sector=sector,
        organisation=organisation,
        permanence=permanence,
        risks_of_reverting=risks_of_reverting,
        show_as_anonymous=show_as_anonymous,
    )
    return _draft_save(
        example, actor=author, action="example.create", tag_names=tag_names, uploads=attachments
    )


@transaction.atomic
def example_draft_update(
    *,
    actor: Any,
    example: Example,
    title: str,
    summary: str = "",
    what_changed: str = "",
    enablers: str = "",
    evidence: str = "",
    sector: str = "",
    organisation: str = "",
    permanence: str = "",
    risks_of_reverting: str = "",
    tag_names: Sequence[str] = (),
    show_as_anonymous: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Example:
    """Change the author's own draft, or an example a moderator sent back for changes."""
    _check_author(actor=actor, example=example)
    example = _lock(example)
    _check_editable(example)
    if not title.strip():
        raise ExampleIncompleteError({"title": REQUIRED_FOR_SUBMISSION["title"]})
    _example_fill(
        example,
        title=title,
        summary=summary,
        what_changed=what_changed,
        enablers=enablers,
        evidence=evidence,
        sector=sector,
        organisation=organisation,
        permanence=permanence,
        risks_of_reverting=risks_of_reverting,
        show_as_anonymous=show_as_anonymous,
    )
    return _draft_save(
        example, actor=actor, action="example.update", tag_names=tag_names, uploads=attachments
    )


@transaction.atomic
def example_submit(*, actor: Any, example: Example) -> Example:
    """Send a complete draft (or a changed example) to the moderators.

    A campaign without pre-moderation publishes it at once. Moderators are alerted by a
    background task queued when the transaction commits.
    """
    _check_author(actor=actor, example=example)
    example = _lock(example)
    if not example.is_editable_by_author:
        raise ExampleStateError(_("This example has already been submitted"))
    missing = example_missing_fields(example=example)
    if missing:
        raise ExampleIncompleteError(missing)
    campaign = example.campaign
    if example.status == ExampleStatus.DRAFT and not campaign.is_open():
        raise CampaignClosedError(_("This campaign has closed and is not taking new examples"))
    now = timezone.now()
    example.submitted_at = now
    example.moderator_message = ""
    if campaign.pre_moderation:
        example.status = ExampleStatus.SUBMITTED
    else:
        example.status = ExampleStatus.PUBLISHED
        example.published_at = now
    example.save(
        update_fields=[
            "status",
            "submitted_at",
            "published_at",
            "moderator_message",
            "updated_at",
        ]
    )
    audit_log(actor=actor, action="example.submit", target=example, status=example.status)
    if example.status == ExampleStatus.PUBLISHED:
        example_search_index_update(example_ids=[example.pk])
        checkins_schedule(actor=actor, example=example)
        published_examples_changed()
    transaction.on_commit(partial(example_moderators_alert.enqueue, example_id=example.pk))
    return example


@transaction.atomic
def example_withdraw(*, actor: Any, example: Example) -> Example:
    """The author takes back an example that is awaiting moderation or published."""
    _check_author(actor=actor, example=example)
    example = _lock(example)
    withdrawable = {
        ExampleStatus.SUBMITTED,
        ExampleStatus.CHANGES_REQUESTED,
        ExampleStatus.PUBLISHED,
    }
    if example.status not in withdrawable:
        raise ExampleStateError(
            _("You can only withdraw an example that is awaiting moderation or published")
        )
    previous = example.status
    example.status = ExampleStatus.WITHDRAWN
    example.is_featured = False
    example.featured_at = None
    example.save(update_fields=["status", "is_featured", "featured_at", "updated_at"])
    audit_log(actor=actor, action="example.withdraw", target=example, previous_status=previous)
    if previous == ExampleStatus.PUBLISHED:
        published_examples_changed()
    return example


@transaction.atomic
def example_delete_draft(*, actor: Any, example: Example) -> None:
    """The author deletes their own draft, with its attachments; the files go when committed.

    Only a draft: anything a moderator has seen is withdrawn instead, so its history stays.
    """
    _check_author(actor=actor, example=example)
    example = _lock(example)
    if example.status != ExampleStatus.DRAFT:
        raise ExampleStateError(_("You can only delete a draft"))
    files = [attachment.file for attachment in example.attachments.all()]
    audit_log(
        actor=actor,
        action="example.delete_draft",
        target=example,
        title=example.title,
        attachments=len(files),
    )
    example.delete()
    for file in files:
        transaction.on_commit(partial(file.delete, save=False))


# Moderation --------------------------------------------------------------------------------


def _author_email(*, example: Example, template: str, **context: Any) -> None:
    email_send(
        to=[example.author.email],
        template=template,
        context={
            "example": example,
            "author_name": example.author.public_name,
            "my_examples_url": settings.SITE_URL + reverse("examples:mine"),
            **context,
        },
    )


def _check_awaiting(example: Example) -> None:
    if example.status != ExampleStatus.SUBMITTED:
        raise ExampleStateError(
            _("This example is not awaiting moderation (it is “%(status)s”)")
            % {"status": example.get_status_display()}
        )


@transaction.atomic
def example_approve(*, actor: Any, example: Example) -> Example:
    """Publish an example awaiting moderation and tell its author."""
    _check_perm(actor=actor, perm=Perm.MODERATE_EXAMPLES)
    example = _lock(example)
    _check_awaiting(example)
    example.status = ExampleStatus.PUBLISHED
    example.published_at = timezone.now()
    example.moderator_message = ""
    example.save(update_fields=["status", "published_at", "moderator_message", "updated_at"])
    audit_log(actor=actor, action="example.approve", target=example)
    example_search_index_update(example_ids=[example.pk])
    checkins_schedule(actor=actor, example=example)
    published_examples_changed()
    _author_email(
        example=example,
        template="emails/example_approved",
        example_url=settings.SITE_URL + example.get_absolute_url(),
    )
    return example


@transaction.atomic
def example_reject(*, actor: Any, example: Example, reason: str) -> Example:
    """Turn down an example awaiting moderation; the author is told the reason."""
    _check_perm(actor=actor, perm=Perm.MODERATE_EXAMPLES)
    reason = reason.strip()
    if not reason:
        raise ExampleStateError(_("Enter the reason for rejecting the example"))
    example = _lock(example)
    _check_awaiting(example)
    example.status = ExampleStatus.REJECTED
    example.moderator_message = reason
    example.save(update_fields=["status", "moderator_message", "updated_at"])
    audit_log(actor=actor, action="example.reject", target=example, reason=reason)
    _author_email(example=example, template="emails/example_rejected", reason=reason)
    return example


@transaction.atomic
def example_request_changes(*, actor: Any, example: Example, message: str) -> Example:
    """Send an example back to its author with what to change."""
    _check_perm(actor=actor, perm=Perm.MODERATE_EXAMPLES)
    message = message.strip()
    if not message:
        raise ExampleStateError(_("Enter what the author should change"))
    example = _lock(example)
    _check_awaiting(example)
    example.status = ExampleStatus.CHANGES_REQUESTED
    example.moderator_message = message
    example.save(update_fields=["status", "moderator_message", "updated_at"])
    audit_log(actor=actor, action="example.request_changes", target=example, message=message)
    _author_email(
        example=example,
        template="emails/example_changes_requested",
        message=message,
        edit_url=settings.SITE_URL + reverse("examples:edit", kwargs={"pk": example.pk}),
    )
    return example


@transaction.atomic
def example_feature(*, actor: Any, example: Example) -> Example:
    """Highlight a published example on the home page."""
    _check_perm(actor=actor, perm=Perm.FEATURE_EXAMPLES)
    example = _lock(example)
    if example.status != ExampleStatus.PUBLISHED:
        raise ExampleStateError(_("Only a published example can be featured"))
    if example.is_featured:
        raise ExampleStateError(_("This example is already featured"))
    example.is_featured = True
    example.featured_at = timezone.now()
    example.save(update_fields=["is_featured", "featured_at", "updated_at"])
    audit_log(actor=actor, action="example.feature", target=example)
    published_examples_changed()
    return example


@transaction.atomic
def example_unfeature(*, actor: Any, example: Example) -> Example:
    _check_perm(actor=actor, perm=Perm.FEATURE_EXAMPLES)
    example = _lock(example)
    if not example.is_featured:
        raise ExampleStateError(_("This example is not featured"))
    example.is_featured = False
    example.featured_at = None
    example.save(update_fields=["is_featured", "featured_at", "updated_at"])
    audit_log(actor=actor, action="example.unfeature", target=example)
    published_examples_changed()
    return example


@transaction.atomic
def example_take_down(*, actor: Any, example: Example, reason: str) -> Example:
    """A moderator removes a published example from every public page at once.

    It is un-featured; its author still sees it, with the reason, and is emailed.
    """
    _check_perm(actor=actor, perm=Perm.MODERATE_EXAMPLES)
    reason = reason.strip()
    if not reason:
        raise ExampleStateError(_("Enter the reason for taking the example down"))
    example = _lock(example)
    if example.status != ExampleStatus.PUBLISHED:
        raise ExampleStateError(_("Only a published example can be taken down"))
    was_featured = example.is_featured
    example.status = ExampleStatus.TAKEN_DOWN
    example.moderator_message = reason
    example.is_featured = False
    example.featured_at = None
    example.save(
        update_fields=["status", "moderator_message", "is_featured", "featured_at", "updated_at"]
    )
    audit_log(
        actor=actor,
        action="example.take_down",
        target=example,
        reason=reason,
        was_featured=was_featured,
    )
    published_object_changed(Example, example.pk)
    _author_email(
        example=example,
        template="emails/example_taken_down",
        reason=reason,
        example_url=settings.SITE_URL + example.get_absolute_url(),
    )
    return example


@transaction.atomic
def example_restore(*, actor: Any, example: Example) -> Example:
    """Publish a taken-down example again (with its first publication date); not featured."""
    _check_perm(actor=actor, perm=Perm.MODERATE_EXAMPLES)
    example = _lock(example)
    if example.status != ExampleStatus.TAKEN_DOWN:
        raise ExampleStateError(_("Only an example that was taken down can be restored"))
    reason = example.moderator_message
    example.status = ExampleStatus.PUBLISHED
    example.published_at = example.published_at or timezone.now()
    example.moderator_message = ""
    example.save(update_fields=["status", "published_at", "moderator_message", "updated_at"])
    audit_log(actor=actor, action="example.restore", target=example, previous_reason=reason)
    example_search_index_update(example_ids=[example.pk])
    published_object_changed(Example, example.pk)
    _author_email(
        example=example,
        template="emails/example_restored",
        example_url=settings.SITE_URL + example.get_absolute_url(),
    )
    return example


# Attachments -------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor: Any, example: Example, upload: UploadedFile) -> Attachment:
    """Attach one checked file to the author's editable example."""
    _check_author(actor=actor, example=example)
    example = _lock(example)
    _check_editable(example)
    _attachments_add(actor=actor, example=example, uploads=[upload])
    return example.attachments.order_by("-pk").first()  # type: ignore[return-value]


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove an attachment from the author's editable example; the file goes when committed."""
    _check_author(actor=actor, example=attachment.example)
    example = _lock(attachment.example)
    _check_editable(example)
    name = attachment.original_name
    file = attachment.file
    attachment.delete()
    audit_log(actor=actor, action="attachment.delete", target=example, attachment=name)
    transaction.on_commit(partial(file.delete, save=False))
