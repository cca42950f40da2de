"""Position reports as rules, free of HTTP and SQL: a report's Markdown rendered sanitised, and the
state of a department's report against its deadline."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _image(_renderer: Any, tokens: Any, idx: int, _options: Any, _env: Any) -> str:
    """An image from elsewhere would be fetched by every reader's browser (a tracking pixel): it becomes
    a link to the image, with its description as the text; only inline data images are shown."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = escape(token.content or src)
    if src.startswith("data:image/"):
        return f'<img src="{escape(src)}" alt="{alt}">'
    return f'<a href="{escape(src)}">{alt}</a>'


_markdown.add_render_rule("image", _image)


def _no_outside_images(element: str, attribute: str, value: str) -> str | None:
    # whatever the Markdown made, an <img> keeps no address outside the page, and only images are data
    if attribute in ("src", "href") and value.startswith("data:") != (element == "img"):
        return None
    return value


def render_markdown(body: str) -> str:
    return nh3.clean(
        _markdown.render(body), attribute_filter=_no_outside_images, url_schemes={"http", "https", "mailto", "data"}
    )


def contribution_state(*, revisions: int, late: bool, deadline: dt.datetime, now: dt.datetime) -> str:
    if revisions == 0:
        return "overdue" if now > deadline else "missing"
    if late:
        return "late"
    return "revised" if revisions > 1 else "submitted"
