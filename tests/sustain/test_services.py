"""Check-in scheduling, links, answers, adoptions and alerts (time-dependent parts with time-machine)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exchange.core.caching import published_examples_generation
from exchange.core.models import AuditEntry
from exchange.examples.models import ExampleStatus
from exchange.examples.services import example_approve, example_submit, example_withdraw
from exchange.sustain import services
from exchange.sustain.measure_input import MeasureValuesError
from exchange.sustain.models import (
    Adoption,
    AlertReason,
    AtRiskDigestRun,
    CheckIn,
    CheckInAnswer,
    CheckInLink,
    CheckInState,
    CheckInStatus,
    ExampleSustainSummary,
    Measure,
    MeasureValue,
)
from tests.factories import (
    AdminFactory,
    CampaignFactory,
    ExampleFactory,
    ModeratorFactory,
    OrganiserFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    UserFactory,
)
from tests.sustain.factories import (
    SHIFTED,
    STEADY,
    ContactFactory,
    MeasureFactory,
    links_in_outbox,
    measure_with_values,
    weekly,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 31, 10, 0, tzinfo=dt.UTC)


def publish(**kwargs):
    """An example a moderator approves at START (so its check-ins are scheduled from then)."""
    example = SubmittedExampleFactory(**kwargs)
    with time_machine.travel(START, tick=False):
        return example_approve(actor=ModeratorFactory(), example=example)


def answer(pk, token, status=CheckInStatus.RETAINED, **kwargs):
    return services.checkin_answer(example_id=pk, token=token, status=status, **kwargs)


# Scheduling ---------------------------------------------------------------------------------


def test_months_add_keeps_the_day_or_the_end_of_a_shorter_month():
    assert services.months_add(START, 1).date() == dt.date(2026, 2, 28)
    assert services.months_add(START, 3).date() == dt.date(2026, 4, 30)
    assert services.months_add(START, 12).date() == dt.date(2027, 1, 31)
    assert services.months_add(START, 25).date() == dt.date(2028, 2, 29)


def test_approving_schedules_check_ins_at_3_6_and_12_months():
    example = publish()

    check_ins = list(CheckIn.objects.filter(example=example))
    assert [(c.months, c.due_at.date(), c.state) for c in check_ins] == [
        (3, dt.date(2026, 4, 30), CheckInState.SCHEDULED),
        (6, dt.date(2026, 7, 31), CheckInState.SCHEDULED),
        (12, dt.date(2027, 1, 31), CheckInState.SCHEDULED),
    ]
    assert ExampleSustainSummary.objects.filter(example=example, latest_status="").exists()
    assert AuditEntry.objects.filter(action="checkin.schedule", target_id=str(example.pk)).exists()


def test_scheduling_again_changes_nothing():
    example = publish()
    services.checkins_schedule(actor=None, example=example)

    assert CheckIn.objects.filter(example=example).count() == 3


def test_campaign_settings_choose_the_months():
    campaign = CampaignFactory()
    services.campaign_checkin_settings_set(actor=AdminFactory(), campaign=campaign, months=[1, 24])

    example = publish(campaign=campaign)

    assert sorted(CheckIn.objects.filter(example=example).values_list("months", flat=True)) == [
        1,
        24,
    ]


def test_a_campaign_can_send_no_check_ins():
    campaign = CampaignFactory()
    services.campaign_checkin_settings_set(actor=AdminFactory(), campaign=campaign, months=[])

    assert not CheckIn.objects.filter(example=publish(campaign=campaign)).exists()


def test_only_administrators_change_check_in_settings():
    with pytest.raises(PermissionDenied):
        services.campaign_checkin_settings_set(
            actor=ModeratorFactory(), campaign=CampaignFactory(), months=[3]
        )


@pytest.mark.parametrize("text", ["0", "61", "three", "3, x"])
def test_months_outside_1_to_60_are_refused(text):
    with pytest.raises(services.SustainError):
        services.months_parse(text)


def test_publishing_without_pre_moderation_schedules_check_ins_too():
    example = ExampleFactory(campaign=CampaignFactory(pre_moderation=False))

    example = example_submit(actor=example.author, example=example)

    assert example.status == ExampleStatus.PUBLISHED
    assert CheckIn.objects.filter(example=example).count() == 3


# Sending, reminding, no answer ----------------------------------------------------------------


def test_nothing_is_sent_before_a_check_in_is_due(tick):
    publish()
    with time_machine.travel(START + dt.timedelta(days=88)):
        assert tick()["sent"] == 0
    assert mail.outbox == []


def test_a_due_check_in_emails_the_author_and_each_contact_their_own_link(tick):
    example = publish()
    contact = ContactFactory(example=example, email="colleague@example.org")

    with time_machine.travel(START + dt.timedelta(days=90)):
        assert tick()["sent"] == 1
        assert tick()["sent"] == 0  # sent once

    assert sorted(m.to[0] for m in mail.outbox) == sorted([example.author.email, contact.email])
    assert "still in place" in mail.outbox[0].subject
    tokens = {token for _pk, token in links_in_outbox()}
    assert len(tokens) == 2
    check_in = CheckIn.objects.get(example=example, months=3)
    assert check_in.state == CheckInState.SENT
    # Only digests of the tokens are stored.
    stored = set(CheckInLink.objects.values_list("token_hash", flat=True))
    assert stored == {services.token_digest(t) for t in tokens}
    assert not stored & tokens


def test_check_ins_of_a_withdrawn_example_are_cancelled(tick):
    example = publish()
    example_withdraw(actor=example.author, example=example)

    with time_machine.travel(START + dt.timedelta(days=90)):
        tick()

    assert mail.outbox == []
    assert CheckIn.objects.get(example=example, months=3).state == CheckInState.CANCELLED


def test_one_reminder_after_7_days_with_a_fresh_link(tick):
    example = publish()
    sent_at = START + dt.timedelta(days=90)
    with time_machine.travel(sent_at):
        tick()
    with time_machine.travel(sent_at + dt.timedelta(days=6)):
        assert tick()["reminded"] == 0
    with time_machine.travel(sent_at + dt.timedelta(days=7, minutes=1)):
        assert tick()["reminded"] == 1
        assert tick()["reminded"] == 0

    assert [m.subject.startswith("Reminder") for m in mail.outbox] == [False, True]
    first, second = links_in_outbox(example.author.email)
    assert first != second
    # Either link answers the check-in.
    with time_machine.travel(sent_at + dt.timedelta(days=8)):
        answer(*first)
    assert CheckIn.objects.get(example=example, months=3).state == CheckInState.ANSWERED


def test_no_answer_is_recorded_after_30_days_and_the_example_goes_silent(tick):
    example = publish()
    sent_at = START + dt.timedelta(days=90)
    with time_machine.travel(sent_at):
        tick()
    with time_machine.travel(sent_at + dt.timedelta(days=29)):
        assert tick()["no_answer"] == 0
    with time_machine.travel(sent_at + dt.timedelta(days=30, minutes=1)):
        assert tick()["no_answer"] == 1
        ((pk, token), *_rest) = links_in_outbox()
        with pytest.raises(services.CheckInLinkError, match="expired") as error:
            answer(pk, token)
    assert error.value.status == 410

    check_in = CheckIn.objects.get(example=example, months=3)
    assert check_in.state == CheckInState.NO_ANSWER
    summary = ExampleSustainSummary.objects.get(example=example)
    assert (summary.latest_status, summary.alert_reason) == ("no_answer", AlertReason.SILENT)
    assert AuditEntry.objects.filter(action="checkin.no_answer").count() == 1


# Answering ----------------------------------------------------------------------------------


@pytest.fixture
def sent(tick):
    """A published example whose 3-month check-in was emailed; returns (example, pk, token)."""
    example = publish()
    with time_machine.travel(START + dt.timedelta(days=90)):
        tick()
        ((pk, token),) = links_in_outbox()
        yield example, pk, token


def test_an_answer_is_recorded_shown_in_the_summary_and_audited(sent):
    example, pk, token = sent

    result = answer(pk, token, CheckInStatus.ADAPTED, helped=" A rota ", hindered="Staff moves")

    assert (result.status, result.helped, result.hindered) == ("adapted", "A rota", "Staff moves")
    assert result.check_in.state == CheckInState.ANSWERED
    summary = ExampleSustainSummary.objects.get(example=example)
    assert (summary.latest_status, summary.latest_months, summary.alert_reason) == (
        "adapted",
        3,
        "",
    )
    entry = AuditEntry.objects.get(action="checkin.answer")
    assert entry.data["status"] == "adapted"
    assert entry.actor == example.author


def test_a_link_works_only_once(sent):
    _example, pk, token = sent
    answer(pk, token)

    with pytest.raises(services.CheckInLinkError, match="already been answered") as error:
        answer(pk, token, CheckInStatus.REVERTED)

    assert error.value.status == 410
    assert list(CheckInAnswer.objects.values_list("status", flat=True)) == ["retained"]


def test_a_contacts_link_says_answered_once_anyone_answered(tick):
    example = publish()
    ContactFactory(example=example)
    with time_machine.travel(START + dt.timedelta(days=90)):
        tick()
        first, second = links_in_outbox()
        answer(*first)

        with pytest.raises(services.CheckInLinkError, match="already been answered"):
            services.checkin_link_check(example_id=second[0], token=second[1])


def test_a_link_for_another_example_is_not_found(sent):
    _example, _pk, token = sent
    other = PublishedExampleFactory()

    with pytest.raises(services.CheckInLinkError, match="not valid") as error:
        answer(other.pk, token)

    assert error.value.status == 404
    assert not CheckInAnswer.objects.exists()


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t[:20], lambda t: "x"]
)
def test_a_tampered_token_is_not_found(sent, tamper):
    _example, pk, token = sent

    with pytest.raises(services.CheckInLinkError, match="not valid"):
        answer(pk, tamper(token))

    assert not CheckInAnswer.objects.exists()


def test_a_bad_answer_writes_nothing(sent):
    example, pk, token = sent

    with pytest.raises(services.SustainError):
        answer(pk, token, "no_answer")
    with pytest.raises(services.SustainError, match="revert"):
        answer(pk, token, CheckInStatus.RETAINED, at_risk=True, risk_note=" ")

    assert not CheckInAnswer.objects.exists()
    assert CheckIn.objects.get(example=example, months=3).state == CheckInState.SENT


@pytest.mark.parametrize(
    ("status", "at_risk", "reason"),
    [
        (CheckInStatus.REVERTED, False, AlertReason.REVERTED),
        (CheckInStatus.STOPPED, False, AlertReason.REVERTED),
        (CheckInStatus.RETAINED, True, AlertReason.RISK),
        (CheckInStatus.SCALED, False, ""),
    ],
)
def test_answers_raise_or_clear_alerts(sent, status, at_risk, reason):
    example, pk, token = sent

    answer(pk, token, status, at_risk=at_risk, risk_note="The funding ends" if at_risk else "")

    summary = ExampleSustainSummary.objects.get(example=example)
    assert summary.alert_reason == reason
    assert (summary.alert_since is not None) == bool(reason)


def test_answers_keep_their_history(tick):
    """Each milestone's answer stays; later ones are added, never written over."""
    example = publish()
    for days, status in [(90, CheckInStatus.RETAINED), (182, CheckInStatus.REVERTED)]:
        mail.outbox.clear()
        with time_machine.travel(START + dt.timedelta(days=days)):
            tick()
            answer(*links_in_outbox()[0], status)

    assert list(
        CheckInAnswer.objects.order_by("check_in__months").values_list("check_in__months", "status")
    ) == [(3, "retained"), (6, "reverted")]
    assert ExampleSustainSummary.objects.get(example=example).latest_status == "reverted"


