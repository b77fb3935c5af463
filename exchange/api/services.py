"""Issuing and revoking personal API tokens."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from exchange.api.models import ApiToken
from exchange.core.services import audit_log


@transaction.atomic
def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the raw value, which is never stored or shown again."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.digest_of(raw))
    audit_log(actor=actor, action="api_token.create", target=token, user_id=user.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    audit_log(actor=actor, action="api_token.revoke", target=token, user_id=token.user_id)
    token.delete()
