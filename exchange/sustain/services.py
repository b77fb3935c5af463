"""Writes for sustaining gains.

Check-ins, contacts, adoptions and at-risk alerts
-------------------------------------------------
Publishing an example schedules its check-ins (`checkins_schedule`, called by the example
services); `sustain_tick` queues `checkins_run`, which emails the check-ins that fell due
(`checkins_send_due`), reminds once (`checkins_remind`) and closes unanswered ones
(`checkins_close_unanswered`). Every step is idempotent and locks the check-in row it changes,
so several workers may run it at once. Each answer is a new row; nothing here edits one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exchange.core.caching import published_examples_changed
from exchange.core.permissions import Perm, permission_holder_emails
from exchange.core.services import audit_log, email_send
from exchange.core.tokens import token_digest
from exchange.examples.hooks import example_change_lost
from exchange.examples.models import Campaign, Example, ExampleStatus
from exchange.sustain import selectors
from exchange.sustain.measure_input import MeasureValuesError, RowError, duplicate_dates_errors
from exchange.sustain.models import (
    LOST_STATUSES,
    Adoption,
    AlertReason,
    AtRiskDigestRun,
    CampaignCheckInSettings,
    CheckIn,
    CheckInAnswer,
    CheckInLink,
    CheckInState,
    CheckInStatus,
    ExampleContact,
    ExampleSustainSummary,
    Measure,
    MeasureValue,
)

MAX_CHECKIN_MONTHS = 60
DIGEST_LIST_LIMIT = 20


class SustainError(Exception):
    """A request the check-in, contact or adoption rules do not allow; `message` is shown."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class CheckInLinkError(SustainError):
    """A check-in link that cannot be used; `status` is the HTTP status to answer with."""

    def __init__(self, message: Any, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def months_add(moment: dt.datetime, months: int) -> dt.datetime:
    """The same time `months` calendar months later (31 January + 1 month is 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _summary_for(example_id: int) -> ExampleSustainSummary:
    """The example's summary row, locked; created the first time it is needed."""
    ExampleSustainSummary.objects.get_or_create(example_id=example_id)
    return ExampleSustainSummary.objects.select_for_update().get(example_id=example_id)


# Campaign settings ----------------------------------------------------------------------------


def months_parse(text: str) -> list[int]:
    """ "3, 6, 12" → [3, 6, 12]; raises SustainError naming the first value that is wrong."""
    months: set[int] = set()
    for raw in text.replace(";", ",").split(","):
        value = raw.strip()
        if not value:
            continue
        if not value.isdigit() or not 1 <= int(value) <= MAX_CHECKIN_MONTHS:
            raise SustainError(
                _("“%(value)s” is not a number of months from 1 to %(max)d")
                % {"value": value, "max": MAX_CHECKIN_MONTHS}
            )
        months.add(int(value))
    return sorted(months)


def campaign_checkin_months(*, campaign_id: int) -> list[int]:
    """The campaign's own months, or the site's default (settings.SUSTAIN_CHECKIN_MONTHS)."""
    own = CampaignCheckInSettings.objects.filter(campaign_id=campaign_id).first()
    if own is not None:
        return sorted(own.months)
    return sorted(settings.SUSTAIN_CHECKIN_MONTHS)


@transaction.atomic
def campaign_checkin_settings_set(
    *, actor: Any, campaign: Campaign, months: Sequence[int]
) -> CampaignCheckInSettings:
    """Administrators choose when a campaign's examples are checked in on (future schedules)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(Perm.MANAGE_CAMPAIGNS):
        raise PermissionDenied
    chosen = months_parse(",".join(str(m) for m in months))
    campaign_settings, _created = CampaignCheckInSettings.objects.update_or_create(
        campaign=campaign, defaults={"months": chosen}
    )
    audit_log(actor=actor, action="campaign.checkin_settings", target=campaign, months=chosen)
    return campaign_settings


# Scheduling -----------------------------------------------------------------------------------


def checkins_schedule(
    *, actor: Any, example: Example, adoption: Adoption | None = None
) -> list[CheckIn]:
    """Create the check-ins of a just-published example (or of a new adoption of it).

    Due dates count from publication (or from when the adoption was recorded). Milestones that
    already exist are kept, so calling it again changes nothing. Call inside the transaction
    that published the example or recorded the adoption.
    """
    start = adoption.created_at if adoption is not None else example.published_at
    if start is None:
        return []
    months = campaign_checkin_months(campaign_id=example.campaign_id)
    CheckIn.objects.bulk_create(
        [
            CheckIn(example=example, adoption=adoption, months=m, due_at=months_add(start, m))
            for m in months
        ],
        ignore_conflicts=True,
    )
    if adoption is None:
        ExampleSustainSummary.objects.get_or_create(example=example)
    audit_log(
        actor=actor,
        action="checkin.schedule",
        target=example,
        months=months,
        adoption=adoption.pk if adoption is not None else None,
    )
    return list(CheckIn.objects.filter(example=example, adoption=adoption).order_by("months"))


def _recipients(check_in: CheckIn) -> list[dict[str, Any]]:
    """Who is asked: an adoption's recorder, or the example's author and its named contacts."""
    if check_in.adoption is not None:
        user = check_in.adoption.user
        return [{"user": user, "name": user.public_name, "email": user.email}]
    author = check_in.example.author
    people: list[dict[str, Any]] = [
        {"user": author, "name": author.public_name, "email": author.email}
    ]
    people += [
        {"contact": contact, "name": contact.name, "email": contact.email}
        for contact in check_in.example.check_in_contacts.all()
    ]
    return people


def _links_email(check_in: CheckIn, *, now: dt.datetime, reminder: bool) -> int:
    """Email each recipient a fresh single-use link; returns how many were sent."""
    assert check_in.sent_at is not None
    expires_at = check_in.sent_at + dt.timedelta(days=settings.SUSTAIN_ANSWER_DAYS)
    sent = 0
    for person in _recipients(check_in):
        if not person["email"]:
            continue
        token = secrets.token_urlsafe(32)
        CheckInLink.objects.create(
            check_in=check_in,
            token_hash=token_digest(token),
            user=person.get("user"),
            contact=person.get("contact"),
            is_reminder=reminder,
            expires_at=expires_at,
        )
        url = reverse("sustain:checkin_answer", kwargs={"pk": check_in.example_id, "token": token})
        email_send(
            to=[person["email"]],
            template="emails/checkin_reminder" if reminder else "emails/checkin_request",
            context={
                "example": check_in.example,
                "check_in": check_in,
                "name": person["name"],
                "answer_url": settings.SITE_URL + url,
                "expires_at": expires_at,
            },
        )
        sent += 1
    return sent


def _due_lock(pk: int, *, state: str) -> CheckIn | None:
    """The check-in, locked, if it is still in `state` (another worker may have taken it)."""
    queryset = CheckIn.objects.select_for_update(skip_locked=True, of=("self",))
    check_in = queryset.filter(pk=pk, state=state).first()
    if check_in is None:
        return None
    return (
        CheckIn.objects.select_related("example__author", "example__campaign", "adoption__user")
        .prefetch_related("example__check_in_contacts")
        .get(pk=pk)
    )


def _each_locked(
    queryset: QuerySet[CheckIn], *, state: str, action: Callable[[CheckIn], bool]
) -> int:
    """Run `action` on each check-in of `queryset` still in `state`, each locked in its own
    transaction (an error rolls back only that one). Returns how many it returned True for."""
    done = 0
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            check_in = _due_lock(pk, state=state)
            if check_in is not None and action(check_in):
                done += 1
    return done


def checkins_send_due(*, now: dt.datetime | None = None) -> int:
    """Email every check-in that has fallen due; check-ins of unpublished examples are dropped."""
    now = now or timezone.now()
    due = CheckIn.objects.filter(state=CheckInState.SCHEDULED, due_at__lte=now)

    def send(check_in: CheckIn) -> bool:
        if check_in.example.status != ExampleStatus.PUBLISHED:
            check_in.state, check_in.closed_at = CheckInState.CANCELLED, now
            check_in.save(update_fields=["state", "closed_at"])
            audit_log(actor=None, action="checkin.cancel", target=check_in.example)
            return False
        check_in.state, check_in.sent_at = CheckInState.SENT, now
        check_in.save(update_fields=["state", "sent_at"])
        _links_email(check_in, now=now, reminder=False)
        audit_log(
            actor=None, action="checkin.send", target=check_in.example, months=check_in.months
        )
        return True

    return _each_locked(due, state=CheckInState.SCHEDULED, action=send)


def checkin_send_now(*, actor: Any, example: Example, now: dt.datetime | None = None) -> CheckIn:
    """A moderator sends the example's next scheduled check-in at once, instead of on its due
    date (to see the loop working, or when the people behind it asked). Audited.

    Raises PermissionDenied for anyone who may not moderate examples, and SustainError when the
    example is not published or has no check-in waiting to be sent.
    """
    if not actor.has_perm(Perm.MODERATE_EXAMPLES):
        raise PermissionDenied
    now = now or timezone.now()
    if example.status != ExampleStatus.PUBLISHED:
        raise SustainError(gettext("Only a published example's check-ins can be sent."))
    with transaction.atomic():
        next_pk = (
            CheckIn.objects.filter(
                example=example, adoption__isnull=True, state=CheckInState.SCHEDULED
            )
            .order_by("due_at")
            .values_list("pk", flat=True)
            .first()
        )
        check_in = _due_lock(next_pk, state=CheckInState.SCHEDULED) if next_pk else None
        if check_in is None:
            raise SustainError(gettext("This example has no check-in waiting to be sent."))
        check_in.state, check_in.sent_at = CheckInState.SENT, now
        check_in.save(update_fields=["state", "sent_at"])
        sent = _links_email(check_in, now=now, reminder=False)
        audit_log(
            actor=actor,
            action="checkin.send_now",
            target=example,
            months=check_in.months,
            due_at=check_in.due_at.isoformat(),
            recipients=sent,
        )
    return check_in


def checkins_remind(*, now: dt.datetime | None = None) -> int:
    """Once, `SUSTAIN_REMINDER_DAYS` after the first email, ask again with fresh links."""
    now = now or timezone.now()
    waiting = CheckIn.objects.filter(
        state=CheckInState.SENT,
        reminded_at__isnull=True,
        sent_at__lte=now - dt.timedelta(days=settings.SUSTAIN_REMINDER_DAYS),
        sent_at__gt=now - dt.timedelta(days=settings.SUSTAIN_ANSWER_DAYS),
    )

    def remind(check_in: CheckIn) -> bool:
        if check_in.reminded_at is not None:
            return False
        check_in.reminded_at = now
        check_in.save(update_fields=["reminded_at"])
        _links_email(check_in, now=now, reminder=True)
        audit_log(
            actor=None, action="checkin.remind", target=check_in.example, months=check_in.months
        )
        return True

    return _each_locked(waiting, state=CheckInState.SENT, action=remind)


def checkins_close_unanswered(*, now: dt.datetime | None = None) -> int:
    """Record "no answer" for check-ins sent `SUSTAIN_ANSWER_DAYS` ago; the example goes silent."""
    now = now or timezone.now()
    overdue = CheckIn.objects.filter(
        state=CheckInState.SENT,
        sent_at__lte=now - dt.timedelta(days=settings.SUSTAIN_ANSWER_DAYS),
    )

    def close(check_in: CheckIn) -> bool:
        check_in.state, check_in.closed_at = CheckInState.NO_ANSWER, now
        check_in.save(update_fields=["state", "closed_at"])
        checkin_outcome_record(check_in, status=CheckInStatus.NO_ANSWER, at_risk=False, at=now)
        audit_log(
            actor=None, action="checkin.no_answer", target=check_in.example, months=check_in.months
        )
        return True

    closed = _each_locked(overdue, state=CheckInState.SENT, action=close)
    if closed:
        published_examples_changed()
    return closed


def checkin_outcome_record(
    check_in: CheckIn, *, status: str, at_risk: bool, at: dt.datetime
) -> None:
    """Carry a check-in's outcome to its adoption or to the example's summary and alert."""
    if check_in.adoption_id is not None:
        Adoption.objects.filter(pk=check_in.adoption_id).update(latest_status=status)
        return
    summary = _summary_for(check_in.example_id)
    if summary.latest_months is not None and check_in.months < summary.latest_months:
        return  # a later milestone has already been heard from
    summary.latest_status = status
    summary.latest_months = check_in.months
    summary.latest_at = at
    if status in LOST_STATUSES:
        reason = AlertReason.REVERTED
        # A change that did not last is no longer held up as an example to follow.
        example_change_lost(example_id=check_in.example_id, status=status)
    elif status == CheckInStatus.NO_ANSWER:
        reason = AlertReason.SILENT
    elif at_risk:
        reason = AlertReason.RISK
    else:
        reason = ""
    if reason != summary.alert_reason:
        summary.alert_since = at if reason else None
    summary.alert_reason = reason
    summary.save()


# Answering ------------------------------------------------------------------------------------


def checkin_link_check(
    *, example_id: int, token: str, now: dt.datetime | None = None
) -> CheckInLink:
    """The link for this token if it may still be answered; otherwise CheckInLinkError saying why.

    A token that was never issued (mistyped, tampered with) and a token for another example are
    both "not found": the page never says which examples have links.
    """
    now = now or timezone.now()
    link = (
        CheckInLink.objects.select_related(
            "check_in__example__campaign", "check_in__adoption", "check_in__answer"
        )
        .filter(token_hash=token_digest(token))
        .first()
    )
    if link is None or link.check_in.example_id != example_id:
        raise CheckInLinkError(
            _(
                "This check-in link is not valid. Check that you copied the whole link from "
                "the email, and that it is for this example."
            ),
            status=404,
        )
    check_in = link.check_in
    if check_in.state == CheckInState.ANSWERED or hasattr(check_in, "answer"):
        raise CheckInLinkError(
            _("This check-in has already been answered. Thank you — there is nothing more to do."),
            status=410,
        )
    if check_in.state != CheckInState.SENT or link.expires_at <= now:
        raise CheckInLinkError(
            _(
                "This check-in link has expired. We will email you again at the next check-in, "
                "or you can tell us how the change is going by commenting on the example."
            ),
            status=410,
        )
    return link


@transaction.atomic
def checkin_answer(
    *,
    example_id: int,
    token: str,
    status: str,
    helped: str = "",
    hindered: str = "",
    at_risk: bool = False,
    risk_note: str = "",
) -> CheckInAnswer:
    """Record the answer that an emailed link carries. The link then no longer works.

    No sign-in: holding the token is the permission. The check-in row is locked, and the
    one-answer-per-check-in constraint settles two answers sent at the same moment.
    """
    if status not in CheckInStatus.values or status == CheckInStatus.NO_ANSWER:
        raise SustainError(_("Select how the change is going"))
    risk_note = risk_note.strip()
    if at_risk and not risk_note:
        raise SustainError(_("Enter what could make it revert"))
    now = timezone.now()
    link = checkin_link_check(example_id=example_id, token=token, now=now)
    check_in = CheckIn.objects.select_for_update().get(pk=link.check_in_id)
    if check_in.state != CheckInState.SENT:
        # Answered (or closed) between the check above and the lock: say which.
        checkin_link_check(example_id=example_id, token=token, now=now)
    try:
        with transaction.atomic():
            answer = CheckInAnswer.objects.create(
                check_in=check_in,
                link=link,
                status=status,
                helped=helped.strip(),
                hindered=hindered.strip(),
                at_risk=at_risk,
                risk_note=risk_note if at_risk else "",
                answered_at=now,
            )
    except IntegrityError:
        raise CheckInLinkError(
            _("This check-in has already been answered. Thank you — there is nothing more to do."),
            status=410,
        ) from None
    check_in.state, check_in.closed_at = CheckInState.ANSWERED, now
    check_in.save(update_fields=["state", "closed_at"])
    checkin_outcome_record(check_in, status=status, at_risk=at_risk, at=now)
    audit_log(
        actor=link.user,
        action="checkin.answer",
        target=link.check_in.example,
        months=check_in.months,
        status=status,
        at_risk=at_risk,
        adoption=check_in.adoption_id,
    )
    published_examples_changed()
    return answer


# Contacts -------------------------------------------------------------------------------------


def _check_author(*, actor: Any, example: Example) -> None:
    if not getattr(actor, "is_authenticated", False) or example.author_id != actor.pk:
        raise PermissionDenied


@transaction.atomic
def contact_add(*, actor: Any, example: Example, name: str, email: str) -> ExampleContact:
    """The author names someone else to be asked the check-in questions."""
    _check_author(actor=actor, example=example)
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise SustainError(_("Enter the contact's name"))
    if ExampleContact.objects.filter(example=example, email=email).exists():
        raise SustainError(_("That person is already a contact for this example"))
    contact = ExampleContact.objects.create(example=example, name=name, email=email)
    audit_log(actor=actor, action="checkin.contact_add", target=example, contact=contact.pk)
    return contact


@transaction.atomic
def contact_remove(*, actor: Any, contact: ExampleContact) -> None:
    _check_author(actor=actor, example=contact.example)
    audit_log(
        actor=actor, action="checkin.contact_remove", target=contact.example, contact=contact.pk
    )
    contact.delete()


# Adoptions ------------------------------------------------------------------------------------


@transaction.atomic
def adoption_record(
    *,
    actor: Any,
    example: Example,
    organisation: str,
    adopted_on: dt.date,
    how_adapted: str,
) -> Adoption:
    """A signed-in participant says their organisation adopted a published example.

    Their own check-ins are scheduled from today.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    example = Example.objects.select_for_update().get(pk=example.pk)
    if example.status != ExampleStatus.PUBLISHED:
        raise SustainError(_("You can only adopt a published example"))
    organisation, how_adapted = organisation.strip(), how_adapted.strip()
    errors = {}
    if not organisation:
        errors["organisation"] = _("Enter your organisation")
    if adopted_on > timezone.localdate():
        errors["adopted_on"] = _("The date you adopted it must be today or in the past")
    if example.published_at and adopted_on < timezone.localdate(example.published_at) - (
        dt.timedelta(days=365 * 5)
    ):
        errors["adopted_on"] = _("Enter a date within five years of the example's publication")
    if not how_adapted:
        errors["how_adapted"] = _("Enter how you adapted it")
    if errors:
        raise AdoptionInvalidError(errors)
    if Adoption.objects.filter(
        example=example, user=actor, organisation__iexact=organisation
    ).exists():
        raise AdoptionInvalidError(
            {
                "organisation": _("You have already recorded that %(organisation)s adopted this")
                % {"organisation": organisation}
            }
        )
    adoption = Adoption.objects.create(
        example=example,
        user=actor,
        organisation=organisation,
        adopted_on=adopted_on,
        how_adapted=how_adapted,
    )
    ExampleSustainSummary.objects.get_or_create(example=example)
    ExampleSustainSummary.objects.filter(example=example).update(
        adoption_count=F("adoption_count") + 1
    )
    audit_log(actor=actor, action="adoption.record", target=example, adoption=adoption.pk)
    checkins_schedule(actor=actor, example=example, adoption=adoption)
    published_examples_changed()
    return adoption


class AdoptionInvalidError(SustainError):
    """`errors` maps each field to its message."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(_("Check the details of your adoption"))
        self.errors = errors


# At-risk digest -------------------------------------------------------------------------------


def at_risk_digest_send(*, now: dt.datetime | None = None) -> int:
    """Email moderators and organisers the examples at risk, once per ISO week.

    Returns how many were emailed (0 when this week's digest already went, or nothing is at
    risk). The week's unique row is created before sending, so two workers never both send it.
    """
    from exchange.sustain.selectors import at_risk_list

    now = now or timezone.now()
    year, week, _day = timezone.localtime(now).isocalendar()
    at_risk = list(at_risk_list()[: DIGEST_LIST_LIMIT + 1])
    if not at_risk:
        return 0  # this week's digest can still go out if something comes up
    with transaction.atomic():
        run, created = AtRiskDigestRun.objects.get_or_create(week=f"{year}-W{week:02d}")
        if not created:
            return 0
        recipients = permission_holder_emails(Perm.VIEW_AT_RISK)
        email_send(
            to=recipients,
            template="emails/at_risk_digest",
            context={
                "summaries": at_risk[:DIGEST_LIST_LIMIT],
                "more": len(at_risk) > DIGEST_LIST_LIMIT,
                "dashboard_url": settings.SITE_URL + reverse("sustain:at_risk"),
            },
        )
        run.recipients = len(recipients)
        run.save(update_fields=["recipients"])
    return len(recipients)


# Measures ---------------------------------------------------------------------------------------


class MeasureError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


MEASURE_FIELDS = ("name", "unit", "improvement", "target", "baseline_points", "rebase_dates")


def _rebase_dates_clean(dates: list[dt.date]) -> list[str]:
    return sorted({d.isoformat() for d in dates})


def measure_summary_refresh(*, measure: Measure) -> None:
    """Recompute the stored latest variation, assurance and count from the values.

    Call inside the transaction that changed the values or the measure's settings.
    """
    result = selectors.measure_chart(
        measure=measure, values=list(selectors.measure_values(measure=measure))
    )
    measure.value_count = len(result.points)
    measure.latest_variation = result.chart.variation if result.points else ""
    measure.latest_assurance = (result.chart.assurance or "") if result.points else ""
    Measure.objects.filter(pk=measure.pk).update(
        value_count=measure.value_count,
        latest_variation=measure.latest_variation,
        latest_assurance=measure.latest_assurance,
    )


def _name_taken(*, example: Example, name: str, exclude: int | None = None) -> bool:
    return (
        Measure.objects.filter(example=example, name__iexact=name.strip())
        .exclude(pk=exclude)
        .exists()
    )


def measure_create(
    *,
    example: Example,
    actor: Any,
    name: str,
    unit: str = "",
    improvement: str = "increase",
    target: Decimal | None = None,
    baseline_points: int | None = None,
    rebase_dates: list[dt.date] | None = None,
) -> Measure:
    """Add a measure to an example. Raises MeasureError when the name is already used."""
    name = name.strip()
    with transaction.atomic():
        if _name_taken(example=example, name=name):
            raise MeasureError(
                gettext("This example already has a measure called “%(name)s”") % {"name": name}
            )
        measure = Measure.objects.create(
            example=example,
            name=name,
            unit=unit.strip(),
            improvement=improvement,
            target=target,
            baseline_points=baseline_points,
            rebase_dates=_rebase_dates_clean(rebase_dates or []),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_log(actor=actor, action="measure.create", target=measure, example=example.pk)
        published_examples_changed()
    return measure


def measure_update(
    *,
    measure: Measure,
    actor: Any,
    name: str,
    unit: str,
    improvement: str,
    target: Decimal | None,
    baseline_points: int | None,
    rebase_dates: list[dt.date],
) -> Measure:
    """Change a measure's settings and recompute its chart summary."""
    name = name.strip()
    with transaction.atomic():
        if _name_taken(example=measure.example, name=name, exclude=measure.pk):
            raise MeasureError(
                gettext("This example already has a measure called “%(name)s”") % {"name": name}
            )
        before = {f: str(getattr(measure, f)) for f in MEASURE_FIELDS}
        measure.name, measure.unit, measure.improvement = name, unit.strip(), improvement
        measure.target, measure.baseline_points = target, baseline_points
        measure.rebase_dates = _rebase_dates_clean(rebase_dates)
        measure.save(update_fields=[*MEASURE_FIELDS, "updated_at"])
        measure_summary_refresh(measure=measure)
        changed = [f for f in MEASURE_FIELDS if before[f] != str(getattr(measure, f))]
        audit_log(actor=actor, action="measure.update", target=measure, changed=changed)
        published_examples_changed()
    return measure


def measure_delete(*, measure: Measure, actor: Any) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="measure.delete",
            target=measure,
            example=measure.example_id,
            values=measure.value_count,
        )
        measure.delete()
        published_examples_changed()


