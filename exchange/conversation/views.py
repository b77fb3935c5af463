"""Pages and actions for conversations. Every form works without JavaScript: actions are
POSTs that redirect back to the example page, to the comment's anchor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange.conversation import selectors, services
from exchange.conversation.forms import CommentForm, FlagForm, ReactionForm, StopCommentingForm
from exchange.conversation.models import Comment, CommentState
from exchange.conversation.services import (
    ConversationError,
    ConversationNotFoundError,
    ConversationPermissionError,
)
from exchange.core.permissions import Perm, permission_required
from exchange.examples.models import Example
from exchange.examples.selectors import example_get_for_viewer

MODERATION_PAGE_SIZE = 25
MODERATION_VIEWS = {
    "flagged": gettext_lazy("Reported"),
    "pending": gettext_lazy("Awaiting moderation"),
    "hidden": gettext_lazy("Hidden"),
}


def _open_example(request: HttpRequest, pk: int) -> Example:
    """An example the reader may see whose discussion is open (published); 404 otherwise."""
    example = example_get_for_viewer(viewer=request.user, pk=pk)
    if not selectors.target_is_open(example):
        raise Http404
    return example


def _target_url(comment: Comment) -> str:
    target = selectors.discussion_target(comment.discussion)
    return target.get_absolute_url()  # type: ignore[attr-defined,no-any-return]


def _anchor(url: str, comment: Comment | None = None) -> str:
    return f"{url}#comment-{comment.pk}" if comment is not None else f"{url}#discussion"


def _comment_or_404(request: HttpRequest, pk: int) -> Comment:
    """The comment if the reader may see it and its target (404 otherwise)."""
    return selectors.comment_get_for_viewer(viewer=request.user, pk=pk)


def _form_errors(form: Any, error: ConversationError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _posted_message(request: HttpRequest, comment: Comment) -> None:
    if comment.state == CommentState.VISIBLE:
        messages.success(request, _("Your comment has been published"))
    else:
        messages.success(
            request,
            _("Thank you. Your comment will appear once a moderator has checked it."),
        )


def _comment_page(
    request: HttpRequest, *, form: CommentForm, example: Example, parent: Comment | None = None
) -> HttpResponse:
    return render(
        request,
        "conversation/comment_form.html",
        {"form": form, "example": example, "parent": parent},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    return comment_create_on(request, _open_example(request, pk))


def comment_create_on(request: HttpRequest, example: Any) -> HttpResponse:
    """The comment form of an open target (an example, a synthesis report): GET shows it,
    POST posts and redirects to the comment on the target's page. The caller checks that the
    target is open and that the reader is signed in."""
    ask_policy = not services.has_accepted_policy(request.user)
    if request.method == "GET":
        return _comment_page(request, form=CommentForm(ask_policy=ask_policy), example=example)
    form = CommentForm(request.POST, ask_policy=ask_policy)
    if form.is_valid():
        try:
            comment = services.comment_post(
                actor=request.user,
                target=example,
                body=form.cleaned_data["body"],
                policy_accepted=form.cleaned_data.get("policy_accepted", False),
            )
        except ConversationPermissionError as error:
            messages.error(request, str(error.message))
            return redirect(_anchor(example.get_absolute_url()))
        except ConversationError as error:
            _form_errors(form, error)
        else:
            _posted_message(request, comment)
            return redirect(_anchor(example.get_absolute_url(), comment))
    return _comment_page(request, form=form, example=example)


@login_required
@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = selectors.comment_get_for_taking_part(viewer=request.user, pk=pk)
    target = selectors.discussion_target(parent.discussion)
    ask_policy = not services.has_accepted_policy(request.user)
    if request.method == "GET":
        return _comment_page(
            request, form=CommentForm(ask_policy=ask_policy), example=target, parent=parent
        )
    form = CommentForm(request.POST, ask_policy=ask_policy)
    if form.is_valid():
        try:
            comment = services.comment_post(
                actor=request.user,
                target=target,
                body=form.cleaned_data["body"],
                parent=parent,
                policy_accepted=form.cleaned_data.get("policy_accepted", False),
            )
        except ConversationPermissionError as error:
            messages.error(request, str(error.message))
            return redirect(_anchor(target.get_absolute_url()))
        except ConversationError as error:
            _form_errors(form, error)
        else:
            _posted_message(request, comment)
            return redirect(_anchor(target.get_absolute_url(), comment))
    return _comment_page(request, form=form, example=target, parent=parent)


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    comment = _comment_or_404(request, pk)
    if comment.author_id != request.user.pk or comment.state == CommentState.REMOVED:
        raise Http404
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    back = _target_url(comment)
    if request.method == "GET":
        form = CommentForm(initial={"body": comment.body})
    else:
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                comment = services.comment_edit(
                    actor=request.user, comment=comment, body=form.cleaned_data["body"]
                )
            except ConversationNotFoundError:
                raise Http404 from None
            except ConversationPermissionError:
                raise PermissionDenied from None
            except ConversationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Your comment has been changed"))
                return redirect(_anchor(back, comment))
    return render(
        request,
        "conversation/comment_edit.html",
        {"form": form, "comment": comment, "back_url": _anchor(back, comment)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    back = _target_url(comment)
    if request.method == "POST":
        try:
            services.comment_delete(actor=request.user, comment=comment)
        except ConversationNotFoundError:
            raise Http404 from None
        messages.success(request, _("Your comment has been removed"))
        return redirect(_anchor(back, comment))
    return render(
        request,
        "conversation/comment_delete.html",
        {"comment": comment, "back_url": _anchor(back, comment)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request: HttpRequest, pk: int) -> HttpResponse:
    comment = selectors.comment_get_for_taking_part(viewer=request.user, pk=pk)
    if comment.state != CommentState.VISIBLE:
        raise Http404
    back = _anchor(_target_url(comment), comment)
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_flag(
                actor=request.user,
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ConversationNotFoundError:
            raise Http404 from None
        except ConversationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Thank you for your report. A moderator will look at the comment.")
            )
            return redirect(back)
    return render(
        request,
        "conversation/comment_flag.html",
        {"form": form, "comment": comment, "back_url": back},
        status=400 if form.errors else 200,
    )


def _back(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def wants_fragment(request: HttpRequest) -> bool:
    """A reaction form submitted by static/js/reactions.js: answer with the buttons only."""
    return request.headers.get("X-Requested-With") == "fetch" or "text/html-fragment" in (
        request.headers.get("Accept", "")
    )


def _announcement(reactions: list[selectors.ReactionSummary], kind: str) -> str:
    for reaction in reactions:
        if reaction.kind == kind:
            if reaction.mine:
                return _("You reacted “%(reaction)s”. Count now %(count)s.") % {
                    "reaction": reaction.label,
                    "count": reaction.count,
                }
            return _("You took back “%(reaction)s”. Count now %(count)s.") % {
                "reaction": reaction.label,
                "count": reaction.count,
            }
    return ""


def _reactions_fragment(
    request: HttpRequest, *, target: Any, react_url: str, label: str, back: str, kind: str
) -> HttpResponse:
    reactions = selectors.reactions_for(target=target, viewer=request.user)
    response = render(
        request,
        "conversation/_reactions.html",
        {
            "reactions": reactions,
            "react_url": react_url,
            "label": label,
            "next_url": back,
            "announce": _announcement(reactions, kind),
        },
    )
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Accept, X-Requested-With"
    return response


def _react(request: HttpRequest, target: Any, fallback: str, *, label: str) -> HttpResponse:
    """Toggle a reaction. Without JavaScript: redirect back to the page (to its anchor). From
    reactions.js: the re-rendered buttons, or an error status that makes the script fall back
    to an ordinary form submission (which shows the message)."""
    form = ReactionForm(request.POST)
    back = _back(request, fallback)
    fragment = wants_fragment(request)
    if not form.is_valid():
        if fragment:
            return HttpResponse(_("Choose a reaction"), status=400, content_type="text/plain")
        messages.error(request, _("Choose a reaction"))
        return HttpResponseRedirect(back)
    kind = form.cleaned_data["kind"]
    try:
        services.reaction_toggle(actor=request.user, target=target, kind=kind)
    except ConversationNotFoundError:
        raise Http404 from None
    except ConversationError as error:
        if fragment:
            return HttpResponse(str(error.message), status=400, content_type="text/plain")
        messages.error(request, str(error.message))
        return HttpResponseRedirect(back)
    if fragment:
        return _reactions_fragment(
            request, target=target, react_url=request.path, label=label, back=back, kind=kind
        )
    return HttpResponseRedirect(back)


@login_required
@require_POST
def example_react(request: HttpRequest, pk: int) -> HttpResponse:
    example = _open_example(request, pk)
    return _react(request, example, f"{example.get_absolute_url()}#reactions", label=example.title)


@login_required
@require_POST
def comment_react(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    label = _("comment by %(name)s") % {"name": comment.author.public_name}
    return _react(request, comment, _anchor(_target_url(comment), comment), label=label)


@login_required
@require_POST
def example_follow(request: HttpRequest, pk: int) -> HttpResponse:
    example = _open_example(request, pk)
    services.subscription_follow(actor=request.user, target=example)
    messages.success(request, _("You are following the comments on this example"))
    return redirect(_anchor(example.get_absolute_url()))


@login_required
@require_POST
def example_unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    example = _open_example(request, pk)
    discussion = selectors.discussion_get(target=example)
    if discussion is not None:
        services.subscription_unfollow(actor=request.user, discussion=discussion)
    messages.success(request, _("You are no longer following the comments on this example"))
    return redirect(_anchor(example.get_absolute_url()))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest) -> HttpResponse:
    """The link in every digest email. No sign-in: the signed token in the address is the
    permission. GET only asks (mail scanners and link previews follow links); the button, or a
    mail client's one-click unsubscribe (RFC 8058: a POST with no cookies and so no CSRF
    token, hence exempt), POSTs to the same address, which unsubscribes."""
    token = request.GET.get("token", "")
    if request.method == "POST":
        discussions = services.subscription_unsubscribe_by_token(token=token)
        template = "conversation/unsubscribed.html"
    else:
        found = selectors.unsubscribe_token_read(token=token)
        discussions = found.discussions if found is not None else None
        template = "conversation/unsubscribe_confirm.html"
    # Named only while open: a link never shows the title of a withdrawn example.
    targets = [
        selectors.discussion_target(d) for d in discussions or [] if selectors.discussion_is_open(d)
    ]
    response = render(
        request,
        template,
        {
            "discussion": bool(discussions),
            "targets": targets,
            "action_url": request.get_full_path(),
        },
        status=200 if discussions else 400,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Moderation --------------------------------------------------------------------------------


@permission_required(Perm.MODERATE_COMMENTS)
@require_GET
def moderation_list(request: HttpRequest) -> HttpResponse:
    current = request.GET.get("view", "flagged")
    if current not in MODERATION_VIEWS:
        current = "flagged"
    counts = selectors.moderation_comment_counts()
    page = Paginator(
        selectors.moderation_comment_list(view=current), MODERATION_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    targets = {}
    for comment in page.object_list:
        key = comment.discussion_id
        if key not in targets:
            targets[key] = selectors.discussion_target(comment.discussion)
        comment.target = targets[key]
    tabs = [
        {"key": key, "label": label, "count": counts[key], "current": key == current}
        for key, label in MODERATION_VIEWS.items()
    ]
    return render(
        request,
        "conversation/moderation_list.html",
        {"tabs": tabs, "current_label": MODERATION_VIEWS[current], "page_obj": page},
    )


def _moderate(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("author", "discussion"), pk=pk)
    try:
        action(actor=request.user, comment=comment)
    except ConversationPermissionError:
        raise PermissionDenied from None
    except ConversationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(_back(request, "conversation:moderation_list"))


@permission_required(Perm.MODERATE_COMMENTS)
@require_POST
def moderation_hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, services.comment_hide, _("The comment is hidden"))


@permission_required(Perm.MODERATE_COMMENTS)
@require_POST
def moderation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, services.comment_restore, _("The comment is shown again"))


@permission_required(Perm.MODERATE_COMMENTS)
@require_POST
def moderation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, services.comment_approve, _("The comment is published"))


@permission_required(Perm.MODERATE_COMMENTS)
@require_http_methods(["GET", "POST"])
def moderation_stop_author(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    form = StopCommentingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_stop_commenting(
                actor=request.user, user=comment.author, reason=form.cleaned_data["reason"]
            )
        except ConversationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s can no longer comment") % {"name": comment.author.public_name},
            )
            return redirect("conversation:moderation_list")
    return render(
        request,
        "conversation/stop_commenting.html",
        {"form": form, "comment": comment},
        status=400 if form.errors else 200,
    )
