import pytest
from django.test import override_settings
from django.urls import reverse

from exchange.core.context_processors import site_urls
from exchange.core.permissions import Role
from tests.factories import UserFactory


def _navigation(response):
    return [(item["text"], item["href"]) for item in response.context["service_navigation"]]


def test_urls_are_the_reversed_urls():
    urls = site_urls()

    assert urls["core:home"] == reverse("core:home")
    assert urls["examples:gallery"] == reverse("examples:gallery")
    assert urls["account_login"] == reverse("account_login")


def test_urls_follow_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    try:
        set_script_prefix("/exchange/")
        assert site_urls()["examples:gallery"].startswith("/exchange/")
    finally:
        set_script_prefix(before)
    assert not site_urls()["examples:gallery"].startswith("/exchange/")


@override_settings(ROOT_URLCONF="tests.core.urls_for_context_processor")
def test_urls_follow_the_urlconf():
    assert site_urls()["examples:gallery"] == "/elsewhere/examples/"


@pytest.mark.django_db
class TestNavigation:
    def test_anonymous_visitors_get_sign_in_links(self, client):
        response = client.get(reverse("core:accessibility"))

        assert [text for text, _ in _navigation(response)] == [
            "Examples",
            "Campaigns",
            "Events",
            "Reports",
            "Sign in",
            "Create an account",
        ]
        html = response.content.decode()
        assert f'href="{reverse("core:privacy")}"' in html
        assert f'href="{reverse("core:comments_policy")}"' in html
        assert f'href="{reverse("core:home")}" class="govuk-service-navigation__link"' in html

    def test_moderators_get_the_moderation_link(self, client):
        client.force_login(UserFactory(roles=[Role.MODERATOR]))

        navigation = _navigation(client.get(reverse("core:accessibility")))

        assert ("Moderation", reverse("examples:moderation_queue")) in navigation
        assert ("Sign out", reverse("account_logout")) in navigation

    def test_facilitators_get_the_syntheses_link(self, client):
        client.force_login(UserFactory(roles=[Role.FACILITATOR]))

        navigation = _navigation(client.get(reverse("core:accessibility")))

        assert ("Syntheses", reverse("insights:manage_list")) in navigation
        assert ("Reports", reverse("insights:report_list")) in navigation

    def test_other_users_do_not(self, client):
        client.force_login(UserFactory())

        navigation = _navigation(client.get(reverse("core:accessibility")))

        assert "Moderation" not in [text for text, _ in navigation]
        assert "Syntheses" not in [text for text, _ in navigation]
        assert ("My examples", reverse("examples:mine")) in navigation
        assert ("My bookings", reverse("events:mine")) in navigation