# Adoptions ------------------------------------------------------------------------------------


def test_recording_an_adoption_counts_it_and_schedules_the_adopters_check_ins(tick):
    example = publish()
    adopter = UserFactory()

    adoption = services.adoption_record(
        actor=adopter,
        example=example,
        organisation=" North Trust ",
        adopted_on=dt.date(2026, 1, 15),
        how_adapted="Weekly instead of daily",
    )

    assert adoption.organisation == "North Trust"
    assert ExampleSustainSummary.objects.get(example=example).adoption_count == 1
    assert CheckIn.objects.filter(adoption=adoption).count() == 3
    with time_machine.travel(adoption.created_at + dt.timedelta(days=93)):
        tick()
    adopter_links = links_in_outbox(adopter.email)
    assert len(adopter_links) == 1
    answer(*adopter_links[0], CheckInStatus.SCALED)
    adoption.refresh_from_db()
    assert adoption.latest_status == "scaled"
    # An adopter's answer is about their adoption, not the example's own status.
    assert ExampleSustainSummary.objects.get(example=example).latest_status != "scaled"


def test_the_same_organisation_cannot_record_twice():
    example = PublishedExampleFactory()
    adopter = UserFactory()
    kwargs = {"example": example, "adopted_on": dt.date.today(), "how_adapted": "As is"}
    services.adoption_record(actor=adopter, organisation="North Trust", **kwargs)

    with pytest.raises(services.AdoptionInvalidError) as error:
        services.adoption_record(actor=adopter, organisation="north trust", **kwargs)

    assert "organisation" in error.value.errors
    assert Adoption.objects.count() == 1