def measure_values_check(
    *, measure: Measure, rows: list[tuple[int, dt.date, Decimal]]
) -> list[RowError]:
    """Problems with adding these (row number, date, value) rows: repeated or existing dates,
    too many values. Empty when they can be added."""
    errors = duplicate_dates_errors(
        [(row, date) for row, date, _value in rows], selectors.measure_value_dates(measure=measure)
    )
    limit = settings.MEASURE_MAX_VALUES
    if not errors and measure.value_count + len(rows) > limit:
        errors.append(
            RowError(
                None,
                None,
                gettext("A measure holds at most %(limit)s values; this one has %(count)s already")
                % {"limit": limit, "count": measure.value_count},
            )
        )
    return errors


def measure_values_add(
    *,
    measure: Measure,
    values: list[tuple[dt.date, Decimal]],
    actor: Any,
    rows: list[int] | None = None,
    source: str = "form",
) -> list[MeasureValue]:
    """Add dated values to a measure, all or nothing.

    Raises MeasureValuesError (naming the rows, numbered 1.. or as given in `rows`) when a date
    is repeated, already has a value, or the measure would hold too many. Holds a lock on the
    measure's row while checking and writing, so two uploads at once cannot both add a date.
    """
    numbers = rows or list(range(1, len(values) + 1))
    numbered = [(n, date, value) for n, (date, value) in zip(numbers, values, strict=True)]
    if not numbered:
        raise MeasureValuesError([RowError(None, None, gettext("Enter at least one value"))])
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        errors = measure_values_check(measure=locked, rows=numbered)
        if errors:
            raise MeasureValuesError(errors)
        try:
            with transaction.atomic():
                created = MeasureValue.objects.bulk_create(
                    [
                        MeasureValue(measure=locked, date=date, value=value)
                        for _n, date, value in numbered
                    ]
                )
        except IntegrityError:
            raise MeasureValuesError(
                [
                    RowError(
                        None, None, gettext("Some of these dates were added meanwhile; try again")
                    )
                ]
            ) from None
        measure_summary_refresh(measure=locked)
        audit_log(
            actor=actor,
            action="measure.values_add",
            target=locked,
            count=len(created),
            first=min(d for d, _v in values).isoformat(),
            last=max(d for d, _v in values).isoformat(),
            source=source,
        )
        published_examples_changed()
    measure.value_count = locked.value_count
    measure.latest_variation, measure.latest_assurance = (
        locked.latest_variation,
        locked.latest_assurance,
    )
    return created


def measure_value_delete(*, value: MeasureValue, actor: Any) -> None:
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=value.measure_id)
        audit_log(
            actor=actor,
            action="measure.value_delete",
            target=measure,
            date=value.date.isoformat(),
            value=str(value.value),
        )
        value.delete()
        measure_summary_refresh(measure=measure)
        published_examples_changed()
