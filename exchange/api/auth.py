"""Personal API tokens: `Authorization: Bearer efc_...`.

Only the SHA-256 digest of a token is stored (ApiToken.digest); the raw token is shown once,
when it is created (exchange.api.services.api_token_create). Write endpoints declare
`auth=api_token_auth` and read the signed-in user from `request.auth`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from exchange.api.models import ApiToken

TOKEN_PREFIX = "efc_"
MAX_TOKEN_LENGTH = 200
# Recording every use would turn each read into a write; once every few minutes is enough.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


class ApiTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            return None
        try:
            # get(), not first(): the digest is unique, and first() would add an ORDER BY to
            # compile on every API request.
            api_token = ApiToken.objects.select_related("user").get(
                digest=ApiToken.digest_of(token), user__is_active=True
            )
        except ApiToken.DoesNotExist:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


api_token_auth = ApiTokenAuth()
