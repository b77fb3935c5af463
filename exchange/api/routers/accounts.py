"""Endpoints about the token's owner; the pattern later write endpoints follow."""

from django.http import HttpRequest
from ninja import Router

from exchange.api.auth import api_token_auth
from exchange.api.schemas.accounts import MeOut
from exchange.api.schemas.common import ErrorOut

router = Router(tags=["accounts"])


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    auth=api_token_auth,
    summary="Who the token belongs to",
)
def me(request: HttpRequest) -> MeOut:
    return MeOut(name=request.auth.public_name)
