"""Discussions on anything (examples today, synthesis reports later): comments, reactions,
flags, subscriptions and the trust records that decide whether a comment is shown at once.

Comment bodies are kept as the Markdown the author typed (`body`) and as sanitised HTML
rendered when written (`body_html`, exchange.conversation.markdown); pages only print the latter.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 5000


class Discussion(models.Model):
    """The conversation about one thing; created the first time someone writes in it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_discussion_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"Discussion {self.pk} ({self.content_type.model} {self.object_id})"


class CommentState(models.TextChoices):
    VISIBLE = "visible", _("Published")
    PENDING = "pending", _("Awaiting moderation")
    HIDDEN = "hidden", _("Hidden by a moderator")
    REMOVED = "removed", _("Removed by its author")


class Comment(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    body_html = models.TextField(editable=False)
    state = models.CharField(
        max_length=10, choices=CommentState.choices, default=CommentState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # When it first became visible to everyone: what subscription digests read.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [
            models.Index(
                fields=["discussion", "parent", "state", "-created_at", "-id"],
                name="comment_thread_idx",
            ),
            models.Index(fields=["state", "created_at"], name="comment_state_idx"),
            models.Index(fields=["published_at"], name="comment_published_idx"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.state == CommentState.REMOVED


class ReactionKind(models.TextChoices):
    WE_DID_THIS = "we_did_this", _("We did this too")
    WANT_TO_TRY = "want_to_try", _("We want to try this")
    HELPFUL = "helpful", _("Helpful")


class Reaction(models.Model):
    """One person's reaction of one kind to an example or a comment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id", "kind"],
                name="one_reaction_per_user_target_kind",
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "kind"], name="reaction_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.content_type.model} {self.object_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive, threatening or discriminatory")
    PERSONAL_INFORMATION = "personal_information", _("Contains personal information")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=24, choices=FlagReason.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a moderator restores the comment: resolved flags no longer count.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_flag_per_user_comment")
        ]

    def __str__(self) -> str:
        return f"Flag on comment {self.comment_id}: {self.reason}"


class CommentingBan(models.Model):
    """A person a moderator has stopped from commenting."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commenting_ban"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Commenting ban {self.pk}"


class CommentPolicyAcceptance(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_policy"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Comments policy accepted {self.accepted_at:%Y-%m-%d}"


class Subscription(models.Model):
    """Someone who is emailed a digest of new comments in a discussion."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_subscriptions"
    )
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Comments published after this moment have not been in a digest yet.
    notified_until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "discussion"], name="one_subscription_per_discussion"
            )
        ]

    def __str__(self) -> str:
        return f"Subscription {self.pk}"


class DigestState(models.Model):
    """When a person was last sent a comment digest (at most one an hour)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_digest"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Digest state {self.pk}"


class CampaignCommentSettings(models.Model):
    """Per campaign: whether every comment on its examples waits for a moderator."""

    campaign = models.OneToOneField(
        "examples.Campaign", on_delete=models.CASCADE, related_name="comment_settings"
    )
    pre_moderate_comments = models.BooleanField(
        _("pre-moderate comments"),
        default=False,
        help_text=_("Every comment on this campaign's examples is checked before it appears."),
    )

    class Meta:
        verbose_name_plural = "campaign comment settings"

    def __str__(self) -> str:
        return f"Comment settings for campaign {self.campaign_id}"
