"""Markdown written by coordinators, rendered to HTML that is safe to show to anyone."""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


_LIST_ITEM = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s")


def _blank_line_before_lists(text: str) -> str:
    """People start a list right under a sentence; Markdown wants a blank line there."""
    lines, previous = [], ""
    for line in text.splitlines():
        if _LIST_ITEM.match(line) and previous.strip() and not _LIST_ITEM.match(previous) \
                and not previous.startswith((" ", "\t")):
            lines.append("")
        lines.append(line)
        previous = line
    return "\n".join(lines)


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitized HTML: no scripts, styles, event handlers or unsafe links."""
    if not text:
        return Markup("")
    return _render(text)


# A call's texts are shown on every visit and change rarely: each distinct text is rendered
# once per process (a third of the public call page's time went into Markdown).
@lru_cache(maxsize=256)
def _render(text: str) -> Markup:
    html = markdown_lib.markdown(_blank_line_before_lists(text),
                                 extensions=["tables", "sane_lists"])
    # Coordinators' headings sit below the page's own h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(clean)  # noqa: S704 (sanitized by nh3 above)
