"""Demo discussion (`manage.py load_demo`) on the featured examples: comments, a reply and
reactions; one comment awaiting moderation and one reported twice (one report short of being
hidden), so the moderation list has work in it on the first start.

Rows are written directly, as they would stand after people posted: posting through the services
would queue a digest email for each subscriber on the first start. Loaded once: a
"demo.conversation" audit entry records it, so comments deleted on the demo site stay deleted.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from exchange.accounts.models import User
from exchange.conversation.markdown import markdown_render
from exchange.conversation.models import (
    Comment,
    CommentPolicyAcceptance,
    CommentState,
    Flag,
    FlagReason,
    Reaction,
    ReactionKind,
    Subscription,
)
from exchange.conversation.services import discussion_get_or_create
from exchange.core.caching import published_examples_changed
from exchange.core.models import AuditEntry
from exchange.core.services import audit_log
from exchange.examples.models import Example, ExampleStatus

AUDIT_ACTION = "demo.conversation"
PARTICIPANT = "participant@example.org"

# (commenter, body, state, replies as (replier, body), reactions to the comment, reporters)
THREADS = (
    (
        PARTICIPANT,
        "We tried this on two wards last winter. **Who made the call** to keep it after the "
        "crisis: the board, or the team itself?",
        CommentState.VISIBLE,
        (("author", "The team asked, and the board agreed once we showed the waiting times."),),
        ("grace.mensah@example.org", "owen.fletcher@example.org"),
        (),
    ),
    (
        "callum.reid@example.org",
        "Our pharmacy would like to copy this. Is the rota template shared anywhere?",
        CommentState.VISIBLE,
        (),
        (PARTICIPANT,),
        ("nadia.haddad@example.org", "tom.ashworth@example.org"),
    ),
    (
        "nadia.haddad@example.org",
        "First comment here: how did you pay for the extra hours in the first month?",
        CommentState.PENDING,
        (),
        (),
        (),
    ),
)
EXAMPLE_REACTIONS = (
    (PARTICIPANT, ReactionKind.WANT_TO_TRY),
    ("grace.mensah@example.org", ReactionKind.WE_DID_THIS),
    ("owen.fletcher@example.org", ReactionKind.HELPFUL),
)


@transaction.atomic
def conversation_demo_load(*, now: dt.datetime) -> int:
    """Create the demo discussion unless it was loaded before; returns the comments created."""
    if AuditEntry.objects.filter(action=AUDIT_ACTION).exists():
        return 0
    featured = list(
        Example.objects.filter(status=ExampleStatus.PUBLISHED, is_featured=True)
        .select_related("author")
        .order_by("-featured_at", "pk")[:2]
    )
    if not featured:
        return 0
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    example_type = ContentType.objects.get_for_model(Example)
    comment_type = ContentType.objects.get_for_model(Comment)
    created = 0
    posted_at = now - dt.timedelta(days=3)
    # The first two threads on the first featured example, the third on the second.
    for index, (who, body, state, replies, reactors, reporters) in enumerate(THREADS):
        example = featured[0] if index < 2 or len(featured) < 2 else featured[1]
        author = people.get(who)
        if author is None:
            continue
        discussion = discussion_get_or_create(target=example)
        at = posted_at + dt.timedelta(hours=index)
        visible = state == CommentState.VISIBLE
        comment = Comment.objects.create(
            discussion=discussion,
            author=author,
            body=body,
            body_html=markdown_render(body),
            state=state,
            published_at=at if visible else None,
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=at)
        created += 1
        thread = [(comment, author)]
        for replier, reply_body in replies:
            by = example.author if replier == "author" else people.get(replier)
            if by is None:
                continue
            reply = Comment.objects.create(
                discussion=discussion,
                author=by,
                parent=comment,
                body=reply_body,
                body_html=markdown_render(reply_body),
                state=CommentState.VISIBLE,
                published_at=at + dt.timedelta(hours=2),
            )
            Comment.objects.filter(pk=reply.pk).update(created_at=at + dt.timedelta(hours=2))
            created += 1
            thread.append((reply, by))
        Reaction.objects.bulk_create(
            [
                Reaction(
                    user=people[r],
                    content_type=comment_type,
                    object_id=comment.pk,
                    kind=ReactionKind.HELPFUL,
                )
                for r in reactors
                if r in people
            ],
            ignore_conflicts=True,
        )
        Flag.objects.bulk_create(
            [
                Flag(comment=comment, user=people[r], reason=FlagReason.OFF_TOPIC)
                for r in reporters
                if r in people
            ]
        )
        for _comment, person in thread:
            CommentPolicyAcceptance.objects.get_or_create(user=person)
            # Up to date: no digest of these demo comments goes out on the first start.
            Subscription.objects.get_or_create(
                user=person, discussion=discussion, defaults={"notified_until": now}
            )
        Subscription.objects.get_or_create(
            user=example.author, discussion=discussion, defaults={"notified_until": now}
        )
    Reaction.objects.bulk_create(
        [
            Reaction(user=people[who], content_type=example_type, object_id=ex.pk, kind=kind)
            for ex in featured
            for who, kind in EXAMPLE_REACTIONS
            if who in people
        ],
        ignore_conflicts=True,
    )
    audit_log(
        actor=None,
        action=AUDIT_ACTION,
        examples=[ex.pk for ex in featured],
        comments=created,
    )
    published_examples_changed()
    return created
