"""Events, their sessions and people's bookings.

Each session has a capacity per attendance mode (in person, online; online may be unlimited).
A booking holds one mode and a state. Confirmed, offered and attended bookings hold a seat; the
services in services.py are the only writers and keep "seats held <= capacity" true under
concurrency (see the docstring there).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PromotionPolicy(models.TextChoices):
    CONFIRM = "confirm", _("Confirm the next person at once")
    OFFER = "offer", _("Offer the place for a limited time")


class AttendanceType(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person or online)")


class SessionKind(models.TextChoices):
    TALK = "talk", _("Talk")
    WORKSHOP = "workshop", _("Workshop")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class BookingState(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Place offered")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


# States that hold a seat in their mode.
SEAT_STATES = (BookingState.CONFIRMED, BookingState.OFFERED, BookingState.ATTENDED)
# States that mean the person is still booked or waiting.
ACTIVE_STATES = (*SEAT_STATES, BookingState.WAITLISTED)


def offer_hours_default() -> int:
    return settings.EVENTS_OFFER_HOURS_DEFAULT


def new_token() -> str:
    """Kept for migration 0001 (feeds once stored their token in plain text)."""
    return secrets.token_urlsafe(24)


class Event(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    bookings_open = models.BooleanField(_("bookings open"), default=True)
    promotion_policy = models.CharField(
        _("when a place is freed"),
        max_length=10,
        choices=PromotionPolicy.choices,
        default=PromotionPolicy.CONFIRM,
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours an offered place is held"), default=offer_hours_default
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organised_events"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(promotion_policy__in=PromotionPolicy.values),
                name="event_promotion_policy_valid",
            ),
            models.CheckConstraint(condition=Q(offer_hours__gte=1), name="event_offer_hours_min"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def offer_duration(self) -> dt.timedelta:
        return dt.timedelta(hours=self.offer_hours)

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.TALK
    )
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    attendance_type = models.CharField(
        _("attendance"),
        max_length=10,
        choices=AttendanceType.choices,
        default=AttendanceType.HYBRID,
    )
    capacity_in_person = models.PositiveIntegerField(_("in-person places"), default=0)
    capacity_online = models.PositiveIntegerField(
        _("online places"), null=True, blank=True, help_text=_("Leave empty for unlimited.")
    )
    online_join_url = models.URLField(_("online join link"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(attendance_type__in=AttendanceType.values),
                name="session_attendance_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="session_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def modes(self) -> list[str]:
        if self.attendance_type == AttendanceType.HYBRID:
            return [Mode.IN_PERSON, Mode.ONLINE]
        return [str(self.attendance_type)]

    def capacity(self, mode: str) -> int | None:
        """Seats in a mode; None means unlimited, 0 means the mode is not offered."""
        if mode not in self.modes:
            return 0
        return self.capacity_in_person if mode == Mode.IN_PERSON else self.capacity_online

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Booking(models.Model):
    """One person's place (or place in the queue) in one mode of one session.

    During a switch of mode the person keeps their current booking and a second, waitlisted
    booking in the new mode points at it through `replaces`; when the new one gets a seat the
    old one is cancelled.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    mode = models.CharField(_("attendance"), max_length=10, choices=Mode.choices)
    state = models.CharField(_("state"), max_length=10, choices=BookingState.choices)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="switch_request"
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    access_needs = models.TextField(_("access needs"), blank=True)
    dietary_requirements = models.TextField(_("dietary requirements"), blank=True)
    cancel_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session"],
                condition=Q(state__in=ACTIVE_STATES, replaces__isnull=True),
                name="booking_one_active_per_user_session",
            ),
            models.UniqueConstraint(
                fields=["user", "session", "mode"],
                condition=Q(state__in=ACTIVE_STATES),
                name="booking_one_active_per_user_session_mode",
            ),
            models.CheckConstraint(
                condition=Q(state__in=BookingState.values), name="booking_state_valid"
            ),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="booking_mode_valid"),
            models.CheckConstraint(
                condition=Q(state=BookingState.OFFERED, offer_expires_at__isnull=False)
                | ~Q(state=BookingState.OFFERED),
                name="booking_offer_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["session", "mode", "state"])]

    def __str__(self) -> str:
        return self.describe(self.session, self.mode, self.state)

    @staticmethod
    def describe(session: Session, mode: str, state: str) -> str:
        """What `str()` gives for a booking in `mode` and `state`, without building one."""
        mode_label = Mode(mode).label if mode in Mode.values else mode
        state_label = BookingState(state).label if state in BookingState.values else state
        return f"{session} ({mode_label}, {state_label})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class CalendarFeed(models.Model):
    """A person's private calendar feed of their bookings: /events/calendar/<token>.ics

    Only the token's SHA-256 digest is stored (exchange.core.tokens): the address is shown
    once, when it is created; creating a new one retires the old address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"


class Improvement(models.Model):
    """A "suggest a further improvement" text from an attendee after a session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="improvements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("your suggestion"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Improvement to {self.session}"


class BookingTransfer(models.Model):
    """An invitation to take someone's confirmed place, sent to a colleague's email address.

    The place stays the sender's (and keeps its seat) until the colleague claims it by signing
    in or signing up with that address; then the booking moves to them. The address gets the
    same email whether or not it has an account, and the sender sees the same message, so no
    one learns who has an account. Only the token's digest is stored.
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="transfers")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("email address"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(claimed_at__isnull=True, withdrawn_at__isnull=True),
                name="booking_transfer_one_open_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of booking {self.booking_id}"

    @property
    def is_open(self) -> bool:
        return (
            self.claimed_at is None
            and self.withdrawn_at is None
            and self.expires_at > timezone.now()
        )
