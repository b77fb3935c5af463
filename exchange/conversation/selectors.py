"""Reads for discussions: one page of a thread, reaction counts, the moderation list.

A discussion page costs a fixed number of queries however many comments it has. What every
reader sees (`discussion_public_page`: counts, one page of threads with replies and authors, the
reaction counts) takes three and is cached as HTML (exchange/conversation/rendering.py); what a
signed-in reader adds (`reader_state`: policy, ban, subscription, their reactions and reports,
their comments awaiting moderation) takes one more on every visit.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

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
from exchange.examples.models import Example, ExampleStatus

SORTS = ("newest", "oldest")
UNSUBSCRIBE_SALT = "conversation.unsubscribe"
# States everyone sees: a removed comment shows as "comment removed" so its replies keep sense.
PUBLIC_STATES = (CommentState.VISIBLE, CommentState.REMOVED)


def target_is_open(target: models.Model) -> bool:
    """Whether people may read, discuss and react to `target` now: a published example, or any
    other model whose `discussion_is_open()` says so (e.g. a published synthesis report)."""
    if isinstance(target, Example):
        return target.status == ExampleStatus.PUBLISHED
    is_open = getattr(target, "discussion_is_open", None)
    return bool(is_open()) if callable(is_open) else False


def discussion_target(discussion: Discussion) -> models.Model:
    """The example (or report) a discussion is about; ObjectDoesNotExist if it was deleted.

    Kept on the discussion once read, so that a view's check and its service's check of the
    same comment cost one query.
    """
    target = discussion.target
    if target is None:
        raise ObjectDoesNotExist(f"The target of discussion {discussion.pk} no longer exists")
    return target  # type: ignore[no-any-return]


def discussion_is_open(discussion: Discussion) -> bool:
    """Whether the discussion's target is open; a target deleted since is not."""
    try:
        return target_is_open(discussion_target(discussion))
    except ObjectDoesNotExist:
        return False


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


