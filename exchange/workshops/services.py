"""Writes for workshops: series, workshops, prompts, live reflections, hiding, resources.

Imports from survey files live in exchange.workshops.imports (they have their own steps).
Every reflection is redacted before it is written (`reflection_redact`): the text people
typed is never stored, only the redacted one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from exchange.core.permissions import Perm
from exchange.core.services import audit_log, per_minute_count
from exchange.examples.validators import attachment_check
from exchange.workshops.models import (
    REFLECTION_MAX_LENGTH,
    Prompt,
    Reflection,
    ReflectionSource,
    SeriesResource,
    Workshop,
    WorkshopSeries,
    new_join_code,
)
from exchange.workshops.selectors import facilitator_list, series_is_managed_by
from exchange_analysis.pii import redact

FINGERPRINT_SALT = "exchange.workshops.reflection-fingerprint"


class WorkshopError(Exception):
    """A request that cannot be done, with a message for people and the field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ReflectionRateLimitError(WorkshopError):
    pass


# Paths under /workshops/ that are not series.
RESERVED_SLUGS = frozenset({"new", "imports", "reflections"})


def _check_slug(slug: str, *, series: WorkshopSeries | None = None) -> None:
    if slug in RESERVED_SLUGS:
        raise WorkshopError(_("Choose another web address: this one is reserved"), field="slug")
    taken = WorkshopSeries.objects.filter(slug=slug)
    if series is not None:
        taken = taken.exclude(pk=series.pk)
    if taken.exists():
        raise WorkshopError(_("A series with this web address already exists"), field="slug")


def _check_manager(actor: Any, series: WorkshopSeries) -> None:
    if not series_is_managed_by(series=series, user=actor):
        raise PermissionDenied


def reflection_redact(text: str) -> tuple[str, int]:
    """The text with personal data replaced by placeholders, and how many pieces were replaced."""
    redacted, findings = redact(text)
    return redacted, len(findings)


