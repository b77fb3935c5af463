"""The demo check-in histories: one kept and spread, one reverted, one silent; loaded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from exchange.sustain.models import Adoption, AlertReason, CheckInAnswer, ExampleSustainSummary

pytestmark = pytest.mark.django_db


def _summaries() -> dict[str, tuple[str, str, int]]:
    return {
        s.example.title: (s.latest_status, s.alert_reason, s.adoption_count)
        for s in ExampleSustainSummary.objects.select_related("example")
    }


def test_load_demo_adds_histories_once(client):
    call_command("load_demo", verbosity=0)
    first = (_summaries(), CheckInAnswer.objects.count(), Adoption.objects.count())
    call_command("load_demo", verbosity=0)

    assert (_summaries(), CheckInAnswer.objects.count(), Adoption.objects.count()) == first
    summaries = first[0]
    assert summaries["Same-day emergency care kept 40 patients a day off trolleys"] == (
        "scaled",
        "",
        2,
    )
    assert summaries["Pooled home care rotas during the January snow"][:2] == (
        "reverted",
        AlertReason.REVERTED,
    )
    assert summaries["Pharmacists treated minor illness so GPs could see sicker patients"][:2] == (
        "no_answer",
        AlertReason.SILENT,
    )
    assert summaries["Face shields 3D-printed locally within a fortnight"][1] == AlertReason.RISK

    reverted = ExampleSustainSummary.objects.get(
        example__title="Pooled home care rotas during the January snow"
    ).example
    html = client.get(reverted.get_absolute_url()).content.decode()
    assert "Reverted at 6 months" in html
    assert "Still in place at 3 months" in html
    gallery = client.get(reverse("examples:gallery"), {"sustain_status": "reverted"})
    assert "Reverted at 6 months" in gallery.content.decode()
