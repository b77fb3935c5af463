import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from exchange.accounts.models import User
from exchange.api.models import ApiToken
from exchange.api.services import api_token_create, api_token_revoke
from exchange.core.models import AuditEntry
from exchange.examples.models import Attachment
from tests.api.factories import seed_api_data
from tests.factories import PublishedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return seed_api_data()


def _json(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _titles(client, **params):
    return {item["title"] for item in _json(client.get("/api/examples", params))["items"]}


class TestCampaigns:
    def test_list(self, client, data):
        body = _json(client.get("/api/campaigns"))

        assert {c["slug"] for c in body} == {"covid-lessons", "winter-pressures"}
        first = next(c for c in body if c["slug"] == "covid-lessons")
        assert first["title"] == "Lessons from the emergency"
        assert first["is_open"] is True
        assert first["pre_moderation"] is True
        assert first["url"] == "/campaigns/covid-lessons/"

    def test_detail(self, client, data):
        body = _json(client.get("/api/campaigns/winter-pressures"))

        assert body["title"] == "Winter pressures"

    def test_unknown_campaign_is_404(self, client, data):
        assert _json(client.get("/api/campaigns/nope"), 404) == {
            "detail": "No campaign with that slug"
        }


class TestExampleList:
    def test_only_published_examples(self, client, data):
        assert _titles(client) == {
            "Video clinics replaced travel",
            "Hotel rooms for rough sleepers",
            "Face shields printed locally",
        }

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"campaign": "winter-pressures"}, {"Face shields printed locally"}),
            ({"sector": "local_government"}, {"Hotel rooms for rough sleepers"}),
            ({"tag": "video"}, {"Video clinics replaced travel"}),
            ({"permanence": "temporary"}, {"Face shields printed locally"}),
            ({"q": "hotel"}, {"Hotel rooms for rough sleepers"}),
            ({"q": "hotel", "campaign": "winter-pressures"}, set()),
            ({"campaign": "no-such-campaign"}, set()),
        ],
    )
    def test_filters(self, client, data, params, expected):
        assert _titles(client, **params) == expected

    def test_item_shape(self, client, data):
        items = _json(client.get("/api/examples", {"tag": "video"}))["items"]

        assert items == [
            {
                "id": data.published.pk,
                "title": "Video clinics replaced travel",
                "summary": data.published.summary,
                "sector": "health",
                "sector_label": "Health",
                "organisation": "Northshire NHS Trust",
                "permanence": "should_stay",
                "author": "Dr Alys Jones",
                "campaign": {"slug": "covid-lessons", "title": "Lessons from the emergency"},
                "tags": [{"slug": "video", "name": "Video"}],
                "is_featured": False,
                "published_at": items[0]["published_at"],
                "url": f"/examples/{data.published.pk}/",
            }
        ]

    def test_anonymous_author_and_organisation_are_hidden(self, client, data):
        [item] = _json(client.get("/api/examples", {"tag": "housing"}))["items"]

        assert item["author"] == "Anonymous"
        assert item["organisation"] is None

    def test_limit_offset_pagination(self, client, data):
        now = timezone.now()
        for n in range(5):
            PublishedExampleFactory(title=f"Extra {n}", published_at=now + dt.timedelta(minutes=n))

        first = _json(client.get("/api/examples", {"limit": 3}))
        second = _json(client.get("/api/examples", {"limit": 3, "offset": 3}))

        assert first["count"] == second["count"] == 8
        assert [i["title"] for i in first["items"]] == ["Extra 4", "Extra 3", "Extra 2"]
        assert len(second["items"]) == 3
        assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}

    def test_sort(self, client, data):
        items = _json(client.get("/api/examples", {"sort": "title"}))["items"]

        assert [i["title"] for i in items] == sorted(i["title"] for i in items)

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 101},
            {"limit": 0},
            {"offset": -1},
            {"sector": "space"},
            {"permanence": "forever"},
            {"sort": "random"},
            {"tag": "<script>"},
            {"campaign": "a b"},
            {"q": "x" * 201},
        ],
    )
    def test_invalid_parameters_are_422(self, client, data, params):
        body = _json(client.get("/api/examples", params), 422)

        assert body["detail"]

    def test_query_count_is_bounded(self, client, data, django_assert_max_num_queries):
        for _ in range(20):
            PublishedExampleFactory()

        with django_assert_max_num_queries(3):  # page, count, tags
            body = _json(client.get("/api/examples", {"limit": 100}))
        assert len(body["items"]) == 23


