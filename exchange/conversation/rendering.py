"""The comments under an example, rendered once for everyone and finished per reader.

A page of a long discussion is a few hundred links, buttons and forms; rendering it through the
templates costs tens of milliseconds, far more than its queries. What every reader sees of one
page (the comments, their reaction counts, the pagination) is therefore rendered once and kept
as a *fragment* in the fragment store (exchange/core/caching.py), keyed by the target's page scope
token, the sort, the page, the page size and the language. The token is replaced by every write
that changes what the public sees of the discussion (`services._discussion_changed`), in every
web process, so a new comment or reaction shows at once; entries also expire after
PAGE_TIMEOUT (which bounds how long a changed display name can show in an old fragment).

Two variants are kept: for visitors who are not signed in (counts only, no forms), and for
signed-in readers, whose variant carries *slots* — `<!--efc:...-->` markers in the HTML, split
out when the fragment is stored — where each reader's own state goes on every visit:

    csrf                     the reader's CSRF token in each reaction form
    pressed:t:<kind>         aria-pressed of the target's reaction buttons
    pressed:c<pk>:<kind>     aria-pressed of a comment's reaction buttons
    actions:<pk>             Edit (within the edit window) and Delete on their own comments,
                             Report (or "You reported this comment") on other people's

Markers cannot come from what people write: comment HTML is sanitised with HTML comments
stripped (exchange/conversation/markdown.py) and names are escaped, so `<!--` never survives.
Comments only their author sees (awaiting moderation, hidden) are never in a fragment: they are
read and rendered for their author on each visit.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from exchange.conversation import selectors
from exchange.conversation.models import Comment, CommentState
from exchange.conversation.services import EDIT_WINDOW
from exchange.core.caching import PAGE_TIMEOUT, fragment_store, page_scope, page_scope_token

SLOT = re.compile(r"<!--efc:([a-z0-9_:]+)-->")
SENTINEL = 987654321
COMMENT_URLS = ("react", "reply", "edit", "delete", "flag")
# A bound on the page numbers that get their own cache entry (beyond it: the last page anyway).
MAX_PAGE_NUMBER = 100_000
# States whose author may still edit them (within services.EDIT_WINDOW).
EDITABLE_STATES = (CommentState.VISIBLE, CommentState.PENDING)


def slot(*parts: Any) -> SafeString:
    """A marker for a reader's own value, filled in by `fragment_fill`."""
    return mark_safe("<!--efc:" + ":".join(str(part) for part in parts) + "-->")


def csrf_token_once(request: Any) -> str:
    """One masked CSRF token for every form of the page (masking one costs 32 random draws;
    any masked copy of the reader's secret is valid)."""
    token = getattr(request, "_efc_csrf_token", None)
    if token is None:
        token = request._efc_csrf_token = get_token(request)
    return token  # type: ignore[no-any-return]


def comment_url_formats() -> dict[str, str]:
    """Each per-comment URL as a format string (a page of a long discussion holds a few hundred
    links; reversing costs more than the rest of filling the page's slots)."""
    return _comment_url_formats(get_script_prefix())


@functools.cache
def _comment_url_formats(script_prefix: str) -> dict[str, str]:
    return {
        name: reverse(f"conversation:comment_{name}", kwargs={"pk": SENTINEL}).replace(
            str(SENTINEL), "{pk}"
        )
        for name in COMMENT_URLS
    }


def comments_prepare(comments: list[Comment], formats: dict[str, str] | None = None) -> None:
    """What _comment.html prints for each comment, computed once here: its links and the
    accessible name that tells the buttons and links of one comment from another's."""
    formats = formats or comment_url_formats()
    for comment in comments:
        comment.urls = {name: url.format(pk=comment.pk) for name, url in formats.items()}
        comment.label = gettext("comment by %(name)s") % {"name": comment.author.public_name}
        comment.slot_key = f"c{comment.pk}"


@dataclass(frozen=True)
class CommentFacts:
    """What the reader's actions on one comment of a fragment depend on."""

    author_id: int
    created_at: float
    state: str
    label: str  # escaped: "comment by <name>"


@dataclass
class Fragment:
    """A rendered page of a discussion; `*_parts` alternate HTML and slot names (tuples)."""

    reactions_parts: list[Any]
    comments_parts: list[Any]
    thread_count: int
    comment_count: int
    comment_facts: dict[int, CommentFacts] = field(default_factory=dict)


def _slot_parse(name: str) -> tuple[Any, ...]:
    """("csrf",), ("pressed", "t" or a comment pk, kind) or ("actions", pk)."""
    kind, *args = name.split(":")
    if kind == "pressed":
        key = args[0]
        return (kind, key if key == "t" else int(key[1:]), args[1])
    if kind == "actions":
        return (kind, int(args[0]))
    return (kind,)


def _split(html: str) -> list[Any]:
    pieces: list[Any] = SLOT.split(html)
    for index in range(1, len(pieces), 2):
        pieces[index] = _slot_parse(pieces[index])
    return pieces


def page_number_clean(raw: Any) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE_NUMBER)


def _page_url(target: Any, *, sort: str, number: int) -> str:
    """The page's own address: what the reaction forms return to, whatever the request's
    other query parameters (they are not part of the cache key)."""
    params = {}
    if sort != "newest":
        params["comments"] = sort
    if number > 1:
        params["cpage"] = str(number)
    url: str = target.get_absolute_url()
    return f"{url}?{urlencode(params)}" if params else url


