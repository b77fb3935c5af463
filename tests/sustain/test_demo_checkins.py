"""First start of the demo: one check-in due (the demo participant's) and no other burst of
emails; moderators can send an example's next check-in at once."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.sustain import services
from exchange.sustain.models import CheckIn, CheckInState
from tests.factories import ModeratorFactory, PublishedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

TICKS = ("events_tick", "sustain_tick", "workshops_tick", "files_tick")


def test_first_tick_after_load_demo_sends_only_the_participants_check_in(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://127.0.0.1:8010"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        for tick in TICKS:  # what bin/serve runs on start, the worker running each job at once
            call_command(tick, stdout=io.StringIO())

    assert [m.to for m in mailoutbox] == [["participant@example.org"]]
    assert "http://127.0.0.1:8010/examples/" in mailoutbox[0].body
    assert "/check-in/" in mailoutbox[0].body

    # Later starts send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
        for tick in TICKS:
            call_command(tick, stdout=io.StringIO())
    assert len(mailoutbox) == 1


def test_no_demo_user_is_asked_two_milestones_at_once():
    call_command("load_demo", verbosity=0)
    due = CheckIn.objects.filter(state=CheckInState.SCHEDULED, due_at__lte=timezone.now())
    assert due.count() == 1
    assert due.get().adoption.user.email == "participant@example.org"


def _example_with_check_ins():
    example = PublishedExampleFactory()
    services.checkins_schedule(actor=None, example=example)
    return example


def test_moderator_sends_the_next_check_in_now(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    example = _example_with_check_ins()
    moderator = ModeratorFactory()
    client.force_login(moderator)

    page = client.get(example.get_absolute_url()).content.decode()
    assert "Send the check-in now" in page
    assert reverse("sustain:checkin_send_now", kwargs={"pk": example.pk}) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sustain:checkin_send_now", kwargs={"pk": example.pk}))

    assert response.status_code == 302
    assert response["Location"] == example.get_absolute_url()
    first = CheckIn.objects.filter(example=example).order_by("months").first()
    assert first.state == CheckInState.SENT
    assert CheckIn.objects.filter(example=example, state=CheckInState.SENT).count() == 1
    assert [m.to for m in mailoutbox] == [[example.author.email]]
    entry = AuditEntry.objects.get(action="checkin.send_now")
    assert entry.actor == moderator
    assert entry.data["months"] == first.months


def test_the_button_is_for_moderators_only(client):
    example = _example_with_check_ins()
    client.force_login(UserFactory())
    assert "Send the check-in now" not in client.get(example.get_absolute_url()).content.decode()


def test_service_checks_the_actor():
    example = _example_with_check_ins()
    with pytest.raises(PermissionDenied):
        services.checkin_send_now(actor=example.author, example=example)
    assert not CheckIn.objects.filter(example=example, state=CheckInState.SENT).exists()


def test_nothing_waiting_is_refused_with_a_message(client):
    example = PublishedExampleFactory()  # no check-ins scheduled
    client.force_login(ModeratorFactory())
    response = client.post(
        reverse("sustain:checkin_send_now", kwargs={"pk": example.pk}), follow=True
    )
    assert "no check-in waiting" in response.content.decode()
    assert not AuditEntry.objects.filter(action="checkin.send_now").exists()
