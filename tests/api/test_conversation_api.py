from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from exchange.api.services import api_token_create
from exchange.conversation.models import Comment, CommentState
from tests.conversation.factories import CommentFactory, DiscussionFactory, PolicyAcceptanceFactory
from tests.conversation.html_safety import active_content
from tests.factories import ExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    line
    for line in (Path(__file__).parent.parent / "conversation" / "xss_payloads.txt")
    .read_text()
    .splitlines()
    if line.strip()
]


@pytest.fixture
def token_user(db):
    user = UserFactory(display_name="Api Person")
    _, raw = api_token_create(actor=user, user=user, name="test")
    return user, {"Authorization": f"Bearer {raw}"}


def test_list_comments_is_public_and_paginated(client, published_example):
    discussion = DiscussionFactory(example=published_example)
    top = CommentFactory(discussion=discussion, body="First")
    CommentFactory(discussion=discussion, parent=top, body="Reply")
    CommentFactory(discussion=discussion, state=CommentState.PENDING, body="Waiting")
    CommentFactory(discussion=discussion, state=CommentState.REMOVED, body="", body_html="")

    body = client.get(f"/api/examples/{published_example.pk}/comments?limit=10").json()

    assert body["count"] == 3
    items = body["items"]
    assert [i["body_html"] for i in items] == ["<p>First</p>", "<p>Reply</p>", ""]
    assert items[1]["parent_id"] == top.pk
    assert items[2]["removed"] is True
    assert items[2]["author"] is None
    assert "@" not in str(body)


def test_list_comments_of_unpublished_example_is_404(client):
    assert client.get(f"/api/examples/{ExampleFactory().pk}/comments").status_code == 404


def test_post_comment_needs_a_token(client, published_example):
    response = client.post(
        f"/api/examples/{published_example.pk}/comments",
        {"body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_post_comment_rules(client, published_example, token_user):
    _user, headers = token_user
    url = f"/api/examples/{published_example.pk}/comments"
    response = client.post(url, {"body": "hi"}, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert "comments policy" in response.json()["detail"]

    response = client.post(
        url,
        {"body": "hi", "accept_policy": True},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json()["state"] == "pending"
    assert response.json()["author"] == "Api Person"

    response = client.post(
        url, {"body": "x" * 5001}, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_rate_limit_is_429(client, published_example, token_user):
    user, headers = token_user
    PolicyAcceptanceFactory(user=user)
    url = f"/api/examples/{published_example.pk}/comments"
    with override_settings(CONVERSATION_COMMENTS_PER_MINUTE=1):
        client.post(url, {"body": "one"}, content_type="application/json", headers=headers)
        response = client.post(
            url, {"body": "two"}, content_type="application/json", headers=headers
        )
    assert response.status_code == 429


def test_reaction_toggle(client, published_example, token_user):
    _, headers = token_user
    url = f"/api/examples/{published_example.pk}/reactions"
    first = client.post(url, {"kind": "helpful"}, content_type="application/json", headers=headers)
    assert first.json() == {"kind": "helpful", "on": True, "count": 1}
    second = client.post(url, {"kind": "helpful"}, content_type="application/json", headers=headers)
    assert second.json() == {"kind": "helpful", "on": False, "count": 0}
    assert (
        client.post(url, {"kind": "love"}, content_type="application/json", headers=headers)
    ).status_code == 422
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    response = client.post(
        f"/api/comments/{comment.pk}/reactions",
        {"kind": "we_did_this"},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["on"] is True


def test_xss_corpus_through_the_api(client, published_example, token_user):
    user, headers = token_user
    PolicyAcceptanceFactory(user=user)
    CommentFactory(author=user)  # trusted: published at once
    url = f"/api/examples/{published_example.pk}/comments"
    with override_settings(CONVERSATION_COMMENTS_PER_MINUTE=1000, CONVERSATION_PAGE_SIZE=200):
        for payload in PAYLOADS:
            response = client.post(
                url, {"body": payload}, content_type="application/json", headers=headers
            )
            assert response.status_code == 201, payload
            assert (
                active_content(
                    f'<div class="efc-comment__body">{response.json()["body_html"]}</div>'
                )[0]
                == []
            ), payload
        html = client.get(f"/examples/{published_example.pk}/").content.decode()
    problems, _scripts = active_content(html)
    assert problems == []
    assert html.count("efc-comment__body") >= len(PAYLOADS)
