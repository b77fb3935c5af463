import pytest
from django.contrib.auth.models import Permission

from exchange.core.permissions import Perm
from tests.factories import AdminFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The same person as a new object, so that no permission cache is carried over."""
    return type(user).objects.get(pk=user.pk)


def test_group_and_direct_permissions_in_one_query(django_assert_num_queries):
    moderator = ModeratorFactory()
    moderator.user_permissions.add(Permission.objects.get(codename="add_campaign"))
    moderator = _fresh(moderator)

    with django_assert_num_queries(1):
        assert moderator.has_perm(Perm.MODERATE_EXAMPLES)  # from the Moderators group
        assert moderator.has_perm("examples.add_campaign")  # given directly
        assert not moderator.has_perm(Perm.MANAGE_EVENTS)


def test_people_without_roles_hold_nothing():
    person = _fresh(UserFactory())
    assert person.get_all_permissions() == set()
    assert not person.has_perm(Perm.MODERATE_EXAMPLES)


def test_inactive_people_hold_nothing():
    moderator = ModeratorFactory()
    moderator.is_active = False
    assert not moderator.has_perm(Perm.MODERATE_EXAMPLES)


def test_superusers_hold_everything():
    admin = _fresh(AdminFactory())
    assert admin.has_perm(Perm.MODERATE_EXAMPLES)
    assert admin.has_perm("sustain.view_at_risk")


def test_the_same_permissions_as_djangos_own_backend():
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Group

    from exchange.accounts.backends import OneQueryPermissionsBackend

    person = ModeratorFactory()
    extra = Group.objects.create(name="Extra")
    extra.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:5])
    person.groups.add(extra)
    person.user_permissions.add(*Permission.objects.filter(codename__startswith="add_")[:3])
    ours = OneQueryPermissionsBackend().get_all_permissions(_fresh(person))
    assert ours == ModelBackend().get_all_permissions(_fresh(person))
    assert len(ours) > 8
