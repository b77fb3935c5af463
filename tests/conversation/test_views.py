from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from exchange.conversation import services
from exchange.conversation.models import (
    Comment,
    CommentingBan,
    CommentState,
    Flag,
    Reaction,
    Subscription,
)
from tests.conversation.factories import CommentFactory, DiscussionFactory, PolicyAcceptanceFactory
from tests.conversation.html_safety import active_content
from tests.factories import ModeratorFactory, SubmittedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
    if line.strip()
]


def detail(example) -> str:
    return reverse("examples:detail", kwargs={"pk": example.pk})


def create_url(example) -> str:
    return reverse("conversation:comment_create", kwargs={"pk": example.pk})


@pytest.fixture
def commenter(db):
    """A trusted commenter: accepted the policy and has a published comment."""
    user = UserFactory(display_name="Trusted Tess")
    PolicyAcceptanceFactory(user=user)
    CommentFactory(author=user)
    return user


def test_anonymous_sees_sign_in_link_and_no_form(client, published_example):
    CommentFactory(discussion=DiscussionFactory(example=published_example), body="Hello there")

    html = client.get(detail(published_example)).content.decode()

    assert "Sign in to comment" in html
    assert f"{reverse('account_login')}?next={detail(published_example)}%23discussion" in html
    assert "csrfmiddlewaretoken" not in html
    assert "Hello there" in html
    assert reverse("core:comments_policy") in html


def test_cached_page_shows_a_new_comment(client, published_example, commenter):
    """Anonymous pages come from the page cache; posting a comment retires them."""
    client.get(detail(published_example))
    client.force_login(commenter)
    client.post(create_url(published_example), {"body": "Fresh news"})
    client.logout()

    assert "Fresh news" in client.get(detail(published_example)).content.decode()


