"""Personal API tokens are listed, issued, revoked and used only for their owner."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from exchange.api.models import ApiToken
from exchange.api.selectors import api_token_get_for_owner, api_token_list_for_owner
from exchange.api.services import api_token_create, api_token_revoke
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_tokens_are_listed_and_found_only_for_their_owner():
    owner, other = UserFactory(), UserFactory()
    token, _raw = api_token_create(actor=owner, user=owner, name="laptop")
    api_token_create(actor=other, user=other, name="theirs")

    assert list(api_token_list_for_owner(owner=owner)) == [token]
    assert api_token_get_for_owner(owner=owner, pk=token.pk) == token
    with pytest.raises(Http404):
        api_token_get_for_owner(owner=other, pk=token.pk)


def test_no_one_else_issues_or_revokes_a_persons_token():
    """Token services checked no actor: anyone could issue a token for, or revoke, another's."""
    owner, other = UserFactory(), UserFactory()
    token, _raw = api_token_create(actor=owner, user=owner, name="laptop")

    with pytest.raises(PermissionDenied):
        api_token_create(actor=other, user=owner, name="mine now")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=other, token=token)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["laptop"]

    admin = AdminFactory()
    api_token_create(actor=admin, user=owner, name="issued by an administrator")
    api_token_revoke(actor=admin, token=token)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["issued by an administrator"]


def test_a_token_acts_as_its_owner_only(client):
    owner = UserFactory(display_name="Token Owner")
    _token, raw = api_token_create(actor=owner, user=owner, name="laptop")

    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})

    assert response.json() == {"name": "Token Owner"}
    owner.is_active = False
    owner.save()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
