"""Event pages: browse, book, switch, cancel, accept offers, transfer; organiser pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchange.core.permissions import Perm, permission_required
from exchange.core.spreadsheets import spreadsheet_safe
from exchange.events import selectors, services
from exchange.events.calendar import booking_ics as booking_ics_bytes
from exchange.events.calendar import feed_ics
from exchange.events.forms import (
    BookingForm,
    CheckInSearchForm,
    EventBookingForm,
    EventForm,
    ImprovementForm,
    OrganiserAddForm,
    SessionForm,
    SessionMessageForm,
    TransferForm,
)
from exchange.events.models import (
    ACTIVE_STATES,
    Booking,
    BookingState,
    Event,
    Mode,
    Session,
)

PAGE_SIZE = 20
T = TypeVar("T")


def _session_or_404(pk: int) -> Session:
    session = selectors.session_get(pk=pk)
    if session is None:
        raise Http404
    return session


def _own_booking(request: HttpRequest, pk: int) -> Booking:
    return selectors.booking_get_for_owner(owner=request.user, pk=pk)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data for a form: bound (and validated) on POST, unbound otherwise."""
    return request.POST if request.method == "POST" else None


def _call(action: Callable[[], T]) -> tuple[T | None, str | None]:
    """Call a service: its result, or the message of the BookingError it refused with.

    A refused call has written nothing (every service runs in one transaction).
    """
    try:
        return action(), None
    except services.BookingError as error:
        return None, str(error.message)


def _submit(form: Form, action: Callable[[], T], *, field: str | None = None) -> T | None:
    """Call a service for a valid form; if it refuses, say why on `field` (None: the form).

    The message then shows in the page's error summary, with the person's input kept.
    """
    result, error = _call(action)
    if error is not None:
        form.add_error(field, error)
    return result


def _submit_then_my_bookings(
    request: HttpRequest,
    form: Form,
    action: Callable[[], object],
    *,
    field: str | None,
    success: str,
) -> HttpResponse | None:
    """`_submit` for a form whose success is one message and the person's bookings page.

    None while there is a form to show (not submitted, invalid, or refused by the service).
    """
    if form.is_valid() and _submit(form, action, field=field) is not None:
        messages.success(request, success)
        return redirect("events:mine")
    return None


def event_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.event_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/list.html", {"page": page})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event, slug=slug)
    sessions = list(selectors.sessions_with_counts(event=event))
    mine = selectors.user_event_places(user=request.user, event=event)
    rows = [
        {
            "session": session,
            "availability": selectors.session_availability(session),
            "booking": mine.get(session.pk),
        }
        for session in sessions
    ]
    may_manage = selectors.event_organised_by(user=request.user, event=event)
    return render(
        request,
        "events/detail.html",
        {"event": event, "rows": rows, "may_manage": may_manage, "now": timezone.now()},
    )


@login_required
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(pk)
    existing = selectors.user_active_booking(user=request.user, session=session)
    if existing is not None:
        messages.info(request, _("You have already booked this session."))
        return redirect("events:mine")
    clashes = selectors.booking_clashes(user=request.user, session=session)
    form = BookingForm(_posted(request), session=session)
    if form.is_valid():
        booking = _submit(
            form,
            lambda: services.booking_create(
                user=request.user,
                session=session,
                mode=form.cleaned_data["mode"],
                access_needs=form.cleaned_data["access_needs"],
                dietary_requirements=form.cleaned_data["dietary_requirements"],
            ),
        )
        if booking is not None:
            if booking.state == BookingState.CONFIRMED:
                messages.success(request, _("Your place is confirmed."))
            else:
                messages.info(
                    request,
                    _("This is full. You are number %(position)s on the waiting list.")
                    % {"position": selectors.waitlist_position(booking)},
                )
            return redirect("events:mine")
    return render(
        request,
        "events/book.html",
        {
            "session": session,
            "event": session.event,
            "form": form,
            "clashes": clashes,
            "availability": selectors.session_availability(session),
        },
    )


