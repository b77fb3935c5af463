"""Who may reach which event, session and booking (issue 13): each test names the leak it shuts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from exchange.api.services import api_token_create
from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.core.tokens import token_digest
from exchange.events import services
from exchange.events.models import Booking, BookingState, BookingTransfer, CalendarFeed, Mode
from tests.events.factories import SessionFactory
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return SessionFactory(title="Keeping video clinics", capacity_in_person=2)


@pytest.fixture
def outsider(session):
    """An organiser, but not on this event's team."""
    session.event.organisers.add(UserFactory(roles=[Role.ORGANISER]))
    return UserFactory(roles=[Role.ORGANISER])


def book(session, user=None, mode=Mode.IN_PERSON):
    return services.booking_create(user=user or UserFactory(), session=session, mode=mode)


def organiser_urls(session, booking):
    slug, pk = session.event.slug, session.pk
    return {
        "get": [
            reverse("events:manage", kwargs={"slug": slug}),
            reverse("events:event_edit", kwargs={"slug": slug}),
            reverse("events:session_create", kwargs={"slug": slug}),
            reverse("events:team", kwargs={"slug": slug}),
            reverse("events:session_edit", kwargs={"pk": pk}),
            reverse("events:session_manage", kwargs={"pk": pk}),
            reverse("events:session_export", kwargs={"pk": pk, "fmt": "csv"}),
            reverse("events:session_export", kwargs={"pk": pk, "fmt": "xlsx"}),
            reverse("events:session_message", kwargs={"pk": pk}),
        ],
        "post": [
            reverse("events:event_edit", kwargs={"slug": slug}),
            reverse("events:session_create", kwargs={"slug": slug}),
            reverse("events:team", kwargs={"slug": slug}),
            reverse(
                "events:team_remove",
                kwargs={"slug": slug, "user_pk": session.event.organisers.get().pk},
            ),
            reverse("events:session_edit", kwargs={"pk": pk}),
            reverse("events:session_message", kwargs={"pk": pk}),
            reverse("events:bookings_open", kwargs={"slug": slug}),
            reverse("events:check_in", kwargs={"pk": booking.pk}),
        ],
    }


def test_an_organiser_not_on_the_team_is_refused_every_organiser_page(client, session, outsider):
    """Leak: organiser pages were checked only for the global "manage events" permission."""
    booking = book(session)
    client.force_login(outsider)
    urls = organiser_urls(session, booking)

    for url in urls["get"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {"subject": "Hi", "body": "Hello", "open": "0"}).status_code == (
            403
        ), url

    booking.refresh_from_db()
    session.event.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert session.event.bookings_open
    assert session.event.organisers.count() == 1


def test_the_team_and_an_administrator_reach_every_organiser_page(client, session):
    booking = book(session)
    for person in (session.event.organisers.first() or _on_team(session), AdminFactory()):
        client.force_login(person)
        for url in organiser_urls(session, booking)["get"]:
            assert client.get(url).status_code == 200, url


def _on_team(session):
    organiser = UserFactory(roles=[Role.ORGANISER])
    session.event.organisers.add(organiser)
    return organiser


def test_organiser_services_check_the_actor(session, outsider, mailoutbox):
    """Leak: check-in, messaging, cancelling someone's booking, closing bookings and editing
    trusted the caller; only the views checked the organiser."""
    booking = book(session)
    event = session.event
    refused = [
        lambda: services.booking_check_in(actor=outsider, booking=booking),
        lambda: services.session_message_send(
            actor=outsider, session=session, subject="Hi", body="Hello"
        ),
        lambda: services.booking_cancel(user=outsider, booking=booking, by_organiser=True),
        lambda: services.event_bookings_set_open(actor=outsider, event=event, is_open=False),
        lambda: services.event_save(actor=outsider, event=event, data={"title": "Taken over"}),
        lambda: services.session_save(
            actor=outsider, event=event, session=session, data={"capacity_in_person": 0}
        ),
        lambda: services.session_save(
            actor=outsider, event=event, session=None, data={"title": "Extra"}
        ),
        lambda: services.event_organiser_add(actor=outsider, event=event, user=outsider),
        lambda: services.event_organiser_remove(
            actor=outsider, event=event, user=event.organisers.get()
        ),
        lambda: services.event_save(actor=UserFactory(), event=None, data={"title": "Mine"}),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()

    booking.refresh_from_db()
    event.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert event.bookings_open
    assert event.title != "Taken over"
    assert list(event.organisers.all()) != [outsider]
    assert mailoutbox == []


def test_a_session_of_another_event_cannot_be_saved_through_my_event(session):
    mine = SessionFactory()
    organiser = _on_team(mine)
    with pytest.raises(PermissionDenied):
        services.session_save(
            actor=organiser, event=mine.event, session=session, data={"title": "Moved"}
        )


def test_the_team_adds_and_removes_organisers_but_never_the_last(client, session):
    first = _on_team(session)
    colleague = UserFactory(roles=[Role.ORGANISER], display_name="Cerys Organiser")
    participant = UserFactory(display_name="Not An Organiser")
    url = reverse("events:team", kwargs={"slug": session.event.slug})
    client.force_login(first)

    page = client.get(url).content.decode()
    assert "Cerys Organiser" in page
    assert "Not An Organiser" not in page
    assert colleague.email not in page
    refused = client.post(url, {"user": participant.pk})
    assert refused.status_code == 200
    assert "Choose the person to add" in refused.content.decode()

    response = client.post(url, {"user": colleague.pk}, follow=True)
    assert "Cerys Organiser is now an organiser" in response.content.decode()
    assert set(session.event.organisers.all()) == {first, colleague}

    client.force_login(colleague)
    client.post(
        reverse("events:team_remove", kwargs={"slug": session.event.slug, "user_pk": first.pk})
    )
    assert list(session.event.organisers.all()) == [colleague]
    last = client.post(
        reverse("events:team_remove", kwargs={"slug": session.event.slug, "user_pk": colleague.pk}),
        follow=True,
    )
    assert "at least one organiser" in last.content.decode()
    assert list(session.event.organisers.all()) == [colleague]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"event.organiser_add", "event.organiser_remove"} <= actions


