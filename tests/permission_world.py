"""Someone else's objects, beside the roles' own ones of `build_world`.

`build_world` (tests/test_permission_matrix.py) writes one of everything, owned by the roles'
users: the author's examples, comment and booking, the organiser's event, the facilitator's
series. `others_world` adds the same kinds of object owned by people who hold none of the
matrix's roles ("other_…"), so that every matrix can ask "my own" and "someone else's" of each
role: another participant's draft, another organiser's event, another facilitator's series and
synthesis, another participant's booking.

The facilitator's own synthesis ("own_synthesis") is made over their series, and another
facilitator's ("other_synthesis") over theirs: a synthesis belongs to its series' facilitators.

Also here, for the POST and API matrices: `rolled_back` (a module's world that disappears with
it) and `database_state` (what a refused request must leave as it found it).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.utils import timezone

from exchange.accounts.models import User
from exchange.examples.models import Attachment, Example, ExampleStatus

# The targets this module adds to the matrices' rows (url_kwargs addresses them).
OTHER_TARGETS = (
    "other_published",
    "other_draft",
    "other_draft_attachment",
    "withdrawn",
    "withdrawn_comment",
    "other_comment",
    "other_measure",
    "other_measure_value",
    "other_contact",
    "other_checkin_link",
    "other_event",
    "other_session",
    "other_session_csv",
    "other_booking",
    "other_event_booking",
    "other_prompt",
    "other_reflection",
    "other_resource",
    "own_synthesis",
    "own_theme",
    "own_question",
    "other_synthesis",
    "other_theme",
    "other_question",
    "own_report",
    "other_report",
    "other_report_csv",
    "other_report_xlsx",
    "unknown_calendar_feed",
)


def others_world(objects: dict[str, Any]) -> dict[str, Any]:
    """Someone else's example, comment, measure, event, booking, workshop things and synthesis."""
    from tests.factories import OrganiserFactory, UserFactory

    stranger = UserFactory(display_name="Someone else")
    world: dict[str, Any] = {"stranger": stranger, "other_organiser": OrganiserFactory()}
    world.update(_examples(objects, stranger))
    world.update(_events(objects, stranger, world["other_organiser"]))
    world.update(_workshops(objects))
    world.update(_insights(objects))
    return world


def others_delete(objects: dict[str, Any]) -> None:
    """Remove what `others_world` added and `build_world`'s clean-up does not reach."""
    from exchange.insights.models import Synthesis

    objects["withdrawn_comment"].discussion.delete()
    objects["other_event"].delete()
    Synthesis.objects.filter(
        pk__in=[objects["own_synthesis"].pk, objects["other_synthesis"].pk]
    ).delete()
    User.objects.filter(pk__in=[objects["stranger"].pk, objects["other_organiser"].pk]).delete()


def _examples(objects: dict[str, Any], stranger: User) -> dict[str, Any]:
    """Another participant's published example, draft (with a file) and withdrawn example, with
    a comment each on the author's example and on the withdrawn one, a measure and a contact."""
    from tests.conversation.factories import CommentFactory, DiscussionFactory
    from tests.factories import ExampleFactory, PublishedExampleFactory
    from tests.sustain.factories import SHIFTED, ContactFactory, measure_with_values

    campaign = objects["campaign"]
    published = PublishedExampleFactory(author=stranger, campaign=campaign)
    draft = ExampleFactory(author=stranger, campaign=campaign)
    # Published once (its discussion has a comment), then withdrawn by its author.
    withdrawn = PublishedExampleFactory(author=stranger, campaign=campaign)
    withdrawn_comment = CommentFactory(
        author=stranger, discussion=DiscussionFactory(example=withdrawn)
    )
    Example.objects.filter(pk=withdrawn.pk).update(status=ExampleStatus.WITHDRAWN)
    withdrawn.refresh_from_db()
    measure = measure_with_values(SHIFTED, example=published, name="Someone else's measure")
    return {
        "other_checkin_link": _checkin_link(published),
        "other_published": published,
        "other_draft": draft,
        "other_draft_attachment": Attachment.objects.create(
            example=draft,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="other-draft.pdf"),
            original_name="other-draft.pdf",
            content_type="application/pdf",
            size=15,
        ),
        "withdrawn": withdrawn,
        "withdrawn_comment": withdrawn_comment,
        "other_comment": CommentFactory(
            author=stranger, discussion=DiscussionFactory(example=objects["published"])
        ),
        "other_measure": measure,
        "other_measure_value": measure.values.order_by("date").first(),
        "other_contact": ContactFactory(example=published, email="matrix-other@example.org"),
    }


# The raw token of another participant's check-in link (only its digest is stored).
OTHER_CHECKIN_TOKEN = "matrix-other-example-token"


def _checkin_link(example: Example) -> Any:
    """A check-in of `example` waiting for its author's answer."""
    from exchange.sustain.models import CheckIn, CheckInLink, CheckInState
    from exchange.sustain.services import token_digest

    now = timezone.now()
    check_in = CheckIn.objects.create(
        example=example, months=3, due_at=now, state=CheckInState.SENT, sent_at=now
    )
    return CheckInLink.objects.create(
        check_in=check_in,
        token_hash=token_digest(OTHER_CHECKIN_TOKEN),
        user=example.author,
        expires_at=now + dt.timedelta(days=30),
    )