def _render(*, target: Any, sort: str, number: int, signed_in: bool) -> Fragment:
    data = selectors.discussion_public_page(target=target, sort=sort, page_number=number)
    comments = data.comments
    comments_prepare(comments)
    page_number = data.page.number if data.page is not None else 1
    context = {
        "signed_in": signed_in,
        "target": target,
        "data": data,
        "page_obj": data.page,
        "page_path": _page_url(target, sort=data.sort, number=page_number),
        "sort_query": "" if data.sort == "newest" else f"comments={data.sort}&",
        "efc_slots": signed_in,
    }
    reactions_html = render_to_string(
        "conversation/_reactions.html",
        {
            **context,
            "reactions": data.target_reactions,
            "react_url": reverse("conversation:example_react", kwargs={"pk": target.pk}),
            "label": target.title,
            "anchor": "reactions",
            "slot_key": "t",
        },
    )
    comments_html = render_to_string("conversation/_comment_list.html", context)
    return Fragment(
        reactions_parts=_split(reactions_html),
        comments_parts=_split(comments_html),
        thread_count=data.thread_count,
        comment_count=data.comment_count,
        comment_facts={
            c.pk: CommentFacts(
                author_id=c.author_id,
                created_at=c.created_at.timestamp(),
                state=c.state,
                label=escape(c.label),
            )
            for c in comments
        },
    )


def fragment_get(*, target: Any, sort: str, page_number: Any, signed_in: bool) -> Fragment:
    """The cached fragment of one page of the target's discussion, rendered on a miss."""
    sort = sort if sort in selectors.SORTS else "newest"
    number = page_number_clean(page_number)
    scope = page_scope(type(target), target.pk)
    # Read the token before rendering: rows that change meanwhile retire it (see caching.py).
    token = page_scope_token(scope)
    identity = "\n".join(
        (
            scope,
            sort,
            str(number),
            str(settings.CONVERSATION_PAGE_SIZE),
            get_language() or "",
            "signed-in" if signed_in else "anonymous",
        )
    )
    key = f"conversation:fragment:{token}:{hashlib.sha256(identity.encode()).hexdigest()}"
    store = fragment_store()
    fragment = store.get(key)
    if not isinstance(fragment, Fragment):
        fragment = _render(target=target, sort=sort, number=number, signed_in=signed_in)
        store.set(key, fragment, PAGE_TIMEOUT)
    return fragment


def fragment_anonymous_html(parts: list[Any]) -> SafeString:
    return mark_safe("".join(parts))  # the anonymous variant has no slots


class ReaderSlots:
    """A signed-in reader's values for the slots of a fragment (a few hundred a page, so the
    fixed pieces of HTML are translated and escaped once, not once per comment)."""

    def __init__(
        self,
        *,
        request: HttpRequest,
        fragment: Fragment,
        state: selectors.ReaderState,
    ) -> None:
        self.request = request
        self.reader_id = request.user.pk
        self.fragment = fragment
        self.state = state
        # ("t", kind) for the target's reactions, (comment pk, kind) for comments'.
        self.pressed = {("t", kind) for kind in state.target_reactions} | {
            (pk, kind) for pk, kind in state.comment_reactions
        }
        self.now = timezone.now().timestamp()
        self.edit_window = EDIT_WINDOW.total_seconds()
        self.formats = comment_url_formats()
        self.report_pieces = (
            '<li><a class="govuk-link" href="',
            '">' + escape(gettext("Report")) + '<span class="govuk-visually-hidden"> ',
            "</span></a></li>",
        )
        self.reported_html = format_html(
            '<li class="efc-meta">{}</li>', gettext("You reported this comment")
        )

    def value(self, name: tuple[Any, ...]) -> str:
        kind = name[0]
        if kind == "pressed":
            return "true" if (name[1], name[2]) in self.pressed else "false"
        if kind == "csrf":
            return csrf_token_once(self.request)
        if kind == "actions":
            return self.actions(name[1])
        return ""

    def actions(self, pk: int) -> str:
        facts = self.fragment.comment_facts.get(pk)
        if facts is None:
            return ""
        if facts.author_id == self.reader_id:
            return own_comment_actions(
                edit_url=self.formats["edit"].format(pk=pk),
                delete_url=self.formats["delete"].format(pk=pk),
                editable=facts.state in EDITABLE_STATES
                and self.now - facts.created_at < self.edit_window,
            )
        if facts.state != CommentState.VISIBLE:
            return ""
        if pk in self.state.reported:
            return self.reported_html
        start, middle, end = self.report_pieces
        # The URL holds only the path and a number; the label was escaped when stored.
        return "".join((start, self.formats["flag"].format(pk=pk), middle, facts.label, end))

    def fill(self, parts: list[Any]) -> SafeString:
        value = self.value
        return mark_safe(
            "".join(part if index % 2 == 0 else value(part) for index, part in enumerate(parts))
        )


def own_comment_actions(*, edit_url: str, delete_url: str, editable: bool) -> SafeString:
    """Edit (while the edit window is open) and Delete on the reader's own comment."""
    hidden = gettext("your comment")
    edit = (
        format_html(
            '<li><a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}'
            "</span></a></li>",
            edit_url,
            gettext("Edit"),
            hidden,
        )
        if editable
        else ""
    )
    delete = format_html(
        '<li><a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}'
        "</span></a></li>",
        delete_url,
        gettext("Delete"),
        hidden,
    )
    return format_html("{}{}", edit, delete)
