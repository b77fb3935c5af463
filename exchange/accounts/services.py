from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from exchange.accounts.models import User
from exchange.core.permissions import ROLE_PERMISSIONS, Role


@transaction.atomic
def roles_ensure() -> None:
    """Create every role group with exactly its permissions. Safe to run any number of times."""
    wanted = {name for names in ROLE_PERMISSIONS.values() for name in names}
    by_name = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.filter(
            codename__in={name.split(".")[1] for name in wanted}
        ).select_related("content_type")
    }
    for role, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([by_name[name] for name in permission_names if name in by_name])


def user_role_add(*, user: User, role: Role) -> None:
    user.groups.add(Group.objects.get(name=role.value))


@transaction.atomic
def profile_update(*, user: User, display_name: str, organisation: str) -> User:
    from exchange.core.services import audit_log

    user.display_name = display_name.strip()
    user.organisation = organisation.strip()
    user.save(update_fields=["display_name", "organisation"])
    audit_log(actor=user, action="profile.update", target=user)
    return user