class TestExampleDetail:
    def test_published_example_with_attachments(self, client, data):
        Attachment.objects.create(
            example=data.published,
            file=ContentFile(b"%PDF-1.4", name="report.pdf"),
            original_name="report.pdf",
            content_type="application/pdf",
            size=8,
        )

        body = _json(client.get(f"/api/examples/{data.published.pk}"))

        assert body["title"] == "Video clinics replaced travel"
        assert body["what_changed"] == data.published.what_changed
        assert body["enablers"] == data.published.enablers
        assert body["evidence"] == data.published.evidence
        assert body["risks_of_reverting"] == data.published.risks_of_reverting
        [attachment] = body["attachments"]
        assert attachment["name"] == "report.pdf"
        assert attachment["content_type"] == "application/pdf"
        assert attachment["url"].startswith(f"/examples/{data.published.pk}/attachments/")

    def test_unpublished_and_missing_examples_are_404(self, client, data):
        for pk in (data.draft.pk, data.submitted.pk, 999_999):
            assert _json(client.get(f"/api/examples/{pk}"), 404) == {
                "detail": "No published example with that id"
            }

    def test_unpublished_examples_are_404_even_for_their_author(self, client, data):
        client.force_login(data.draft.author)

        assert client.get(f"/api/examples/{data.draft.pk}").status_code == 404

    def test_query_count_is_bounded(self, client, data, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):  # example, tags, attachments
            _json(client.get(f"/api/examples/{data.published.pk}"))


def test_no_email_address_appears_in_any_response(client, data):
    """Render every endpoint (lists, details, errors, docs) and look for every user's email."""
    token_owner = UserFactory(email="token-owner@example.org", display_name="")
    _, raw = api_token_create(actor=token_owner, user=token_owner, name="test")
    responses = [
        client.get("/api/campaigns"),
        client.get("/api/campaigns/covid-lessons"),
        client.get("/api/examples", {"limit": 100}),
        client.get("/api/examples", {"q": "hotel"}),
        client.get(f"/api/examples/{data.draft.pk}"),
        client.get("/api/openapi.json"),
        client.get("/api/me", headers={"authorization": f"Bearer {raw}"}),
        *[client.get(f"/api/examples/{pk}") for pk in (data.published.pk, data.anonymous.pk)],
    ]
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) >= 6

    for response in responses:
        text = response.content.decode()
        for email in emails:
            assert email not in text
    assert json.loads(responses[6].content) == {"name": "A participant"}


class TestTokenAuth:
    def test_me_with_a_valid_token(self, client):
        user = UserFactory(display_name="Token Holder")
        token, raw = api_token_create(actor=user, user=user, name="laptop")

        body = _json(client.get("/api/me", headers={"authorization": f"Bearer {raw}"}))

        assert body == {"name": "Token Holder"}
        token.refresh_from_db()
        assert token.last_used_at is not None

    @pytest.mark.parametrize(
        "header",
        [
            None,
            "Bearer",
            "Bearer efc_not-a-real-token",
            "Bearer not-even-the-prefix",
            "Basic dXNlcjpwYXNz",
        ],
    )
    def test_me_without_a_valid_token_is_401(self, client, header):
        headers = {"authorization": header} if header else {}

        assert _json(client.get("/api/me", headers=headers), 401) == {"detail": "Unauthorized"}

    def test_a_session_is_not_enough(self, client):
        client.force_login(UserFactory())

        assert client.get("/api/me").status_code == 401

    def test_inactive_users_tokens_stop_working(self, client):
        user = UserFactory()
        _, raw = api_token_create(actor=user, user=user, name="old")
        user.is_active = False
        user.save()

        assert client.get("/api/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401

    def test_revoked_tokens_stop_working(self, client):
        user = UserFactory()
        token, raw = api_token_create(actor=user, user=user, name="old")
        api_token_revoke(actor=user, token=token)

        assert client.get("/api/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401
        assert AuditEntry.objects.filter(action="api_token.revoke").exists()

    def test_only_the_digest_is_stored_and_creation_is_audited(self):
        user = UserFactory()

        token, raw = api_token_create(actor=user, user=user, name="laptop")

        assert raw.startswith("efc_")
        token.refresh_from_db()
        assert token.digest == ApiToken.digest_of(raw)
        assert raw not in token.digest
        assert AuditEntry.objects.filter(action="api_token.create", actor=user).exists()

    def test_last_used_is_recorded_at_most_every_few_minutes(
        self, client, django_assert_num_queries
    ):
        user = UserFactory()
        _, raw = api_token_create(actor=user, user=user, name="laptop")
        headers = {"authorization": f"Bearer {raw}"}
        client.get("/api/me", headers=headers)

        with django_assert_num_queries(1):  # the token lookup only, no UPDATE
            client.get("/api/me", headers=headers)

    def test_admin_creates_a_token_and_shows_it_once(self, client):
        admin = UserFactory(is_staff=True, is_superuser=True)
        owner = UserFactory()
        client.force_login(admin)

        response = client.post(
            "/admin/api/apitoken/add/", {"user": owner.pk, "name": "integration"}, follow=True
        )

        assert response.status_code == 200
        token = ApiToken.objects.get(user=owner)
        messages = [str(m) for m in response.context["messages"]]
        [raw] = [m.split(": ")[-1] for m in messages if "efc_" in m]
        assert token.digest == ApiToken.digest_of(raw)
        assert _json(client.get("/api/me", headers={"authorization": f"Bearer {raw}"}))["name"]
