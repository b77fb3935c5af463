from __future__ import annotations

import contextlib
import datetime as dt
import re
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.examples import services
from exchange.examples.models import Attachment, ExampleStatus, Tag
from exchange.examples.services import (
    AttachmentError,
    CampaignClosedError,
    ExampleIncompleteError,
    ExampleStateError,
)
from tests.examples import factories as uploads
from tests.factories import (
    CampaignFactory,
    ExampleFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALL_STATES = [choice.value for choice in ExampleStatus]


def audit_actions(example) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=str(example.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def moderator(db):
    """Overrides the shared fixture until ModeratorFactory is fixed (docs/requests/submission.md)."""
    return UserFactory(roles=[Role.MODERATOR])


@pytest.fixture
def index_update():
    with mock.patch("exchange.examples.services.example_search_index_update") as patched:
        yield patched


def draft_arguments(**overrides):
    arguments = {
        "title": "Hotel rooms for rough sleepers",
        "summary": "Everyone sleeping rough was offered a room within a week.",
        "what_changed": "The council block-booked hotels.",
        "enablers": "Emergency funding.",
        "evidence": "",
        "sector": "local_government",
        "organisation": "Riverside Council",
        "permanence": "should_stay",
        "risks_of_reverting": "",
        "tag_names": ["Housing", "Homelessness"],
        "show_as_anonymous": False,
    }
    arguments.update(overrides)
    return arguments


# Drafts -------------------------------------------------------------------------------------


def test_draft_create_stores_fields_tags_audit_and_index(participant, campaign, index_update):
    example = services.example_draft_create(
        author=participant, campaign=campaign, **draft_arguments(attachments=[uploads.pdf()])
    )
    example.refresh_from_db()
    assert example.status == ExampleStatus.DRAFT
    assert example.author == participant
    assert example.organisation == "Riverside Council"
    assert sorted(example.tags.values_list("slug", flat=True)) == ["homelessness", "housing"]
    assert example.attachments.get().content_type == "application/pdf"
    assert audit_actions(example) == ["example.create", "attachment.add"]
    index_update.assert_called_with(example_ids=[example.pk])


def test_draft_needs_only_a_title(participant, campaign):
    example = services.example_draft_create(author=participant, campaign=campaign, title="Idea")
    assert example.summary == ""
    assert example.sector == ""
    assert example.status == ExampleStatus.DRAFT


def test_draft_without_title_is_refused(participant, campaign):
    with pytest.raises(ExampleIncompleteError) as caught:
        services.example_draft_create(author=participant, campaign=campaign, title="   ")
    assert "title" in caught.value.missing


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        (dt.timedelta(days=2), dt.timedelta(days=30)),
        (-dt.timedelta(days=30), -dt.timedelta(days=1)),
    ],
    ids=["not yet open", "closed"],
)
def test_draft_create_refused_when_campaign_not_open(participant, opens, closes):
    now = timezone.now()
    campaign = CampaignFactory(opens_at=now + opens, closes_at=now + closes)
    with pytest.raises(CampaignClosedError):
        services.example_draft_create(author=participant, campaign=campaign, title="Late")
    assert not campaign.examples.exists()


def test_tags_reuse_existing_rows_by_slug(participant, campaign):
    existing = Tag.objects.create(name="Remote working", slug="remote-working")
    example = services.example_draft_create(
        author=participant,
        campaign=campaign,
        title="Video meetings",
        tag_names=["remote working", "Remote-Working", "Travel"],
    )
    assert set(example.tags.all()) == {existing, Tag.objects.get(slug="travel")}
    assert Tag.objects.count() == 2


def test_tag_names_parse_dedupes_and_strips():
    assert services.tag_names_parse(" a b ,A  B, c,, ,!!") == ["a b", "c"]


def test_draft_update_changes_fields(participant, index_update):
    example = ExampleFactory(author=participant)
    services.example_draft_update(
        actor=participant, example=example, **draft_arguments(title="New title", tag_names=[])
    )
    example.refresh_from_db()
    assert example.title == "New title"
    assert not example.tags.exists()
    assert audit_actions(example) == ["example.update"]
    index_update.assert_called_with(example_ids=[example.pk])


def test_draft_update_by_someone_else_is_denied(participant):
    example = ExampleFactory()
    with pytest.raises(PermissionDenied):
        services.example_draft_update(actor=participant, example=example, title="Mine now")


