from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from exchange.conversation import selectors
from exchange.conversation.services import target_is_open

register = template.Library()


@register.inclusion_tag("conversation/_section.html", takes_context=True)
def discussion_section(context: template.Context, target: Any) -> dict[str, Any]:
    """The comments and reactions under a published example (nothing for unpublished ones).

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
    return {
        "show": True,
        "request": request,
        "user": request.user,
        "target": target,
        "target_react_url": reverse("conversation:example_react", kwargs={"pk": target.pk}),
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
