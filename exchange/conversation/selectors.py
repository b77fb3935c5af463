"""Reads for discussions: one page of a thread, reaction counts, the moderation list.

A discussion page costs a fixed number of queries however many comments it has: the
discussion, a count, one page of top-level comments with their authors, their replies with
authors, the reaction counts of everything on the page in one grouped query, and (for a
signed-in reader) their own reactions, policy, ban and subscription.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from exchange.conversation.models import (
    Comment,
    CommentingBan,
    CommentPolicyAcceptance,
    CommentState,
    Discussion,
    Flag,
    Reaction,
    ReactionKind,
    Subscription,
)
from exchange.core.permissions import Perm

SORTS = ("newest", "oldest")
# States everyone sees: a removed comment shows as "comment removed" so its replies keep sense.
PUBLIC_STATES = (CommentState.VISIBLE, CommentState.REMOVED)


def discussion_get(*, target: Any) -> Discussion | None:
    return Discussion.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).first()


def _visible_filter(viewer: Any) -> Q:
    """Public comments, plus the viewer's own comments awaiting moderation or hidden."""
    condition = Q(state__in=PUBLIC_STATES)
    if getattr(viewer, "is_authenticated", False):
        condition |= Q(author_id=viewer.pk, state__in=(CommentState.PENDING, CommentState.HIDDEN))
    return condition


@dataclass
class ReactionSummary:
    kind: str
    label: str
    count: int = 0
    mine: bool = False


def _reaction_summaries(
    *, targets: list[Any], viewer: Any
) -> dict[tuple[int, int], list[ReactionSummary]]:
    """For each (content type id, pk) target: its counts per kind and whether the viewer reacted."""
    if not targets:
        return {}
    by_type: dict[int, list[int]] = defaultdict(list)
    for target in targets:
        by_type[ContentType.objects.get_for_model(target).pk].append(target.pk)
    condition = Q()
    for type_id, ids in by_type.items():
        condition |= Q(content_type_id=type_id, object_id__in=ids)
    authenticated = getattr(viewer, "is_authenticated", False)
    rows = (
        Reaction.objects.filter(condition)
        .values("content_type_id", "object_id", "kind")
        .annotate(
            count=Count("pk"),
            mine=Count("pk", filter=Q(user_id=viewer.pk))
            if authenticated
            else Count("pk", filter=Q(pk=None)),
        )
        .order_by()
    )
    counts = {(r["content_type_id"], r["object_id"], r["kind"]): r for r in rows}
    result = {}
    for type_id, ids in by_type.items():
        for pk in ids:
            result[type_id, pk] = [
                ReactionSummary(
                    kind=kind,
                    label=str(label),
                    count=counts.get((type_id, pk, kind), {}).get("count", 0),
                    mine=bool(counts.get((type_id, pk, kind), {}).get("mine", 0)),
                )
                for kind, label in ReactionKind.choices
            ]
    return result


def reactions_for(*, target: Any, viewer: Any) -> list[ReactionSummary]:
    key = (ContentType.objects.get_for_model(target).pk, target.pk)
    return _reaction_summaries(targets=[target], viewer=viewer)[key]


@dataclass
class DiscussionPage:
    discussion: Discussion | None
    page: Page | None
    sort: str
    count: int = 0
    target_reactions: list[ReactionSummary] = field(default_factory=list)
    viewer_accepted_policy: bool = False
    viewer_banned: bool = False
    viewer_following: bool = False


