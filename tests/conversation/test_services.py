from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from exchange.conversation import services
from exchange.conversation.models import (
    CampaignCommentSettings,
    Comment,
    CommentingBan,
    CommentState,
    Flag,
    Reaction,
    Subscription,
)
from exchange.conversation.services import ConversationError, ConversationPermissionError
from exchange.core.models import AuditEntry
from exchange.examples.models import Example
from tests.conversation.factories import CommentFactory, DiscussionFactory, PolicyAcceptanceFactory
from tests.factories import ExampleFactory, ModeratorFactory, PublishedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


def trusted(example=None):
    """A commenter who accepted the policy and has a published comment already."""
    user = UserFactory()
    PolicyAcceptanceFactory(user=user)
    CommentFactory(
        author=user, discussion=DiscussionFactory(example=example or PublishedExampleFactory())
    )
    return user


def post(user, example, body="Useful idea", **kwargs):
    return services.comment_post(actor=user, target=example, body=body, **kwargs)


def test_first_comment_needs_the_policy_and_is_held(published_example):
    user = UserFactory()
    with pytest.raises(ConversationError) as error:
        post(user, published_example)
    assert error.value.field == "policy_accepted"
    assert not Comment.objects.exists()

    comment = post(user, published_example, policy_accepted=True)

    assert comment.state == CommentState.PENDING
    assert services.has_accepted_policy(user)
    assert AuditEntry.objects.filter(action="comment.post").count() == 1


def test_later_comments_are_published_at_once(published_example):
    user = trusted()
    comment = post(user, published_example, body="**Bold** idea")
    assert comment.state == CommentState.VISIBLE
    assert comment.body_html == "<p><strong>Bold</strong> idea</p>"
    assert comment.published_at is not None


def test_campaign_pre_moderation_holds_every_comment(published_example):
    CampaignCommentSettings.objects.create(
        campaign=published_example.campaign, pre_moderate_comments=True
    )
    assert post(trusted(), published_example).state == CommentState.PENDING


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter your comment"), ("   \n ", "Enter your comment"), ("x" * 5001, "5,000")],
)
def test_bad_bodies_are_refused(published_example, body, message):
    with pytest.raises(ConversationError) as error:
        post(trusted(), published_example, body=body)
    assert message in str(error.value.message)
    assert error.value.field == "body"
    assert not Comment.objects.filter(discussion__object_id=published_example.pk).exists()


def test_exactly_5000_characters_is_fine(published_example):
    assert post(trusted(), published_example, body="x" * 5000).pk


def test_anonymous_and_banned_people_cannot_comment(published_example):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ConversationPermissionError):
        post(AnonymousUser(), published_example)
    user = trusted()
    CommentingBan.objects.create(user=user, reason="abuse")
    with pytest.raises(ConversationPermissionError):
        post(user, published_example)


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn"])
def test_no_comments_on_unpublished_examples(status):
    example = ExampleFactory(status=status)
    with pytest.raises(ConversationError, match="published examples"):
        post(trusted(), example)


def test_replies_are_one_level(published_example):
    user = trusted()
    top = post(user, published_example)
    reply = post(user, published_example, parent=top)
    reply_to_reply = post(user, published_example, parent=reply)
    assert reply.parent == top
    assert reply_to_reply.parent == top


@pytest.mark.parametrize("state", [CommentState.REMOVED, CommentState.HIDDEN, CommentState.PENDING])
def test_no_reply_to_removed_or_hidden(published_example, state):
    top = CommentFactory(discussion=DiscussionFactory(example=published_example), state=state)
    user = trusted()
    before = Comment.objects.count()
    with pytest.raises(ConversationError, match="removed or hidden"):
        post(user, published_example, parent=top)
    assert Comment.objects.count() == before


def test_reply_must_be_in_the_same_discussion(published_example):
    other = CommentFactory()
    with pytest.raises(ConversationError, match="same discussion"):
        post(trusted(), published_example, parent=other)


@override_settings(CONVERSATION_COMMENTS_PER_MINUTE=2)
def test_rate_limit(published_example):
    user = trusted()
    post(user, published_example)
    post(user, published_example)
    with pytest.raises(ConversationError, match="Wait a minute") as error:
        post(user, published_example)
    assert error.value.field == "body"
    assert (
        Comment.objects.filter(author=user, discussion__object_id=published_example.pk).count() == 2
    )


def test_edit_within_window_then_refused(published_example):
    user = trusted()
    comment = post(user, published_example)
    edited = services.comment_edit(actor=user, comment=comment, body="Changed *text*")
    assert edited.edited_at is not None
    assert edited.body_html == "<p>Changed <em>text</em></p>"
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=16)),
        pytest.raises(ConversationError, match="15 minutes"),
    ):
        services.comment_edit(actor=user, comment=comment, body="Too late")
    comment.refresh_from_db()
    assert comment.body == "Changed *text*"


def test_only_the_author_edits_or_deletes(published_example):
    comment = post(trusted(), published_example)
    other = trusted()
    with pytest.raises(ConversationPermissionError):
        services.comment_edit(actor=other, comment=comment, body="mine now")
    with pytest.raises(ConversationPermissionError):
        services.comment_delete(actor=other, comment=comment)