def _events(objects: dict[str, Any], stranger: User, organiser: User) -> dict[str, Any]:
    """Another organiser's event with a session someone booked, and someone else's booking on
    the organiser's own session (beside the author's)."""
    from exchange.events.models import Booking, BookingState, Mode
    from tests.events.factories import EventFactory, SessionFactory

    session = SessionFactory(event=EventFactory(slug="matrix-other-event"))
    session.event.organisers.add(organiser)

    def booking(on: Any) -> Booking:
        return Booking.objects.create(
            user=stranger, session=on, mode=Mode.ONLINE, state=BookingState.CONFIRMED
        )

    return {
        "other_event": session.event,
        "other_session": session,
        "other_booking": booking(objects["session"]),
        "other_event_booking": booking(session),
    }


def _workshops(objects: dict[str, Any]) -> dict[str, Any]:
    """An open prompt with a reflection and a resource in another facilitator's series."""
    from exchange.workshops.models import SeriesResource
    from tests.workshops.factories import PromptFactory, ReflectionFactory

    prompt = PromptFactory(workshop=objects["other_workshop"], is_open=True)
    return {
        "other_prompt": prompt,
        "other_reflection": ReflectionFactory(prompt=prompt),
        "other_resource": SeriesResource.objects.create(
            series=objects["other_series"],
            title="Their running order",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="their-running-order.pdf"),
            original_name="their-running-order.pdf",
            content_type="application/pdf",
            size=15,
        ),
    }


def _insights(objects: dict[str, Any]) -> dict[str, Any]:
    """The facilitator's unpublished synthesis over their series and another facilitator's over
    theirs, each with a theme of two quoted texts and a question."""
    from exchange.insights.models import Question, RunStatus, Synthesis, SynthesisItem, Theme

    world = {}
    for key, series in (("own", objects["series"]), ("other", objects["other_series"])):
        synthesis = Synthesis.objects.create(
            title=f"Matrix {key} synthesis",
            slug=f"matrix-{key}-synthesis",
            sources={"series": [series.pk]},
            status=RunStatus.READY,
            created_by=series.facilitators.first(),
        )
        synthesis.series.add(series)
        theme = Theme.objects.create(synthesis=synthesis, label="Shared rotas", size=2)
        for n in range(2):
            SynthesisItem.objects.create(
                synthesis=synthesis,
                source_kind="reflection",
                source_id=n + 1,
                text=f"The shared rota worked ({n})",
                date=dt.date(2026, 5 + n, 1),
                theme=theme,
                is_quote=True,
            )
        world[f"{key}_synthesis"] = synthesis
        world[f"{key}_theme"] = theme
        world[f"{key}_question"] = Question.objects.create(theme=theme, text="What next?")
    world["own_report"] = world["own_synthesis"]
    world["other_report"] = world["other_synthesis"]
    return world


def url_kwargs(target: str, objects: dict[str, Any]) -> dict[str, Any] | None:
    """The URL arguments of one of `OTHER_TARGETS`; None for any other target."""
    if target not in OTHER_TARGETS:
        return None
    if target == "other_checkin_link":
        # Another example's link, tried on the author's example: it opens nothing.
        return {"pk": objects["published"].pk, "token": OTHER_CHECKIN_TOKEN}
    if target == "unknown_calendar_feed":
        return {"token": "not-a-feed-we-issued"}
    obj = objects[target.removesuffix("_csv").removesuffix("_xlsx")]
    if target == "other_draft_attachment":
        return {"pk": obj.example_id, "attachment_pk": obj.pk}
    if target == "other_measure_value":
        return {"pk": obj.measure_id, "value_pk": obj.pk}
    if target == "other_contact":
        return {"pk": obj.example_id, "contact_pk": obj.pk}
    if target == "other_event":
        return {"slug": obj.slug}
    if target == "other_prompt":
        workshop = obj.workshop
        return {"slug": workshop.series.slug, "pk": workshop.pk, "prompt_pk": obj.pk}
    if target == "other_resource":
        return {"slug": obj.series.slug, "resource_pk": obj.pk}
    if target in ("own_report", "other_report"):
        return {"slug": obj.slug}
    if target in ("other_report_csv", "other_report_xlsx"):
        return {"slug": obj.slug, "fmt": target.rsplit("_", 1)[1]}
    if target == "other_session_csv":
        return {"pk": obj.pk, "fmt": "csv"}
    return {"pk": obj.pk}


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction that is always rolled back: a module's world, built once, disappears with
    it (pytest-django's per-test transactions nest inside as savepoints)."""
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


# Tables whose rows change without anyone's action changing anything: signing in writes a
# session, and django-axes records attempts to sign in.
UNWATCHED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog"}


@functools.cache
def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        - UNWATCHED_TABLES
    )


def database_state(target: object) -> tuple:
    """Every table's row count (one query), the target's row and the number of emails sent."""
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in _tables())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # the table names of our own models
        row_counts = dict(zip(_tables(), cursor.fetchone(), strict=True))
    target_row = (
        type(target)._base_manager.filter(pk=target.pk).values().first()
        if isinstance(target, models.Model)
        else None
    )
    return row_counts, target_row, len(mail.outbox)
