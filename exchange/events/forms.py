from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.events.models import Event, Mode, Session

DATETIME_HELP = _("For example, 2026-03-14 09:30")


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)  # type: ignore[arg-type]


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "description",
            "venue",
            "starts_at",
            "ends_at",
            "bookings_open",
            "promotion_policy",
            "offer_hours",
        ]
        help_texts = {
            "slug": _("Used in the event's web address: lower-case letters, numbers, hyphens."),
            "starts_at": DATETIME_HELP,
            "ends_at": DATETIME_HELP,
        }
        widgets = {"promotion_policy": forms.RadioSelect}
        error_messages = {
            "title": {"required": _("Enter a title")},
            "slug": {"required": _("Enter a short name for the web address")},
            "starts_at": {"required": _("Enter the date and time the event starts")},
            "ends_at": {"required": _("Enter the date and time the event ends")},
            "promotion_policy": {
                "required": _("Choose what happens when a place comes free"),
            },
            "offer_hours": {"required": _("Enter how many hours an offered place is held")},
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end must be after the start"))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "room",
            "attendance_type",
            "capacity_in_person",
            "capacity_online",
            "online_join_url",
            "is_cancelled",
        ]
        help_texts = {"starts_at": DATETIME_HELP, "ends_at": DATETIME_HELP}
        field_classes = {"online_join_url": HttpsURLField}
        widgets = {"kind": forms.RadioSelect, "attendance_type": forms.RadioSelect}
        error_messages = {
            "title": {"required": _("Enter a title")},
            "kind": {"required": _("Choose the kind of session")},
            "starts_at": {"required": _("Enter the date and time the session starts")},
            "ends_at": {"required": _("Enter the date and time the session ends")},
            "attendance_type": {"required": _("Choose how people can attend")},
            "capacity_in_person": {"required": _("Enter the number of places in person")},
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start"))
        return data


def mode_choices(session: Session) -> list[tuple[str, str]]:
    return [(mode, str(Mode(mode).label)) for mode in session.modes]


class BookingForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How will you attend?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how you will attend"),
            "invalid_choice": _("Choose how you will attend"),
        },
    )
    access_needs = forms.CharField(
        label=_("Access needs (optional)"),
        help_text=_("Only the organisers see this."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dietary_requirements = forms.CharField(
        label=_("Dietary requirements (optional)"),
        help_text=_("Only the organisers see this."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, session: Session, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["mode"].choices = mode_choices(session)
        if len(session.modes) == 1:
            self.fields["mode"].initial = session.modes[0]


class TransferForm(forms.Form):
    email = forms.EmailField(
        label=_("Your colleague's email address"),
        help_text=_(
            "We email them an invitation. They accept it by signing in, or creating an account, "
            "with this address."
        ),
        max_length=254,
        error_messages={
            "required": _("Enter your colleague's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class OrganiserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Names and organisations only: email addresses are never shown to other people.
        if obj.organisation:
            return f"{obj.public_name} ({obj.organisation})"
        return str(obj.public_name)


class OrganiserAddForm(forms.Form):
    user = OrganiserChoiceField(
        label=_("Add an organiser"),
        help_text=_("People who can organise events on this site and are not on the team yet."),
        queryset=None,
        empty_label=_("Choose a person"),
        error_messages={
            "required": _("Choose the person to add"),
            "invalid_choice": _("Choose the person to add"),
        },
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        from exchange.events.selectors import organiser_candidates

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = organiser_candidates(event=event)


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class ImprovementForm(forms.Form):
    text = forms.CharField(
        label=_("What could be improved further?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter your suggestion")},
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Enter your suggestion"))
        return text


class SessionMessageForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=150,
        error_messages={"required": _("Enter a subject")},
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter a message")},
    )


class EventBookingForm(forms.Form):
    """Book several sessions of an event at once, all in one preferred way of attending."""

    sessions = forms.MultipleChoiceField(
        label=_("Sessions"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one session"),
            "invalid_choice": _("Choose at least one session"),
        },
    )
    mode = forms.ChoiceField(
        label=_("How will you attend?"),
        help_text=_("Sessions offered only one way are booked that way."),
        widget=forms.RadioSelect,
        choices=Mode.choices,
        error_messages={
            "required": _("Choose how you will attend"),
            "invalid_choice": _("Choose how you will attend"),
        },
    )
    access_needs = BookingForm.base_fields["access_needs"]
    dietary_requirements = BookingForm.base_fields["dietary_requirements"]

    def __init__(self, *args: object, sessions: list[Session], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sessions_by_id = {str(session.pk): session for session in sessions}
        self.fields["sessions"].choices = [
            (str(session.pk), f"{session.title} ({session.starts_at:%H:%M})")
            for session in sessions
        ]

    def choices(self) -> list[tuple[Session, str]]:
        mode = self.cleaned_data["mode"]
        chosen = [self.sessions_by_id[pk] for pk in self.cleaned_data["sessions"]]
        return [(s, mode if mode in s.modes else s.modes[0]) for s in chosen]
