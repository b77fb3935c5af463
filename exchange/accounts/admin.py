from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from exchange.accounts.models import User


@admin.register(User)
class ExchangeUserAdmin(UserAdmin):
    list_display = ["email", "display_name", "organisation", "is_staff", "is_active"]
    search_fields = ["email", "display_name", "organisation"]
    ordering = ["email"]
    fieldsets = (*UserAdmin.fieldsets, ("Profile", {"fields": ("display_name", "organisation")}))
