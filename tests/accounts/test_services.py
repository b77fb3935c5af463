import pytest
from django.contrib.auth.models import Group

from exchange.accounts.services import profile_update, roles_ensure, user_role_add
from exchange.core.permissions import ROLE_PERMISSIONS, Perm, Role
from tests.factories import UserFactory


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


@pytest.mark.django_db
def test_roles_ensure_is_idempotent():
    roles_ensure()
    first = group_permissions()
    roles_ensure()
    roles_ensure()

    assert group_permissions() == first
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)


@pytest.mark.django_db
def test_roles_ensure_restores_a_tampered_role():
    roles_ensure()
    moderators = Group.objects.get(name=Role.MODERATOR.value)
    moderators.permissions.clear()

    roles_ensure()

    assert group_permissions()[Role.MODERATOR.value] == {
        str(p) for p in ROLE_PERMISSIONS[Role.MODERATOR]
    }


@pytest.mark.django_db
def test_moderators_may_moderate_and_participants_may_not():
    roles_ensure()
    moderator = UserFactory()
    participant = UserFactory()
    user_role_add(user=moderator, role=Role.MODERATOR)

    assert moderator.has_perm(Perm.MODERATE_EXAMPLES)
    assert moderator.has_perm(Perm.FEATURE_EXAMPLES)
    assert not moderator.has_perm(Perm.MANAGE_CAMPAIGNS)
    assert not participant.has_perm(Perm.MODERATE_EXAMPLES)


@pytest.mark.django_db
def test_administrators_role_may_manage_campaigns():
    roles_ensure()
    admin = UserFactory()
    user_role_add(user=admin, role=Role.ADMIN)

    assert admin.has_perm(Perm.MANAGE_CAMPAIGNS)
    assert admin.has_perm(Perm.MODERATE_EXAMPLES)


@pytest.mark.django_db
def test_profile_update_strips_whitespace():
    user = UserFactory()

    profile_update(user=user, display_name="  Jo  ", organisation=" Acme ")

    user.refresh_from_db()
    assert (user.display_name, user.organisation) == ("Jo", "Acme")