@login_required
def event_book(request: HttpRequest, slug: str) -> HttpResponse:
    """Book the whole event, or chosen sessions of it, in one step (all or nothing)."""
    event = get_object_or_404(Event, slug=slug)
    booked = selectors.user_event_booked_session_ids(user=request.user, event=event)
    now = timezone.now()
    sessions = [
        s
        for s in event.sessions.all()
        if s.pk not in booked and not s.is_cancelled and s.starts_at > now
    ]
    form = EventBookingForm(
        _posted(request), initial={"sessions": [str(s.pk) for s in sessions]}, sessions=sessions
    )
    if form.is_valid():
        bookings = _submit(
            form,
            lambda: services.bookings_create(
                user=request.user,
                choices=form.choices(),
                access_needs=form.cleaned_data["access_needs"],
                dietary_requirements=form.cleaned_data["dietary_requirements"],
            ),
        )
        if bookings is not None:
            waiting = sum(b.state == BookingState.WAITLISTED for b in bookings)
            messages.success(
                request,
                _(
                    "You booked %(count)s sessions; for %(waiting)s of them you are on "
                    "the waiting list."
                )
                % {"count": len(bookings), "waiting": waiting},
            )
            return redirect("events:mine")
    return render(
        request,
        "events/book_event.html",
        {"event": event, "form": form, "sessions": sessions},
    )


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    bookings = list(selectors.user_bookings(user=request.user))
    switch_for = {b.replaces_id: b for b in bookings if b.replaces_id}
    rows = [
        {
            "booking": booking,
            "position": selectors.waitlist_position(booking),
            "switch": switch_for.get(booking.pk),
            "switch_position": selectors.waitlist_position(switch_for[booking.pk])
            if booking.pk in switch_for
            else None,
            "join_link": selectors.join_link_visible(booking=booking, now=now),
            "can_suggest": booking.session.ends_at <= now,
        }
        for booking in bookings
        if booking.replaces_id is None
    ]
    invitations = selectors.user_open_transfers(user=request.user)
    for row in rows:
        row["invitation"] = invitations.get(row["booking"].pk)
    feed = selectors.user_calendar_feed(user=request.user)
    return render(request, "events/mine.html", {"rows": rows, "feed": feed})


@login_required
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    """Create a private feed address (shown once, on this response only) or turn it off."""
    if request.method != "POST":
        return redirect("events:mine")
    if request.POST.get("action") == "delete":
        services.calendar_feed_delete(actor=request.user)
        messages.success(request, _("Your calendar feed is turned off."))
        return redirect(reverse("events:mine") + "#calendar-feed")
    _feed, raw = services.calendar_feed_create(actor=request.user)
    url = request.build_absolute_uri(reverse("events:calendar_feed", kwargs={"token": raw}))
    # Not a redirect: the address is never stored, so it can be shown only in this response.
    return _private(render(request, "events/calendar_feed_created.html", {"feed_url": url}))


