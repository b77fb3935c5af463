"""Comments and reactions on published examples (the same services as the web pages).

Reading is public; posting and reacting need a personal API token. The first comment a person
ever posts must carry `accept_policy: true` (they confirm they have read the comments policy),
and waits for a moderator like on the web site.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from exchange.api.auth import api_token_auth
from exchange.api.pagination import BoundedLimitOffsetPagination
from exchange.api.schemas.common import MAX_ID, WRITE_ERROR_RESPONSES, ErrorOut, ValidationErrorOut
from exchange.conversation import selectors, services
from exchange.conversation.models import Comment, CommentState
from exchange.examples import selectors as example_selectors
from exchange.examples.models import Example

router = Router(tags=["conversation"])

ReactionChoice = Literal["we_did_this", "want_to_try", "helpful"]


class CommentOut(Schema):
    id: int
    parent_id: int | None = Field(description="The top-level comment this one replies to.")
    author: str | None = Field(description="The author's public name; null once removed.")
    body_html: str = Field(description="Sanitised HTML (empty once removed).")
    removed: bool = Field(description="Deleted by its author; shown as “comment removed”.")
    state: Literal["visible", "pending", "removed"]
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def resolve_author(obj: Comment) -> str | None:
        return None if obj.state == CommentState.REMOVED else obj.author.public_name

    @staticmethod
    def resolve_removed(obj: Comment) -> bool:
        return obj.state == CommentState.REMOVED


class CommentIn(Schema):
    body: str = Field(
        ..., max_length=20_000, description="Markdown, at most 5,000 characters once trimmed."
    )
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="Reply to this comment.")
    accept_policy: bool = Field(
        False, description="Required on a person's first comment: they read the comments policy."
    )


class ReactionIn(Schema):
    kind: ReactionChoice


class ReactionOut(Schema):
    kind: ReactionChoice
    on: bool = Field(description="Whether your reaction is now recorded.")
    count: int = Field(description="Reactions of this kind in total.")


def _example(example_id: int) -> Example:
    example = example_selectors.example_published_get(pk=example_id)
    if example is None:
        raise HttpError(404, "No published example with that id")
    return example


def _comment(request: HttpRequest, pk: int) -> Comment:
    """The comment if the token's owner may see it and its target (the web pages' rule)."""
    try:
        return selectors.comment_get_for_viewer(viewer=request.auth, pk=pk)
    except Http404:
        raise HttpError(404, "No comment with that id") from None


def _raise(error: services.ConversationError) -> Any:
    if isinstance(error, services.ConversationNotFoundError):
        raise HttpError(404, str(error.message))
    if isinstance(error, services.ConversationPermissionError):
        raise HttpError(403, str(error.message))
    if isinstance(error, services.ConversationRateLimitError):
        raise HttpError(429, str(error.message))
    raise HttpError(400, str(error.message))


@router.get(
    "/examples/{example_id}/comments",
    response={200: list[CommentOut], 404: ErrorOut, 422: ValidationErrorOut},
    summary="List the comments on a published example",
)
@paginate(BoundedLimitOffsetPagination)
def comment_list(
    request: HttpRequest, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[Comment]:
    """Published comments and replies, oldest first; removed ones keep their place."""
    return selectors.public_comment_list(target=_example(example_id))


@router.post(
    "/examples/{example_id}/comments",
    response={
        201: CommentOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    auth=api_token_auth,
    summary="Comment on a published example",
)
def comment_create(
    request: HttpRequest, payload: CommentIn, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Comment]:
    example = _example(example_id)
    parent = None
    if payload.parent_id is not None:
        parent = _comment(request, payload.parent_id)
    try:
        comment = services.comment_post(
            actor=request.auth,
            target=example,
            body=payload.body,
            parent=parent,
            policy_accepted=payload.accept_policy,
        )
    except services.ConversationError as error:
        _raise(error)
    return Status(201, comment)


def _toggle(request: HttpRequest, target: Any, kind: str) -> ReactionOut:
    try:
        on = services.reaction_toggle(actor=request.auth, target=target, kind=kind)
    except services.ConversationError as error:
        _raise(error)
    summary = next(
        r for r in selectors.reactions_for(target=target, viewer=request.auth) if r.kind == kind
    )
    return ReactionOut(kind=kind, on=on, count=summary.count)  # type: ignore[arg-type]


@router.post(
    "/examples/{example_id}/reactions",
    response={200: ReactionOut, **WRITE_ERROR_RESPONSES},
    auth=api_token_auth,
    summary="Toggle your reaction to a published example",
)
def example_reaction_toggle(
    request: HttpRequest, payload: ReactionIn, example_id: int = Path(..., ge=1, le=MAX_ID)
) -> ReactionOut:
    return _toggle(request, _example(example_id), payload.kind)


@router.post(
    "/comments/{comment_id}/reactions",
    response={200: ReactionOut, **WRITE_ERROR_RESPONSES},
    auth=api_token_auth,
    summary="Toggle your reaction to a comment",
)
def comment_reaction_toggle(
    request: HttpRequest, payload: ReactionIn, comment_id: int = Path(..., ge=1, le=MAX_ID)
) -> ReactionOut:
    comment = _comment(request, comment_id)
    if comment.state != CommentState.VISIBLE:
        raise HttpError(404, "No published comment with that id")
    return _toggle(request, comment, payload.kind)
