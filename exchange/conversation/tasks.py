"""Background work for conversations, run by `manage.py db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def comment_digest_send(*, user_id: int) -> int:
    """Email one subscriber the new comments in what they follow (at most once an hour)."""
    from exchange.conversation.services import comment_digest_deliver

    return comment_digest_deliver(user_id=user_id)
