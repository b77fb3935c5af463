"""Issuing and revoking personal API tokens.

A token belongs to one person: they (or an administrator, who issues tokens in the admin)
create and revoke it; no one else can. The API acts only as the token's owner
(exchange.api.auth puts the owner in `request.auth`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from exchange.api.models import ApiToken
from exchange.core.services import audit_log


def _may_manage_tokens_of(actor: Any, user: Any, *, perm: str) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return actor.pk == user.pk or actor.has_perm(perm)


@transaction.atomic
def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the raw value, which is never stored or shown again."""
    if not _may_manage_tokens_of(actor, user, perm="api.add_apitoken"):
        raise PermissionDenied
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(raw))
    audit_log(actor=actor, action="api_token.create", target=token, user_id=user.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if not _may_manage_tokens_of(actor, token.user, perm="api.delete_apitoken"):
        raise PermissionDenied
    audit_log(actor=actor, action="api_token.revoke", target=token, user_id=token.user_id)
    token.delete()