def test_adoption_bad_input_writes_nothing():
    example = PublishedExampleFactory()
    with pytest.raises(services.AdoptionInvalidError) as error:
        services.adoption_record(
            actor=UserFactory(),
            example=example,
            organisation="",
            adopted_on=timezone.localdate() + dt.timedelta(days=1),
            how_adapted=" ",
        )
    assert set(error.value.errors) == {"organisation", "adopted_on", "how_adapted"}
    with pytest.raises(services.SustainError, match="published"):
        services.adoption_record(
            actor=UserFactory(),
            example=SubmittedExampleFactory(),
            organisation="X",
            adopted_on=dt.date.today(),
            how_adapted="Y",
        )
    with pytest.raises(PermissionDenied):
        services.adoption_record(
            actor=AnonymousUser(),
            example=example,
            organisation="X",
            adopted_on=dt.date.today(),
            how_adapted="Y",
        )
    assert not Adoption.objects.exists()
    assert not CheckIn.objects.exists()


# Contacts -------------------------------------------------------------------------------------


def test_only_the_author_names_contacts_and_each_address_once():
    example = PublishedExampleFactory()
    services.contact_add(actor=example.author, example=example, name="Sam", email="Sam@Example.org")

    with pytest.raises(services.SustainError, match="already"):
        services.contact_add(
            actor=example.author, example=example, name="Sam", email="sam@example.org"
        )
    with pytest.raises(PermissionDenied):
        services.contact_add(actor=UserFactory(), example=example, name="X", email="x@example.org")
    assert example.check_in_contacts.get().email == "sam@example.org"