def discussion_page(
    *, target: Any, viewer: Any, sort: str = "newest", page_number: Any = 1
) -> DiscussionPage:
    """One page of top-level comments (with all their replies) for a target, and reactions."""
    sort = sort if sort in SORTS else "newest"
    authenticated = getattr(viewer, "is_authenticated", False)
    result = DiscussionPage(discussion=None, page=None, sort=sort)
    discussion = discussion_get(target=target)
    result.discussion = discussion
    if authenticated:
        # The reader's policy, ban and subscription in one query.
        flags = (
            get_user_model()
            .objects.filter(pk=viewer.pk)
            .values(
                accepted=Exists(CommentPolicyAcceptance.objects.filter(user=OuterRef("pk"))),
                banned=Exists(CommentingBan.objects.filter(user=OuterRef("pk"))),
                following=Exists(
                    Subscription.objects.filter(user=OuterRef("pk"), discussion=discussion)
                )
                if discussion is not None
                else Value(False),
            )
            .first()
            or {}
        )
        result.viewer_accepted_policy = bool(flags.get("accepted"))
        result.viewer_banned = bool(flags.get("banned"))
        result.viewer_following = bool(flags.get("following"))
    comments: list[Comment] = []
    if discussion is not None:
        visible = _visible_filter(viewer)
        order = ("-created_at", "-pk") if sort == "newest" else ("created_at", "pk")
        top_level = (
            Comment.objects.filter(visible, discussion=discussion, parent__isnull=True)
            .select_related("author")
            .only(
                "id",
                "body_html",
                "state",
                "created_at",
                "edited_at",
                "author_id",
                "parent_id",
                "discussion_id",
                "author__id",
                "author__display_name",
                "author__first_name",
                "author__last_name",
            )
            .order_by(*order)
        )
        paginator = Paginator(top_level, settings.CONVERSATION_PAGE_SIZE)
        page = paginator.get_page(page_number)
        page.object_list = list(page.object_list)
        result.page = page
        result.count = paginator.count
        replies_by_parent: dict[int, list[Comment]] = defaultdict(list)
        if page.object_list:
            replies = (
                Comment.objects.filter(visible, parent_id__in=[c.pk for c in page.object_list])
                .select_related("author")
                .order_by("created_at", "pk")
            )
            for reply in replies:
                replies_by_parent[reply.parent_id].append(reply)
        for comment in page.object_list:
            comment.anchor = f"comment-{comment.pk}"
            for reply in replies_by_parent.get(comment.pk, []):
                reply.anchor = f"comment-{reply.pk}"
            comment.reply_list = replies_by_parent.get(comment.pk, [])
            comments.append(comment)
            comments.extend(comment.reply_list)
    open_comments = [c for c in comments if c.state == CommentState.VISIBLE]
    summaries = _reaction_summaries(targets=[target, *open_comments], viewer=viewer)
    comment_type = ContentType.objects.get_for_model(Comment).pk
    for comment in open_comments:
        comment.reactions = summaries[comment_type, comment.pk]
    result.target_reactions = summaries[ContentType.objects.get_for_model(target).pk, target.pk]
    return result


def comment_get_for_viewer(*, pk: int, viewer: Any) -> Comment | None:
    """A comment the viewer may see (moderators see every one)."""
    comments = Comment.objects.select_related("author", "discussion__content_type")
    if not (getattr(viewer, "is_authenticated", False) and viewer.has_perm(Perm.MODERATE_EXAMPLES)):
        comments = comments.filter(_visible_filter(viewer))
    return comments.filter(pk=pk).first()


def moderation_comment_counts() -> dict[str, int]:
    return Comment.objects.aggregate(
        pending=Count("pk", filter=Q(state=CommentState.PENDING)),
        hidden=Count("pk", filter=Q(state=CommentState.HIDDEN)),
        flagged=Count(
            "pk",
            filter=Q(state=CommentState.VISIBLE)
            & Q(Exists(Flag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))),
        ),
    )


def moderation_comment_list(*, view: str) -> QuerySet[Comment]:
    """Comments for the moderation list: pending, hidden, or visible with open reports."""
    comments = Comment.objects.select_related("author", "discussion__content_type").annotate(
        open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True))
    )
    if view == "hidden":
        comments = comments.filter(state=CommentState.HIDDEN)
    elif view == "flagged":
        comments = comments.filter(state=CommentState.VISIBLE, open_flags__gt=0)
    else:
        comments = comments.filter(state=CommentState.PENDING)
    return comments.order_by("created_at", "pk")


def public_comment_list(*, target: Any) -> QuerySet[Comment]:
    """Every public comment of a target, oldest first (replies carry their parent's id)."""
    discussion = discussion_get(target=target)
    if discussion is None:
        return Comment.objects.none()
    return (
        Comment.objects.filter(discussion=discussion, state__in=PUBLIC_STATES)
        .select_related("author")
        .order_by("created_at", "pk")
    )
