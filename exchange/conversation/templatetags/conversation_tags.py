from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from exchange.conversation import rendering, selectors
from exchange.conversation.models import Comment, CommentState
from exchange.conversation.selectors import target_is_open
from exchange.conversation.services import EDIT_WINDOW

register = template.Library()


def _target_urls(target: Any) -> dict[str, Any]:
    """Where the section's forms post. Examples have reactions and following; another target
    names its comment form's address with `discussion_comment_url()` and has comments only."""
    comment_url = getattr(target, "discussion_comment_url", None)
    if callable(comment_url):
        return {"comment_url": comment_url(), "has_reactions": False}
    return {
        "comment_url": reverse("conversation:comment_create", kwargs={"pk": target.pk}),
        "has_reactions": True,
    }


@register.inclusion_tag("conversation/_section.html", takes_context=True)
def discussion_section(context: template.Context, target: Any) -> dict[str, Any]:
    """The comments (and reactions) under a published example or another open target
    (nothing for unpublished ones).

    The comments come from a fragment rendered once for everyone (exchange/conversation/
    rendering.py); a signed-in reader's own state is one query on top. Anonymous readers get no
    form (only "Sign in to comment"), so their page holds no CSRF token and can be served from
    the page cache.
    """
    request = context["request"]
    if not target_is_open(target):
        return {"show": False}
    signed_in = request.user.is_authenticated
    sort = request.GET.get("comments", "newest")
    fragment = rendering.fragment_get(
        target=target, sort=sort, page_number=request.GET.get("cpage", 1), signed_in=signed_in
    )
    section: dict[str, Any] = {
        "show": True,
        "request": request,
        "user": request.user,
        "target": target,
        "sort": sort if sort in selectors.SORTS else "newest",
        "thread_count": fragment.thread_count,
        "comment_count": fragment.comment_count,
        **_target_urls(target),
        "csrf_token": context.get("csrf_token"),
    }
    if not signed_in:
        section["reactions_html"] = rendering.fragment_anonymous_html(fragment.reactions_parts)
        section["comments_html"] = rendering.fragment_anonymous_html(fragment.comments_parts)
        return section
    state = selectors.reader_state(viewer=request.user, target=target)
    slots = rendering.ReaderSlots(request=request, fragment=fragment, state=state)
    private = (
        selectors.private_comment_list(ids=state.private_comment_ids)
        if state.private_comment_ids
        else []
    )
    rendering.comments_prepare(private)
    for comment in private:
        # A removed comment shows nobody's name; a reply to it does not either.
        if comment.parent_id is not None and comment.parent.state != CommentState.REMOVED:
            comment.in_reply_to = comment.parent.author.public_name
    section.update(
        reader=state,
        private_comments=private,
        signed_in=True,
        reactions_html=slots.fill(fragment.reactions_parts),
        comments_html=slots.fill(fragment.comments_parts),
    )
    return section


def discussion_section_html(request: HttpRequest, target: Any) -> SafeString:
    """The section on its own, for a page that puts it into a cached shell: rendered without
    the page's context processors, which its template does not use."""
    # csrf() gives the token lazily, as for a page: anonymous readers' sections hold no form,
    # and asking for a token would set a cookie and keep their page out of the page cache.
    section = discussion_section({"request": request, **csrf(request)}, target)
    return mark_safe(render_to_string("conversation/_section.html", section))


@register.simple_tag(takes_context=True)
def comment_actions(context: template.Context, comment: Comment) -> SafeString:
    """A signed-in reader's own links on a comment: a slot in a cached fragment, filled per
    reader (rendering.ReaderSlots.actions); outside fragments (the reader's own comments awaiting
    moderation) the links themselves."""
    if context.get("efc_slots"):
        return rendering.slot("actions", comment.pk)
    if comment.state == CommentState.REMOVED:
        return SafeString("")
    return rendering.own_comment_actions(
        edit_url=comment.urls["edit"],
        delete_url=comment.urls["delete"],
        editable=comment.state in rendering.EDITABLE_STATES
        and timezone.now() - comment.created_at < EDIT_WINDOW,
    )


@register.simple_tag
def comments_needing_moderation() -> int:
    """Reported, waiting and hidden comments, for the link on the moderation queue."""
    counts = selectors.moderation_comment_counts()
    return counts["flagged"] + counts["pending"]


@register.simple_tag(takes_context=True)
def reaction_buttons(
    context: template.Context,
    reactions: list[selectors.ReactionSummary],
    react_url: str,
    label: str,
    next_url: str = "",
    announce: str = "",
    slot_key: str = "",
) -> SafeString:
    """The reaction counts of an example or a comment: for signed-in readers one form whose
    three submit buttons toggle a kind (works without JavaScript; js/reactions.js posts it with
    fetch and swaps in what this returns), for others the counts as text.

    In a cached fragment (`efc_slots`) the CSRF token and each button's pressed state are slots
    named after `slot_key` ("t" for the target, "c<pk>" for a comment), filled per reader.
    Written in Python rather than as a template: a page of a long discussion holds a few hundred
    of these buttons. Everything printed goes through format_html (escaped).
    """
    in_fragment = bool(context.get("efc_slots"))
    signed_in = context.get("signed_in")
    if signed_in is None:  # the fragment answered to reactions.js
        user = getattr(context.get("request"), "user", None)
        signed_in = user is not None and user.is_authenticated
    if signed_in:

        def pressed(reaction: selectors.ReactionSummary) -> str:
            if in_fragment:
                return rendering.slot("pressed", slot_key, reaction.kind)
            return "true" if reaction.mine else "false"

        items = format_html_join(
            "\n",
            '<li class="efc-reactions__item"><button type="submit" name="kind" value="{}" '
            'class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1" '
            'data-module="govuk-button" data-efc-kind="{}" aria-pressed="{}">{} '
            '<span class="efc-count">({})</span><span class="govuk-visually-hidden"> \u2013 {}'
            "</span></button></li>",
            (
                (r.kind, r.kind, pressed(r), r.label, number_format(r.count), label)
                for r in reactions
            ),
        )
        inner = format_html(
            '<form method="post" action="{}" data-efc-reaction novalidate>'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<ul class="govuk-list efc-reactions">{}</ul></form>',
            react_url,
            rendering.slot("csrf")
            if in_fragment
            else rendering.csrf_token_once(context["request"]),
            next_url,
            items,
        )
    else:
        inner = format_html(
            '<ul class="govuk-list efc-reactions">{}</ul>',
            format_html_join(
                "",
                '<li class="efc-reactions__item"><span class="govuk-body-s">{}: {}</span></li>',
                ((r.label, number_format(r.count)) for r in reactions),
            ),
        )
    if announce:
        return format_html(
            '<div class="efc-reactions-box" data-efc-reactions data-efc-announce="{}">{}</div>',
            announce,
            inner,
        )
    return format_html('<div class="efc-reactions-box" data-efc-reactions>{}</div>', inner)