@pytest.mark.parametrize(
    "status", [s for s in ALL_STATES if s not in {"draft", "changes_requested"}]
)
def test_draft_update_refused_unless_editable(status):
    example = ExampleFactory(
        status=status, published_at=timezone.now() if status == "published" else None
    )
    with pytest.raises(ExampleStateError):
        services.example_draft_update(actor=example.author, example=example, title="Changed")


def test_changes_requested_example_can_be_edited():
    example = ExampleFactory(status=ExampleStatus.CHANGES_REQUESTED, moderator_message="Fix it")
    services.example_draft_update(actor=example.author, example=example, title="Fixed")
    example.refresh_from_db()
    assert example.title == "Fixed"


# Submitting ---------------------------------------------------------------------------------


def test_submit_puts_example_awaiting_moderation_and_alerts_moderators(
    django_capture_on_commit_callbacks, mailoutbox, moderator, admin_user, participant
):
    outsider = UserFactory(email="not-a-moderator@example.org")
    example = ExampleFactory(author=participant, title="Shields <b>printed</b> locally")
    with django_capture_on_commit_callbacks(execute=True):
        services.example_submit(actor=participant, example=example)
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED
    assert example.submitted_at is not None
    assert example.published_at is None
    assert audit_actions(example) == ["example.submit"]
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([moderator.email, admin_user.email])
    assert outsider.email not in recipients
    message = mailoutbox[0]
    assert "awaiting moderation" in message.subject
    assert "Shields <b>printed</b> locally" in message.subject
    assert f"/moderation/examples/{example.pk}/" in message.body
    assert participant.email not in message.body


def test_moderators_alert_includes_administrators_group(
    django_capture_on_commit_callbacks, mailoutbox
):
    administrator = UserFactory(roles=[Role.ADMIN])
    example = ExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.example_submit(actor=example.author, example=example)
    assert [m.to for m in mailoutbox] == [[administrator.email]]


def test_submit_queues_alert_only_on_commit(participant, moderator):
    example = ExampleFactory(author=participant)
    with mock.patch("exchange.examples.services.example_moderators_alert") as alert:
        services.example_submit(actor=participant, example=example)
        # pytest-django's test transaction never commits, so nothing is queued.
        alert.enqueue.assert_not_called()


def test_submit_without_pre_moderation_publishes_at_once(
    django_capture_on_commit_callbacks, mailoutbox, moderator, index_update
):
    example = ExampleFactory(campaign=CampaignFactory(pre_moderation=False))
    with django_capture_on_commit_callbacks(execute=True):
        services.example_submit(actor=example.author, example=example)
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    assert example.published_at is not None
    index_update.assert_called_with(example_ids=[example.pk])
    assert "published" in mailoutbox[0].subject


def test_submit_reports_every_missing_field():
    example = ExampleFactory(summary="", what_changed=" ", enablers="", sector="", permanence="")
    with pytest.raises(ExampleIncompleteError) as caught:
        services.example_submit(actor=example.author, example=example)
    assert set(caught.value.missing) == {
        "summary",
        "what_changed",
        "enablers",
        "sector",
        "permanence",
    }
    example.refresh_from_db()
    assert example.status == ExampleStatus.DRAFT


def test_submit_by_someone_else_is_denied(participant):
    with pytest.raises(PermissionDenied):
        services.example_submit(actor=participant, example=ExampleFactory())


@pytest.mark.parametrize(
    "status", [s for s in ALL_STATES if s not in {"draft", "changes_requested"}]
)
def test_submit_refused_unless_draft_or_changes_requested(status):
    example = ExampleFactory(
        status=status, published_at=timezone.now() if status == "published" else None
    )
    with pytest.raises(ExampleStateError):
        services.example_submit(actor=example.author, example=example)


def test_submit_draft_refused_after_campaign_closes():
    now = timezone.now()
    campaign = CampaignFactory(
        opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(minutes=1)
    )
    example = ExampleFactory(campaign=campaign)
    with pytest.raises(CampaignClosedError):
        services.example_submit(actor=example.author, example=example)


def test_resubmit_after_changes_clears_message_even_when_campaign_closed():
    now = timezone.now()
    campaign = CampaignFactory(
        opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(minutes=1)
    )
    example = ExampleFactory(
        campaign=campaign, status=ExampleStatus.CHANGES_REQUESTED, moderator_message="Add data"
    )
    services.example_submit(actor=example.author, example=example)
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED
    assert example.moderator_message == ""


