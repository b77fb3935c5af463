from django.contrib import admin

from exchange.core.caching import published_examples_changed
from exchange.examples.models import Attachment, Campaign, Example, Tag
from exchange.examples.search import example_search_index_update


class SearchIndexAdminMixin:
    """Text edited here is searchable at once: the examples it belongs to are re-indexed."""

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        ids = [obj.pk] if isinstance(obj, Example) else obj.examples.values_list("pk", flat=True)
        example_search_index_update(example_ids=ids)


class PublicPagesAdminMixin:
    """Edits made here show on the public pages at once: cached copies are retired on save."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        published_examples_changed()

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        super().delete_model(request, obj)  # type: ignore[misc]
        published_examples_changed()

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        published_examples_changed()


@admin.register(Campaign)
class CampaignAdmin(SearchIndexAdminMixin, PublicPagesAdminMixin, admin.ModelAdmin):
    list_display = ["title", "opens_at", "closes_at", "pre_moderation"]
    list_filter = ["pre_moderation"]
    search_fields = ["title", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "opens_at"


@admin.register(Tag)
class TagAdmin(SearchIndexAdminMixin, PublicPagesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    # Not the stored file: its name is private and it is served only by the example's
    # checked download view (exchange.core.files).
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]
    can_delete = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # New files go through the submission form, which checks their type from the content.
        return False


@admin.register(Example)
class ExampleAdmin(SearchIndexAdminMixin, PublicPagesAdminMixin, admin.ModelAdmin):
    """Moderation decisions belong in the moderation pages, which email authors and keep the
    audit log; here the workflow fields are read-only."""

    list_display = [
        "title",
        "campaign",
        "author",
        "status",
        "is_featured",
        "submitted_at",
        "published_at",
    ]
    list_filter = ["status", "is_featured", "campaign", "sector", "permanence"]
    search_fields = ["title", "summary", "organisation", "author__display_name"]
    list_select_related = ["campaign", "author"]
    raw_id_fields = ["author"]
    filter_horizontal = ["tags"]
    readonly_fields = [
        "status",
        "moderator_message",
        "is_featured",
        "featured_at",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
    ]
    date_hierarchy = "created_at"
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(PublicPagesAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "example", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "example__title"]
    list_select_related = ["example"]
    raw_id_fields = ["example"]
    # The file is replaced only through the submission form, which checks its type; its
    # stored name is private (exchange.core.files).
    exclude = ["file"]
    readonly_fields = ["content_type", "size", "uploaded_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