COMMENT_FIELDS = (
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


def _in_discussion_of(target: Any) -> Q:
    """Comments of the target's discussion, by a join rather than a query for the discussion."""
    return Q(
        discussion__content_type_id=ContentType.objects.get_for_model(target).pk,
        discussion__object_id=target.pk,
    )


@dataclass
class PublicPage:
    """One page of a discussion as every reader sees it (no reader's own state): what the
    fragment cache in exchange/conversation/rendering.py renders and keeps."""

    page: Page | None
    sort: str
    thread_count: int = 0
    comment_count: int = 0
    threads: list[Comment] = field(default_factory=list)
    target_reactions: list[ReactionSummary] = field(default_factory=list)

    @property
    def comments(self) -> list[Comment]:
        """Every comment of the page, each thread followed by its replies."""
        return [c for thread in self.threads for c in (thread, *thread.reply_list)]


def discussion_public_page(
    *, target: Any, sort: str = "newest", page_number: int = 1
) -> PublicPage:
    """One page of public top-level comments (with all their public replies) and the reaction
    counts of the target and of every comment shown, in three queries however long the
    discussion: the counts, the comments with their authors, the reactions grouped."""
    sort = sort if sort in SORTS else "newest"
    in_discussion = _in_discussion_of(target)
    counts = Comment.objects.filter(in_discussion).aggregate(
        threads=Count("pk", filter=Q(parent__isnull=True, state__in=PUBLIC_STATES)),
        comments=Count("pk", filter=Q(state=CommentState.VISIBLE)),
    )
    order = ("-created_at", "-pk") if sort == "newest" else ("created_at", "pk")
    top_level = Comment.objects.filter(
        in_discussion, parent__isnull=True, state__in=PUBLIC_STATES
    ).order_by(*order)
    paginator = Paginator(top_level, settings.CONVERSATION_PAGE_SIZE)
    paginator.count = counts["threads"]  # a cached property: spares Paginator its own count
    page = paginator.get_page(page_number)
    result = PublicPage(
        page=page, sort=sort, thread_count=counts["threads"], comment_count=counts["comments"]
    )
    threads: list[Comment] = []
    if result.thread_count:
        page_ids = top_level.values("pk")[page.start_index() - 1 : page.end_index()]
        rows = list(
            Comment.objects.filter(in_discussion, state__in=PUBLIC_STATES)
            .filter(Q(pk__in=page_ids) | Q(parent_id__in=page_ids))
            .select_related("author")
            .only(*COMMENT_FIELDS)
            .order_by("created_at", "pk")
        )
        replies_by_parent: dict[int, list[Comment]] = defaultdict(list)
        for row in rows:
            row.anchor = f"comment-{row.pk}"
            if row.parent_id is not None:
                replies_by_parent[row.parent_id].append(row)
            else:
                threads.append(row)
        if sort == "newest":
            threads.reverse()
        for thread in threads:
            thread.reply_list = replies_by_parent.get(thread.pk, [])
    page.object_list = threads
    result.threads = threads
    open_comments = [c for c in result.comments if c.state == CommentState.VISIBLE]
    summaries = _reaction_summaries(targets=[target, *open_comments], viewer=None)
    comment_type = ContentType.objects.get_for_model(Comment).pk
    for comment in open_comments:
        comment.reactions = summaries[comment_type, comment.pk]
    result.target_reactions = summaries[ContentType.objects.get_for_model(target).pk, target.pk]
    return result


@dataclass
class ReaderState:
    """What one signed-in reader's view of a discussion page adds to what everyone sees."""

    accepted_policy: bool = False
    banned: bool = False
    following: bool = False
    # Their reactions: kinds on the target, (comment pk, kind) on comments.
    target_reactions: set[str] = field(default_factory=set)
    comment_reactions: set[tuple[int, str]] = field(default_factory=set)
    reported: set[int] = field(default_factory=set)
    # Their own comments in this discussion that only they see (awaiting moderation, hidden).
    private_comment_ids: list[int] = field(default_factory=list)


@functools.cache
def _reader_state_sql(vendor: str) -> str:
    """One UNION ALL of small indexed lookups, each row a (fact, number, detail) triple.

    Written as SQL rather than as seven combined querysets: the ORM spends about 10 ms of CPU
    compiling those on every page view, the database well under one. Table names come from the
    models; the columns are Django's defaults for their fields (the tests run it on SQLite and
    PostgreSQL). Reactions and reports cover the reader's in the whole discussion: a few rows,
    and the SQL stays the same whichever comments a page shows.
    """
    q = connection.ops.quote_name
    discussion, comment, reaction, flag, subscription, policy, ban = (
        q(model._meta.db_table)
        for model in (
            Discussion,
            Comment,
            Reaction,
            Flag,
            Subscription,
            CommentPolicyAcceptance,
            CommentingBan,
        )
    )
    in_here = (
        f"IN (SELECT id FROM {discussion} WHERE content_type_id = %(target_type)s"
        " AND object_id = %(target)s)"
    )
    return " UNION ALL ".join(
        (
            f"SELECT 'policy', 0, '' FROM {policy} WHERE user_id = %(user)s",
            f"SELECT 'banned', 0, '' FROM {ban} WHERE user_id = %(user)s",
            f"SELECT 'following', 0, '' FROM {subscription} WHERE user_id = %(user)s"
            f" AND discussion_id {in_here}",
            f"SELECT 'target_reaction', 0, kind FROM {reaction} WHERE user_id = %(user)s"
            " AND content_type_id = %(target_type)s AND object_id = %(target)s",
            f"SELECT 'private', id, '' FROM {comment} WHERE author_id = %(user)s"
            f" AND state IN (%(pending)s, %(hidden)s) AND discussion_id {in_here}",
            f"SELECT 'comment_reaction', r.object_id, r.kind FROM {reaction} r INNER JOIN"
            f" {comment} c ON c.id = r.object_id WHERE r.user_id = %(user)s"
            f" AND r.content_type_id = %(comment_type)s AND c.discussion_id {in_here}",
            f"SELECT 'reported', f.comment_id, '' FROM {flag} f INNER JOIN {comment} c"
            f" ON c.id = f.comment_id WHERE f.user_id = %(user)s AND c.discussion_id {in_here}",
        )
    )


def reader_state(*, viewer: Any, target: Any) -> ReaderState:
    """The reader's policy, ban, subscription, reactions and reports in the target's discussion,
    and their own comments nobody else sees, in one query."""
    state = ReaderState()
    if not getattr(viewer, "is_authenticated", False):
        return state
    params = {
        "user": viewer.pk,
        "target_type": ContentType.objects.get_for_model(target).pk,
        "target": target.pk,
        "comment_type": ContentType.objects.get_for_model(Comment).pk,
        "pending": CommentState.PENDING.value,
        "hidden": CommentState.HIDDEN.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_reader_state_sql(connection.vendor), params)
        rows = cursor.fetchall()
    for fact, number, detail in rows:
        if fact == "policy":
            state.accepted_policy = True
        elif fact == "banned":
            state.banned = True
        elif fact == "following":
            state.following = True
        elif fact == "target_reaction":
            state.target_reactions.add(detail)
        elif fact == "comment_reaction":
            state.comment_reactions.add((int(number), detail))
        elif fact == "reported":
            state.reported.add(int(number))
        elif fact == "private":
            state.private_comment_ids.append(int(number))
    return state


def private_comment_list(*, ids: list[int]) -> list[Comment]:
    """The reader's own comments that only they see, oldest first, with whom a reply answers."""
    comments = list(
        Comment.objects.filter(pk__in=ids)
        .select_related("author", "parent__author")
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .order_by("created_at", "pk")
    )
    for comment in comments:
        comment.anchor = f"comment-{comment.pk}"
    return comments


def comment_get_for_viewer(*, viewer: Any, pk: int) -> Comment:
    """The comment, if `viewer` may see it; otherwise Http404 (no one learns that it exists).

    A comment is reached only through its target: when the target is closed (an example that
    was withdrawn, taken down or never published, an unpublished report) its comments are
    moderators' business only. On an open target, everyone sees public comments and their
    authors their own comments awaiting moderation or hidden; moderators see every one.
    """
    comment = (
        Comment.objects.select_related("author", "discussion__content_type").filter(pk=pk).first()
    )
    if comment is None:
        raise Http404
    if _moderates_comments(viewer):
        return comment
    own = getattr(viewer, "is_authenticated", False) and comment.author_id == viewer.pk
    if comment.state not in PUBLIC_STATES and not own:
        raise Http404
    if not discussion_is_open(comment.discussion):
        raise Http404
    return comment


def comment_get_for_taking_part(*, viewer: Any, pk: int) -> Comment:
    """The comment, if `viewer` may see it and its discussion is still open: replying to it or
    reporting it makes no sense behind a closed target, even for moderators (Http404)."""
    comment = comment_get_for_viewer(viewer=viewer, pk=pk)
    if not discussion_is_open(comment.discussion):
        raise Http404
    return comment


def _moderates_comments(viewer: Any) -> bool:
    return bool(
        getattr(viewer, "is_authenticated", False) and viewer.has_perm(Perm.MODERATE_COMMENTS)
    )


def _has_open_flags() -> Exists:
    return Exists(Flag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True))