# Weekly digest --------------------------------------------------------------------------------


def test_the_digest_goes_to_moderators_and_organisers_once_a_week(
    sent, django_capture_on_commit_callbacks
):
    example, pk, token = sent
    answer(pk, token, CheckInStatus.REVERTED)
    moderator, organiser, participant = ModeratorFactory(), OrganiserFactory(), UserFactory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)):
            sent_to = services.at_risk_digest_send()
            assert services.at_risk_digest_send() == 0
        with time_machine.travel(dt.datetime(2026, 5, 11, 9, tzinfo=dt.UTC)):
            assert services.at_risk_digest_send() == sent_to

    recipients = {m.to[0] for m in mail.outbox}
    assert {moderator.email, organiser.email} <= recipients
    assert participant.email not in recipients
    assert example.title in mail.outbox[0].body
    assert AtRiskDigestRun.objects.count() == 2


def test_no_digest_email_when_nothing_is_at_risk(django_capture_on_commit_callbacks):
    ModeratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.at_risk_digest_send() == 0
    assert mail.outbox == []


# The tick and the admin ------------------------------------------------------------------------


def test_sustain_tick_queues_the_scheduled_job(django_capture_on_commit_callbacks):
    example = publish()
    out = io.StringIO()

    with (
        time_machine.travel(START + dt.timedelta(days=91)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("sustain_tick", stdout=out)

    assert "checkins_run" in out.getvalue()
    assert CheckIn.objects.get(example=example, months=3).state == CheckInState.SENT
    assert [m.to for m in mail.outbox] == [[example.author.email]]


def test_administrators_set_a_campaigns_months_in_the_admin(client):
    admin = AdminFactory()
    admin.is_staff = True
    admin.save()
    campaign = CampaignFactory()
    client.force_login(admin)
    url = reverse("admin:sustain_campaigncheckinsettings_add")

    bad = client.post(url, {"campaign": campaign.pk, "months_text": "3, 99"})
    assert "is not a number of months from 1 to 60" in bad.content.decode()
    response = client.post(url, {"campaign": campaign.pk, "months_text": "12, 1, 12"})

    assert response.status_code == 302
    assert services.campaign_checkin_months(campaign_id=campaign.pk) == [1, 12]
    assert AuditEntry.objects.filter(action="campaign.checkin_settings").count() == 1


pytestmark = pytest.mark.django_db


def test_measure_create_audits_and_refuses_a_second_measure_of_the_same_name():
    example = PublishedExampleFactory()
    author = example.author
    measure = services.measure_create(
        example=example,
        actor=author,
        name=" Days to approval ",
        unit="days",
        improvement="decrease",
        target=Decimal("10"),
        rebase_dates=[dt.date(2026, 3, 2), dt.date(2026, 1, 5), dt.date(2026, 3, 2)],
    )
    assert measure.name == "Days to approval"
    assert measure.rebase_dates == ["2026-01-05", "2026-03-02"]
    assert measure.created_by == author
    assert AuditEntry.objects.filter(action="measure.create", target_id=str(measure.pk)).exists()
    with pytest.raises(services.MeasureError, match="already has a measure"):
        services.measure_create(example=example, actor=author, name="days to approval")
    assert Measure.objects.count() == 1


def test_values_add_stores_the_latest_variation_for_the_gallery():
    measure = measure_with_values(SHIFTED)
    assert measure.value_count == 20
    assert measure.latest_variation == "improvement_high"
    assert measure.latest_assurance == ""
    steady = measure_with_values(STEADY, target=Decimal("30"))
    assert steady.latest_variation == "common_cause"
    assert steady.latest_assurance == "consistent_fail"


def test_values_add_is_all_or_nothing_when_a_date_exists():
    measure = measure_with_values(STEADY[:5])
    new = weekly([1, 2, 3], start=dt.date(2030, 1, 1)) + weekly([99])  # the last one exists
    with pytest.raises(MeasureValuesError) as caught:
        services.measure_values_add(measure=measure, values=new, actor=None)
    assert [str(e) for e in caught.value.errors] == [
        "Row 4, column “date”: there is already a value for 2025-01-06"
    ]
    assert MeasureValue.objects.filter(measure=measure).count() == 5
    measure.refresh_from_db()
    assert measure.value_count == 5


def test_values_add_rejects_repeated_dates_and_names_the_given_rows():
    measure = MeasureFactory()
    values = weekly([1, 2]) + weekly([3])
    with pytest.raises(MeasureValuesError) as caught:
        services.measure_values_add(measure=measure, values=values, rows=[2, 3, 4], actor=None)
    assert str(caught.value.errors[0]).startswith(
        "Row 4, column “date”: 2025-01-06 is also on row 2"
    )
    assert not MeasureValue.objects.exists()


def test_values_add_refuses_nothing_and_too_many(settings):
    measure = MeasureFactory()
    with pytest.raises(MeasureValuesError, match="at least one"):
        services.measure_values_add(measure=measure, values=[], actor=None)
    settings.MEASURE_MAX_VALUES = 4
    with pytest.raises(MeasureValuesError, match="at most 4 values"):
        services.measure_values_add(measure=measure, values=weekly([1] * 5), actor=None)
    assert not MeasureValue.objects.exists()


def test_values_add_writes_an_audit_entry_and_retires_cached_pages():
    measure = MeasureFactory()
    user = UserFactory()
    before = published_examples_generation()
    services.measure_values_add(measure=measure, values=weekly([1, 2, 3]), actor=user)
    entry = AuditEntry.objects.get(action="measure.values_add")
    assert entry.actor == user
    assert entry.data == {
        "count": 3,
        "first": "2025-01-06",
        "last": "2025-01-20",
        "source": "form",
    }
    assert published_examples_generation() != before


def test_value_delete_recomputes_the_summary():
    measure = measure_with_values([*STEADY, 40])
    assert measure.latest_variation == "improvement_high"
    last = MeasureValue.objects.filter(measure=measure).order_by("date").last()
    services.measure_value_delete(value=last, actor=None)
    measure.refresh_from_db()
    assert (measure.value_count, measure.latest_variation) == (20, "common_cause")
    assert AuditEntry.objects.filter(action="measure.value_delete").exists()


def test_update_recomputes_with_the_new_direction_target_baseline_and_rebase():
    measure = measure_with_values(SHIFTED)
    services.measure_update(
        measure=measure,
        actor=None,
        name=measure.name,
        unit="",
        improvement="decrease",
        target=Decimal("5"),
        baseline_points=12,
        rebase_dates=[],
    )
    measure.refresh_from_db()
    assert measure.latest_variation == "concern_high"
    assert measure.latest_assurance == "consistent_fail"  # lower is better, target below LPL
    services.measure_update(
        measure=measure,
        actor=None,
        name=measure.name,
        unit="",
        improvement="decrease",
        target=None,
        baseline_points=None,
        rebase_dates=[dt.date(2025, 3, 17)],  # the week of the shift: a new period begins
    )
    measure.refresh_from_db()
    assert measure.latest_variation == "common_cause"
    entry = AuditEntry.objects.filter(action="measure.update").first()
    assert set(entry.data["changed"]) == {"target", "baseline_points", "rebase_dates"}


def test_update_refuses_a_name_taken_by_another_measure():
    first = MeasureFactory(name="Waiting days")
    second = MeasureFactory(example=first.example, name="Other")
    with pytest.raises(services.MeasureError):
        services.measure_update(
            measure=second,
            actor=None,
            name="waiting days",
            unit="",
            improvement="increase",
            target=None,
            baseline_points=None,
            rebase_dates=[],
        )


def test_measure_delete_removes_values_and_audits():
    measure = measure_with_values([1, 2, 3])
    services.measure_delete(measure=measure, actor=None)
    assert not Measure.objects.exists()
    assert not MeasureValue.objects.exists()
    assert AuditEntry.objects.get(action="measure.delete").data["values"] == 3
