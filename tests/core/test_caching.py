"""Whole-page caching for anonymous readers (exchange/core/caching.py)."""

import pytest
from csp.middleware import CSPMiddleware
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse

from exchange.core.caching import cache_page_for_anonymous, published_examples_changed
from exchange.examples import services
from tests.factories import (
    ModeratorFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
)

pytestmark = pytest.mark.django_db

GALLERY = reverse("examples:gallery")
HOME = reverse("core:home")


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def _detail(example):
    return reverse("examples:detail", kwargs={"pk": example.pk})


class TestAnonymousPagesAreCached:
    @pytest.mark.parametrize(
        "url",
        [
            GALLERY,
            GALLERY + "?q=clinic&sort=newest",
            HOME,
            reverse("examples:campaign_list"),
        ],
    )
    def test_a_repeat_visit_is_served_without_queries(self, client, url, django_assert_num_queries):
        PublishedExampleFactory(title="Video clinic")
        first = _html(client.get(url))

        with django_assert_num_queries(0):
            again = _html(client.get(url))

        assert again == first

    def test_detail_and_campaign_pages_too(self, client, django_assert_num_queries):
        example = PublishedExampleFactory()
        campaign_url = reverse("examples:campaign_detail", kwargs={"slug": example.campaign.slug})
        for url in (_detail(example), campaign_url):
            first = _html(client.get(url))
            with django_assert_num_queries(0):
                assert _html(client.get(url)) == first

    def test_each_query_string_and_language_has_its_own_page(self, client):
        PublishedExampleFactory(title="Video clinic", sector="health")
        health = _html(client.get(GALLERY, {"sector": "health"}))
        industry = _html(client.get(GALLERY, {"sector": "industry"}))
        assert "Video clinic" in health
        assert "Video clinic" not in industry

        client.cookies["django_language"] = "cy"
        assert 'lang="cy"' in _html(client.get(GALLERY, {"sector": "health"}))

    def test_cached_page_holds_nothing_per_visitor(self, client):
        PublishedExampleFactory()
        client.get(GALLERY)

        response = client.get(GALLERY)

        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies
        assert "Set-Cookie" not in response
        assert response["Cache-Control"] in {"private, no-cache", "no-cache, private"}

    def test_changes_outside_the_services_wait_for_the_next_generation(self, client):
        """What the cache promises: a page stays until a service retires its generation."""
        client.get(GALLERY)
        PublishedExampleFactory(title="Added behind the services' back")
        assert "Added behind" not in _html(client.get(GALLERY))

        published_examples_changed()

        assert "Added behind" in _html(client.get(GALLERY))


class TestChangesRetireCachedPages:
    def test_approving_an_example_shows_it(self, client, django_capture_on_commit_callbacks):
        example = SubmittedExampleFactory(title="Hotel rooms for rough sleepers")
        assert "Hotel rooms" not in _html(client.get(GALLERY))

        with django_capture_on_commit_callbacks(execute=True):
            services.example_approve(actor=ModeratorFactory(), example=example)

        assert "Hotel rooms" in _html(client.get(GALLERY))

    def test_featuring_and_unfeaturing_change_the_home_page(
        self, client, django_capture_on_commit_callbacks
    ):
        example = PublishedExampleFactory(title="Face shields printed locally")
        moderator = ModeratorFactory()
        assert "No examples have been featured yet" in _html(client.get(HOME))

        with django_capture_on_commit_callbacks(execute=True):
            services.example_feature(actor=moderator, example=example)
        assert "No examples have been featured yet" not in _html(client.get(HOME))

        with django_capture_on_commit_callbacks(execute=True):
            services.example_unfeature(actor=moderator, example=example)
        assert "No examples have been featured yet" in _html(client.get(HOME))

    def test_withdrawing_removes_the_page(self, client, django_capture_on_commit_callbacks):
        example = PublishedExampleFactory(title="Video consultations")
        assert "Video consultations" in _html(client.get(GALLERY))
        assert client.get(_detail(example)).status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            services.example_withdraw(actor=example.author, example=example)

        assert "Video consultations" not in _html(client.get(GALLERY))
        assert client.get(_detail(example)).status_code == 404

    def test_generation_is_replaced_again_on_commit(self, django_capture_on_commit_callbacks):
        from exchange.core.caching import published_examples_generation

        before = published_examples_generation()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            published_examples_changed()
        during = published_examples_generation()
        for callback in callbacks:
            callback()

        assert len({before, during, published_examples_generation()}) == 3


