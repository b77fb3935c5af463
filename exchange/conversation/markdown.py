"""Comment Markdown → safe HTML, done once when a comment is written.

markdown-it-py's CommonMark preset with raw HTML switched off turns the text into HTML; nh3
(ammonia) then keeps only an allow-list of tags and attributes, only http, https and mailto
links, and gives every link `rel="nofollow ugc noopener"`. Both steps are needed: Markdown
alone lets `[x](javascript:...)`-like tricks through in some renderers, and the sanitiser is
the single place that decides what may reach a page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# Headings and images are not part of a comment's subset: shown as their text.
_markdown.disable(["heading", "lheading", "image"])


def markdown_render(text: str) -> str:
    """Sanitised HTML for a comment body (safe to mark as safe in templates)."""
    html = _markdown.render(text.replace("\x00", ""))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()
