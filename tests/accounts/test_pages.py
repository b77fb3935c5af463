"""Every django-allauth page renders in the GOV.UK layout."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ANONYMOUS_PAGES = [
    ("account_login", "Sign in"),
    ("account_signup", "Create an account"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your email"),
    ("account_email_verification_sent", "Confirm your email address"),
    ("account_inactive", "This account is not active"),
    ("account_reset_password_from_key_done", "Your password has been changed"),
]
SIGNED_IN_PAGES = [
    ("account_logout", "Sign out"),
    ("account_email", "Your email addresses"),
    ("account_change_password", "Change your password"),
    ("accounts:profile", "Your profile"),
]


def assert_govuk_page(html: str, heading: str) -> None:
    assert 'class="govuk-skip-link"' in html
    assert re.search(r'<h1 class="govuk-(heading-l|panel__title)">\s*' + re.escape(heading), html)
    assert "placeholder=" not in html
    main = html.split('<main class="govuk-main-wrapper" id="main-content">')[1].split("</main>")[0]
    for form in re.findall(r"<form [^>]*>", main):
        assert "novalidate" in form, form


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "heading"), ANONYMOUS_PAGES, ids=[n for n, _ in ANONYMOUS_PAGES])
def test_entrance_pages_render_in_the_govuk_layout(client, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_govuk_page(response.content.decode(), heading)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "heading"), SIGNED_IN_PAGES, ids=[n for n, _ in SIGNED_IN_PAGES])
def test_account_pages_render_in_the_govuk_layout(participant_client, name, heading):
    response = participant_client.get(reverse(name))

    assert response.status_code == 200
    assert_govuk_page(response.content.decode(), heading)


@pytest.mark.django_db
def test_set_password_page_for_a_user_without_one(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    response = client.get(reverse("account_set_password"))

    assert response.status_code == 200
    assert_govuk_page(response.content.decode(), "Set a password")


@pytest.mark.django_db
def test_bad_confirmation_key_explains_the_link_has_expired(client):
    response = client.get(reverse("account_confirm_email", kwargs={"key": "not-a-key"}))

    assert response.status_code == 200
    assert_govuk_page(response.content.decode(), "This link has expired")


@pytest.mark.django_db
def test_bad_password_reset_key_explains_the_link_has_expired(client, participant):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-key"})

    response = client.get(url, follow=True)

    assert response.status_code == 200
    assert_govuk_page(response.content.decode(), "This link has expired")


@pytest.mark.django_db
def test_sign_up_form_asks_for_display_name_and_organisation(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert '<label for="id_display_name" class="govuk-label">' in html
    assert "Display name" in html
    assert "Organisation (optional)" in html
    assert "Your email address is never shown." in html
    assert 'id="id_password1_hint"' in html


@pytest.mark.django_db
def test_sign_up_errors_are_summarised_and_shown_by_each_field_keeping_input(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "not-an-address",
            "display_name": "D" * 81,
            "organisation": "Northshire <b>Trust</b>",
            "password1": "short",
            "password2": "different",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Create an account - Error" in html
    summary = html.split('class="govuk-error-summary"')[1].split("</div>\n</div>")[0]
    assert 'href="#id_email"' in summary
    assert 'href="#id_display_name"' in summary
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'value="not-an-address"' in html
    assert 'value="' + "D" * 81 + '"' in html
    # Typed HTML comes back escaped, never as markup.
    assert 'value="Northshire &lt;b&gt;Trust&lt;/b&gt;"' in html
    assert "<b>Trust</b>" not in html
