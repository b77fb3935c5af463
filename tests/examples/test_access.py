"""Who reaches an example, and moderators taking a published example down and restoring it
(issue 13, "Moderators cannot take anything down" and part 4)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.examples import selectors, services
from exchange.examples.models import Example, ExampleStatus
from exchange.examples.search import example_search_index_update
from exchange.sustain.models import CheckIn, CheckInState, CheckInStatus
from exchange.sustain.services import checkin_outcome_record
from tests.conversation.factories import CommentFactory, DiscussionFactory
from tests.factories import (
    AdminFactory,
    ExampleFactory,
    ModeratorFactory,
    PublishedExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GALLERY = reverse("examples:gallery")
HOME = reverse("core:home")


def _detail(example: Example) -> str:
    return reverse("examples:detail", kwargs={"pk": example.pk})


def _take_down(example: Example, *, by=None, reason: str = "It names a patient") -> Example:
    return services.example_take_down(
        actor=by or ModeratorFactory(), example=example, reason=reason
    )


# The one rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "anonymous", "participant", "author", "moderator", "admin"),
    [
        (ExampleStatus.PUBLISHED, True, True, True, True, True),
        (ExampleStatus.DRAFT, False, False, True, False, False),
        (ExampleStatus.SUBMITTED, False, False, True, True, True),
        (ExampleStatus.CHANGES_REQUESTED, False, False, True, True, True),
        (ExampleStatus.REJECTED, False, False, True, True, True),
        (ExampleStatus.WITHDRAWN, False, False, True, True, True),
        (ExampleStatus.ARCHIVED, False, False, True, True, True),
        (ExampleStatus.TAKEN_DOWN, False, False, True, True, True),
    ],
)
def test_example_get_for_viewer(status, anonymous, participant, author, moderator, admin):
    example = ExampleFactory(
        status=status,
        published_at=timezone.now() if status == ExampleStatus.PUBLISHED else None,
    )
    viewers = {
        None: anonymous,
        UserFactory(): participant,
        example.author: author,
        ModeratorFactory(): moderator,
        AdminFactory(): admin,
    }
    for viewer, allowed in viewers.items():
        if allowed:
            assert selectors.example_get_for_viewer(viewer=viewer, pk=example.pk) == example
        else:
            with pytest.raises(Http404):
                selectors.example_get_for_viewer(viewer=viewer, pk=example.pk)


def test_example_get_for_viewer_of_a_missing_example_is_404():
    with pytest.raises(Http404):
        selectors.example_get_for_viewer(viewer=AdminFactory(), pk=999_999)


# Taking down --------------------------------------------------------------------------------


def test_a_participant_cannot_take_down_or_restore():
    """Leak: once published, only the author could withdraw an example; nobody could take it
    down. Now moderators can, and nobody else."""
    example = PublishedExampleFactory()
    for actor in (example.author, UserFactory(), None):
        with pytest.raises(PermissionDenied):
            services.example_take_down(actor=actor, example=example, reason="No")
    _take_down(example)
    with pytest.raises(PermissionDenied):
        services.example_restore(actor=example.author, example=example)


def test_take_down_needs_a_reason_and_a_published_example():
    moderator = ModeratorFactory()
    with pytest.raises(services.ExampleStateError):
        services.example_take_down(actor=moderator, example=PublishedExampleFactory(), reason=" ")
    with pytest.raises(services.ExampleStateError):
        services.example_take_down(
            actor=moderator, example=ExampleFactory(status=ExampleStatus.SUBMITTED), reason="x"
        )
    with pytest.raises(services.ExampleStateError):
        services.example_restore(actor=moderator, example=PublishedExampleFactory())


def test_take_down_unfeatures_audits_and_emails_the_author(django_capture_on_commit_callbacks):
    example = PublishedExampleFactory(is_featured=True, featured_at=timezone.now())
    moderator = ModeratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _take_down(example, by=moderator, reason="It names a patient")
    example.refresh_from_db()
    assert example.status == ExampleStatus.TAKEN_DOWN
    assert not example.is_featured
    assert example.featured_at is None
    assert example.moderator_message == "It names a patient"
    entry = AuditEntry.objects.get(action="example.take_down")
    assert entry.actor == moderator
    assert entry.data["reason"] == "It names a patient"
    assert entry.data["was_featured"] is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [example.author.email]
    assert "taken down" in mail.outbox[0].subject
    assert "It names a patient" in mail.outbox[0].body


def test_restore_publishes_again_audited_and_tells_the_author(django_capture_on_commit_callbacks):
    example = PublishedExampleFactory(is_featured=True, featured_at=timezone.now())
    first_published = example.published_at
    moderator = ModeratorFactory()
    _take_down(example, by=moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.example_restore(actor=moderator, example=example)
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    assert example.published_at == first_published
    assert example.moderator_message == ""
    assert not example.is_featured  # featuring again is a decision of its own
    assert AuditEntry.objects.filter(action="example.restore", actor=moderator).exists()
    assert len(mail.outbox) == 1
    assert "published again" in mail.outbox[0].subject


def test_a_taken_down_example_is_gone_from_every_public_place_at_once(
    client, django_capture_on_commit_callbacks
):
    """Gallery, search, campaign page, home page highlights, the example page (cached for
    anonymous readers and as a shared shell for signed-in ones) and the API."""
    example = PublishedExampleFactory(
        title="Hospital parking freed for staff", is_featured=True, featured_at=timezone.now()
    )
    example_search_index_update(example_ids=[example.pk])  # what publishing does (PostgreSQL)
    reader = UserFactory()
    pages = [
        GALLERY,
        GALLERY + "?q=parking",
        HOME,
        example.campaign.get_absolute_url(),
    ]
    for url in pages:
        assert "Hospital parking" in client.get(url).content.decode()  # now cached
    assert client.get(_detail(example)).status_code == 200
    assert client.get(f"/api/examples/{example.pk}").status_code == 200
    assert example.pk in [e["id"] for e in client.get("/api/examples").json()["items"]]
    client.force_login(reader)
    assert client.get(_detail(example)).status_code == 200  # shell kept for plain readers
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        _take_down(example)

    for url in pages:
        assert "Hospital parking" not in client.get(url).content.decode(), url
    assert client.get(_detail(example)).status_code == 404
    assert client.get(f"/api/examples/{example.pk}").status_code == 404
    assert example.pk not in [e["id"] for e in client.get("/api/examples").json()["items"]]
    for part in ("comments", "check-ins", "adoptions", "measures"):
        assert client.get(f"/api/examples/{example.pk}/{part}").status_code == 404, part
    client.force_login(reader)
    assert client.get(_detail(example)).status_code == 404
    assert client.get(reverse("sustain:adopters", kwargs={"pk": example.pk})).status_code == 404


def test_restoring_brings_it_back(client, django_capture_on_commit_callbacks):
    example = PublishedExampleFactory(title="Hospital parking freed for staff")
    moderator = ModeratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _take_down(example, by=moderator)
    assert "Hospital parking" not in client.get(GALLERY).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.example_restore(actor=moderator, example=example)
    assert "Hospital parking" in client.get(GALLERY).content.decode()
    assert client.get(_detail(example)).status_code == 200
    assert client.get(f"/api/examples/{example.pk}").status_code == 200


def test_its_author_sees_it_with_the_reason(client):
    example = PublishedExampleFactory()
    _take_down(example, reason="It names a patient")
    client.force_login(example.author)
    response = client.get(_detail(example))
    assert response.status_code == 200
    content = response.content.decode()
    assert "taken down by a moderator" in content
    assert "It names a patient" in content
    mine = client.get(reverse("examples:mine")).content.decode()
    assert "Taken down by a moderator" in mine
    assert "It names a patient" in mine


def test_its_discussion_closes(client):
    example = PublishedExampleFactory()
    comment = CommentFactory(discussion=DiscussionFactory(example=example))
    _take_down(example)
    client.force_login(UserFactory())
    assert (
        client.get(reverse("conversation:comment_flag", kwargs={"pk": comment.pk})).status_code
        == 404
    )
    for name in ("comment_create", "example_react", "example_follow"):
        url = reverse(f"conversation:{name}", kwargs={"pk": example.pk})
        assert client.post(url, {"body": "Hi", "kind": "helpful"}).status_code == 404, name


# The moderators' pages ----------------------------------------------------------------------


def test_moderator_takes_down_from_the_review_page(client):
    example = PublishedExampleFactory(title="Pop-up vaccination")
    client.force_login(ModeratorFactory())
    review = reverse("examples:moderation_review", kwargs={"pk": example.pk})
    assert "Take down" in client.get(review).content.decode()
    url = reverse("examples:moderation_take_down", kwargs={"pk": example.pk})
    response = client.post(url, {"reason": "Copied from a newspaper"}, follow=True)
    assert response.redirect_chain[-1][0] == review
    assert "has been taken down" in response.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.TAKEN_DOWN
    queue = client.get(reverse("examples:moderation_queue") + "?status=taken_down")
    assert "Pop-up vaccination" in queue.content.decode()
    assert reverse("examples:moderation_restore", kwargs={"pk": example.pk}) in (
        queue.content.decode()
    )


def test_take_down_without_a_reason_shows_an_error_summary(client):
    example = PublishedExampleFactory()
    client.force_login(ModeratorFactory())
    url = reverse("examples:moderation_take_down", kwargs={"pk": example.pk})
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter the reason for taking the example down" in content
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED


def test_take_down_form_keeps_what_was_typed(client):
    example = PublishedExampleFactory()
    client.force_login(ModeratorFactory())
    url = reverse("examples:moderation_take_down", kwargs={"pk": example.pk})
    response = client.post(url, {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "x" * 2001 in response.content.decode()


def test_moderator_restores_from_the_queue(client):
    example = PublishedExampleFactory()
    _take_down(example)
    client.force_login(ModeratorFactory())
    client.post(reverse("examples:moderation_restore", kwargs={"pk": example.pk}))
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED


@pytest.mark.parametrize("name", ["moderation_take_down", "moderation_restore"])
def test_participants_and_authors_cannot_post_take_down_or_restore(client, name):
    example = PublishedExampleFactory()
    for user in (UserFactory(), example.author):
        client.force_login(user)
        url = reverse(f"examples:{name}", kwargs={"pk": example.pk})
        assert client.post(url, {"reason": "Mine"}).status_code == 403
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED


# A change that did not last -----------------------------------------------------------------


@pytest.mark.parametrize("status", [CheckInStatus.REVERTED, CheckInStatus.STOPPED])
def test_a_reverted_check_in_unfeatures_the_example(status):
    example = PublishedExampleFactory(is_featured=True, featured_at=timezone.now())
    check_in = CheckIn.objects.create(
        example=example, months=6, due_at=timezone.now(), state=CheckInState.ANSWERED
    )
    checkin_outcome_record(check_in, status=status, at_risk=False, at=timezone.now())
    example.refresh_from_db()
    assert not example.is_featured
    assert example.status == ExampleStatus.PUBLISHED
    assert AuditEntry.objects.filter(action="example.unfeature", data__reason=status).exists()


def test_a_retained_check_in_keeps_it_featured():
    example = PublishedExampleFactory(is_featured=True, featured_at=timezone.now())
    check_in = CheckIn.objects.create(
        example=example, months=6, due_at=timezone.now(), state=CheckInState.ANSWERED
    )
    checkin_outcome_record(
        check_in, status=CheckInStatus.RETAINED, at_risk=False, at=timezone.now()
    )
    example.refresh_from_db()
    assert example.is_featured