# Reported: published with open reports, or hidden by reports alone (the reports hid it, no
# moderator has looked yet). A moderator's decision (restore, keep hidden) resolves them.
_REPORTED = Q(state__in=[CommentState.VISIBLE, CommentState.HIDDEN]) & Q(_has_open_flags())
_HIDDEN_CHECKED = Q(state=CommentState.HIDDEN) & ~Q(_has_open_flags())


def moderation_comment_counts() -> dict[str, int]:
    return Comment.objects.aggregate(
        pending=Count("pk", filter=Q(state=CommentState.PENDING)),
        hidden=Count("pk", filter=_HIDDEN_CHECKED),
        flagged=Count("pk", filter=_REPORTED),
    )


def moderation_comment_list(*, view: str) -> QuerySet[Comment]:
    """Comments for the moderation list: pending; reported (published with open reports, or
    hidden by reports and not yet looked at); or hidden after a moderator's decision."""
    comments = Comment.objects.select_related("author", "discussion__content_type").annotate(
        open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True))
    )
    if view == "hidden":
        comments = comments.filter(_HIDDEN_CHECKED)
    elif view == "flagged":
        comments = comments.filter(_REPORTED)
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


@dataclass(frozen=True)
class UnsubscribeRequest:
    """What a signed unsubscribe link names: a person and the discussions to stop emails about."""

    user_id: int
    discussions: list[Discussion]


def unsubscribe_token_read(*, token: str) -> UnsubscribeRequest | None:
    """The person and discussions a signed link names (nothing is changed), or None when the
    token was not signed by us or names no discussion that still exists.

    A link from a discussion's section of a digest names that discussion; the digest's
    one-click `List-Unsubscribe` link names every discussion the email was about.
    """
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id = int(data["u"])
        ids = data["d"] if isinstance(data["d"], list) else [data["d"]]
        discussion_ids = [int(pk) for pk in ids]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    discussions = list(
        Discussion.objects.filter(pk__in=discussion_ids)
        .select_related("content_type")
        .order_by("pk")
    )
    if not discussions:
        return None
    return UnsubscribeRequest(user_id=user_id, discussions=discussions)