def test_a_participant_cannot_touch_another_persons_booking(client, session):
    """Booking pages and services answer 404 / refuse for someone else's booking."""
    booking = book(session)
    client.force_login(UserFactory())
    for name in ("switch", "cancel", "accept", "transfer", "booking_ics"):
        url = reverse(f"events:{name}", kwargs={"pk": booking.pk})
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"email": "me@example.org"}).status_code == 404, name
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert not BookingTransfer.objects.exists()


def test_the_api_acts_only_on_the_token_owners_bookings(client, session):
    """API tokens act for their owner only: another person's booking is a 404 and unchanged."""
    booking = book(session)
    stranger = UserFactory()
    book(session, user=stranger, mode=Mode.ONLINE)
    _, raw = api_token_create(actor=stranger, user=stranger, name="mine")
    headers = {"Authorization": f"Bearer {raw}"}

    mine = client.get("/api/me/bookings", headers=headers).json()
    assert [b["mode"] for b in mine] == ["online"]
    for action, body in (("cancel", {}), ("switch", {"mode": "online"})):
        response = client.post(
            f"/api/me/bookings/{booking.pk}/{action}",
            body,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 404, action
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert booking.mode == Mode.IN_PERSON


# Calendar feeds -------------------------------------------------------------------------------


def test_a_calendar_feed_keeps_only_the_digest_of_its_token(client, session):
    """Leak: feed tokens were stored in plain text (API and check-in tokens are digests)."""
    booking = book(session)
    client.force_login(booking.user)

    first = client.post(reverse("events:calendar_feed_manage"), {"action": "create"})
    first_url = first.context["feed_url"]
    raw = re.search(r"/events/calendar/([^/]+)\.ics", first_url).group(1)
    feed = CalendarFeed.objects.get(user=booking.user)
    assert feed.digest == token_digest(raw)
    assert raw not in str(vars(feed))
    page = client.get(reverse("events:mine")).content.decode()
    assert raw not in page
    assert "Create a new address" in page

    second_url = client.post(reverse("events:calendar_feed_manage"), {"action": "create"}).context[
        "feed_url"
    ]
    client.logout()
    assert client.get(first_url).status_code == 404  # the old address stops working
    assert client.get(second_url).status_code == 200
    assert client.get(f"/events/calendar/{feed.digest}.ics").status_code == 404


def test_turning_the_feed_off(client, session):
    booking = book(session)
    client.force_login(booking.user)
    url = client.post(reverse("events:calendar_feed_manage"), {"action": "create"}).context[
        "feed_url"
    ]
    client.post(reverse("events:calendar_feed_manage"), {"action": "delete"})
    assert client.get(url).status_code == 404
    assert "Create a calendar feed address" in client.get(reverse("events:mine")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_existing_feeds_and_their_addresses_keep_working(client):
    """Feeds created before the digests keep working at the address people subscribed to."""
    executor = MigrationExecutor(connection)
    executor.migrate([("events", "0001_initial")])
    old_apps = executor.loader.project_state([("events", "0001_initial")]).apps
    user = UserFactory()
    old_apps.get_model("events", "CalendarFeed").objects.create(
        user_id=user.pk, token="subscribed-before-the-upgrade"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("events"))

    feed = CalendarFeed.objects.get(user=user)
    assert feed.digest == token_digest("subscribed-before-the-upgrade")
    response = client.get("/events/calendar/subscribed-before-the-upgrade.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"


# Transfers ------------------------------------------------------------------------------------


def _transfer_page(client, booking, email):
    url = reverse("events:transfer", kwargs={"pk": booking.pk})
    return client.post(url, {"email": email}, follow=True)


def _comparable(html):
    """The page without what differs between two people anyway (form token, ids)."""
    return re.sub(r"\d+", "N", re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html))


def test_transfer_never_reveals_whether_an_address_has_an_account(
    client, session, mailoutbox, django_capture_on_commit_callbacks
):
    """Leak: the transfer form said whether an email address had an account."""
    UserFactory(email="known@example.org")
    pages, bodies = [], []
    for email in ("known@example.org", "unknown@example.org"):
        booking = book(session)
        client.force_login(booking.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = _transfer_page(client, booking, email)
        assert response.status_code == 200
        html = _comparable(response.content.decode())
        pages.append(html.replace(booking.user.public_name, "NAME"))
        bodies.append(
            re.sub(r"/events/transfers/[^/]+/", "", mailoutbox[-1].body).replace(
                booking.user.public_name, "NAME"
            )
        )
        booking.refresh_from_db()
        assert booking.user.email not in (email,)  # still the sender's place

    assert pages[0].replace("known@", "X@") == pages[1].replace("unknown@", "X@")
    assert bodies[0] == bodies[1]
    assert [m.to for m in mailoutbox] == [["known@example.org"], ["unknown@example.org"]]


@pytest.fixture
def invite(session, mailoutbox, django_capture_on_commit_callbacks):
    """A confirmed booking and the claim link of an invitation to `email`."""

    def send(email="colleague@example.org"):
        booking = book(session)
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_transfer_invite(actor=booking.user, booking=booking, email=email)
        path = re.search(r"(/events/transfers/[^/\s]+/)", mailoutbox[-1].body).group(1)
        return booking, path

    return send


def test_a_transfer_is_claimed_by_signing_in_with_the_invited_address(client, invite):
    colleague = UserFactory(email="colleague@example.org")
    booking, path = invite()
    assert BookingTransfer.objects.get().digest == token_digest(path.split("/")[-2])

    anonymous = client.get(path)
    assert anonymous.status_code == 200
    assert "Sign in" in anonymous.content.decode()
    assert "no-store" in anonymous["Cache-Control"]
    assert booking.user.public_name in anonymous.content.decode()
    assert client.post(path).status_code == 200  # nothing to accept without signing in

    client.force_login(colleague)
    response = client.post(path, follow=True)
    assert "The place is yours" in response.content.decode()
    booking.refresh_from_db()
    assert booking.user == colleague
    assert booking.state == BookingState.CONFIRMED
    assert client.get(path).status_code == 410  # used


def test_a_transfer_is_claimed_after_signing_up_with_the_invited_address(client, invite):
    from allauth.account.models import EmailAddress

    booking, path = invite(email="new.colleague@example.org")
    signup = client.post(
        reverse("account_signup") + f"?next={path}",
        {
            "email": "new.colleague@example.org",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "display_name": "New Colleague",
            "organisation": "Riverside",
        },
    )
    assert signup.status_code == 302
    address = EmailAddress.objects.get(email="new.colleague@example.org")
    # Sign-up needs the address confirmed (ACCOUNT_EMAIL_VERIFICATION): not before.
    client.force_login(address.user)
    address.verified = False
    address.save()
    assert client.post(path).status_code == 403
    address.verified = True
    address.save()

    client.post(path)
    booking.refresh_from_db()
    assert booking.user == address.user


def test_a_transfer_claimed_by_the_wrong_account_is_refused(client, invite):
    booking, path = invite()
    sender = booking.user
    for wrong in (UserFactory(email="someone.else@example.org"), sender):
        client.force_login(wrong)
        page = client.get(path)
        assert page.status_code == 403
        assert "colleague@example.org" not in page.content.decode()
        assert client.post(path).status_code == 403
    booking.refresh_from_db()
    assert booking.user == sender


def test_an_expired_or_withdrawn_transfer_link_is_refused(client, invite, session):
    colleague = UserFactory(email="colleague@example.org")
    booking, path = invite()
    client.force_login(colleague)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert client.post(path).status_code == 410
    services.booking_transfer_withdraw(actor=booking.user, booking=booking)
    assert client.post(path).status_code == 410
    assert client.get("/events/transfers/never-issued/").status_code == 404
    booking.refresh_from_db()
    assert booking.user != colleague


def test_the_invited_place_keeps_its_seat_while_waiting(client, invite, session):
    """The place is held for the colleague: capacity counts do not change until it is claimed."""
    booking, _path = invite()
    book(session)
    assert book(session).state == BookingState.WAITLISTED
    seated = Booking.objects.filter(session=session, state=BookingState.CONFIRMED).count()
    assert seated == session.capacity_in_person
    assert booking.user.pk in Booking.objects.values_list("user_id", flat=True)


def test_invitations_are_limited_to_a_few_a_minute(session):
    """No one can use the transfer form to flood someone's inbox."""
    booking = book(session)
    for n in range(services.TRANSFER_INVITATIONS_PER_MINUTE):
        services.booking_transfer_invite(
            actor=booking.user, booking=booking, email=f"colleague{n}@example.org"
        )
    with pytest.raises(services.BookingError, match="Wait a minute"):
        services.booking_transfer_invite(
            actor=booking.user, booking=booking, email="one.more@example.org"
        )
