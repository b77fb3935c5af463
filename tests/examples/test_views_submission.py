from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.core.permissions import Role
from exchange.examples import services
from exchange.examples.models import Example, ExampleStatus
from tests.examples import factories as uploads
from tests.examples.factories import FULL_EXAMPLE
from tests.factories import (
    CampaignFactory,
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


def author_urls(example):
    first = example.attachments.first()
    return {
        "edit": reverse("examples:edit", kwargs={"pk": example.pk}),
        "preview": reverse("examples:preview", kwargs={"pk": example.pk}),
        "submit": reverse("examples:submit", kwargs={"pk": example.pk}),
        "withdraw": reverse("examples:withdraw", kwargs={"pk": example.pk}),
        "attachment_delete": reverse(
            "examples:attachment_delete",
            kwargs={"pk": example.pk, "attachment_pk": first.pk if first else 1},
        ),
    }


# Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["edit", "preview", "submit", "withdraw", "attachment_delete"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    url = author_urls(ExampleFactory())[name]
    response = client.post(url) if name in {"submit", "attachment_delete"} else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_create_and_mine_redirect_to_sign_in(client, campaign):
    for url in [
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        reverse("examples:mine"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["participant", "moderator"])
@pytest.mark.parametrize("name", ["edit", "preview", "submit", "withdraw", "attachment_delete"])
def test_someone_elses_example_is_not_found(client, who, name, request):
    """Moderators too: the author pages are the author's only."""
    example = ExampleFactory(status=ExampleStatus.DRAFT)
    services.attachment_add(actor=example.author, example=example, upload=uploads.pdf())
    client.force_login(request.getfixturevalue(who))
    url = author_urls(example)[name]
    response = client.post(url) if name in {"submit", "attachment_delete"} else client.get(url)
    assert response.status_code == 404


# Creating -----------------------------------------------------------------------------------


def test_create_form_prefills_organisation_from_profile(client, campaign):
    client.force_login(UserFactory(organisation="Northshire & District Council"))
    response = client.get(reverse("examples:create", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    assert response.context["form"]["organisation"].value() == "Northshire & District Council"
    content = response.content.decode()
    assert "Save as draft" in content
    assert "Preview and submit" in content
    assert 'enctype="multipart/form-data"' in content
    assert "novalidate" in content


@pytest.mark.parametrize(
    ("opens", "closes", "text"),
    [
        (dt.timedelta(days=3), dt.timedelta(days=30), "It opens on"),
        (-dt.timedelta(days=30), -dt.timedelta(days=1), "It closed on"),
    ],
)
def test_create_in_a_campaign_that_is_not_open(participant_client, opens, closes, text):
    now = timezone.now()
    campaign = CampaignFactory(opens_at=now + opens, closes_at=now + closes)
    url = reverse("examples:create", kwargs={"slug": campaign.slug})
    response = participant_client.get(url)
    assert "This campaign is not open for examples" in response.content.decode()
    assert text in response.content.decode()
    response = participant_client.post(url, {"title": "Late", "action": "draft"})
    assert "This campaign is not open for examples" in response.content.decode()
    assert not Example.objects.exists()


def test_create_in_unknown_campaign_is_not_found(participant_client):
    response = participant_client.get(reverse("examples:create", kwargs={"slug": "nope"}))
    assert response.status_code == 404


def test_save_draft_with_only_a_title(participant_client, participant, campaign):
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {"title": "Half an idea", "action": "draft"},
    )
    example = Example.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("examples:edit", kwargs={"pk": example.pk})
    assert example.author == participant
    assert example.status == ExampleStatus.DRAFT
    page = participant_client.get(response.url)
    assert "Your draft has been saved." in page.content.decode()


def test_preview_with_missing_answers_keeps_everything_typed(participant_client, campaign):
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {
            "title": "Typed title",
            "summary": "",
            "what_changed": "Typed what changed",
            "tags": "alpha, beta",
            "show_as_anonymous": "on",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Enter a summary" in content
    assert 'href="#id_summary"' in content
    assert 'href="#id_permanence_1"' in content
    assert 'id="id_permanence_1"' in content
    assert 'value="Typed title"' in content
    assert "Typed what changed</textarea>" in content
    assert 'value="alpha, beta"' in content
    assert response.context["form"]["show_as_anonymous"].value() is True
    assert "Error" in content.split("</title>")[0]
    assert not Example.objects.exists()


def test_bad_attachment_keeps_text_and_saves_nothing(participant_client, campaign):
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {
            **FULL_EXAMPLE,
            "attachments": [uploads.text_disguised_as_pdf("evil.pdf")],
            "action": "draft",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The file evil.pdf must be a PDF, PNG, JPEG or DOCX" in content
    assert 'href="#id_attachments"' in content
    assert f'value="{FULL_EXAMPLE["title"]}"' in content
    assert not Example.objects.exists()


def test_too_long_title_keeps_what_was_typed(participant_client, campaign):
    title = "T" * 151
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {"title": title, "action": "draft"},
    )
    content = response.content.decode()
    assert "Title must be 150 characters or fewer" in content
    assert f'value="{title}"' in content
    assert not Example.objects.exists()


def test_full_journey_draft_preview_submit(
    participant_client, participant, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    moderator = UserFactory(roles=[Role.MODERATOR])
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}),
        {**FULL_EXAMPLE, "attachments": [uploads.pdf(), uploads.png()], "action": "preview"},
    )
    example = Example.objects.get()
    assert response.url == reverse("examples:preview", kwargs={"pk": example.pk})
    assert example.attachments.count() == 2
    assert sorted(example.tags.values_list("name", flat=True)) == ["homelessness", "housing"]

    preview = participant_client.get(response.url)
    content = preview.content.decode()
    assert preview.status_code == 200
    assert FULL_EXAMPLE["title"] in content
    assert "Submit for moderation" in content
    assert f'action="{reverse("examples:submit", kwargs={"pk": example.pk})}"' in content
    assert f'href="{reverse("examples:edit", kwargs={"pk": example.pk})}#id_summary"' in content
    assert participant.public_name in content
    assert participant.email not in content

    with django_capture_on_commit_callbacks(execute=True):
        response = participant_client.post(
            reverse("examples:submit", kwargs={"pk": example.pk}), follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("examples:mine")
    content = response.content.decode()
    assert "Your example is awaiting moderation" in content
    assert "govuk-notification-banner--success" in content
    example.refresh_from_db()
    assert example.status == ExampleStatus.SUBMITTED
    assert [m.to for m in mailoutbox] == [[moderator.email]]


def test_submit_in_campaign_without_pre_moderation_says_published(participant_client, participant):
    example = ExampleFactory(author=participant, campaign=CampaignFactory(pre_moderation=False))
    response = participant_client.post(
        reverse("examples:submit", kwargs={"pk": example.pk}), follow=True
    )
    assert "Your example is published." in response.content.decode()


def test_submit_incomplete_lists_every_missing_answer(participant_client, participant):
    example = ExampleFactory(author=participant, summary="", sector="")
    response = participant_client.post(reverse("examples:submit", kwargs={"pk": example.pk}))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a summary" in content
    assert "Select a sector" in content
    edit = reverse("examples:edit", kwargs={"pk": example.pk})
    assert f'href="{edit}#id_summary"' in content
    example.refresh_from_db()
    assert example.status == ExampleStatus.DRAFT


def test_preview_of_incomplete_draft_hides_submit_button(participant_client, participant):
    example = ExampleFactory(author=participant, enablers="")
    response = participant_client.get(reverse("examples:preview", kwargs={"pk": example.pk}))
    content = response.content.decode()
    assert "Enter what enabled it" in content
    assert "Submit for moderation" not in content


def test_submit_is_post_only(participant_client, participant):
    example = ExampleFactory(author=participant)
    response = participant_client.get(reverse("examples:submit", kwargs={"pk": example.pk}))
    assert response.status_code == 405


def test_submitting_twice_says_so(participant_client, participant):
    example = SubmittedExampleFactory(author=participant)
    response = participant_client.post(
        reverse("examples:submit", kwargs={"pk": example.pk}), follow=True
    )
    assert "already been submitted" in response.content.decode()


# HTML in every field ------------------------------------------------------------------------


def test_html_in_every_field_is_stored_as_text_and_escaped_on_preview(participant_client, campaign):
    data = {
        **FULL_EXAMPLE,
        **{
            field: f"{SCRIPT} {field} <b>bold</b>"
            for field in [
                "title",
                "summary",
                "what_changed",
                "enablers",
                "evidence",
                "organisation",
                "risks_of_reverting",
            ]
        },
        "tags": f"{SCRIPT}",
        "action": "preview",
    }
    response = participant_client.post(
        reverse("examples:create", kwargs={"slug": campaign.slug}), data
    )
    example = Example.objects.get()
    assert example.what_changed == f"{SCRIPT} what_changed <b>bold</b>"
    preview = participant_client.get(response.url).content.decode()
    assert SCRIPT not in preview
    assert "<b>bold</b>" not in preview
    for field in ["title", "summary", "what_changed", "enablers", "evidence", "organisation"]:
        assert f"{ESCAPED} {field} &lt;b&gt;bold&lt;/b&gt;" in preview
    assert f"{ESCAPED} risks_of_reverting" in preview
    # The tag keeps its letters as a name, escaped, with a safe slug.
    assert example.tags.get().slug == "scriptalert1script"
    edit = participant_client.get(reverse("examples:edit", kwargs={"pk": example.pk}))
    assert SCRIPT not in edit.content.decode()


# Editing ------------------------------------------------------------------------------------


def test_edit_form_shows_saved_answers_and_attachments(participant_client, participant):
    example = ExampleFactory(author=participant, title="Saved title")
    example.tags.set([services._tags_get_or_create(["Remote working"])[0]])
    services.attachment_add(actor=participant, example=example, upload=uploads.pdf("plan.pdf"))
    response = participant_client.get(reverse("examples:edit", kwargs={"pk": example.pk}))
    content = response.content.decode()
    assert 'value="Saved title"' in content
    assert 'value="Remote working"' in content
    assert "plan.pdf" in content
    assert "You can attach 2 more." in content


def test_edit_saves_changes(participant_client, participant):
    example = ExampleFactory(author=participant)
    response = participant_client.post(
        reverse("examples:edit", kwargs={"pk": example.pk}),
        {**FULL_EXAMPLE, "title": "Changed title", "action": "draft"},
    )
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.title == "Changed title"


def test_edit_refuses_a_fourth_attachment(participant_client, participant):
    example = ExampleFactory(author=participant)
    for _ in range(3):
        services.attachment_add(actor=participant, example=example, upload=uploads.png())
    response = participant_client.post(
        reverse("examples:edit", kwargs={"pk": example.pk}),
        {**FULL_EXAMPLE, "title": "Kept", "attachments": [uploads.pdf()], "action": "draft"},
    )
    assert response.status_code == 200
    assert "You can attach up to 3 files to an example" in response.content.decode()
    example.refresh_from_db()
    assert example.title != "Kept"
    assert example.attachments.count() == 3


def test_edit_changes_requested_example_shows_moderator_message(participant_client, participant):
    example = ExampleFactory(
        author=participant,
        status=ExampleStatus.CHANGES_REQUESTED,
        moderator_message="Please add <figures>.",
    )
    response = participant_client.get(reverse("examples:edit", kwargs={"pk": example.pk}))
    assert response.status_code == 200
    assert "Please add &lt;figures&gt;." in response.content.decode()


@pytest.mark.parametrize("factory", [SubmittedExampleFactory, PublishedExampleFactory])
def test_edit_of_own_example_that_is_not_editable(participant_client, participant, factory):
    example = factory(author=participant)
    response = participant_client.get(
        reverse("examples:edit", kwargs={"pk": example.pk}), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("examples:mine")
    assert "You can only change a draft" in response.content.decode()


def test_attachment_delete(participant_client, participant):
    example = ExampleFactory(author=participant)
    attachment = services.attachment_add(
        actor=participant, example=example, upload=uploads.pdf("plan.pdf")
    )
    url = reverse(
        "examples:attachment_delete", kwargs={"pk": example.pk, "attachment_pk": attachment.pk}
    )
    assert participant_client.get(url).status_code == 405
    response = participant_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("examples:edit", kwargs={"pk": example.pk})
    assert "The file “plan.pdf” has been removed." in response.content.decode()
    assert not example.attachments.exists()


def test_attachment_delete_with_wrong_example_in_url_is_not_found(participant_client, participant):
    example = ExampleFactory(author=participant)
    other = ExampleFactory(author=participant)
    attachment = services.attachment_add(actor=participant, example=example, upload=uploads.pdf())
    url = reverse(
        "examples:attachment_delete", kwargs={"pk": other.pk, "attachment_pk": attachment.pk}
    )
    assert participant_client.post(url).status_code == 404


# Withdrawing --------------------------------------------------------------------------------


def test_withdraw_asks_first_then_withdraws(participant_client, participant):
    example = PublishedExampleFactory(author=participant)
    url = reverse("examples:withdraw", kwargs={"pk": example.pk})
    confirm = participant_client.get(url)
    assert confirm.status_code == 200
    assert "Are you sure you want to withdraw" in confirm.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.PUBLISHED
    response = participant_client.post(url, follow=True)
    assert "You have withdrawn" in response.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.WITHDRAWN


def test_withdraw_a_draft_is_refused(participant_client, participant):
    example = ExampleFactory(author=participant)
    response = participant_client.post(
        reverse("examples:withdraw", kwargs={"pk": example.pk}), follow=True
    )
    assert "You can only withdraw" in response.content.decode()
    example.refresh_from_db()
    assert example.status == ExampleStatus.DRAFT


# My examples --------------------------------------------------------------------------------


def test_my_examples_lists_only_mine_with_status_and_messages(participant_client, participant):
    ExampleFactory(author=participant, title="My draft")
    SubmittedExampleFactory(author=participant, title="Awaiting one")
    ExampleFactory(
        author=participant,
        title="Rejected one",
        status=ExampleStatus.REJECTED,
        moderator_message="Names a <patient>.",
    )
    ExampleFactory(
        author=participant,
        title="Sent back",
        status=ExampleStatus.CHANGES_REQUESTED,
        moderator_message="Add figures.",
    )
    PublishedExampleFactory(author=participant, title="Live one")
    ExampleFactory(title="Someone else's")
    response = participant_client.get(reverse("examples:mine"))
    content = response.content.decode()
    for title in ["My draft", "Awaiting one", "Rejected one", "Sent back", "Live one"]:
        assert title in content
    assert "Someone else&#x27;s" not in content
    assert "Awaiting moderation" in content
    assert "govuk-tag--blue" in content
    assert "Reason for rejection" in content
    assert "Names a &lt;patient&gt;." in content
    assert "Changes requested" in content
    assert "Add figures." in content


def test_my_examples_is_paginated_with_bounded_queries(
    participant_client, participant, django_assert_max_num_queries
):
    campaigns = [CampaignFactory() for _ in range(3)]
    for i in range(25):
        ExampleFactory(author=participant, campaign=campaigns[i % 3])
    with django_assert_max_num_queries(7):
        response = participant_client.get(reverse("examples:mine"))
    assert len(response.context["page_obj"]) == 20
    assert 'class="govuk-pagination"' in response.content.decode()
    second = participant_client.get(reverse("examples:mine"), {"page": 2})
    assert len(second.context["page_obj"]) == 5


def test_author_deletes_own_draft_after_confirming(participant_client, participant):
    example = ExampleFactory(author=participant, title="Not ready")
    services.attachment_add(actor=participant, example=example, upload=uploads.pdf("plan.pdf"))
    mine = participant_client.get(reverse("examples:mine")).content.decode()
    url = reverse("examples:delete", kwargs={"pk": example.pk})
    assert url in mine
    page = participant_client.get(url)
    assert page.status_code == 200
    assert "Are you sure you want to delete the draft “Not ready”?" in page.content.decode()
    assert Example.objects.filter(pk=example.pk).exists()
    response = participant_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("examples:mine")
    assert "You have deleted the draft “Not ready”." in response.content.decode()
    assert not Example.objects.filter(pk=example.pk).exists()


def test_delete_is_not_found_for_others_and_for_submitted_examples(participant_client, participant):
    others = ExampleFactory()
    submitted = ExampleFactory(author=participant, status=ExampleStatus.SUBMITTED)
    for example in (others, submitted):
        url = reverse("examples:delete", kwargs={"pk": example.pk})
        assert participant_client.get(url).status_code == 404
        assert participant_client.post(url).status_code == 404
        assert Example.objects.filter(pk=example.pk).exists()
