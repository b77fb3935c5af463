from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from exchange.api.models import ApiToken
from exchange.api.services import api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Create a token for someone: the raw value is shown once, then only its digest is kept."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    search_fields = ["name", "user__display_name"]
    raw_id_fields = ["user"]
    fields = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = ["created_at", "last_used_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A token cannot be edited, only created or revoked.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, raw = api_token_create(actor=request.user, user=obj.user, name=obj.name)
        obj.pk, obj.digest, obj.created_at = token.pk, token.digest, token.created_at
        messages.warning(
            request,
            _("Copy this token now; it will not be shown again: %(token)s") % {"token": raw},
        )

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        api_token_revoke(actor=request.user, token=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)
