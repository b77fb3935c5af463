"""Authentication backend that reads a person's permissions in one query instead of two."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OneQueryPermissionsBackend(ModelBackend):
    """Django's ModelBackend, but direct and group permissions come from one query.

    Pages check a permission or two on every signed-in request (the navigation, moderation
    links), so the second query is paid on nearly every page. The cache attributes are
    Django's own, so the other ModelBackend subclasses in AUTHENTICATION_BACKENDS (allauth's)
    reuse the result instead of querying again.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                permissions = Permission.objects.filter(
                    Q(user=user_obj) | Q(group__user=user_obj)
                ).distinct()
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        return user_obj._perm_cache