def _private(response: HttpResponse) -> HttpResponse:
    """A page holding a secret link: never cached, and no referrer sent with it."""
    add_never_cache_headers(response)
    # Not "no-referrer": browsers then send `Origin: null` with forms, failing CSRF checks.
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
def booking_switch(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _own_booking(request, pk)
    other = [m for m in booking.session.modes if m != booking.mode]
    if not other or booking.state not in (BookingState.CONFIRMED, BookingState.WAITLISTED):
        raise Http404
    error = None
    if request.method == "POST":
        new, error = _call(
            lambda: services.booking_switch_mode(user=request.user, booking=booking, mode=other[0])
        )
        if new is not None:
            if new.state == BookingState.CONFIRMED:
                messages.success(request, _("You have switched how you attend."))
            else:
                messages.info(
                    request,
                    _(
                        "That is full: you are number %(position)s on its waiting list and "
                        "keep your current place until a place comes free."
                    )
                    % {"position": selectors.waitlist_position(new)},
                )
            return redirect("events:mine")
    return render(
        request,
        "events/switch.html",
        {"booking": booking, "new_mode": Mode(other[0]), "error": error},
    )


@login_required
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _own_booking(request, pk)
    if booking.state not in ACTIVE_STATES:
        return redirect("events:mine")
    error = None
    if request.method == "POST":
        cancelled, error = _call(
            lambda: services.booking_cancel(user=request.user, booking=booking)
        )
        if cancelled is not None:
            messages.success(request, _("Your booking has been cancelled."))
            return redirect("events:mine")
    return render(request, "events/cancel.html", {"booking": booking, "error": error})


@login_required
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _own_booking(request, pk)
    error = None
    if request.method == "POST":
        accepted, error = _call(lambda: services.offer_accept(user=request.user, booking=booking))
        if accepted is not None:
            messages.success(request, _("Your place is confirmed."))
            return redirect("events:mine")
    elif booking.state != BookingState.OFFERED:
        error = _("There is no open offer on this booking.")
    elif booking.offer_expires_at and booking.offer_expires_at <= timezone.now():
        error = _("This offer has expired and the place has been passed on.")
    return render(request, "events/accept.html", {"booking": booking, "error": error})


@login_required
def booking_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a colleague to take the place; the same answer whatever address is given."""
    booking = _own_booking(request, pk)
    if booking.state != BookingState.CONFIRMED or booking.replaces_id is not None:
        raise Http404
    if request.method == "POST" and "withdraw" in request.POST:
        _call(lambda: services.booking_transfer_withdraw(actor=request.user, booking=booking))
        messages.success(request, _("Your invitation is withdrawn. The place is still yours."))
        return redirect("events:mine")
    form = TransferForm(_posted(request))
    done = _submit_then_my_bookings(
        request,
        form,
        lambda: services.booking_transfer_invite(
            actor=request.user, booking=booking, email=form.cleaned_data["email"]
        ),
        field="email",
        success=_(
            "We have emailed your colleague an invitation. The place stays yours until they "
            "accept it by signing in or creating an account with that address."
        ),
    )
    return done or render(
        request,
        "events/transfer.html",
        {
            "booking": booking,
            "form": form,
            "invitation": selectors.booking_transfer_open(booking=booking),
        },
    )


def booking_transfer_claim(request: HttpRequest, token: str) -> HttpResponse:
    """The colleague's side: sign in or sign up with the invited address, then accept."""
    try:
        invitation = services.booking_transfer_check(token=token)
    except services.TransferClaimError as error:
        return _transfer_problem(request, error)
    user = request.user
    wrong_account = user.is_authenticated and not selectors.user_has_address(
        user=user, email=invitation.email
    )
    if request.method == "POST" and user.is_authenticated:
        try:
            booking = services.booking_transfer_claim(actor=user, token=token)
        except services.TransferClaimError as error:
            return _transfer_problem(request, error)
        messages.success(
            request,
            _("The place is yours: “%(title)s”.") % {"title": booking.session.title},
        )
        return redirect("events:mine")
    return _private(
        render(
            request,
            "events/transfer_claim.html",
            {
                "invitation": invitation,
                "session": invitation.booking.session,
                "event": invitation.booking.session.event,
                "wrong_account": wrong_account,
            },
            status=403 if wrong_account else 200,
        )
    )


def _transfer_problem(request: HttpRequest, error: services.TransferClaimError) -> HttpResponse:
    return _private(
        render(
            request,
            "events/transfer_problem.html",
            {"message": error.message},
            status=error.status,
        )
    )


@login_required
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _own_booking(request, pk)
    if booking.state not in (BookingState.CONFIRMED, BookingState.ATTENDED):
        raise Http404
    response = HttpResponse(booking_ics_bytes(booking), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="booking.ics"'
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.calendar_feed_get_by_token(token=token)
    if feed is None:
        raise Http404
    bookings = selectors.user_calendar_bookings(user=feed.user)
    response = HttpResponse(feed_ics(bookings), content_type="text/calendar")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def improvement_create(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(pk)
    if not selectors.user_had_place(user=request.user, session=session) or (
        session.ends_at > timezone.now()
    ):
        raise Http404
    form = ImprovementForm(_posted(request))
    done = _submit_then_my_bookings(
        request,
        form,
        lambda: services.improvement_create(
            user=request.user, session=session, text=form.cleaned_data["text"]
        ),
        field="text",
        success=_("Thank you for your suggestion."),
    )
    return done or render(request, "events/improve.html", {"session": session, "form": form})


# Organisers


@permission_required(Perm.MANAGE_EVENTS)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = services.event_save(actor=request.user, event=None, data=form.cleaned_data)
        messages.success(request, _("The event has been created. Now add its sessions."))
        return redirect("events:manage", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@permission_required(Perm.MANAGE_EVENTS)
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_organiser(actor=request.user, slug=slug)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        event = services.event_save(actor=request.user, event=event, data=form.cleaned_data)
        messages.success(request, _("The event has been saved."))
        return redirect("events:manage", slug=event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@permission_required(Perm.MANAGE_EVENTS)
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_organiser(actor=request.user, slug=slug)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.session_save(actor=request.user, event=event, session=None, data=form.cleaned_data)
        messages.success(request, _("The session has been added."))
        return redirect("events:manage", slug=event.slug)
    return render(
        request, "events/session_form.html", {"form": form, "event": event, "session": None}
    )


@permission_required(Perm.MANAGE_EVENTS)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_organiser(actor=request.user, pk=pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        services.session_save(
            actor=request.user, event=session.event, session=session, data=form.cleaned_data
        )
        messages.success(request, _("The session has been saved."))
        return redirect("events:manage", slug=session.event.slug)
    return render(
        request,
        "events/session_form.html",
        {"form": form, "event": session.event, "session": session},
    )


@permission_required(Perm.MANAGE_EVENTS)
def event_team(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's organisers; any of them (or an administrator) adds a colleague."""
    event = selectors.event_get_for_organiser(actor=request.user, slug=slug)
    form = OrganiserAddForm(_posted(request), event=event)
    if form.is_valid():
        added = form.cleaned_data["user"]
        _result, error = _call(
            lambda: services.event_organiser_add(actor=request.user, event=event, user=added)
        )
        if error is None:
            messages.success(
                request,
                _("%(name)s is now an organiser of this event.") % {"name": added.public_name},
            )
            return redirect("events:team", slug=event.slug)
        form.add_error("user", error)
    return render(
        request,
        "events/team.html",
        {"event": event, "team": selectors.event_team(event=event), "form": form},
    )


@permission_required(Perm.MANAGE_EVENTS)
@require_POST
def event_team_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    event = selectors.event_get_for_organiser(actor=request.user, slug=slug)
    member = next((u for u in selectors.event_team(event=event) if u.pk == user_pk), None)
    if member is None:
        raise Http404
    _result, error = _call(
        lambda: services.event_organiser_remove(actor=request.user, event=event, user=member)
    )
    if error is not None:
        messages.error(request, error)
        return redirect("events:team", slug=event.slug)
    messages.success(
        request,
        _("%(name)s is no longer an organiser of this event.") % {"name": member.public_name},
    )
    if not selectors.event_organised_by(user=request.user, event=event):
        return redirect("events:detail", slug=event.slug)
    return redirect("events:team", slug=event.slug)


@permission_required(Perm.MANAGE_EVENTS)
def event_manage(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_organiser(actor=request.user, slug=slug)
    sessions = list(selectors.sessions_with_counts(event=event))
    rows = [{"session": s, "counts": selectors.session_counts(session=s)} for s in sessions]
    return render(request, "events/manage.html", {"event": event, "rows": rows})


@permission_required(Perm.MANAGE_EVENTS)
@require_POST
def event_bookings_open(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_organiser(actor=request.user, slug=slug)
    is_open = request.POST.get("open") == "1"
    services.event_bookings_set_open(actor=request.user, event=event, is_open=is_open)
    messages.success(request, _("Bookings are open.") if is_open else _("Bookings are closed."))
    return redirect("events:manage", slug=event.slug)


@permission_required(Perm.MANAGE_EVENTS)
def session_manage(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_organiser(actor=request.user, pk=pk)
    form = CheckInSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.session_attendees(session=session, query=query), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/session_manage.html",
        {
            "session": session,
            "event": session.event,
            "form": form,
            "page": page,
            "query": query,
            "counts": selectors.session_counts(session=session),
        },
    )


@permission_required(Perm.MANAGE_EVENTS)
@require_POST
def booking_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.booking_get_for_organiser(actor=request.user, pk=pk)
    checked_in, error = _call(
        lambda: services.booking_check_in(actor=request.user, booking=booking)
    )
    if checked_in is None:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": booking.user.public_name})
    return redirect("events:session_manage", pk=booking.session_id)


@permission_required(Perm.MANAGE_EVENTS)
def session_message(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_organiser(actor=request.user, pk=pk)
    if request.method == "POST":
        form = SessionMessageForm(request.POST)
        if form.is_valid():
            sent = services.session_message_send(
                actor=request.user,
                session=session,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
            messages.success(
                request, _("Your message is being sent to %(count)s people.") % {"count": sent}
            )
            return redirect("events:session_manage", pk=session.pk)
    else:
        form = SessionMessageForm()
    return render(
        request,
        "events/session_message.html",
        {"session": session, "event": session.event, "form": form},
    )


EXPORT_HEADER = [
    "name",
    "organisation",
    "email",
    "mode",
    "state",
    "booked_at",
    "access_needs",
    "dietary_requirements",
]


@permission_required(Perm.MANAGE_EVENTS)
def session_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Attendee list for organisers (they need addresses to contact attendees)."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    session = selectors.session_get_for_organiser(actor=request.user, pk=pk)
    rows = [
        [
            b.user.public_name,
            b.user.organisation,
            b.user.email,
            b.mode,
            b.state,
            b.created_at.isoformat(timespec="seconds"),
            b.access_needs,
            b.dietary_requirements,
        ]
        for b in selectors.session_attendees(session=session)
    ]
    filename = f"session-{session.pk}-attendees.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_HEADER)
        for row in rows:
            # Neutralise spreadsheet formulas in user-typed text.
            writer.writerow([spreadsheet_safe(value) for value in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Attendees"
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append([spreadsheet_safe(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