def reflection_fingerprint(*, text: str, day: dt.date, group: str, prompt_text: str) -> str:
    """Same words (ignoring case and spacing), day, group and prompt: the same reflection.

    A keyed hash (the site's secret key) of the text as typed, so duplicates are found before
    redaction and the stored hash reveals nothing about the words without the key.
    """
    normalised = " ".join(text.casefold().split())
    key = "\x1f".join(
        (normalised, day.isoformat(), group.casefold().strip(), prompt_text.casefold().strip())
    )
    return hmac.new(_fingerprint_key(settings.SECRET_KEY), key.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _fingerprint_key(secret: str) -> bytes:
    # Derived once per secret rather than on every row: imports hash tens of thousands.
    return salted_hmac(FINGERPRINT_SALT, "key", secret=secret, algorithm="sha256").digest()


# Series ------------------------------------------------------------------------------------


@transaction.atomic
def series_create(*, actor: Any, title: str, slug: str, description: str = "") -> WorkshopSeries:
    """Create a series; the facilitator who creates it is listed on it."""
    if not actor.has_perm(Perm.MANAGE_WORKSHOPS):
        raise PermissionDenied
    _check_slug(slug)
    series = WorkshopSeries.objects.create(title=title, slug=slug, description=description)
    series.facilitators.add(actor)
    audit_log(actor=actor, action="workshop_series.create", target=series)
    return series


@transaction.atomic
def series_update(
    *, actor: Any, series: WorkshopSeries, title: str, slug: str, description: str
) -> WorkshopSeries:
    _check_manager(actor, series)
    _check_slug(slug, series=series)
    series.title, series.slug, series.description = title, slug, description
    series.save(update_fields=["title", "slug", "description"])
    audit_log(actor=actor, action="workshop_series.update", target=series)
    return series


# The series' team --------------------------------------------------------------------------


@transaction.atomic
def series_facilitator_add(*, actor: Any, series: WorkshopSeries, email: str) -> Any:
    """Add a facilitator (someone holding the facilitators' role) to the series' team, by email.

    Only "no facilitator with that address" is said of an address that does not match: the
    form tells staff nothing about whether anyone else has an account."""
    _check_manager(actor, series)
    address = email.strip()
    user = facilitator_list().filter(email__iexact=address).first() if address else None
    if user is None:
        raise WorkshopError(_("There is no facilitator with that email address"), field="email")
    if series.facilitators.filter(pk=user.pk).exists():
        raise WorkshopError(
            _("%(name)s is already on this series' team") % {"name": user}, field="email"
        )
    series.facilitators.add(user)
    audit_log(actor=actor, action="workshop_series.facilitator_add", target=series, user=user.pk)
    return user


# Tests switch it off to show the race the lock prevents (tests/workshops/test_team_concurrency.py).
TEAM_LOCKING = True


def _team_size(series: WorkshopSeries) -> int:
    return series.facilitators.count()


@transaction.atomic
def series_facilitator_remove(*, actor: Any, series: WorkshopSeries, user: Any) -> None:
    """Take someone off the series' team; never the last one (a series always has someone to
    run it). Locks the series so that two removals at once cannot both pass that check."""
    if TEAM_LOCKING:
        WorkshopSeries.objects.select_for_update().filter(pk=series.pk).first()
    # Checked under the lock: someone removed a moment ago no longer manages the series.
    _check_manager(actor, series)
    team = series.facilitators.all()
    if not team.filter(pk=user.pk).exists():
        raise WorkshopError(_("%(name)s is not on this series' team") % {"name": user})
    if _team_size(series) <= 1:
        raise WorkshopError(_("A series needs at least one facilitator: add another one first"))
    series.facilitators.remove(user)
    audit_log(actor=actor, action="workshop_series.facilitator_remove", target=series, user=user.pk)


# Workshops and prompts --------------------------------------------------------------------


def join_code_unique() -> str:
    for _attempt in range(20):
        code = new_join_code()
        if not Workshop.objects.filter(join_code=code).exists():
            return code
    raise WorkshopError(_("Could not make a join code. Try again."))


@transaction.atomic
def workshop_create(
    *,
    actor: Any,
    series: WorkshopSeries,
    title: str,
    starts_at: dt.datetime,
    session: Any = None,
) -> Workshop:
    _check_manager(actor, series)
    workshop = Workshop.objects.create(
        series=series,
        title=title,
        starts_at=starts_at,
        session=session,
        join_code=join_code_unique(),
    )
    audit_log(actor=actor, action="workshop.create", target=workshop, series=series.pk)
    return workshop


@transaction.atomic
def workshop_update(
    *, actor: Any, workshop: Workshop, title: str, starts_at: dt.datetime, session: Any = None
) -> Workshop:
    _check_manager(actor, workshop.series)
    workshop.title, workshop.starts_at, workshop.session = title, starts_at, session
    workshop.save(update_fields=["title", "starts_at", "session"])
    audit_log(actor=actor, action="workshop.update", target=workshop)
    return workshop


@transaction.atomic
def prompt_create(*, actor: Any, workshop: Workshop, text: str) -> Prompt:
    _check_manager(actor, workshop.series)
    last = Prompt.objects.filter(workshop=workshop).aggregate(last=Max("position"))["last"]
    prompt = Prompt.objects.create(
        workshop=workshop, text=text, position=0 if last is None else last + 1
    )
    audit_log(actor=actor, action="prompt.create", target=prompt, workshop=workshop.pk)
    return prompt


@transaction.atomic
def prompt_update(*, actor: Any, prompt: Prompt, text: str, position: int) -> Prompt:
    _check_manager(actor, prompt.workshop.series)
    prompt.text, prompt.position = text, position
    prompt.save(update_fields=["text", "position"])
    audit_log(actor=actor, action="prompt.update", target=prompt)
    return prompt


@transaction.atomic
def prompt_open_set(*, actor: Any, prompt: Prompt, is_open: bool) -> Prompt:
    """Open a prompt for live capture, or close it. Several prompts may be open at once."""
    _check_manager(actor, prompt.workshop.series)
    if prompt.is_open != is_open:
        prompt.is_open = is_open
        prompt.save(update_fields=["is_open"])
        audit_log(actor=actor, action="prompt.open" if is_open else "prompt.close", target=prompt)
    return prompt


# Live reflections -------------------------------------------------------------------------


def _device_rate_limit_hit(device_id: str) -> None:
    """Count one reflection against the device's per-minute allowance; refuse beyond it."""
    limit = settings.WORKSHOPS_REFLECTIONS_PER_MINUTE
    if per_minute_count(key=f"workshops:device:{device_id}") > limit:
        raise ReflectionRateLimitError(
            _(
                "You have posted %(limit)s reflections in the last minute. Wait a minute, then "
                "post this one again: your text is kept below."
            )
            % {"limit": limit},
            field="text",
        )


def reflection_text_check(text: str) -> str:
    text = text.strip()
    if not text:
        raise WorkshopError(_("Enter your reflection"), field="text")
    if len(text) > REFLECTION_MAX_LENGTH:
        raise WorkshopError(
            _("Your reflection must be %(limit)s characters or fewer (it has %(count)s)")
            % {"limit": f"{REFLECTION_MAX_LENGTH:,}", "count": f"{len(text):,}"},
            field="text",
        )
    return text


@transaction.atomic
def reflection_post(*, prompt: Prompt, text: str, device_id: str) -> Reflection:
    """An anonymous participant's reflection on an open prompt, stored redacted."""
    text = reflection_text_check(text)
    prompt = Prompt.objects.select_related("workshop").get(pk=prompt.pk)
    if not prompt.is_open:
        raise WorkshopError(_("This question is closed. Choose an open question."), field="prompt")
    _device_rate_limit_hit(device_id)
    redacted, count = reflection_redact(text)
    now = timezone.now()
    key = reflection_fingerprint(
        text=text, day=timezone.localdate(now), group="", prompt_text=prompt.text
    )
    reflection = Reflection.objects.create(
        prompt=prompt,
        text=redacted,
        redaction_count=count,
        created_at=now,
        source=ReflectionSource.LIVE,
        fingerprint=key,
    )
    audit_log(actor=None, action="reflection.post", target=reflection, redactions=count)
    return reflection


@transaction.atomic
def reflection_hidden_set(*, actor: Any, reflection: Reflection, is_hidden: bool) -> Reflection:
    """Hide a reflection from the wall and from syntheses, or show it again."""
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    series = WorkshopSeries.objects.get(workshops__prompts__reflections=reflection)
    _check_manager(actor, series)
    if reflection.is_hidden != is_hidden:
        reflection.is_hidden = is_hidden
        reflection.save(update_fields=["is_hidden"])
        audit_log(
            actor=actor,
            action="reflection.hide" if is_hidden else "reflection.unhide",
            target=reflection,
        )
    return reflection


# Tools and resources ----------------------------------------------------------------------


@transaction.atomic
def resource_add(
    *,
    actor: Any,
    series: WorkshopSeries,
    title: str,
    description: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
) -> SeriesResource:
    """Attach a link or a file (checked like example attachments) to a series."""
    _check_manager(actor, series)
    if not url and upload is None:
        raise WorkshopError(_("Add a link or choose a file"), field="url")
    last = SeriesResource.objects.filter(series=series).aggregate(last=Max("position"))["last"]
    resource = SeriesResource(
        series=series,
        title=title,
        description=description,
        url=url,
        position=0 if last is None else last + 1,
    )
    if upload is not None:
        try:
            checked = attachment_check(upload)
        except ValidationError as error:
            raise WorkshopError(" ".join(error.messages), field="file") from error
        resource.original_name = checked.original_name
        resource.content_type = checked.content_type
        resource.size = checked.size
        resource.file.save(checked.stored_name, upload, save=False)
    resource.save()
    audit_log(actor=actor, action="series_resource.add", target=resource, series=series.pk)
    return resource


@transaction.atomic
def resource_remove(*, actor: Any, resource: SeriesResource) -> None:
    _check_manager(actor, resource.series)
    audit_log(actor=actor, action="series_resource.remove", target=resource)
    stored = resource.file.name if resource.file else ""
    storage = resource.file.storage if resource.file else None
    resource.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))