def test_first_comment_needs_the_policy_tick(client, published_example):
    client.force_login(UserFactory())
    page = client.get(detail(published_example)).content.decode()
    assert 'name="policy_accepted"' in page

    response = client.post(create_url(published_example), {"body": "My first thoughts"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Confirm that you have read the comments policy" in html
    assert "My first thoughts" in html
    assert not Comment.objects.exists()

    response = client.post(
        create_url(published_example), {"body": "My first thoughts", "policy_accepted": "on"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{comment.pk}")
    assert comment.state == CommentState.PENDING
    html = client.get(response.url).content.decode()
    assert "will appear once a moderator has checked it" in html
    assert "Awaiting moderation" in html  # the author sees their own waiting comment
    client.logout()
    assert "My first thoughts" not in client.get(detail(published_example)).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter your comment"), ("y" * 5001, "5,000 characters or fewer")],
)
def test_bad_input_keeps_the_text(client, published_example, commenter, body, message):
    client.force_login(commenter)
    response = client.post(create_url(published_example), {"body": body})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html
    assert body in html
    assert not Comment.objects.filter(discussion__object_id=published_example.pk).exists()


def test_honeypot(client, published_example, commenter):
    client.force_login(commenter)
    response = client.post(
        create_url(published_example), {"body": "Buy now", "website": "http://spam.example"}
    )
    assert response.status_code == 400
    assert not Comment.objects.filter(body="Buy now").exists()


@override_settings(CONVERSATION_COMMENTS_PER_MINUTE=1)
def test_rate_limit_message_keeps_the_text(client, published_example, commenter):
    client.force_login(commenter)
    # Both posts in the same minute, however slow the machine (the limit counts per minute).
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        client.post(create_url(published_example), {"body": "One"})
        response = client.post(create_url(published_example), {"body": "Two, kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Wait a minute" in html
    assert "Two, kept" in html


def test_no_comment_page_for_unpublished_example(client, commenter):
    client.force_login(commenter)
    example = SubmittedExampleFactory()
    assert client.post(create_url(example), {"body": "x"}).status_code == 404


def test_reply_edit_delete(client, published_example, commenter):
    client.force_login(commenter)
    client.post(create_url(published_example), {"body": "Top"})
    top = Comment.objects.get(body="Top")
    reply_url = reverse("conversation:comment_reply", kwargs={"pk": top.pk})
    assert client.get(reply_url).status_code == 200
    client.post(reply_url, {"body": "A reply"})
    reply = Comment.objects.get(body="A reply")
    assert reply.parent == top

    edit_url = reverse("conversation:comment_edit", kwargs={"pk": top.pk})
    assert "Top" in client.get(edit_url).content.decode()
    client.post(edit_url, {"body": "Top, edited"})
    html = client.get(detail(published_example)).content.decode()
    assert "Top, edited" in html
    assert "edited" in html

    client.post(reverse("conversation:comment_delete", kwargs={"pk": top.pk}))
    html = client.get(detail(published_example)).content.decode()
    assert "Comment removed" in html
    assert "A reply" in html
    assert "Top, edited" not in html
    # The removed comment cannot be answered any more.
    assert client.get(reply_url).status_code == 200  # the page says why on POST
    response = client.post(reply_url, {"body": "Late reply"})
    assert response.status_code == 400
    assert "removed or hidden" in response.content.decode()


def test_others_cannot_edit(client, published_example):
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    client.force_login(UserFactory())
    url = reverse("conversation:comment_edit", kwargs={"pk": comment.pk})
    assert client.post(url, {"body": "hijack"}).status_code == 404


def test_reactions_without_javascript(client, published_example):
    client.force_login(UserFactory())
    url = reverse("conversation:example_react", kwargs={"pk": published_example.pk})
    response = client.post(
        url, {"kind": "we_did_this", "next": detail(published_example) + "#reactions"}
    )
    assert response.status_code == 302
    assert response.url == detail(published_example) + "#reactions"
    assert Reaction.objects.count() == 1
    html = client.get(detail(published_example)).content.decode()
    assert 'aria-pressed="true"' in html
    assert "(1)" in html
    client.post(url, {"kind": "we_did_this", "next": "https://evil.example/"})
    assert Reaction.objects.count() == 0


FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def test_reaction_from_javascript_returns_the_buttons_fragment(client, published_example):
    user = UserFactory()
    Reaction.objects.create(user=UserFactory(), target=published_example, kind="helpful")
    client.force_login(user)
    url = reverse("conversation:example_react", kwargs={"pk": published_example.pk})
    back = detail(published_example) + "#reactions"

    response = client.post(url, {"kind": "helpful", "next": back}, **FETCH)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert html.startswith('<div class="efc-reactions-box" data-efc-reactions')
    assert "<html" not in html
    assert "govuk-header" not in html
    # The new count, the pressed state and the live announcement.
    assert "(2)" in html
    assert html.count('aria-pressed="true"') == 1
    assert 'data-efc-announce="You reacted “Helpful”. Count now 2."' in html
    # The forms inside keep working without JavaScript: CSRF token and the page to return to.
    # One form, one submit button per kind.
    assert html.count("csrfmiddlewaretoken") == 1
    assert f'name="next" value="{back}"' in html
    assert html.count(f'action="{url}"') == 1
    assert html.count('<button type="submit" name="kind" value="') == 3
    assert Reaction.objects.filter(user=user, kind="helpful").count() == 1
    # No flash message is left behind for the next full page.
    assert "Choose a reaction" not in client.get(detail(published_example)).content.decode()

    response = client.post(url, {"kind": "helpful", "next": back}, HTTP_ACCEPT="text/html-fragment")

    assert response.status_code == 200
    html = response.content.decode()
    assert "(1)" in html
    assert 'aria-pressed="true"' not in html
    assert "You took back “Helpful”. Count now 1." in html
    assert not Reaction.objects.filter(user=user).exists()


def test_comment_reaction_fragment_names_no_email(client, published_example):
    author = UserFactory(display_name="Dee Author", email="dee@private.example")
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example), author=author)
    client.force_login(UserFactory())
    url = reverse("conversation:comment_react", kwargs={"pk": comment.pk})

    response = client.post(url, {"kind": "we_did_this"}, **FETCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "comment by Dee Author" in html
    assert "dee@private.example" not in html
    # Without a posted "next", the buttons point back to the comment on the example page.
    assert f'value="{detail(published_example)}#comment-{comment.pk}"' in html
    assert "(1)" in html


def test_reaction_fragment_failures(client, published_example):
    client.force_login(UserFactory())
    url = reverse("conversation:example_react", kwargs={"pk": published_example.pk})
    response = client.post(url, {"kind": "love"}, **FETCH)
    assert response.status_code == 400
    assert response.content.decode() == "Choose a reaction"
    hidden = CommentFactory(
        discussion=DiscussionFactory(example=published_example), state=CommentState.REMOVED
    )
    comment_url = reverse("conversation:comment_react", kwargs={"pk": hidden.pk})
    response = client.post(comment_url, {"kind": "helpful"}, **FETCH)
    assert response.status_code == 400
    assert "You cannot react to this comment" in response.content.decode()
    assert not Reaction.objects.exists()
    # Signed out: the usual redirect to sign in (reactions.js then submits the form normally).
    client.logout()
    response = client.post(url, {"kind": "helpful"}, **FETCH)
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert not Reaction.objects.exists()


def test_discussion_page_loads_the_reactions_script_for_signed_in_readers(
    client, published_example
):
    html = client.get(detail(published_example)).content.decode()
    assert "js/reactions.js" not in html
    client.force_login(UserFactory())
    html = client.get(detail(published_example)).content.decode()
    assert 'src="/static/js/reactions.js"' in html
    assert 'id="efc-reactions-status" role="status" aria-live="polite"' in html


def test_flag_form_twice(client, published_example):
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    client.force_login(UserFactory())
    url = reverse("conversation:comment_flag", kwargs={"pk": comment.pk})
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Select why you are reporting this comment" in response.content.decode()
    assert client.post(url, {"reason": "spam"}).status_code == 302
    response = client.post(url, {"reason": "abuse"})
    assert response.status_code == 400
    assert "already reported" in response.content.decode()
    assert Flag.objects.count() == 1


def test_moderator_sees_flagged_and_restores(client, published_example):
    comment = CommentFactory(
        discussion=DiscussionFactory(example=published_example), body="Contested"
    )
    for user in UserFactory.create_batch(3):
        services.comment_flag(actor=user, comment=comment, reason="spam")
    client.force_login(ModeratorFactory())
    queue = client.get(reverse("examples:moderation_queue")).content.decode()
    assert reverse("conversation:moderation_list") in queue
    html = client.get(reverse("conversation:moderation_list") + "?view=flagged").content.decode()
    assert "Contested" in html
    assert "3 reports" in html
    client.post(reverse("conversation:moderation_restore", kwargs={"pk": comment.pk}))
    comment.refresh_from_db()
    assert comment.state == CommentState.VISIBLE
    response = client.post(
        reverse("conversation:moderation_stop_author", kwargs={"pk": comment.pk}),
        {"reason": "Spam again"},
    )
    assert response.status_code == 302
    assert CommentingBan.objects.filter(user=comment.author).exists()


def test_participant_cannot_moderate(client, published_example):
    comment = CommentFactory(discussion=DiscussionFactory(example=published_example))
    client.force_login(UserFactory())
    url = reverse("conversation:moderation_hide", kwargs={"pk": comment.pk})
    assert client.post(url).status_code == 403


def test_follow_and_unsubscribe_link(client, published_example):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("conversation:example_follow", kwargs={"pk": published_example.pk}))
    subscription = Subscription.objects.get(user=user)
    client.logout()
    token = services.unsubscribe_token(subscription=subscription)
    url = reverse("conversation:unsubscribe") + f"?token={token}"
    response = client.get(url)
    assert response.status_code == 200
    assert "Unsubscribe" in response.content.decode()
    assert Subscription.objects.exists()  # a GET only asks
    response = client.post(url)
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert not Subscription.objects.exists()
    assert client.get(reverse("conversation:unsubscribe") + "?token=bad").status_code == 400


def test_sort_and_pagination(client, published_example, settings):
    settings.CONVERSATION_PAGE_SIZE = 2
    discussion = DiscussionFactory(example=published_example)
    for n in range(5):
        CommentFactory(discussion=discussion, body=f"Number {n}")
    newest = client.get(detail(published_example)).content.decode()
    assert "Number 4" in newest
    assert "Number 0" not in newest
    oldest = client.get(detail(published_example) + "?comments=oldest").content.decode()
    assert "Number 0" in oldest
    assert "Number 4" not in oldest
    last = client.get(detail(published_example) + "?comments=oldest&cpage=3").content.decode()
    assert "Number 4" in last
    assert "Comments page 2" in last


def test_discussion_queries_are_bounded(client, published_example, django_assert_max_num_queries):
    """2,000 comments (with replies and reactions): the first page costs at most 10 queries,
    signed in or not, even when its fragment is not cached yet."""
    discussion = DiscussionFactory(example=published_example)
    author = UserFactory()
    tops = Comment.objects.bulk_create(
        Comment(
            discussion=discussion,
            author=author,
            body=f"c{n}",
            body_html=f"<p>c{n}</p>",
            state="visible",
        )
        for n in range(1900)
    )
    Comment.objects.bulk_create(
        Comment(
            discussion=discussion,
            author=author,
            parent=tops[-1 - (n % 20)],
            body="r",
            body_html="<p>r</p>",
            state="visible",
        )
        for n in range(100)
    )
    reactor = UserFactory()
    services.reaction_toggle(actor=reactor, target=published_example, kind="helpful")
    client.get(detail(published_example))  # warm ContentType cache; then bypass the page cache
    with django_assert_max_num_queries(6):
        response = client.get(detail(published_example) + "?comments=newest")
    assert response.status_code == 200
    client.force_login(reactor)
    PolicyAcceptanceFactory(user=reactor)
    services.subscription_follow(actor=reactor, target=published_example)
    # Signed in, first render of the signed-in fragment: the session and user, the example (with
    # its sustain summary) and its tags, the permissions in one lookup, the check-in timeline,
    # the comment counts, the page of comments, the reaction counts, and the reader's policy,
    # ban, subscription, reactions and reports in one.
    with django_assert_max_num_queries(10):
        response = client.get(detail(published_example))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop following comments" in html
    assert 'id="id_policy_accepted"' not in html


@pytest.mark.parametrize("via_reply", [False, True])
def test_xss_corpus_through_the_form(client, published_example, commenter, via_reply):
    assert len(PAYLOADS) >= 50
    client.force_login(commenter)
    baseline_problems, baseline_scripts = active_content(
        client.get(detail(published_example)).content.decode()
    )
    assert baseline_problems == []
    # Anonymous readers get one script fewer (no reaction forms, so no js/reactions.js).
    anonymous_scripts = active_content(Client().get(detail(published_example)).content.decode())[1]
    parent = None
    if via_reply:
        client.post(create_url(published_example), {"body": "Parent"})
        parent = Comment.objects.get(body="Parent")
    with override_settings(CONVERSATION_COMMENTS_PER_MINUTE=1000, CONVERSATION_PAGE_SIZE=200):
        for payload in PAYLOADS:
            url = (
                reverse("conversation:comment_reply", kwargs={"pk": parent.pk})
                if parent
                else create_url(published_example)
            )
            response = client.post(url, {"body": payload})
            assert response.status_code == 302, payload
        pages = [client.get(detail(published_example)).content.decode()]
        client.logout()
        pages.append(client.get(detail(published_example)).content.decode())
    comments = Comment.objects.filter(discussion__object_id=published_example.pk)
    assert comments.count() >= len(PAYLOADS)
    for html, expected_scripts in zip(pages, (baseline_scripts, anonymous_scripts), strict=True):
        problems, scripts = active_content(html)
        assert problems == []
        assert scripts == expected_scripts
        assert "alert(1)</script>" not in html
    # The edit and report pages show the same HTML.
    client.force_login(commenter)
    for comment in comments[:10]:
        for name in ("conversation:comment_edit", "conversation:comment_delete"):
            html = client.get(reverse(name, kwargs={"pk": comment.pk})).content.decode()
            assert active_content(html)[0] == []


def test_comment_hidden_by_reports_waits_under_reported_and_is_counted(client, published_example):
    comment = CommentFactory(
        discussion=DiscussionFactory(example=published_example), body="Hidden by reports"
    )
    for user in UserFactory.create_batch(3):
        services.comment_flag(actor=user, comment=comment, reason="spam")
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    client.force_login(ModeratorFactory())
    url = reverse("conversation:moderation_list")

    reported = client.get(url + "?view=flagged").content.decode()
    assert "Hidden by reports" in reported
    assert "Hidden after 3 reports" in reported
    assert "Hidden by a moderator" not in reported
    assert "Reported (1)" in reported
    assert "Hidden by reports" not in client.get(url + "?view=hidden").content.decode()
    queue = client.get(reverse("examples:moderation_queue")).content.decode()
    assert "Reported and waiting comments (1)" in queue

    # Keeping it hidden settles the reports: it moves to "Hidden", out of the waiting count.
    client.post(reverse("conversation:moderation_hide", kwargs={"pk": comment.pk}))
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert not comment.flags.filter(resolved_at__isnull=True).exists()
    assert "Hidden by reports" in client.get(url + "?view=hidden").content.decode()
    assert "Hidden by reports" not in client.get(url + "?view=flagged").content.decode()
    queue = client.get(reverse("examples:moderation_queue")).content.decode()
    assert "Reported and waiting comments (0)" in queue
