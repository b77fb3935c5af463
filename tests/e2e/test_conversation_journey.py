"""The conversation journey in a real browser, checked by axe-core on every page visited:
sign in → comment (held, then published by a moderator) → reply → react without a reload →
three people report the comment → it is hidden → a moderator restores it. No page shows an email.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from exchange.conversation.models import Comment, CommentState, Flag, Reaction
from tests.conversation.factories import CommentFactory, PolicyAcceptanceFactory
from tests.factories import PASSWORD, ModeratorFactory, PublishedExampleFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Pharmacists ran the vaccination clinics"
COMMENT = "We did the same in Hexham: the **pharmacy team** ran Saturday clinics."
REPLY = "Did you keep the Saturday clinics after the emergency?"


class Visit:
    """Checks every page a person sees: axe-core, and no user's email address anywhere."""

    def __init__(self, axe, emails: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.axe = axe
        self.emails = emails

    def __call__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.axe.check(page)
        html = page.content()
        shown = [email for email in self.emails if email in html]
        assert shown == [], f"{page.url} shows {shown}"


def signed_in(browser, live_server, visit: Visit, email: str, path: str):  # type: ignore[no-untyped-def]
    """A new browser (its own cookies) signed in as `email`, back on `path`."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{reverse('account_login')}?next={path}")
    visit(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Sign out").wait_for()
    return page


def test_comment_reply_react_report_hide_restore(live_server, browser, axe, mailoutbox):
    example = PublishedExampleFactory(title=TITLE)
    detail = example.get_absolute_url()
    moderator = ModeratorFactory(email="moderator@example.org", display_name="Mo Moderator")
    asha = UserFactory(email="asha@example.net", display_name="Asha, outpatients")
    # Ben has commented before (an approved comment elsewhere): his replies publish at once.
    ben = UserFactory(email="ben@example.net", display_name="Ben from Bangor")
    PolicyAcceptanceFactory(user=ben)
    CommentFactory(author=ben, body="An earlier, approved comment.")
    reporters = [
        UserFactory(email=f"reporter{i}@example.net", display_name=f"Reporter {i}")
        for i in range(3)
    ]
    emails = [u.email for u in (moderator, asha, ben, *reporters)]
    visit = Visit(axe, emails)

    # A visitor reads the example and follows "Sign in to comment", which brings them back.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(detail)
    visit(page)
    page.get_by_role("link", name="Sign in to comment").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    visit(page)
    page.get_by_label("Email address").fill(asha.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Post comment").wait_for()
    assert page.url.startswith(f"{live_server.url}{detail}")
    visit(page)

    # First comment: without ticking the policy they get a clear error and keep their text.
    page.get_by_label("Your comment").fill(COMMENT)
    page.get_by_role("button", name="Post comment").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    visit(page)
    assert page.get_by_label("Your comment").input_value() == COMMENT
    page.get_by_label("I have read the comments policy and my comment follows it").check()
    page.get_by_role("button", name="Post comment").click()
    page.get_by_text("Your comment will appear once a moderator has checked it").wait_for()
    visit(page)
    comment = Comment.objects.get(author=asha)
    assert comment.state == CommentState.PENDING
    assert page.locator(f"#comment-{comment.pk}").get_by_text("Awaiting moderation").is_visible()

    # A moderator publishes it from the comment moderation page.
    moderation = reverse("conversation:moderation_list")
    mod = signed_in(browser, live_server, visit, moderator.email, f"{moderation}?view=pending")
    visit(mod)
    card = mod.locator(f"#comment-{comment.pk}")
    assert "pharmacy team" in card.inner_text()
    card.get_by_role("button", name="Publish").click()
    mod.get_by_text("The comment is published").wait_for()
    visit(mod)
    comment.refresh_from_db()
    assert comment.state == CommentState.VISIBLE

    # Ben replies; as a trusted commenter his reply is published at once.
    ben_page = signed_in(browser, live_server, visit, ben.email, detail)
    visit(ben_page)
    ben_page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Reply").click()
    ben_page.get_by_role("heading", name="Reply to a comment").wait_for()
    visit(ben_page)
    ben_page.get_by_label("Your comment").fill(REPLY)
    ben_page.get_by_role("button", name="Post reply").click()
    ben_page.get_by_text("Your comment has been published").wait_for()
    visit(ben_page)
    reply = Comment.objects.get(author=ben, parent=comment)
    assert reply.state == CommentState.VISIBLE
    assert ben_page.locator(f"#comment-{reply.pk}").get_by_text(REPLY).is_visible()

    # Ben reacts to Asha's comment: with JavaScript on, the count changes without navigating,
    # focus stays on the button and the new count is announced.
    ben_page.evaluate("window.efcNoReload = true")
    url_before = ben_page.url
    helpful = ben_page.locator(f"#comment-{comment.pk} button[data-efc-kind='helpful']")
    assert "(0)" in helpful.inner_text()
    helpful.click()
    ben_page.wait_for_function(
        "id => document.querySelector(`#comment-${id} button[data-efc-kind='helpful']`)"
        ".textContent.includes('(1)')",
        arg=comment.pk,
    )
    assert ben_page.evaluate("window.efcNoReload") is True
    assert ben_page.url == url_before
    assert ben_page.evaluate("document.activeElement.dataset.efcKind") == "helpful"
    assert helpful.get_attribute("aria-pressed") == "true"
    ben_page.wait_for_function(
        "() => document.getElementById('efc-reactions-status').textContent.includes('1')"
    )
    assert "Helpful" in ben_page.locator("#efc-reactions-status").inner_text()
    visit(ben_page)
    assert Reaction.objects.filter(user=ben, object_id=comment.pk, kind="helpful").count() == 1

    # Three other people report the comment; after the third it is hidden pending review.
    for number, reporter in enumerate(reporters, start=1):
        their_page = signed_in(browser, live_server, visit, reporter.email, detail)
        visit(their_page)
        their_page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report").click()
        their_page.get_by_role("heading", name="Report a comment").wait_for()
        visit(their_page)
        their_page.get_by_role("button", name="Send report").click()
        their_page.get_by_role("heading", name="There is a problem").wait_for()
        visit(their_page)
        their_page.get_by_label("Spam or advertising").check()
        their_page.get_by_role("button", name="Send report").click()
        their_page.get_by_text("Thank you for your report").wait_for()
        visit(their_page)
        assert Flag.objects.filter(comment=comment).count() == number
        their_page.context.close()
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert any(asha.email in message.to for message in mailoutbox)
    page.goto(detail)
    visit(page)
    assert page.locator(f"#comment-{comment.pk}").get_by_text("Hidden after reports").is_visible()
    anonymous = browser.new_context(base_url=live_server.url).new_page()
    anonymous.goto(detail)
    visit(anonymous)
    assert "pharmacy team" not in anonymous.content()

    # The moderator restores it from the comment moderation page.
    mod.goto(f"{moderation}?view=flagged")
    visit(mod)
    mod.locator(f"#comment-{comment.pk}").get_by_role("button", name="Restore").click()
    mod.get_by_text("The comment is shown again").wait_for()
    visit(mod)
    comment.refresh_from_db()
    assert comment.state == CommentState.VISIBLE
    anonymous.goto(detail)
    visit(anonymous)
    assert "pharmacy team" in anonymous.content()
    assert REPLY in anonymous.content()

    axe.assert_clean()
