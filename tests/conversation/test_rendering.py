"""The comment list is rendered once for everyone and cached (exchange/conversation/rendering.py);
each reader's own state is filled in on every visit. These tests prove that the cache never shows
one reader's state to another, never shows a private comment to anyone but its author, and never
keeps showing something that changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exchange.conversation import services
from exchange.conversation.models import Comment, CommentState, Reaction
from tests.conversation.factories import CommentFactory, DiscussionFactory, PolicyAcceptanceFactory
from tests.factories import PublishedExampleFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail(example) -> str:
    return reverse("examples:detail", kwargs={"pk": example.pk})


def page(client: Client, example, query: str = "") -> str:
    response = client.get(detail(example) + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<!--efc:" not in html  # every slot filled
    return html


def article(html: str, comment: Comment) -> str:
    """The HTML of one comment (its <article>), which holds no nested articles."""
    match = re.search(rf'<article [^>]*id="comment-{comment.pk}">(.*?)</article>', html, re.S)
    assert match, f"comment {comment.pk} not on the page"
    return match.group(1)


def pressed(html: str, kind: str) -> str:
    match = re.search(rf'value="{kind}"[^>]*aria-pressed="(true|false)"', html)
    assert match
    return match.group(1)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def discussion(published_example):
    return DiscussionFactory(example=published_example)


def test_each_reader_sees_their_own_state_on_the_shared_fragment(published_example, discussion):
    alice, bob = UserFactory(display_name="Alice"), UserFactory(display_name="Bob")
    hers = CommentFactory(discussion=discussion, author=alice, body="Alice wrote this")
    his = CommentFactory(discussion=discussion, author=bob, body="Bob wrote this")
    reported = CommentFactory(discussion=discussion, body="Someone else wrote this")
    services.reaction_toggle(actor=alice, target=his, kind="helpful")
    services.reaction_toggle(actor=alice, target=published_example, kind="want_to_try")
    services.comment_flag(actor=alice, comment=reported, reason="spam")
    bob_client, alice_client = signed_in(bob), signed_in(alice)

    bob_first = page(bob_client, published_example)  # renders and stores the fragment
    alice_page = page(alice_client, published_example)  # served from it
    bob_again = page(bob_client, published_example)

    assert without_tokens(bob_again) == without_tokens(bob_first)
    # Alice: Edit and Delete on her own comment only, her reactions pressed, her report noted.
    assert "Edit" in article(alice_page, hers)
    assert "Delete" in article(alice_page, hers)
    assert "Report" not in article(alice_page, hers)
    assert "Edit" not in article(alice_page, his)
    assert "Report" in article(alice_page, his)
    assert pressed(article(alice_page, his), "helpful") == "true"
    assert pressed(article(alice_page, his), "we_did_this") == "false"
    assert pressed(alice_page.split('id="discussion-heading"')[0], "want_to_try") == "true"
    assert "You reported this comment" in article(alice_page, reported)
    assert reverse("conversation:comment_flag", kwargs={"pk": reported.pk}) not in alice_page
    # Bob sees none of it: his own links, nothing pressed, a Report link where Alice reported.
    for html in (bob_first, bob_again):
        assert "Edit" in article(html, his)
        assert "Edit" not in article(html, hers)
        assert "Report" in article(html, hers)
        assert pressed(article(html, his), "helpful") == "false"
        assert 'aria-pressed="true"' not in html
        assert "You reported this comment" not in html
        assert reverse("conversation:comment_flag", kwargs={"pk": reported.pk}) in html


def test_reaction_forms_carry_the_readers_own_csrf_token(published_example, discussion):
    comment = CommentFactory(discussion=discussion)
    page(signed_in(UserFactory()), published_example)  # someone else fills the cache
    reader = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    html = article(page(client, published_example), comment)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        reverse("conversation:comment_react", kwargs={"pk": comment.pk}),
        {"kind": "helpful", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Reaction.objects.filter(user=reader, kind="helpful").exists()


def test_a_new_comment_reaction_edit_or_removal_shows_at_once(published_example, discussion):
    reader = UserFactory()
    writer = UserFactory()
    PolicyAcceptanceFactory(user=writer)
    CommentFactory(discussion=discussion, author=writer)  # trusted: publishes at once
    client = signed_in(reader)
    page(client, published_example)
    anonymous = Client()
    page(anonymous, published_example)

    comment = services.comment_post(actor=writer, target=published_example, body="Brand new")
    assert comment.state == CommentState.VISIBLE
    for who in (client, anonymous):
        assert "Brand new" in page(who, published_example)

    services.reaction_toggle(actor=reader, target=comment, kind="we_did_this")
    html = page(client, published_example)
    assert pressed(article(html, comment), "we_did_this") == "true"
    assert 'We did this too <span class="efc-count">(1)</span>' in article(html, comment)
    assert "We did this too: 1" in article(page(anonymous, published_example), comment)

    services.comment_edit(actor=writer, comment=comment, body="Brand new, corrected")
    assert "Brand new, corrected" in page(anonymous, published_example)

    services.comment_delete(actor=writer, comment=comment)
    html = page(client, published_example)
    assert "Brand new" not in html
    assert "Comment removed" in article(html, comment)


def test_comments_only_their_author_sees_never_reach_others(published_example, discussion):
    newcomer = UserFactory(display_name="Newcomer")
    other = UserFactory()
    anonymous = Client()
    CommentFactory(discussion=discussion, body="Public words")
    newcomer_client, other_client = signed_in(newcomer), signed_in(other)
    comment = services.comment_post(
        actor=newcomer, target=published_example, body="Waiting words", policy_accepted=True
    )
    assert comment.state == CommentState.PENDING

    own = page(newcomer_client, published_example)  # the author renders first
    assert "Awaiting moderation" in article(own, comment)
    assert "Waiting words" in own
    assert "Edit" in article(own, comment)
    for who in (other_client, anonymous):
        html = page(who, published_example)
        assert "Waiting words" not in html
        assert "Awaiting moderation" not in html
        assert "Public words" in html

    hidden = CommentFactory(discussion=discussion, author=newcomer, body="Shouted words")
    services.comment_hide(
        actor=UserFactory(is_superuser=True), comment=hidden, reason="Against the policy"
    )
    assert "Hidden by a moderator" in article(page(newcomer_client, published_example), hidden)
    for who in (other_client, anonymous):
        assert "Shouted words" not in page(who, published_example)

    reported = CommentFactory(
        discussion=discussion, author=newcomer, body="Reported words", state="visible"
    )
    for user in UserFactory.create_batch(3):
        services.comment_flag(actor=user, comment=reported, reason="spam")
    own = article(page(newcomer_client, published_example), reported)
    assert "Hidden after reports" in own
    assert "Hidden by a moderator" not in own


def test_the_edit_link_goes_when_the_edit_window_closes(published_example, discussion):
    author = UserFactory()
    PolicyAcceptanceFactory(user=author)
    CommentFactory(discussion=discussion, author=author)
    comment = services.comment_post(actor=author, target=published_example, body="Quick note")
    client = signed_in(author)
    edit_url = reverse("conversation:comment_edit", kwargs={"pk": comment.pk})
    assert edit_url in article(page(client, published_example), comment)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        html = article(page(client, published_example), comment)  # the same cached fragment
        assert edit_url not in html
        assert reverse("conversation:comment_delete", kwargs={"pk": comment.pk}) in html


def test_other_query_parameters_do_not_reach_the_shared_fragment(published_example, discussion):
    comment = CommentFactory(discussion=discussion)
    client = signed_in(UserFactory())
    html = page(client, published_example, "?comments=oldest&utm_source=mail&x=%22%3E")
    start = html.index('id="discussion"')
    html = html[start : html.index("</section>", start)]
    assert "utm_source" not in html
    expected = f'name="next" value="{detail(published_example)}?comments=oldest#{comment.pk}'
    assert expected.replace(f"#{comment.pk}", f"#comment-{comment.pk}") in html


def test_slot_markers_written_by_people_stay_text(published_example, discussion):
    author = UserFactory(display_name="<!--efc:csrf-->")
    CommentFactory(
        discussion=discussion, author=author, body="<!--efc:actions:1--> and <!--efc:csrf-->"
    )
    html = page(signed_in(UserFactory()), published_example)
    assert "&lt;!--efc:csrf--&gt;" in html


def test_the_fragment_is_per_language(client, published_example, discussion):
    comment = CommentFactory(discussion=discussion)
    english = page(signed_in(UserFactory()), published_example)
    welsh_reader = signed_in(UserFactory())
    welsh_reader.cookies["django_language"] = "cy"
    welsh = page(welsh_reader, published_example)
    assert "Helpful" in article(english, comment)
    assert "Defnyddiol" in article(welsh, comment)
    assert "Helpful" not in article(welsh, comment)


def test_signed_in_queries_stay_low_with_a_warm_fragment(
    published_example, discussion, django_assert_max_num_queries
):
    for _ in range(30):
        comment = CommentFactory(discussion=discussion)
        Reaction.objects.create(user=UserFactory(), target=comment, kind="helpful")
    reader = UserFactory()
    client = signed_in(reader)
    page(client, published_example)
    # Session, user, example, tags, two permission lookups, and the reader's state in one.
    with django_assert_max_num_queries(7):
        page(client, published_example)


def test_comment_moderation_needs_its_own_permission(client, published_example, discussion):
    comment = CommentFactory(discussion=discussion)
    example_moderator = UserFactory()
    example_moderator.user_permissions.add(
        Permission.objects.get(codename="moderate_example", content_type__app_label="examples")
    )
    comment_moderator = UserFactory()
    comment_moderator.user_permissions.add(
        Permission.objects.get(codename="moderate_comment", content_type__app_label="conversation")
    )
    hide = reverse("conversation:moderation_hide", kwargs={"pk": comment.pk})
    listing = reverse("conversation:moderation_list")
    client.force_login(example_moderator)
    assert client.get(listing).status_code == 403
    assert client.post(hide).status_code == 403
    client.force_login(comment_moderator)
    assert client.get(listing).status_code == 200
    assert client.post(hide).status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN


def test_a_comment_retires_its_own_example_page_only(
    client, published_example, discussion, django_assert_num_queries
):
    other = PublishedExampleFactory()
    page(client, other)
    page(client, published_example)
    writer = UserFactory()
    PolicyAcceptanceFactory(user=writer)
    CommentFactory(discussion=discussion, author=writer)
    services.comment_post(actor=writer, target=published_example, body="Only here")

    with django_assert_num_queries(0):
        page(client, other)  # still the cached page
    assert "Only here" in page(client, published_example)


def test_a_reply_awaiting_moderation_is_shown_to_its_author_with_whom_it_answers(
    published_example, discussion
):
    parent = CommentFactory(discussion=discussion, author=UserFactory(display_name="Parent Pat"))
    newcomer = UserFactory()
    reply = services.comment_post(
        actor=newcomer,
        target=published_example,
        body="My waiting reply",
        parent=parent,
        policy_accepted=True,
    )
    assert reply.state == CommentState.PENDING
    html = article(page(signed_in(newcomer), published_example), reply)
    assert "Your reply to a comment by Parent Pat" in html
    assert "Awaiting moderation" in html
    assert "My waiting reply" not in page(signed_in(UserFactory()), published_example)