# Withdrawing --------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [SubmittedExampleFactory, PublishedExampleFactory])
def test_withdraw(factory):
    example = factory(is_featured=factory is PublishedExampleFactory)
    services.example_withdraw(actor=example.author, example=example)
    example.refresh_from_db()
    assert example.status == ExampleStatus.WITHDRAWN
    assert example.is_featured is False
    assert audit_actions(example) == ["example.withdraw"]


@pytest.mark.parametrize("status", ["draft", "rejected", "withdrawn", "archived"])
def test_withdraw_refused_in_other_states(status):
    example = ExampleFactory(status=status)
    with pytest.raises(ExampleStateError):
        services.example_withdraw(actor=example.author, example=example)


def test_withdraw_by_someone_else_is_denied(participant):
    with pytest.raises(PermissionDenied):
        services.example_withdraw(actor=participant, example=SubmittedExampleFactory())


# Moderating ---------------------------------------------------------------------------------


def test_approve_publishes_emails_author_and_updates_index(
    moderator, django_capture_on_commit_callbacks, mailoutbox, index_update
):
    example = SubmittedExampleFactory(title="Midwife advice online")
    with django_capture_on_commit_callbacks(execute=True):
        services.example_approve(actor=moderator, example=example)
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    assert example.published_at is not None
    assert audit_actions(example) == ["example.approve", "checkin.schedule"]
    entry = AuditEntry.objects.get(action="example.approve")
    assert entry.actor == moderator
    index_update.assert_called_once_with(example_ids=[example.pk])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [example.author.email]
    assert "Midwife advice online" in mailoutbox[0].subject
    assert f"/examples/{example.pk}/" in mailoutbox[0].body


def test_double_approval_is_refused(moderator):
    example = SubmittedExampleFactory()
    services.example_approve(actor=moderator, example=example)
    with pytest.raises(ExampleStateError):
        # The caller still holds the stale object that says "submitted".
        services.example_approve(actor=moderator, example=example)
    assert AuditEntry.objects.filter(action="example.approve").count() == 1


def test_reject_stores_reason_and_emails_it(
    moderator, django_capture_on_commit_callbacks, mailoutbox
):
    example = SubmittedExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.example_reject(actor=moderator, example=example, reason="Names a patient.")
    example.refresh_from_db()
    assert example.status == ExampleStatus.REJECTED
    assert example.moderator_message == "Names a patient."
    entry = AuditEntry.objects.get(action="example.reject")
    assert entry.data == {"reason": "Names a patient."}
    assert "Names a patient." in mailoutbox[0].body
    assert mailoutbox[0].to == [example.author.email]


def test_reject_needs_a_reason(moderator):
    example = SubmittedExampleFactory()
    with pytest.raises(ExampleStateError):
        services.example_reject(actor=moderator, example=example, reason="  ")
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED


def test_request_changes_stores_message_and_emails_edit_link(
    moderator, django_capture_on_commit_callbacks, mailoutbox
):
    example = SubmittedExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.example_request_changes(
            actor=moderator, example=example, message="Add the figures & dates."
        )
    example.refresh_from_db()
    assert example.status == ExampleStatus.CHANGES_REQUESTED
    assert example.moderator_message == "Add the figures & dates."
    body = mailoutbox[0].body
    # Plain-text email: no HTML escaping of what the moderator typed.
    assert "Add the figures & dates." in body
    assert f"/examples/{example.pk}/edit/" in body
    assert audit_actions(example) == ["example.request_changes"]


def test_request_changes_needs_a_message(moderator):
    with pytest.raises(ExampleStateError):
        services.example_request_changes(
            actor=moderator, example=SubmittedExampleFactory(), message=""
        )


@pytest.mark.parametrize(
    "action",
    [
        lambda actor, example: services.example_approve(actor=actor, example=example),
        lambda actor, example: services.example_reject(actor=actor, example=example, reason="x"),
        lambda actor, example: services.example_request_changes(
            actor=actor, example=example, message="x"
        ),
    ],
    ids=["approve", "reject", "request_changes"],
)
@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != "submitted"])
def test_moderation_refused_unless_awaiting(moderator, action, status):
    example = ExampleFactory(
        status=status, published_at=timezone.now() if status == "published" else None
    )
    with pytest.raises(ExampleStateError):
        action(moderator, example)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "action",
    [
        services.example_approve,
        services.example_feature,
        services.example_unfeature,
    ],
)
def test_moderation_needs_permission(participant, action):
    example = SubmittedExampleFactory()
    with pytest.raises(PermissionDenied):
        action(actor=participant, example=example)


