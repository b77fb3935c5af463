from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from exchange.sustain.forms import CampaignCheckInSettingsForm
from exchange.sustain.models import Adoption, CampaignCheckInSettings, CheckIn, ExampleContact
from exchange.sustain.services import campaign_checkin_settings_set

# Check-ins, contacts and adoptions ------------------------------------------------------------


@admin.register(CampaignCheckInSettings)
class CampaignCheckInSettingsAdmin(admin.ModelAdmin):
    """When a campaign's examples are asked "is it still in place?" (for new publications)."""

    form = CampaignCheckInSettingsForm
    list_display = ["campaign", "months"]
    fields = ["campaign", "months_text"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = campaign_checkin_settings_set(
            actor=request.user, campaign=obj.campaign, months=form.cleaned_data["months_text"]
        )
        obj.pk = saved.pk


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["example", "months", "due_at", "state", "adoption"]
    list_filter = ["state", "months"]
    raw_id_fields = ["example", "adoption"]
    readonly_fields = ["sent_at", "reminded_at", "closed_at"]


@admin.register(ExampleContact)
class ExampleContactAdmin(admin.ModelAdmin):
    list_display = ["name", "example"]
    raw_id_fields = ["example"]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "example", "adopted_on", "latest_status"]
    raw_id_fields = ["example", "user"]
