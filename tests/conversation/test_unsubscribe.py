"""Unsubscribing from comment digests: a GET only asks, a POST unsubscribes, and every digest
carries one-click List-Unsubscribe headers (RFC 8058) (issue 13, "unsubscribe changes state
on a GET")."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from exchange.conversation import services
from exchange.conversation.models import Subscription
from exchange.core.models import AuditEntry
from tests.conversation.factories import CommentFactory, DiscussionFactory
from tests.factories import PublishedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _follow(user, example) -> Subscription:
    return services.subscription_follow(actor=user, target=example)


def _url(token: str) -> str:
    return reverse("conversation:unsubscribe") + f"?token={token}"


def test_a_get_only_asks(client):
    """Leak: a GET (a mail scanner, a link preview) unsubscribed."""
    example = PublishedExampleFactory(title="Night buses kept running")
    subscription = _follow(UserFactory(), example)
    response = client.get(_url(services.unsubscribe_token(subscription=subscription)))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Night buses kept running" in content
    assert 'method="post"' in content
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    assert response["Cache-Control"] == "private, no-store"


def test_the_button_posts_and_unsubscribes_without_signing_in_or_csrf():
    example = PublishedExampleFactory()
    subscription = _follow(UserFactory(), example)
    client = Client(enforce_csrf_checks=True)
    url = _url(services.unsubscribe_token(subscription=subscription))
    response = client.post(url)
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert AuditEntry.objects.filter(action="subscription.unsubscribe").count() == 1
    # Twice is harmless.
    assert client.post(url).status_code == 200


def test_one_click_post_from_a_mail_client():
    """RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookies."""
    subscription = _follow(UserFactory(), PublishedExampleFactory())
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(services.unsubscribe_token(subscription=subscription)),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_changes_nothing(client, method):
    subscription = _follow(UserFactory(), PublishedExampleFactory())
    token = services.unsubscribe_token(subscription=subscription)
    response = getattr(client, method)(_url(token[:-2] + "xx"))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert Subscription.objects.exists()


def test_digest_carries_one_click_headers_for_every_discussion_it_lists(
    django_capture_on_commit_callbacks, mailoutbox
):
    reader = UserFactory()
    examples = [PublishedExampleFactory(), PublishedExampleFactory()]
    for example in examples:
        _follow(reader, example)
    with django_capture_on_commit_callbacks(execute=True):
        for example in examples:
            CommentFactory(discussion=DiscussionFactory(example=example))
        services.comment_digest_deliver(user_id=reader.pk)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<(https?://[^>]+/comments/unsubscribe/\?token=[^>]+)>", header)
    assert match, header
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "".join(str(message.message()["List-Unsubscribe"]).split()) == header
    path = match.group(1).split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    assert client.get("/" + path).status_code == 200
    assert Subscription.objects.filter(user=reader).count() == 2
    client.post("/" + path, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert not Subscription.objects.filter(user=reader).exists()


def test_a_link_for_someone_else_only_touches_their_subscription():
    example = PublishedExampleFactory()
    mine, theirs = _follow(UserFactory(), example), _follow(UserFactory(), example)
    Client().post(_url(services.unsubscribe_token(subscription=mine)))
    assert not Subscription.objects.filter(pk=mine.pk).exists()
    assert Subscription.objects.filter(pk=theirs.pk).exists()
