"""Demo check-in histories and adoptions for a few of the demo examples (`manage.py load_demo`).

Check-ins and adoptions
-----------------------
One example kept going and spread, one reverted, one went silent, one named a risk. Each demo
example is set up only if it has no check-ins yet, so running the loader again (or after people
answered check-ins on the demo site) changes nothing.

No burst of emails on first start
---------------------------------
Check-ins the histories leave unanswered but already due would all go out on the worker's first
tick. Instead, adopters' earlier check-ins are recorded as answered ("still in place") and the
examples' own later milestones are cancelled, except one: the demo participant's check-in on the
adoption they recorded, due now, so its link is printed in the terminal on first run. This
week's at-risk digest is recorded as already sent (to no one), so it starts next week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from exchange.accounts.models import User
from exchange.examples.models import Example, ExampleStatus
from exchange.sustain.models import (
    Adoption,
    AtRiskDigestRun,
    CheckIn,
    CheckInAnswer,
    CheckInState,
    CheckInStatus,
    ExampleSustainSummary,
)
from exchange.sustain.services import checkin_outcome_record, checkins_schedule

NO_ANSWER = None
# Whose check-in is left due on first start (its link is printed by the console email backend).
DUE_FOR = "participant@example.org"


@dataclass(frozen=True)
class DemoAnswer:
    status: str
    helped: str = ""
    hindered: str = ""
    risk_note: str = ""


@dataclass(frozen=True)
class DemoAdoption:
    adopter: str  # a demo user's email
    organisation: str
    months_after: int
    how_adapted: str


@dataclass(frozen=True)
class DemoHistory:
    title: str
    # Answers in milestone order (3, 6, 12 months); None records "no answer".
    answers: tuple[DemoAnswer | None, ...]
    adoptions: tuple[DemoAdoption, ...] = ()


HISTORIES: tuple[DemoHistory, ...] = (
    DemoHistory(
        "Same-day emergency care kept 40 patients a day off trolleys",
        (
            DemoAnswer(
                CheckInStatus.RETAINED,
                helped="The unit has its own consultant rota, so it no longer borrows staff.",
            ),
            DemoAnswer(
                CheckInStatus.ADAPTED,
                helped="We added a frailty clinician in the afternoons.",
                hindered="Winter beds took two of our chairs for a month.",
            ),
            DemoAnswer(
                CheckInStatus.SCALED,
                helped="The board funded a second unit on the other hospital site.",
            ),
        ),
        (
            DemoAdoption(
                "helen.gallagher@example.org",
                "Eastmere Community Hospital",
                4,
                "We run it three days a week with a GP with extended skills instead of a "
                "consultant.",
            ),
            DemoAdoption(
                "sian.pritchard@example.org",
                "Cwm Gwyrdd University Health Board",
                7,
                "Same model, with Welsh-speaking staff on every shift and booking through 111.",
            ),
        ),
    ),
    DemoHistory(
        "Pooled home care rotas during the January snow",
        (
            DemoAnswer(
                CheckInStatus.RETAINED,
                helped="Agencies kept sharing the rota for the spring floods.",
            ),
            DemoAnswer(
                CheckInStatus.REVERTED,
                hindered="Contracts were retendered and the shared rota was not in the new terms.",
            ),
        ),
    ),
    DemoHistory(
        "Pharmacists treated minor illness so GPs could see sicker patients",
        (
            DemoAnswer(
                CheckInStatus.ADAPTED,
                helped="Receptionists book straight into pharmacist slots.",
                risk_note="The pharmacist posts are funded only until March.",
            ),
            NO_ANSWER,
            NO_ANSWER,
        ),
    ),
    DemoHistory(
        "Face shields 3D-printed locally within a fortnight",
        (
            DemoAnswer(
                CheckInStatus.SPREAD,
                helped="Two other colleges now print parts for their local hospitals.",
                risk_note="Printer maintenance has no budget after this year.",
            ),
        ),
        (
            DemoAdoption(
                "participant@example.org",
                "Northshire Community Health",
                2,
                "We print spare parts for our community equipment store.",
            ),
        ),
    ),
)


def _history_load(example: Example, history: DemoHistory, *, now: dt.datetime) -> None:
    check_ins = checkins_schedule(actor=None, example=example)
    for check_in, answer in zip(check_ins, history.answers, strict=False):
        if check_in.due_at > now:
            break
        sent_at = check_in.due_at
        closed_at = sent_at + (dt.timedelta(days=30) if answer is None else dt.timedelta(days=3))
        CheckIn.objects.filter(pk=check_in.pk).update(
            state=CheckInState.NO_ANSWER if answer is None else CheckInState.ANSWERED,
            sent_at=sent_at,
            reminded_at=sent_at + dt.timedelta(days=7) if answer is None else None,
            closed_at=closed_at,
        )
        if answer is not None:
            CheckInAnswer.objects.create(
                check_in=check_in,
                status=answer.status,
                helped=answer.helped,
                hindered=answer.hindered,
                at_risk=bool(answer.risk_note),
                risk_note=answer.risk_note,
                answered_at=closed_at,
            )
        checkin_outcome_record(
            check_in,
            status=CheckInStatus.NO_ANSWER if answer is None else answer.status,
            at_risk=answer is not None and bool(answer.risk_note),
            at=closed_at,
        )
    adopters = {
        user.email: user
        for user in User.objects.filter(email__in=[a.adopter for a in history.adoptions])
    }
    for item in history.adoptions:
        user = adopters.get(item.adopter)
        if user is None or example.published_at is None:
            continue
        recorded = example.published_at + dt.timedelta(days=30 * item.months_after)
        adoption = Adoption.objects.create(
            example=example,
            user=user,
            organisation=item.organisation,
            adopted_on=recorded.date() - dt.timedelta(days=14),
            how_adapted=item.how_adapted,
        )
        # auto_now_add set it to now; the adopters' check-ins count from when they told us.
        Adoption.objects.filter(pk=adoption.pk).update(created_at=recorded)
        adoption.created_at = recorded
        scheduled = checkins_schedule(actor=None, example=example, adoption=adoption)
        if item.adopter == DUE_FOR and scheduled:
            first = scheduled[0]
            CheckIn.objects.filter(pk=first.pk).update(due_at=min(first.due_at, now))
    ExampleSustainSummary.objects.filter(example=example).update(
        adoption_count=Adoption.objects.filter(example=example).count()
    )
    _past_due_settle(example, now=now)


def _past_due_settle(example: Example, *, now: dt.datetime) -> None:
    """Leave no check-in due on first start but the demo participant's first one (see above)."""
    past_due = CheckIn.objects.filter(
        example=example, state=CheckInState.SCHEDULED, due_at__lte=now
    ).select_related("adoption__user")
    for check_in in past_due.order_by("adoption_id", "months"):
        adoption = check_in.adoption
        if adoption is None:
            # Milestones after the history's last answer: the story ends there.
            CheckIn.objects.filter(pk=check_in.pk).update(
                state=CheckInState.CANCELLED, closed_at=check_in.due_at
            )
            continue
        if (
            adoption.user.email == DUE_FOR
            and not CheckIn.objects.filter(adoption=adoption, months__lt=check_in.months).exists()
        ):
            continue  # the one check-in left due
        answered_at = check_in.due_at + dt.timedelta(days=2)
        CheckIn.objects.filter(pk=check_in.pk).update(
            state=CheckInState.ANSWERED, sent_at=check_in.due_at, closed_at=answered_at
        )
        CheckInAnswer.objects.create(
            check_in=check_in,
            status=CheckInStatus.RETAINED,
            helped="It is part of how we work now.",
            answered_at=answered_at,
        )
        checkin_outcome_record(
            check_in, status=CheckInStatus.RETAINED, at_risk=False, at=answered_at
        )


@transaction.atomic
def sustain_demo_load(*, now: dt.datetime) -> int:
    """Give the demo examples above their check-in history; returns how many were set up."""
    examples = {
        example.title: example
        for example in Example.objects.filter(
            title__in=[h.title for h in HISTORIES], status=ExampleStatus.PUBLISHED
        ).exclude(check_ins__isnull=False)
    }
    loaded = 0
    for history in HISTORIES:
        example = examples.get(history.title)
        if example is not None:
            _history_load(example, history, now=now)
            loaded += 1
    if loaded:
        year, week, _day = timezone.localtime(now).isocalendar()
        AtRiskDigestRun.objects.get_or_create(week=f"{year}-W{week:02d}")
    return loaded
