"""Parse a page and report any active content: what the XSS corpus tests assert is absent."""

from __future__ import annotations

from html.parser import HTMLParser

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "img",
    "video",
    "audio",
    "source",
    "details",
    "marquee",
    "table",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "background",
    "data",
    "srcdoc",
    "xlink:href",
}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class ActiveContentFinder(HTMLParser):
    """Collects problems inside elements whose class contains `efc-comment__body`, and any
    event-handler attribute or script URL anywhere in the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 while inside a comment body
        self.problems: list[str] = []
        self.tags_in_bodies: set[str] = set()
        self.script_count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "script":
            self.script_count += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and self.depth:
                self.problems.append(f"<{tag} style> in a comment")
        if self.depth:
            self.tags_in_bodies.add(tag)
            if tag in DANGEROUS_TAGS:
                self.problems.append(f"<{tag}> in a comment")
            if tag not in {"br", "hr"}:
                self.depth += 1
        elif "efc-comment__body" in classes.split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


def active_content(html: str) -> tuple[list[str], int]:
    """Problems found, and how many <script> elements the whole page has."""
    finder = ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.problems, finder.script_count