def test_delete_keeps_replies(published_example):
    user = trusted()
    top = post(user, published_example)
    reply = post(trusted(), published_example, parent=top)
    services.comment_delete(actor=user, comment=top)
    top.refresh_from_db()
    assert top.state == CommentState.REMOVED
    assert top.body == ""
    assert top.body_html == ""
    assert Comment.objects.get(pk=reply.pk).state == CommentState.VISIBLE


def test_reaction_toggle(published_example):
    user = UserFactory()
    assert services.reaction_toggle(actor=user, target=published_example, kind="we_did_this")
    assert services.reaction_toggle(actor=user, target=published_example, kind="helpful")
    assert Reaction.objects.count() == 2
    assert not services.reaction_toggle(actor=user, target=published_example, kind="we_did_this")
    assert Reaction.objects.count() == 1
    with pytest.raises(ConversationError):
        services.reaction_toggle(actor=user, target=published_example, kind="love")
    with pytest.raises(ConversationError):
        services.reaction_toggle(actor=user, target=ExampleFactory(), kind="helpful")
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    assert services.reaction_toggle(actor=user, target=comment, kind="helpful")


def test_flag_threshold_hides_and_tells_the_author(
    published_example, django_capture_on_commit_callbacks, mailoutbox
):
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    flaggers = [UserFactory() for _ in range(3)]
    services.comment_flag(actor=flaggers[0], comment=comment, reason="spam")
    with pytest.raises(ConversationError, match="already reported"):
        services.comment_flag(actor=flaggers[0], comment=comment, reason="abuse")
    services.comment_flag(actor=flaggers[1], comment=comment, reason="abuse")
    comment.refresh_from_db()
    assert comment.state == CommentState.VISIBLE
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_flag(actor=flaggers[2], comment=comment, reason="off_topic")
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert [m.to for m in mailoutbox] == [[comment.author.email]]
    assert "hidden" in mailoutbox[0].subject
    assert AuditEntry.objects.filter(action="comment.auto_hide").exists()


def test_flag_own_or_unknown_reason_refused(published_example):
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    with pytest.raises(ConversationError, match="own"):
        services.comment_flag(actor=comment.author, comment=comment, reason="spam")
    with pytest.raises(ConversationError):
        services.comment_flag(actor=UserFactory(), comment=comment, reason="dislike")
    assert not Flag.objects.exists()


def test_moderation_actions_are_audited(published_example):
    moderator = ModeratorFactory()
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    with pytest.raises(ConversationPermissionError):
        services.comment_hide(actor=UserFactory(), comment=comment)
    services.comment_hide(actor=moderator, comment=comment, reason="abuse")
    Flag.objects.create(comment=comment, user=UserFactory(), reason="spam")
    services.comment_restore(actor=moderator, comment=comment)
    comment.refresh_from_db()
    assert comment.state == CommentState.VISIBLE
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    pending = CommentFactory(
        discussion=comment.discussion, state=CommentState.PENDING, published_at=None
    )
    services.comment_approve(actor=moderator, comment=pending)
    pending.refresh_from_db()
    assert pending.state == CommentState.VISIBLE
    assert pending.published_at
    services.user_stop_commenting(actor=moderator, user=comment.author, reason="repeated abuse")
    with pytest.raises(ConversationError, match="already"):
        services.user_stop_commenting(actor=moderator, user=comment.author, reason="again")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"comment.hide", "comment.restore", "comment.approve", "comment.user_stop"} <= actions


def test_comments_retire_the_cached_pages_of_their_example_only(
    published_example, django_capture_on_commit_callbacks
):
    from exchange.core.caching import page_scope, page_scope_token, published_examples_generation

    other = PublishedExampleFactory()
    scope, other_scope = page_scope(Example, published_example.pk), page_scope(Example, other.pk)
    generation, before, other_before = (
        published_examples_generation(),
        page_scope_token(scope),
        page_scope_token(other_scope),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(trusted(), published_example)
    after_comment = page_scope_token(scope)
    assert after_comment != before
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_toggle(actor=UserFactory(), target=published_example, kind="helpful")
    assert page_scope_token(scope) != after_comment
    assert page_scope_token(other_scope) == other_before
    assert published_examples_generation() == generation


def test_authors_are_subscribed_and_get_one_digest_an_hour(
    published_example, django_capture_on_commit_callbacks, mailoutbox
):
    author_email = published_example.author.email
    commenter = trusted()
    with django_capture_on_commit_callbacks(execute=True):
        post(commenter, published_example, body="First")
    assert Subscription.objects.filter(user=published_example.author).exists()
    assert [m.to for m in mailoutbox] == [[author_email]]
    assert "First" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        post(commenter, published_example, body="Second")
    assert len(mailoutbox) == 1  # within the hour: waits
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=61)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = services.comment_digest_deliver(user_id=published_example.author_id)
    assert sent == 1
    assert len(mailoutbox) == 2
    assert "Second" in mailoutbox[1].body
    assert "First" not in mailoutbox[1].body


def test_unsubscribe_by_signed_link(published_example):
    user = UserFactory()
    subscription = services.subscription_follow(actor=user, target=published_example)
    token = services.unsubscribe_token(subscription=subscription)
    assert services.subscription_unsubscribe_by_token(token=token + "x") is None
    assert services.subscription_unsubscribe_by_token(token=token) == [subscription.discussion]
    assert not Subscription.objects.filter(user=user).exists()
    # Using it again is harmless.
    assert services.subscription_unsubscribe_by_token(token=token) == [subscription.discussion]
