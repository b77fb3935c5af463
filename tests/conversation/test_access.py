"""Comments are reached only through their target: a comment on an example that was withdrawn,
taken down or never published (or on an unpublished report) is 404 for everyone but comment
moderators, on every page, action and API operation (issue 13, "Comments behind closed
targets")."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from exchange.api.services import api_token_create
from exchange.conversation import selectors, services
from exchange.conversation.models import Comment, CommentState, Discussion, Flag, Reaction
from exchange.examples.models import Example, ExampleStatus
from exchange.insights.models import RunStatus, Synthesis
from tests.conversation.factories import CommentFactory, DiscussionFactory, PolicyAcceptanceFactory
from tests.factories import ModeratorFactory, PublishedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

CLOSED_STATES = [ExampleStatus.WITHDRAWN, ExampleStatus.TAKEN_DOWN, ExampleStatus.ARCHIVED]


def _close(example: Example, status: str) -> Example:
    Example.objects.filter(pk=example.pk).update(status=status, is_featured=False)
    example.refresh_from_db()
    return example


@pytest.fixture(params=CLOSED_STATES)
def closed_comment(request) -> Comment:
    """A visible comment on an example that was published, then closed."""
    example = PublishedExampleFactory()
    comment = CommentFactory(discussion=DiscussionFactory(example=example), body="Secret words")
    _close(example, request.param)
    return comment


@pytest.fixture
def reader_client(client):
    reader = UserFactory()
    PolicyAcceptanceFactory(user=reader)
    client.force_login(reader)
    return client


def _url(name: str, comment: Comment) -> str:
    return reverse(f"conversation:{name}", kwargs={"pk": comment.pk})


def test_report_page_of_a_comment_on_a_closed_example_is_404(reader_client, closed_comment):
    """Leak: GET /comments/<id>/report/ showed the author and body behind a withdrawn example."""
    response = reader_client.get(_url("comment_flag", closed_comment))
    assert response.status_code == 404
    assert "Secret words" not in response.content.decode()


def test_reporting_a_comment_on_a_closed_example_is_404(reader_client, closed_comment):
    """Leak: reporting a comment behind a withdrawn example succeeded."""
    response = reader_client.post(_url("comment_flag", closed_comment), {"reason": "spam"})
    assert response.status_code == 404
    assert not Flag.objects.exists()


def test_reacting_to_a_comment_on_a_closed_example_is_404(reader_client, closed_comment):
    """Leak: POST /comments/<id>/react/ behind a withdrawn example succeeded."""
    response = reader_client.post(_url("comment_react", closed_comment), {"kind": "helpful"})
    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_api_reaction_to_a_comment_on_a_closed_example_is_404(client, closed_comment):
    """Leak: POST /api/comments/<id>/reactions behind a withdrawn example succeeded."""
    user = UserFactory()
    _, raw = api_token_create(actor=user, user=user, name="test")
    response = client.post(
        f"/api/comments/{closed_comment.pk}/reactions",
        {"kind": "helpful"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_api_reply_to_a_comment_on_a_closed_example_is_404(client, closed_comment):
    user = UserFactory()
    PolicyAcceptanceFactory(user=user)
    _, raw = api_token_create(actor=user, user=user, name="test")
    example_id = Discussion.objects.get(pk=closed_comment.discussion_id).object_id
    response = client.post(
        f"/api/examples/{example_id}/comments",
        {"body": "Hello", "parent_id": closed_comment.pk},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_replying_to_a_comment_on_a_closed_example_is_404(reader_client, closed_comment, method):
    response = getattr(reader_client, method)(
        _url("comment_reply", closed_comment), {"body": "Me too"}
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("name", ["comment_edit", "comment_delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_its_author_cannot_edit_or_delete_it_behind_a_closed_example(
    client, closed_comment, name, method
):
    client.force_login(closed_comment.author)
    response = getattr(client, method)(_url(name, closed_comment), {"body": "Changed"})
    assert response.status_code == 404
    closed_comment.refresh_from_db()
    assert closed_comment.state == CommentState.VISIBLE
    assert closed_comment.body == "Secret words"


def test_anonymous_visitors_get_404_too(client, closed_comment):
    for name in ("comment_flag", "comment_reply"):
        response = client.get(_url(name, closed_comment))
        # Signing in would not help: the page says "sign in" without naming the comment.
        assert response.status_code == 302
    with pytest.raises(Http404):
        selectors.comment_get_for_viewer(viewer=None, pk=closed_comment.pk)


def test_a_comment_moderator_still_reaches_it(client, closed_comment):
    moderator = ModeratorFactory()
    assert (
        selectors.comment_get_for_viewer(viewer=moderator, pk=closed_comment.pk) == closed_comment
    )
    client.force_login(moderator)
    response = client.post(
        reverse("conversation:moderation_hide", kwargs={"pk": closed_comment.pk})
    )
    assert response.status_code == 302
    closed_comment.refresh_from_db()
    assert closed_comment.state == CommentState.HIDDEN


def test_a_comment_on_an_example_never_published_is_404(reader_client):
    """Written straight to the database: the services never allow it, the selector still
    refuses it."""
    example = PublishedExampleFactory()
    comment = CommentFactory(discussion=DiscussionFactory(example=example))
    _close(example, ExampleStatus.SUBMITTED)
    assert reader_client.get(_url("comment_flag", comment)).status_code == 404


def test_services_refuse_a_closed_target_whatever_the_view_did(closed_comment):
    """The services check the target themselves: a view that forgot would still be safe."""
    reader = UserFactory()
    with pytest.raises(services.ConversationNotFoundError):
        services.reaction_toggle(actor=reader, target=closed_comment, kind="helpful")
    with pytest.raises(services.ConversationNotFoundError):
        services.comment_flag(actor=reader, comment=closed_comment, reason="spam")
    with pytest.raises(services.ConversationNotFoundError):
        services.comment_edit(actor=closed_comment.author, comment=closed_comment, body="x")
    with pytest.raises(services.ConversationNotFoundError):
        services.comment_delete(actor=closed_comment.author, comment=closed_comment)
    assert not Reaction.objects.exists()
    assert not Flag.objects.exists()


def test_comment_visibility_on_an_open_example():
    """Public comments for all; pending and hidden ones for their author and moderators."""
    discussion = DiscussionFactory(example=PublishedExampleFactory())
    author, other, moderator = UserFactory(), UserFactory(), ModeratorFactory()
    visible = CommentFactory(discussion=discussion)
    pending = CommentFactory(discussion=discussion, author=author, state=CommentState.PENDING)
    hidden = CommentFactory(discussion=discussion, author=author, state=CommentState.HIDDEN)
    for viewer in (None, other, author, moderator):
        assert selectors.comment_get_for_viewer(viewer=viewer, pk=visible.pk) == visible
    for comment in (pending, hidden):
        for viewer in (None, other):
            with pytest.raises(Http404):
                selectors.comment_get_for_viewer(viewer=viewer, pk=comment.pk)
        for viewer in (author, moderator):
            assert selectors.comment_get_for_viewer(viewer=viewer, pk=comment.pk) == comment


def test_a_comment_on_an_unpublished_report_is_404(reader_client):
    """Reports attach discussions too: an unpublished one closes its comments."""
    synthesis = Synthesis.objects.create(
        title="Access report",
        slug="access-report",
        sources={"examples": True},
        status=RunStatus.READY,
        is_published=True,
        published_at=timezone.now(),
    )
    discussion = Discussion.objects.create(
        content_type=ContentType.objects.get_for_model(Synthesis), object_id=synthesis.pk
    )
    comment = CommentFactory(discussion=discussion)
    assert reader_client.get(_url("comment_flag", comment)).status_code == 200
    Synthesis.objects.filter(pk=synthesis.pk).update(is_published=False)
    assert reader_client.get(_url("comment_flag", comment)).status_code == 404
    assert (
        reader_client.post(_url("comment_react", comment), {"kind": "helpful"}).status_code == 404
    )


def test_digests_leave_out_discussions_behind_a_closed_target(
    django_capture_on_commit_callbacks, mailoutbox
):
    """A comment approved after its example was taken down is not emailed to followers."""
    example = PublishedExampleFactory(title="Closed example title")
    follower = UserFactory()
    services.subscription_follow(actor=follower, target=example)
    CommentFactory(discussion=DiscussionFactory(example=example), body="Late words")
    _close(example, ExampleStatus.TAKEN_DOWN)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.comment_digest_deliver(user_id=follower.pk) == 0
    assert not mailoutbox


def test_a_comment_whose_target_was_deleted_is_404_not_an_error(reader_client):
    example = PublishedExampleFactory()
    comment = CommentFactory(discussion=DiscussionFactory(example=example))
    Example.objects.filter(pk=example.pk).delete()
    assert reader_client.get(_url("comment_flag", comment)).status_code == 404
