from django.contrib import admin

from exchange.workshops.models import (
    ImportBatch,
    Prompt,
    Reflection,
    SeriesResource,
    Workshop,
    WorkshopSeries,
)


@admin.register(WorkshopSeries)
class WorkshopSeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "created_at")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("facilitators",)


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("title", "series", "starts_at", "join_code")
    list_select_related = ("series",)
    raw_id_fields = ("session",)


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ("text", "workshop", "position", "is_open")
    list_select_related = ("workshop",)


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ("pk", "prompt", "source", "redaction_count", "is_hidden", "created_at")
    list_filter = ("source", "is_hidden")
    list_select_related = ("prompt",)
    raw_id_fields = ("prompt", "import_batch")
    # Stored already redacted; never typed in here.
    readonly_fields = ("text", "redaction_count", "fingerprint")


admin.site.register(ImportBatch)


@admin.register(SeriesResource)
class SeriesResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "series", "original_name", "position")
    list_select_related = ("series",)
    # Files are added on the series page, which checks their type; the stored name is
    # private and the file is served only by the series' checked download view.
    exclude = ("file",)
    readonly_fields = ("original_name", "content_type", "size")
