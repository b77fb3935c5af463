"""Writes for conversations: comments, reactions, flags, moderation and subscriptions.

Each function runs in one transaction and writes an audit entry. Domain errors are raised as
`ConversationError` with a message for the person (and, where it belongs to one, the form
field); nothing is written when one is raised. Whatever changes what the public sees of a
discussion calls `_discussion_changed()`, which retires the cached pages of that one target
and the cached fragments of its comment pages (exchange/conversation/rendering.py).

Comment states:

    posted ──(first comment, or pre-moderated campaign)──▶ pending ──approve──▶ visible
    posted ──(trusted)──▶ visible ──N flags / hide──▶ hidden ──restore──▶ visible
    visible | pending ──author deletes──▶ removed (replies stay)
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from exchange.conversation.markdown import markdown_render
from exchange.conversation.models import (
    COMMENT_MAX_LENGTH,
    CampaignCommentSettings,
    Comment,
    CommentingBan,
    CommentPolicyAcceptance,
    CommentState,
    DigestState,
    Discussion,
    Flag,
    FlagReason,
    Reaction,
    ReactionKind,
    Subscription,
)
from exchange.conversation.selectors import (
    UNSUBSCRIBE_SALT,
    discussion_is_open,
    discussion_target,
    target_is_open,
    unsubscribe_token_read,
)
from exchange.core.caching import page_scope, page_scope_changed
from exchange.core.permissions import Perm
from exchange.core.services import audit_log, email_send, per_minute_count
from exchange.examples.models import Example

EDIT_WINDOW = dt.timedelta(minutes=15)
DIGEST_INTERVAL = dt.timedelta(hours=1)
# States in which a comment can be answered, reacted to or flagged.
OPEN_STATES = {CommentState.VISIBLE}


class ConversationError(Exception):
    """Something the rules do not allow; `field` names the form field the message belongs to."""

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class ConversationPermissionError(ConversationError):
    pass


class ConversationRateLimitError(ConversationError):
    pass


class ConversationNotFoundError(ConversationError):
    """The comment's target is closed (withdrawn, taken down, unpublished): as if it were not
    there."""


# Targets ----------------------------------------------------------------------------------


def _pre_moderated(target: models.Model) -> bool:
    if isinstance(target, Example):
        return CampaignCommentSettings.objects.filter(
            campaign_id=target.campaign_id, pre_moderate_comments=True
        ).exists()
    return False


def _scope_of(discussion: Discussion) -> str:
    model = discussion.content_type.model_class()
    assert model is not None
    return page_scope(model, discussion.object_id)


def _discussion_changed(discussion: Discussion) -> None:
    """What the public sees of this discussion changed: retire its target's cached pages."""
    page_scope_changed(_scope_of(discussion))


def discussion_get_or_create(*, target: models.Model) -> Discussion:
    content_type = ContentType.objects.get_for_model(target)
    discussion, _created = Discussion.objects.get_or_create(
        content_type=content_type, object_id=target.pk
    )
    return discussion


# Checks ------------------------------------------------------------------------------------


