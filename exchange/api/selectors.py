"""Reads of personal API tokens: only ever a person's own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from exchange.api.models import ApiToken


def api_token_list_for_owner(*, owner: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=getattr(owner, "pk", None)).order_by("-created_at")


def api_token_get_for_owner(*, owner: Any, pk: int) -> ApiToken:
    """One of `owner`'s tokens; Http404 for anyone else's."""
    token = api_token_list_for_owner(owner=owner).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
