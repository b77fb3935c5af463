from __future__ import annotations

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from exchange.conversation import selectors
from exchange.conversation.models import Comment
from exchange.conversation.services import target_is_open

register = template.Library()

_SENTINEL = 987654321
COMMENT_URLS = ("react", "reply", "edit", "delete", "flag")


def _url_formats() -> dict[str, str]:
    """Each per-comment URL as a format string, reversed once per page rather than once per
    comment (a page of a long discussion holds a few hundred links)."""
    return {
        name: reverse(f"conversation:comment_{name}", kwargs={"pk": _SENTINEL}).replace(
            str(_SENTINEL), "{pk}"
        )
        for name in COMMENT_URLS
    }


def _prepare(comments: list[Comment], formats: dict[str, str]) -> None:
    """What _comment.html prints for each comment, computed once here: its links and the
    accessible name that tells the buttons and links of one comment from another's."""
    for comment in comments:
        comment.urls = {name: url.format(pk=comment.pk) for name, url in formats.items()}
        comment.label = gettext("comment by %(name)s") % {"name": comment.author.public_name}


def _target_urls(target: Any) -> dict[str, Any]:
    """Where the section's forms post. Examples have reactions and following; another target
    names its comment form's address with `discussion_comment_url()` and has comments only."""
    comment_url = getattr(target, "discussion_comment_url", None)
    if callable(comment_url):
        return {"comment_url": comment_url(), "has_reactions": False}
    return {
        "comment_url": reverse("conversation:comment_create", kwargs={"pk": target.pk}),
        "target_react_url": reverse("conversation:example_react", kwargs={"pk": target.pk}),
        "has_reactions": True,
    }


@register.inclusion_tag("conversation/_section.html", takes_context=True)
def discussion_section(context: template.Context, target: Any) -> dict[str, Any]:
    """The comments (and reactions) under a published example or another open target
    (nothing for unpublished ones).

    Anonymous readers get no form (only "Sign in to comment"), so their page holds no CSRF
    token and can be served from the page cache.
    """
    request = context["request"]
    if not target_is_open(target):
        return {"show": False}
    data = selectors.discussion_page(
        target=target,
        viewer=request.user,
        sort=request.GET.get("comments", "newest"),
        page_number=request.GET.get("cpage", 1),
    )
    formats = _url_formats()
    for comment in data.page.object_list if data.page is not None else []:
        _prepare([comment, *comment.reply_list], formats)
    return {
        "show": True,
        "page_path": request.get_full_path(),
        "request": request,
        "user": request.user,
        "target": target,
        **_target_urls(target),
        "data": data,
        "page_obj": data.page,
        "csrf_token": context.get("csrf_token"),
        "messages": context.get("messages"),
    }


@register.simple_tag
def comments_needing_moderation() -> int:
    """Reported, waiting and hidden comments, for the link on the moderation queue."""
    counts = selectors.moderation_comment_counts()
    return counts["flagged"] + counts["pending"]


def _csrf_token(request: Any) -> str:
    """One masked CSRF token for every reaction form of the page (masking one costs 32 random
    draws; any masked copy of the reader's secret is valid)."""
    token = getattr(request, "_efc_csrf_token", None)
    if token is None:
        token = request._efc_csrf_token = get_token(request)
    return token  # type: ignore[no-any-return]


@register.simple_tag(takes_context=True)
def reaction_buttons(
    context: template.Context,
    reactions: list[selectors.ReactionSummary],
    react_url: str,
    label: str,
    next_url: str = "",
    announce: str = "",
) -> SafeString:
    """The reaction counts of an example or a comment: for signed-in readers one form whose
    three submit buttons toggle a kind (works without JavaScript; js/reactions.js posts it with
    fetch and swaps in what this returns), for others the counts as text.

    Written in Python rather than as a template: a page of a long discussion holds a few hundred
    of these buttons, and the template version cost half of the page's rendering time.
    Everything printed goes through format_html (escaped).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items = format_html_join(
            "\n",
            '<li class="efc-reactions__item"><button type="submit" name="kind" value="{}" '
            'class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1" '
            'data-module="govuk-button" data-efc-kind="{}" aria-pressed="{}">{} '
            '<span class="efc-count">({})</span><span class="govuk-visually-hidden"> \u2013 {}'
            "</span></button></li>",
            (
                (
                    r.kind,
                    r.kind,
                    "true" if r.mine else "false",
                    r.label,
                    number_format(r.count),
                    label,
                )
                for r in reactions
            ),
        )
        inner = format_html(
            '<form method="post" action="{}" data-efc-reaction novalidate>'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<ul class="govuk-list efc-reactions">{}</ul></form>',
            react_url,
            _csrf_token(request),
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
