from django.contrib import admin

from exchange.events.models import Booking, BookingTransfer, Event, Improvement, Session


class SessionInline(admin.StackedInline):
    model = Session
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "bookings_open", "promotion_policy")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("organisers",)
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("title", "event", "starts_at", "attendance_type", "capacity_in_person")
    list_filter = ("event", "attendance_type")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through the services, which hold the seat locks."""

    list_display = ("session", "user", "mode", "state", "created_at")
    list_filter = ("state", "mode")
    raw_id_fields = ("user", "session", "replaces")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Improvement)
class ImprovementAdmin(admin.ModelAdmin):
    list_display = ("session", "created_at")
    readonly_fields = ("session", "user", "text", "created_at")


@admin.register(BookingTransfer)
class BookingTransferAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent and claimed through the services (the token is never
    stored, only its digest, which is not shown)."""

    list_display = ("booking", "sender", "created_at", "expires_at", "claimed_at", "withdrawn_at")
    list_filter = ("claimed_at", "withdrawn_at")
    raw_id_fields = ("booking", "sender", "claimed_by")
    exclude = ("digest",)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
