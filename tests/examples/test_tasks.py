import pytest

from exchange.core.permissions import Role
from exchange.examples.tasks import example_moderators_alert, moderator_emails
from tests.factories import (
    AdminFactory,
    ExampleFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_moderator_emails_covers_groups_and_superusers_only():
    moderator = UserFactory(roles=[Role.MODERATOR])
    administrator = UserFactory(roles=[Role.ADMIN])
    superuser = AdminFactory()
    UserFactory(roles=[Role.MODERATOR], is_active=False)
    UserFactory(roles=[Role.FACILITATOR])
    UserFactory()
    assert moderator_emails() == sorted([moderator.email, administrator.email, superuser.email])


def test_alert_emails_each_moderator_separately(django_capture_on_commit_callbacks, mailoutbox):
    first = UserFactory(roles=[Role.MODERATOR])
    second = UserFactory(roles=[Role.MODERATOR])
    example = SubmittedExampleFactory(title="Face shields printed in a school")
    with django_capture_on_commit_callbacks(execute=True):
        told = example_moderators_alert.call(example_id=example.pk)
    assert told == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([first.email, second.email])
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
    assert "Face shields printed in a school" in message.subject
    assert example.author.public_name in message.body
    assert example.author.email not in message.body
    assert f"/moderation/examples/{example.pk}/" in message.body


def test_alert_for_an_example_published_without_pre_moderation(
    django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(roles=[Role.MODERATOR])
    example = PublishedExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        example_moderators_alert.call(example_id=example.pk)
    assert "published" in mailoutbox[0].subject


def test_alert_does_nothing_for_missing_or_unsubmitted_examples(mailoutbox):
    UserFactory(roles=[Role.MODERATOR])
    assert example_moderators_alert.call(example_id=999_999) == 0
    assert example_moderators_alert.call(example_id=ExampleFactory().pk) == 0
    assert mailoutbox == []


def test_alert_with_no_moderators_sends_nothing(mailoutbox):
    assert example_moderators_alert.call(example_id=SubmittedExampleFactory().pk) == 0
    assert mailoutbox == []


def test_alert_runs_through_the_task_backend(django_capture_on_commit_callbacks, mailoutbox):
    """Enqueued (immediate backend in tests), as the submit service does on commit."""
    UserFactory(roles=[Role.MODERATOR])
    example = SubmittedExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = example_moderators_alert.enqueue(example_id=example.pk)
    assert result.return_value == 1
    assert len(mailoutbox) == 1
