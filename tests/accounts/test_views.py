import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from exchange.accounts.models import User
from exchange.core.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

SIGN_UP = {
    "email": "new.person@example.net",
    "display_name": "Ada from Ward 9",
    "organisation": "Northshire NHS Trust",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_sign_up_confirm_email_then_sign_in(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGN_UP)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.person@example.net")
    assert user.display_name == "Ada from Ward 9"
    assert user.organisation == "Northshire NHS Trust"
    assert not EmailAddress.objects.get(user=user).verified
    # Mandatory verification: no session until the address is confirmed.
    assert "_auth_user_id" not in client.session

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.net"]
    assert "Confirm your email address" in message.subject
    confirm_url = link_in(message)

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Confirm that new.person@example.net is your email address." in page.content.decode()
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = sign_in(client, "new.person@example.net", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_unconfirmed_account_cannot_sign_in_and_gets_a_new_link(client, mailoutbox):
    UserFactory(email="waiting@example.net", verified=False)

    response = sign_in(client, "waiting@example.net", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert [m.to for m in mailoutbox] == [["waiting@example.net"]]


@pytest.mark.django_db
def test_sign_up_with_an_address_already_in_use_is_refused(client, participant):
    response = client.post(reverse("account_signup"), {**SIGN_UP, "email": participant.email})

    # allauth's enumeration protection: same page as success, but no second account.
    assert User.objects.filter(email=participant.email).count() == 1
    assert response.status_code in {200, 302}


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_keeps_the_email(client, participant):
    response = sign_in(client, participant.email, "not the password")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "not correct" in html
    assert f'value="{participant.email}"' in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_empty_sign_in_form_shows_errors_by_each_field(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_login"' in html
    assert 'href="#id_password"' in html
    assert html.count("govuk-form-group--error") == 2


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(client, participant):
    for attempt in range(1, 6):
        response = sign_in(client, participant.email, f"wrong {attempt}")
        assert "_auth_user_id" not in client.session
    # The fifth failure already answers with the lock-out page.
    assert response.status_code == 429

    response = sign_in(client, participant.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Signing in is locked for now" in html
    assert "5 times in a row" in html
    assert "You can try again in 1 hour." in html
    assert 'class="govuk-skip-link"' in html


@pytest.mark.django_db
def test_four_failures_do_not_lock_and_a_success_resets_the_count(client, participant):
    for attempt in range(4):
        sign_in(client, participant.email, f"wrong {attempt}")

    assert sign_in(client, participant.email, PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        assert sign_in(client, participant.email, f"wrong {attempt}").status_code == 200
    assert sign_in(client, participant.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_on_one_account_do_not_lock_another(client, participant):
    other = UserFactory()
    for attempt in range(5):
        sign_in(client, participant.email, f"wrong {attempt}")

    assert sign_in(client, other.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, participant, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": participant.email})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [participant.email]
    assert "Reset your password" in mailoutbox[0].subject
    reset_url = link_in(mailoutbox[0])

    form_page = client.get(reset_url, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a brand new passphrase 42"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.check_password(new_password)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_looks_the_same(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.net"})

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")


@pytest.mark.django_db
def test_password_reset_rejects_an_invalid_address(client):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_email"' in html
    assert 'value="not an address"' in html


@pytest.mark.django_db
def test_change_password_wrong_current_password(participant_client):
    response = participant_client.post(
        reverse("account_change_password"),
        {"oldpassword": "nope", "password1": "x", "password2": "y"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_oldpassword"' in html


@pytest.mark.django_db
def test_sign_out_needs_a_post(participant_client):
    assert participant_client.get(reverse("account_logout")).status_code == 200
    assert "_auth_user_id" in participant_client.session

    response = participant_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in participant_client.session


class TestProfile:
    @pytest.mark.django_db
    def test_needs_sign_in(self, client):
        response = client.get(reverse("accounts:profile"))

        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    @pytest.mark.django_db
    def test_shows_the_current_details(self, participant_client, participant):
        html = participant_client.get(reverse("accounts:profile")).content.decode()

        assert f'value="{participant.display_name}"' in html
        assert f'value="{participant.organisation}"' in html

    @pytest.mark.django_db
    def test_update_saves_and_audits(self, participant_client, participant):
        response = participant_client.post(
            reverse("accounts:profile"),
            {"display_name": "  Sam (theatres)  ", "organisation": "Eastvale Council"},
            follow=True,
        )

        assert response.redirect_chain[-1][0] == reverse("accounts:profile")
        assert "Your profile has been updated." in response.content.decode()
        participant.refresh_from_db()
        assert participant.display_name == "Sam (theatres)"
        assert participant.organisation == "Eastvale Council"
        entry = AuditEntry.objects.get(action="profile.update")
        assert entry.actor == participant

    @pytest.mark.django_db
    def test_too_long_input_errors_and_keeps_what_was_typed(self, participant_client, participant):
        long_name = "N" * 81
        long_org = "O" * 201

        response = participant_client.post(
            reverse("accounts:profile"), {"display_name": long_name, "organisation": long_org}
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert 'href="#id_display_name"' in html
        assert 'href="#id_organisation"' in html
        assert f'value="{long_name}"' in html
        assert f'value="{long_org}"' in html
        assert "at most 80 characters" in html
        participant.refresh_from_db()
        assert participant.display_name != long_name
        assert not AuditEntry.objects.filter(action="profile.update").exists()

    @pytest.mark.django_db
    def test_html_in_display_name_is_shown_harmlessly(self, participant_client, participant):
        participant_client.post(
            reverse("accounts:profile"),
            {"display_name": "<script>alert(1)</script>", "organisation": ""},
        )

        html = participant_client.get(reverse("accounts:profile")).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_error_messages_say_what_to_do(client):
    signup = client.post(reverse("account_signup"), {"email": "bad"}).content.decode()
    login = client.post(reverse("account_login"), {"login": "", "password": ""}).content.decode()

    assert "Enter an email address in the correct format, like name@example.com" in signup
    assert "Enter a new password" in signup
    assert "Enter the password again to confirm it" in signup
    assert "Enter your email address" in login
    assert "Enter your password" in login
    assert "This field is required" not in signup + login