class TestNeverCached:
    def test_signed_in_readers_get_fresh_pages(self, client, django_assert_max_num_queries):
        PublishedExampleFactory(title="First example")
        client.get(GALLERY)  # cached for anonymous visitors
        PublishedExampleFactory(title="Second example")
        example = PublishedExampleFactory(title="Third example")
        client.force_login(example.author)

        html = _html(client.get(GALLERY))

        assert "Second example" in html
        assert "Sign out" in html
        client.logout()
        assert "Second example" not in _html(client.get(GALLERY))
        assert "Sign out" not in _html(client.get(GALLERY))

    def test_a_signed_in_page_is_never_served_to_anonymous_visitors(self, client):
        example = PublishedExampleFactory()
        client.force_login(example.author)
        client.get(_detail(example))
        client.logout()

        assert "Sign out" not in _html(client.get(_detail(example)))

    def _request(self, rf):
        request = rf.get("/somewhere/")
        request.session = SessionStore()
        request.user = AnonymousUser()
        request._messages = SessionStorage(request)
        return request

    def test_not_while_messages_wait(self, rf):
        calls = []

        @cache_page_for_anonymous()
        def view(request):
            calls.append(1)
            return HttpResponse("page")

        request = self._request(rf)
        messages.info(request, "Your example was sent")
        view(request)
        view(request)
        assert len(messages.get_messages(request)) == 1  # still there to be shown
        view(self._request(rf))
        view(self._request(rf))

        assert len(calls) == 3

    @pytest.mark.parametrize("kind", ["csrf", "cookie", "status", "post", "nonce"])
    def test_responses_with_anything_per_visitor_are_not_stored(self, rf, kind):
        calls = []

        @cache_page_for_anonymous()
        def view(request):
            calls.append(1)
            response = HttpResponse("page", status=404 if kind == "status" else 200)
            if kind == "csrf":
                get_token(request)
            if kind == "cookie":
                response.set_cookie("seen", "1")
            if kind == "nonce":
                response.content = f'<script nonce="{request.csp_nonce}"></script>'.encode()
            return response

        for _ in range(2):
            request = self._request(rf)
            if kind == "post":
                request.method = "POST"
            CSPMiddleware(lambda request: HttpResponse()).process_request(request)
            view(request)

        assert len(calls) == 2


class TestLanguageSwitch:
    def url(self, code="cy", **params):
        return reverse("core:language", kwargs={"code": code})

    def test_sets_the_language_cookie_and_goes_back(self, client, settings):
        response = client.get(self.url(), {"next": "/examples/?sector=health"})

        assert response.status_code == 302
        assert response.url == "/examples/?sector=health"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
        assert 'lang="cy"' in _html(client.get("/examples/?sector=health"))

    @pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
    def test_never_leaves_the_site(self, client, next_url):
        response = client.get(self.url(), {"next": next_url})

        assert response.status_code == 302
        assert response.url == HOME

    def test_unknown_language_is_not_found(self, client):
        assert client.get(self.url(code="fr")).status_code == 404

    def test_footer_offers_the_other_language_as_a_link(self, client):
        html = _html(client.get(GALLERY, {"sector": "health"}))

        assert 'href="/language/cy/?next=/examples/%3Fsector%3Dhealth"' in html
        assert "csrfmiddlewaretoken" not in html

        client.cookies["django_language"] = "cy"
        html = _html(client.get(GALLERY))
        assert 'href="/language/en/?next=/examples/"' in html


class TestObjectsInThisProcess:
    def _store(self, **kwargs):
        from exchange.core.caching import ObjectsInThisProcess

        return ObjectsInThisProcess(**{"max_entries": 3, "timeout": 60, **kwargs})

    def test_hands_back_the_stored_object_itself(self):
        store = self._store()
        value = ["a", "b"]
        store.set("k", value)
        assert store.get("k") is value
        assert store.get("missing", "default") == "default"

    def test_keeps_the_most_recently_used_entries(self):
        store = self._store()
        for key in "abc":
            store.set(key, key)
        store.get("a")  # now the most recently used
        store.set("d", "d")
        assert [store.get(key) for key in "abcd"] == ["a", None, "c", "d"]

    def test_entries_expire(self):
        import time_machine

        store = self._store(timeout=10)
        with time_machine.travel(0, tick=False) as traveller:
            store.set("k", "v")
            store.set("forever", "v", timeout=None)
            traveller.shift(11)
            assert store.get("k") is None
            assert store.get("forever") == "v"

    def test_add_touch_delete_clear(self):
        store = self._store()
        assert store.add("k", 1)
        assert not store.add("k", 2)
        assert store.get("k") == 1
        assert store.touch("k", timeout=5)
        assert not store.touch("missing")
        assert store.delete("k")
        assert not store.delete("k")
        store.set("x", 1)
        store.clear()
        assert not store.has_key("x")