def test_reject_needs_permission(participant):
    with pytest.raises(PermissionDenied):
        services.example_reject(actor=participant, example=SubmittedExampleFactory(), reason="x")


# Featuring ----------------------------------------------------------------------------------


def test_feature_and_unfeature(moderator):
    example = PublishedExampleFactory()
    services.example_feature(actor=moderator, example=example)
    example.refresh_from_db()
    assert example.is_featured
    assert example.featured_at is not None
    services.example_unfeature(actor=moderator, example=example)
    example.refresh_from_db()
    assert not example.is_featured
    assert example.featured_at is None
    assert audit_actions(example) == ["example.feature", "example.unfeature"]


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != "published"])
def test_only_published_examples_can_be_featured(moderator, status):
    example = ExampleFactory(status=status)
    with pytest.raises(ExampleStateError):
        services.example_feature(actor=moderator, example=example)


def test_feature_twice_and_unfeature_unfeatured_are_refused(moderator):
    example = PublishedExampleFactory(is_featured=True, featured_at=timezone.now())
    with pytest.raises(ExampleStateError):
        services.example_feature(actor=moderator, example=example)
    with pytest.raises(ExampleStateError):
        services.example_unfeature(actor=moderator, example=PublishedExampleFactory())


# Attachments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "stored_suffix"),
    [
        (uploads.pdf, "application/pdf", ".pdf"),
        (uploads.png, "image/png", ".png"),
        (uploads.jpeg, "image/jpeg", ".jpg"),
        (
            uploads.docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
    ],
)
def test_attachment_add_detects_type_from_content(make, content_type, stored_suffix):
    example = ExampleFactory()
    attachment = services.attachment_add(actor=example.author, example=example, upload=make())
    assert attachment.content_type == content_type
    # A random name with the detected type's extension: nothing about the example in it.
    assert re.fullmatch(rf"attachments/[0-9a-f]{{32}}\{stored_suffix}", attachment.file.name)
    assert audit_actions(example) == ["attachment.add"]


def test_attachment_extension_follows_content_and_name_is_sanitised():
    example = ExampleFactory()
    attachment = services.attachment_add(
        actor=example.author,
        example=example,
        upload=uploads.upload("Ward <i>plan (final).pdf", uploads.PNG_BYTES),
    )
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "Ward <i>plan (final).png"
    assert attachment.file.name.endswith(".png")
    assert "ward" not in attachment.file.name.lower()


@pytest.mark.parametrize(
    "make",
    [
        uploads.text_disguised_as_pdf,
        lambda: uploads.upload("archive.docx", uploads.PLAIN_ZIP_BYTES),
        lambda: uploads.upload("page.html", b"<html><script>alert(1)</script></html>"),
    ],
    ids=["text named .pdf", "zip named .docx", "html"],
)
def test_attachment_wrong_type_refused(make):
    example = ExampleFactory()
    with pytest.raises(AttachmentError):
        services.attachment_add(actor=example.author, example=example, upload=make())
    assert not Attachment.objects.exists()


@override_settings(EXAMPLE_ATTACHMENT_MAX_BYTES=50)
def test_attachment_too_big_refused():
    example = ExampleFactory()
    with pytest.raises(AttachmentError):
        services.attachment_add(actor=example.author, example=example, upload=uploads.pdf())


def test_no_more_than_three_attachments():
    example = ExampleFactory()
    for _ in range(3):
        services.attachment_add(actor=example.author, example=example, upload=uploads.png())
    with pytest.raises(AttachmentError):
        services.attachment_add(actor=example.author, example=example, upload=uploads.png())
    assert example.attachments.count() == 3


def test_draft_create_with_a_bad_attachment_writes_nothing(participant, campaign):
    with pytest.raises(AttachmentError):
        services.example_draft_create(
            author=participant,
            campaign=campaign,
            title="Half written",
            attachments=[uploads.pdf(), uploads.text_disguised_as_pdf()],
        )
    assert not campaign.examples.exists()
    assert not Attachment.objects.exists()
    assert not AuditEntry.objects.exists()


