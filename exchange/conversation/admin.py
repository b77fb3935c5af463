from django.contrib import admin

from exchange.conversation.models import CampaignCommentSettings, CommentingBan


@admin.register(CampaignCommentSettings)
class CampaignCommentSettingsAdmin(admin.ModelAdmin):
    list_display = ["campaign", "pre_moderate_comments"]


@admin.register(CommentingBan)
class CommentingBanAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user", "created_by"]