def _check_signed_in(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise ConversationPermissionError(_("Sign in to take part in the conversation"))


def _check_may_comment(actor: Any) -> None:
    _check_signed_in(actor)
    if CommentingBan.objects.filter(user=actor).exists():
        raise ConversationPermissionError(
            _("A moderator has stopped you from commenting. Email the moderators to ask why.")
        )


def _check_body(body: str) -> str:
    body = body.replace("\x00", "").strip()
    if not body:
        raise ConversationError(_("Enter your comment"), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ConversationError(
            _("Your comment must be %(limit)s characters or fewer (it has %(length)s)")
            % {"limit": f"{COMMENT_MAX_LENGTH:,}", "length": f"{len(body):,}"},
            field="body",
        )
    return body


def has_accepted_policy(user: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and CommentPolicyAcceptance.objects.filter(user=user).exists()
    )


def _rate_limit_hit(actor: Any) -> None:
    """Count one comment against the author's per-minute allowance; refuse beyond it."""
    limit = settings.CONVERSATION_COMMENTS_PER_MINUTE
    if per_minute_count(key=f"conversation:{actor.pk}") > limit:
        raise ConversationRateLimitError(
            _(
                "You have posted %(limit)s comments in the last minute. Wait a minute, then post "
                "this one again: your text is kept below."
            )
            % {"limit": limit},
            field="body",
        )


def _lock(comment: Comment) -> Comment:
    return (
        Comment.objects.select_for_update()
        .select_related("discussion", "author")
        .get(pk=comment.pk)
    )


def _check_target_open(discussion: Discussion) -> None:
    """Nobody takes part in the discussion of a closed target, whatever page they kept open."""
    if not discussion_is_open(discussion):
        raise ConversationNotFoundError(_("This discussion is closed"))


def _check_moderator(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(Perm.MODERATE_COMMENTS):
        raise ConversationPermissionError(_("Only moderators can do that"))


# Comments ----------------------------------------------------------------------------------


@transaction.atomic
def comment_post(
    *,
    actor: Any,
    target: models.Model,
    body: str,
    parent: Comment | None = None,
    policy_accepted: bool = False,
) -> Comment:
    """Post a comment (or a reply) on `target`.

    A first-time commenter must accept the comments policy; their first comment waits for a
    moderator, later ones appear at once unless the campaign pre-moderates every comment.
    """
    _check_may_comment(actor)
    if not target_is_open(target):
        raise ConversationError(_("You can only comment on published examples"))
    body = _check_body(body)
    accepted = has_accepted_policy(actor)
    if not accepted and not policy_accepted:
        raise ConversationError(
            _("Confirm that you have read the comments policy"), field="policy_accepted"
        )
    discussion = discussion_get_or_create(target=target)
    if parent is not None:
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        if parent.discussion_id != discussion.pk:
            raise ConversationError(_("You can only reply to a comment in the same discussion"))
        if parent.state not in OPEN_STATES:
            raise ConversationError(
                _("You cannot reply to this comment: it has been removed or hidden")
            )
        # One level of replies: answering a reply answers the comment it belongs to.
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
            if parent.state not in OPEN_STATES:
                raise ConversationError(
                    _("You cannot reply to this comment: it has been removed or hidden")
                )
    _rate_limit_hit(actor)
    if not accepted:
        CommentPolicyAcceptance.objects.get_or_create(user=actor)
        audit_log(actor=actor, action="comment.policy_accept", target=actor)
    has_history = Comment.objects.filter(
        author=actor, state=CommentState.VISIBLE, published_at__isnull=False
    ).exists()
    held = not has_history or _pre_moderated(target)
    now = timezone.now()
    comment = Comment.objects.create(
        discussion=discussion,
        author=actor,
        parent=parent,
        body=body,
        body_html=markdown_render(body),
        state=CommentState.PENDING if held else CommentState.VISIBLE,
        published_at=None if held else now,
    )
    audit_log(actor=actor, action="comment.post", target=comment, state=comment.state)
    Subscription.objects.get_or_create(
        user=actor, discussion=discussion, defaults={"notified_until": now}
    )
    if comment.state == CommentState.VISIBLE:
        _published(comment, target=target)
    return comment


def _published(comment: Comment, *, target: models.Model) -> None:
    """A comment became public: retire cached pages and queue digests for subscribers."""
    discussion = comment.discussion
    _discussion_changed(discussion)
    if isinstance(target, Example):
        # Example authors always hear about comments on their examples.
        Subscription.objects.get_or_create(
            user_id=target.author_id,
            discussion=discussion,
            # Just before this comment, so that the first digest includes it.
            defaults={
                "notified_until": (comment.published_at or timezone.now())
                - dt.timedelta(microseconds=1)
            },
        )
    subscribers = list(
        Subscription.objects.filter(discussion=discussion)
        .exclude(user_id=comment.author_id)
        .values_list("user_id", flat=True)
    )
    from exchange.conversation.tasks import comment_digest_send

    for user_id in subscribers:
        transaction.on_commit(partial(comment_digest_send.enqueue, user_id=user_id))


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, body: str) -> Comment:
    """The author changes their comment within 15 minutes of posting it."""
    _check_may_comment(actor)
    comment = _lock(comment)
    if comment.author_id != actor.pk:
        raise ConversationPermissionError(_("You can only edit your own comments"))
    _check_target_open(comment.discussion)
    if comment.state not in {CommentState.VISIBLE, CommentState.PENDING}:
        raise ConversationError(_("This comment can no longer be edited"))
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        raise ConversationError(
            _("You can only edit a comment in the first %(minutes)s minutes after posting it")
            % {"minutes": int(EDIT_WINDOW.total_seconds() // 60)},
            field="body",
        )
    body = _check_body(body)
    comment.body = body
    comment.body_html = markdown_render(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    audit_log(actor=actor, action="comment.edit", target=comment)
    if comment.state == CommentState.VISIBLE:
        _discussion_changed(comment.discussion)
    return comment


@transaction.atomic
def comment_delete(*, actor: Any, comment: Comment) -> Comment:
    """The author removes their comment: its text goes, "comment removed" and replies stay."""
    _check_signed_in(actor)
    comment = _lock(comment)
    if comment.author_id != actor.pk:
        raise ConversationPermissionError(_("You can only delete your own comments"))
    _check_target_open(comment.discussion)
    if comment.state == CommentState.REMOVED:
        return comment
    previous = comment.state
    comment.state = CommentState.REMOVED
    comment.body = ""
    comment.body_html = ""
    comment.save(update_fields=["state", "body", "body_html"])
    audit_log(actor=actor, action="comment.delete", target=comment, previous_state=previous)
    _discussion_changed(comment.discussion)
    return comment


# Reactions ---------------------------------------------------------------------------------


@transaction.atomic
def reaction_toggle(*, actor: Any, target: models.Model, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns whether it is on now."""
    _check_signed_in(actor)
    if kind not in ReactionKind.values:
        raise ConversationError(_("Choose a reaction"))
    if isinstance(target, Comment):
        if target.state not in OPEN_STATES:
            raise ConversationError(_("You cannot react to this comment"))
        _check_target_open(target.discussion)
        scope = _scope_of(target.discussion)
    else:
        if not target_is_open(target):
            raise ConversationError(_("You can only react to published examples"))
        scope = page_scope(type(target), target.pk)
    content_type = ContentType.objects.get_for_model(target)
    existing = Reaction.objects.filter(
        user=actor, content_type=content_type, object_id=target.pk, kind=kind
    )
    if existing.delete()[0]:
        on = False
    else:
        try:
            with transaction.atomic():
                Reaction.objects.create(
                    user=actor, content_type=content_type, object_id=target.pk, kind=kind
                )
        except IntegrityError:  # a second click that raced the first
            pass
        on = True
    audit_log(
        actor=actor, action="reaction.add" if on else "reaction.remove", target=target, kind=kind
    )
    page_scope_changed(scope)
    return on


# Flags and moderation ----------------------------------------------------------------------


def _hidden_email(comment: Comment, *, reason: str) -> None:
    target = discussion_target(comment.discussion)
    email_send(
        to=[comment.author.email],
        template="emails/comment_hidden",
        context={
            "author_name": comment.author.public_name,
            "target_title": str(target),
            "target_url": settings.SITE_URL + target.get_absolute_url(),  # type: ignore[attr-defined]
            "reason": reason,
            "policy_url": settings.SITE_URL + reverse("core:comments_policy"),
        },
    )


@transaction.atomic
def comment_flag(*, actor: Any, comment: Comment, reason: str, note: str = "") -> Flag:
    """Report a comment. Enough distinct reports hide it until a moderator looks at it."""
    _check_signed_in(actor)
    comment = _lock(comment)
    if comment.state != CommentState.VISIBLE:
        raise ConversationError(_("This comment is not shown any more, so it cannot be reported"))
    _check_target_open(comment.discussion)
    if comment.author_id == actor.pk:
        raise ConversationError(_("You cannot report your own comment"))
    if reason not in FlagReason.values:
        raise ConversationError(_("Select why you are reporting this comment"), field="reason")
    if Flag.objects.filter(comment=comment, user=actor).exists():
        raise ConversationError(_("You have already reported this comment"))
    flag = Flag.objects.create(comment=comment, user=actor, reason=reason, note=note.strip()[:1000])
    audit_log(actor=actor, action="comment.flag", target=comment, reason=reason)
    open_flags = Flag.objects.filter(comment=comment, resolved_at__isnull=True).count()
    if open_flags >= settings.CONVERSATION_FLAG_THRESHOLD:
        comment.state = CommentState.HIDDEN
        comment.save(update_fields=["state"])
        audit_log(actor=None, action="comment.auto_hide", target=comment, flags=open_flags)
        _hidden_email(comment, reason=str(_("Several people reported it")))
        _discussion_changed(comment.discussion)
    return flag


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, reason: str = "") -> Comment:
    _check_moderator(actor)
    comment = _lock(comment)
    open_flags = comment.flags.filter(resolved_at__isnull=True)
    if comment.state == CommentState.HIDDEN and open_flags.exists():
        # Hidden by reports alone: the moderator keeps it hidden, which settles the reports.
        open_flags.update(resolved_at=timezone.now())
        audit_log(actor=actor, action="comment.hide", target=comment, reason=reason)
        return comment
    if comment.state not in {CommentState.VISIBLE, CommentState.PENDING}:
        raise ConversationError(_("Only a published or waiting comment can be hidden"))
    comment.state = CommentState.HIDDEN
    comment.save(update_fields=["state"])
    # A moderator has looked: any reports on it are settled.
    open_flags.update(resolved_at=timezone.now())
    audit_log(actor=actor, action="comment.hide", target=comment, reason=reason)
    _hidden_email(comment, reason=reason or str(_("It breaks the comments policy")))
    _discussion_changed(comment.discussion)
    return comment


def _make_visible(comment: Comment) -> None:
    comment.state = CommentState.VISIBLE
    comment.published_at = comment.published_at or timezone.now()
    comment.save(update_fields=["state", "published_at"])
    comment.flags.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def comment_restore(*, actor: Any, comment: Comment) -> Comment:
    """Show a hidden comment again; the reports that hid it are marked resolved."""
    _check_moderator(actor)
    comment = _lock(comment)
    if comment.state != CommentState.HIDDEN:
        raise ConversationError(_("Only a hidden comment can be restored"))
    _make_visible(comment)
    audit_log(actor=actor, action="comment.restore", target=comment)
    _published(comment, target=discussion_target(comment.discussion))
    return comment


@transaction.atomic
def comment_approve(*, actor: Any, comment: Comment) -> Comment:
    _check_moderator(actor)
    comment = _lock(comment)
    if comment.state != CommentState.PENDING:
        raise ConversationError(_("Only a comment awaiting moderation can be approved"))
    _make_visible(comment)
    audit_log(actor=actor, action="comment.approve", target=comment)
    _published(comment, target=discussion_target(comment.discussion))
    return comment


@transaction.atomic
def user_stop_commenting(*, actor: Any, user: Any, reason: str) -> CommentingBan:
    """Stop someone from commenting; their comments waiting for moderation are hidden."""
    _check_moderator(actor)
    if user.pk == actor.pk:
        raise ConversationError(_("You cannot stop yourself from commenting"))
    reason = reason.strip()
    if not reason:
        raise ConversationError(_("Enter the reason"), field="reason")
    ban, created = CommentingBan.objects.get_or_create(
        user=user, defaults={"reason": reason[:1000], "created_by": actor}
    )
    if not created:
        raise ConversationError(_("This person is already stopped from commenting"))
    Comment.objects.filter(author=user, state=CommentState.PENDING).update(
        state=CommentState.HIDDEN
    )
    audit_log(actor=actor, action="comment.user_stop", target=user, reason=reason[:1000])
    return ban


@transaction.atomic
def campaign_comment_settings_set(
    *, actor: Any, campaign: Any, pre_moderate_comments: bool
) -> CampaignCommentSettings:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(Perm.MANAGE_CAMPAIGNS):
        raise ConversationPermissionError(_("Only administrators can change campaign settings"))
    campaign_settings, _created = CampaignCommentSettings.objects.update_or_create(
        campaign=campaign, defaults={"pre_moderate_comments": pre_moderate_comments}
    )
    audit_log(
        actor=actor,
        action="campaign.comment_settings",
        target=campaign,
        pre_moderate_comments=pre_moderate_comments,
    )
    return campaign_settings


# Subscriptions -----------------------------------------------------------------------------


@transaction.atomic
def subscription_follow(*, actor: Any, target: models.Model) -> Subscription:
    _check_signed_in(actor)
    if not target_is_open(target):
        raise ConversationError(_("You can only follow published examples"))
    discussion = discussion_get_or_create(target=target)
    subscription, created = Subscription.objects.get_or_create(
        user=actor, discussion=discussion, defaults={"notified_until": timezone.now()}
    )
    if created:
        audit_log(actor=actor, action="subscription.follow", target=discussion)
    return subscription


@transaction.atomic
def subscription_unfollow(*, actor: Any, discussion: Discussion) -> bool:
    _check_signed_in(actor)
    deleted, _rows = Subscription.objects.filter(user=actor, discussion=discussion).delete()
    if deleted:
        audit_log(actor=actor, action="subscription.unfollow", target=discussion)
    return bool(deleted)


def unsubscribe_token(*, subscription: Subscription) -> str:
    """The signed token of the link that stops emails about one discussion."""
    return signing.dumps(
        {"u": subscription.user_id, "d": subscription.discussion_id}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_token_for_digest(*, user_id: int, discussion_ids: list[int]) -> str:
    """The signed token of a digest's one-click unsubscribe: every discussion it was about."""
    return signing.dumps({"u": user_id, "d": sorted(discussion_ids)}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(token: str) -> str:
    return (
        settings.SITE_URL + reverse("conversation:unsubscribe") + "?" + urlencode({"token": token})
    )


@transaction.atomic
def subscription_unsubscribe_by_token(*, token: str) -> list[Discussion] | None:
    """Stop the emails a signed link names (see `unsubscribe_token_read`); no sign-in needed,
    the signature is the permission. Returns the discussions, or None if the token is invalid.
    Unsubscribing twice changes nothing the second time."""
    request = unsubscribe_token_read(token=token)
    if request is None:
        return None
    for discussion in request.discussions:
        subscriptions = Subscription.objects.filter(user_id=request.user_id, discussion=discussion)
        if subscriptions.delete()[0]:
            audit_log(
                actor=None,
                action="subscription.unsubscribe",
                target=discussion,
                user_id=request.user_id,
            )
    return request.discussions


@transaction.atomic
def comment_digest_deliver(*, user_id: int) -> int:
    """Email one person the comments published since their last digest, at most once an hour.

    Returns how many comments the email listed (0 when nothing was sent). When the last digest
    went out less than an hour ago, the task is queued again for when the hour is up (on task
    backends that can defer); the comments wait for it.
    """
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    state, _created = DigestState.objects.get_or_create(user=user)
    state = DigestState.objects.select_for_update().get(pk=state.pk)
    now = timezone.now()
    if state.last_sent_at is not None and now - state.last_sent_at < DIGEST_INTERVAL:
        _digest_defer(state, run_after=state.last_sent_at + DIGEST_INTERVAL)
        return 0
    subscriptions = list(
        Subscription.objects.filter(user=user).select_related("discussion__content_type")
    )
    sections = []
    discussion_ids: list[int] = []
    total = 0
    for subscription in subscriptions:
        comments = list(
            Comment.objects.filter(
                discussion=subscription.discussion,
                state=CommentState.VISIBLE,
                published_at__gt=subscription.notified_until,
            )
            .exclude(author=user)
            .select_related("author")
            .order_by("published_at", "pk")[:20]
        )
        if not comments:
            continue
        if not discussion_is_open(subscription.discussion):
            continue  # withdrawn, taken down, unpublished: nobody is told what is said there
        target = discussion_target(subscription.discussion)
        sections.append(
            {
                "title": str(target),
                "url": settings.SITE_URL + target.get_absolute_url() + "#discussion",  # type: ignore[attr-defined]
                "comments": [
                    {"author": c.author.public_name, "excerpt": c.body[:300]} for c in comments
                ],
                "unsubscribe_url": unsubscribe_url(unsubscribe_token(subscription=subscription)),
            }
        )
        total += len(comments)
        discussion_ids.append(subscription.discussion_id)
    if not sections:
        return 0
    one_click = unsubscribe_url(
        unsubscribe_token_for_digest(user_id=user.pk, discussion_ids=discussion_ids)
    )
    email_send(
        to=[user.email],
        template="emails/comment_digest",
        context={"name": user.public_name, "sections": sections, "count": total},
        # RFC 8058: mail clients offer "Unsubscribe" and POST to the link, with no sign-in.
        headers={
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    Subscription.objects.filter(user=user).update(notified_until=now)
    state.last_sent_at = now
    state.next_run_at = None
    state.save(update_fields=["last_sent_at", "next_run_at"])
    return total


def _digest_defer(state: DigestState, *, run_after: dt.datetime) -> None:
    from django_tasks import default_task_backend

    from exchange.conversation.tasks import comment_digest_send

    if not default_task_backend.supports_defer:
        return
    if state.next_run_at is not None and state.next_run_at >= run_after:
        return  # already queued
    state.next_run_at = run_after
    state.save(update_fields=["next_run_at"])
    transaction.on_commit(
        partial(comment_digest_send.using(run_after=run_after).enqueue, user_id=state.user_id)
    )