def test_attachment_on_someone_elses_or_submitted_example_refused(participant):
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=participant, example=ExampleFactory(), upload=uploads.pdf())
    submitted = SubmittedExampleFactory()
    with pytest.raises(ExampleStateError):
        services.attachment_add(actor=submitted.author, example=submitted, upload=uploads.pdf())


def test_attachment_delete_removes_row_and_file(django_capture_on_commit_callbacks):
    example = ExampleFactory()
    attachment = services.attachment_add(
        actor=example.author, example=example, upload=uploads.pdf()
    )
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=example.author, attachment=attachment)
    assert not example.attachments.exists()
    assert not storage.exists(name)
    assert audit_actions(example) == ["attachment.add", "attachment.delete"]


def test_attachment_delete_refused_for_others_and_once_submitted(participant):
    example = ExampleFactory()
    attachment = services.attachment_add(
        actor=example.author, example=example, upload=uploads.pdf()
    )
    with pytest.raises(PermissionDenied):
        services.attachment_delete(actor=participant, attachment=attachment)
    example.status = ExampleStatus.SUBMITTED
    example.save()
    attachment.refresh_from_db()
    with pytest.raises(ExampleStateError):
        services.attachment_delete(actor=example.author, attachment=attachment)
    assert example.attachments.count() == 1


def test_example_delete_draft_removes_it_its_attachments_and_their_files(
    django_capture_on_commit_callbacks,
):
    example = ExampleFactory(title="Half an idea")
    attachment = services.attachment_add(
        actor=example.author, example=example, upload=uploads.pdf()
    )
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.example_delete_draft(actor=example.author, example=example)
    assert not type(example).objects.filter(pk=example.pk).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(name)
    entry = AuditEntry.objects.get(action="example.delete_draft")
    assert entry.actor == example.author
    assert entry.target_id == str(example.pk)
    assert entry.data["title"] == "Half an idea"


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != ExampleStatus.DRAFT])
def test_example_delete_draft_refused_unless_a_draft(status):
    example = ExampleFactory(
        status=status, published_at=timezone.now() if status == "published" else None
    )
    with pytest.raises(ExampleStateError):
        services.example_delete_draft(actor=example.author, example=example)
    assert type(example).objects.filter(pk=example.pk).exists()


def test_example_delete_draft_refused_for_someone_else(participant):
    example = ExampleFactory()
    with pytest.raises(PermissionDenied):
        services.example_delete_draft(actor=participant, example=example)
    assert type(example).objects.filter(pk=example.pk).exists()
    assert not AuditEntry.objects.filter(action="example.delete_draft").exists()


# Concurrency (PostgreSQL: SQLite serialises writers anyway) --------------------------------


def _approve_concurrently(example_pk: int, moderator_pk: int) -> list[str]:
    """Two moderators approve the same example at once; returns each thread's outcome.

    Each thread pauses (up to a second) after reading the example's state so that, without
    the row lock, both read "submitted" before either writes.
    """
    import threading

    from django.db import connection

    from exchange.accounts.models import User
    from exchange.examples.models import Example

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    real_check = services._check_awaiting

    def paused_check(example):
        real_check(example)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)

    def run() -> None:
        try:
            services.example_approve(
                actor=User.objects.get(pk=moderator_pk), example=Example(pk=example_pk)
            )
            outcomes.append("approved")
        except ExampleStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    with mock.patch.object(services, "_check_awaiting", paused_check):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return sorted(outcomes)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_control_without_the_row_lock_both_moderators_approve():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    moderator = UserFactory(roles=[Role.MODERATOR])
    example = SubmittedExampleFactory()
    with mock.patch.object(
        services, "_lock", lambda example: type(example).objects.get(pk=example.pk)
    ):
        outcomes = _approve_concurrently(example.pk, moderator.pk)
    assert outcomes == ["approved", "approved"]
    assert AuditEntry.objects.filter(action="example.approve").count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_with_the_row_lock_exactly_one_approval_succeeds():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    moderator = UserFactory(roles=[Role.MODERATOR])
    example = SubmittedExampleFactory()
    assert _approve_concurrently(example.pk, moderator.pk) == ["approved", "refused"]
    assert AuditEntry.objects.filter(action="example.approve").count() == 1
