from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.core.models import AuditEntry
from exchange.core.permissions import Role
from exchange.examples import services
from exchange.examples.models import ExampleStatus
from tests.examples import factories as uploads
from tests.factories import (
    AdminFactory,
    ExampleFactory,
    PublishedExampleFactory,
    SubmittedExampleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def moderator(db):
    """Overrides the shared fixture until ModeratorFactory is fixed (docs/requests/submission.md)."""
    return UserFactory(roles=[Role.MODERATOR])


def moderation_urls(pk: int) -> dict[str, tuple[str, str]]:
    """name → (method, url)"""
    return {
        "queue": ("get", reverse("examples:moderation_queue")),
        "review": ("get", reverse("examples:moderation_review", kwargs={"pk": pk})),
        "approve": ("post", reverse("examples:moderation_approve", kwargs={"pk": pk})),
        "reject": ("post", reverse("examples:moderation_reject", kwargs={"pk": pk})),
        "request_changes": (
            "post",
            reverse("examples:moderation_request_changes", kwargs={"pk": pk}),
        ),
        "feature": ("post", reverse("examples:moderation_feature", kwargs={"pk": pk})),
        "unfeature": ("post", reverse("examples:moderation_unfeature", kwargs={"pk": pk})),
        "audit_log": ("get", reverse("examples:audit_log")),
    }


NAMES = list(moderation_urls(1))


# Permission matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_people_are_sent_to_sign_in(client, name):
    example = SubmittedExampleFactory()
    method, url = moderation_urls(example.pk)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("who", ["participant", "author"])
def test_people_without_the_permission_are_forbidden(client, participant, name, who):
    example = SubmittedExampleFactory()
    client.force_login(example.author if who == "author" else participant)
    method, url = moderation_urls(example.pk)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 403
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED


@pytest.mark.parametrize("who", ["moderator", "admin_user", "administrator"])
def test_moderators_and_admins_can_see_the_pages(client, who, request):
    user = (
        UserFactory(roles=[Role.ADMIN]) if who == "administrator" else request.getfixturevalue(who)
    )
    client.force_login(user)
    example = SubmittedExampleFactory()
    for name in ["queue", "review", "audit_log"]:
        _method, url = moderation_urls(example.pk)[name]
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("name", ["approve", "reject", "request_changes", "feature", "unfeature"])
def test_actions_are_post_only(moderator_client, name):
    _method, url = moderation_urls(PublishedExampleFactory().pk)[name]
    assert moderator_client.get(url).status_code == 405


def test_drafts_are_not_visible_to_moderators(moderator_client):
    draft = ExampleFactory()
    for name in ["review", "approve"]:
        method, url = moderation_urls(draft.pk)[name]
        assert getattr(moderator_client, method)(url).status_code == 404


# Queue --------------------------------------------------------------------------------------


def test_queue_counts_and_lists_oldest_first(moderator_client):
    now = timezone.now()
    newer = SubmittedExampleFactory(title="Newer", submitted_at=now - dt.timedelta(hours=1))
    older = SubmittedExampleFactory(title="Older", submitted_at=now - dt.timedelta(days=2))
    ExampleFactory(status=ExampleStatus.CHANGES_REQUESTED)
    PublishedExampleFactory()
    PublishedExampleFactory(is_featured=True, featured_at=now)
    ExampleFactory(status=ExampleStatus.REJECTED)
    ExampleFactory(status=ExampleStatus.TAKEN_DOWN, published_at=now, moderator_message="Spam")
    ExampleFactory()  # drafts are not counted anywhere
    response = moderator_client.get(reverse("examples:moderation_queue"))
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {
        "submitted": 2,
        "changes_requested": 1,
        "published": 2,
        "featured": 1,
        "rejected": 1,
        "taken_down": 1,
    }
    assert list(response.context["page_obj"]) == [older, newer]
    content = response.content.decode()
    assert "Awaiting moderation (2)" in content
    assert newer.author.email not in content


@pytest.mark.parametrize(
    ("status", "expected"), [("featured", 1), ("published", 2), ("rejected", 0), ("bogus", 3)]
)
def test_queue_tabs_filter(moderator_client, status, expected):
    PublishedExampleFactory()
    PublishedExampleFactory(is_featured=True, featured_at=timezone.now())
    for _ in range(3):
        SubmittedExampleFactory()
    response = moderator_client.get(reverse("examples:moderation_queue"), {"status": status})
    assert len(response.context["page_obj"]) == expected


def test_queue_is_paginated_with_bounded_queries(moderator_client, django_assert_max_num_queries):
    for _ in range(30):
        SubmittedExampleFactory()
    with django_assert_max_num_queries(8):
        response = moderator_client.get(reverse("examples:moderation_queue"))
    assert len(response.context["page_obj"]) == 25
    assert 'class="govuk-pagination"' in response.content.decode()
    second = moderator_client.get(reverse("examples:moderation_queue"), {"page": 2})
    assert len(second.context["page_obj"]) == 5


# Review -------------------------------------------------------------------------------------


def test_review_shows_the_real_author_of_an_anonymous_example_but_never_the_email(
    moderator_client,
):
    author = UserFactory(display_name="Dr Amina Shah", organisation="Eastfield Hospital")
    example = ExampleFactory(author=author, show_as_anonymous=True)
    services.attachment_add(actor=author, example=example, upload=uploads.pdf("plan.pdf"))
    services.example_submit(actor=author, example=example)
    response = moderator_client.get(
        reverse("examples:moderation_review", kwargs={"pk": example.pk})
    )
    content = response.content.decode()
    assert "Dr Amina Shah" in content
    assert "Eastfield Hospital" in content
    assert "Anonymous" in content
    assert author.email not in content
    assert "plan.pdf" in content
    assert "Approve and publish" in content
    assert "Request changes" in content
    assert "Reject" in content


def test_review_escapes_html_in_every_field(moderator_client):
    fields = {
        field: f"{SCRIPT} {field}"
        for field in [
            "title",
            "summary",
            "what_changed",
            "enablers",
            "evidence",
            "organisation",
            "risks_of_reverting",
        ]
    }
    author = UserFactory(display_name=f"{SCRIPT} name", organisation=f"{SCRIPT} org")
    example = SubmittedExampleFactory(author=author, **fields)
    content = moderator_client.get(
        reverse("examples:moderation_review", kwargs={"pk": example.pk})
    ).content.decode()
    assert SCRIPT not in content
    for field in fields:
        assert f"{ESCAPED} {field}" in content
    assert f"{ESCAPED} name" in content
    queue = moderator_client.get(reverse("examples:moderation_queue")).content.decode()
    assert SCRIPT not in queue
    assert f"{ESCAPED} title" in queue


def test_review_of_published_example_offers_feature(moderator_client):
    example = PublishedExampleFactory()
    content = moderator_client.get(
        reverse("examples:moderation_review", kwargs={"pk": example.pk})
    ).content.decode()
    assert "Feature on the home page" in content
    assert "Approve and publish" not in content


# Actions ------------------------------------------------------------------------------------


def test_approve(moderator_client, moderator, django_capture_on_commit_callbacks, mailoutbox):
    example = SubmittedExampleFactory(title="Street changes kept")
    url = reverse("examples:moderation_approve", kwargs={"pk": example.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(url, follow=True)
    review_url = reverse("examples:moderation_review", kwargs={"pk": example.pk})
    assert response.redirect_chain[-1][0] == review_url
    assert "“Street changes kept” is published." in response.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    assert AuditEntry.objects.get(action="example.approve").actor == moderator
    assert mailoutbox[0].to == [example.author.email]


def test_approving_twice_shows_an_error_not_a_crash(moderator_client):
    example = SubmittedExampleFactory()
    url = reverse("examples:moderation_approve", kwargs={"pk": example.pk})
    moderator_client.post(url)
    response = moderator_client.post(url, follow=True)
    assert "is not awaiting moderation" in response.content.decode()
    assert AuditEntry.objects.filter(action="example.approve").count() == 1


def test_reject_needs_a_reason_and_keeps_the_page(moderator_client):
    example = SubmittedExampleFactory()
    url = reverse("examples:moderation_reject", kwargs={"pk": example.pk})
    response = moderator_client.post(url, {"reason": "   "})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert 'href="#id_reason"' in content
    assert "Enter the reason for rejecting the example" in content
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED


def test_reject_with_reason(moderator_client, django_capture_on_commit_callbacks, mailoutbox):
    example = SubmittedExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse("examples:moderation_reject", kwargs={"pk": example.pk}),
            {"reason": "It names a patient."},
            follow=True,
        )
    assert "has been rejected" in response.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.REJECTED
    assert example.moderator_message == "It names a patient."
    assert "It names a patient." in mailoutbox[0].body


def test_request_changes_needs_a_message_and_keeps_what_was_typed(moderator_client):
    example = SubmittedExampleFactory()
    url = reverse("examples:moderation_request_changes", kwargs={"pk": example.pk})
    response = moderator_client.post(url, {"message": "x" * 2001})
    assert response.status_code == 200
    content = response.content.decode()
    assert "The message must be 2000 characters or fewer" in content
    assert "x" * 2001 in content


def test_request_changes(moderator_client, django_capture_on_commit_callbacks, mailoutbox):
    example = SubmittedExampleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse("examples:moderation_request_changes", kwargs={"pk": example.pk}),
            {"message": "Add the figures."},
            follow=True,
        )
    assert "has been asked to change it" in response.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.CHANGES_REQUESTED
    assert "Add the figures." in mailoutbox[0].body


def test_feature_and_unfeature(moderator_client):
    example = PublishedExampleFactory()
    response = moderator_client.post(
        reverse("examples:moderation_feature", kwargs={"pk": example.pk}), follow=True
    )
    assert "is now featured" in response.content.decode()
    example.refresh_from_db()
    assert example.is_featured
    response = moderator_client.post(
        reverse("examples:moderation_unfeature", kwargs={"pk": example.pk}), follow=True
    )
    assert "is no longer featured" in response.content.decode()
    example.refresh_from_db()
    assert not example.is_featured


def test_feature_an_unpublished_example_shows_an_error(moderator_client):
    example = SubmittedExampleFactory()
    response = moderator_client.post(
        reverse("examples:moderation_feature", kwargs={"pk": example.pk}), follow=True
    )
    assert "Only a published example can be featured" in response.content.decode()


# Audit log ----------------------------------------------------------------------------------


def test_audit_log_lists_and_filters_by_action(moderator_client, moderator):
    approved = SubmittedExampleFactory(title="Approved one")
    services.example_approve(actor=moderator, example=approved)
    rejected = SubmittedExampleFactory(title="Rejected one")
    services.example_reject(actor=moderator, example=rejected, reason="Off topic <b>really</b>")
    response = moderator_client.get(reverse("examples:audit_log"))
    content = response.content.decode()
    assert "Approved one" in content
    assert "Rejected one" in content
    assert "Off topic &lt;b&gt;really&lt;/b&gt;" in content
    assert moderator.public_name in content
    assert moderator.email not in content
    filtered = moderator_client.get(reverse("examples:audit_log"), {"action": "example.reject"})
    assert [entry.action for entry in filtered.context["page_obj"]] == ["example.reject"]
    unknown = moderator_client.get(reverse("examples:audit_log"), {"action": "nope"})
    # approve, the check-ins it scheduled, reject
    assert len(unknown.context["page_obj"]) == 3


def test_audit_log_is_paginated_with_bounded_queries(
    moderator_client, moderator, django_assert_max_num_queries
):
    for _ in range(60):
        services.example_feature(actor=moderator, example=PublishedExampleFactory())
    with django_assert_max_num_queries(8):
        response = moderator_client.get(reverse("examples:audit_log"))
    assert len(response.context["page_obj"]) == 50


def test_superuser_sees_the_audit_log(client):
    client.force_login(AdminFactory())
    assert client.get(reverse("examples:audit_log")).status_code == 200
