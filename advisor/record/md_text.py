"""The small pieces every Markdown part of a record writes with: citations, table cells and
the finish.

Outside text (a Hub card, a smoke or comparison file, a typed rationale, a profile) is
escaped once, before any part writes a line: :func:`advisor.record.markdown.render_markdown`
hands every part the record through :func:`advisor.record.escape.markdown_view`, the
Markdown's one escaping layer (no value opens a heading, a link, an image, a table cell or
an HTML tag). So :func:`cell` only keeps a cell on one line, and :func:`finish` cleans the
whole document (no control, format or escape character survives).

    >>> cell("a \\\\| b\\nc")
    'a \\\\| b c'
    >>> source_text({"title": "EU AI Act", "section": "Art. 50(1)", "url": "https://x"})
    '[EU AI Act Art. 50(1)](https://x)'
"""

from __future__ import annotations

from typing import Any

from advisor.knowledge.model import section_label
from advisor.text import clean

VERDICT_WORDS = {
    "allowed": "allowed: only informational findings",
    "conditional": "conditional: allowed on conditions the organization takes on",
    "blocked": "blocked: the use falls outside what the license or law permits",
    "unknown": "unknown: the model or its license could not be identified",
}


def cell(value: Any) -> str:
    """A table cell: one line (its ``|`` already escaped by the view), ``--`` for nothing."""
    if value is None or value == "":
        return "--"
    return " ".join(str(value).split())


def source_text(source: dict[str, Any] | None) -> str:
    """A citation: the title and section, linked to the url, with the date checked."""
    if not source:
        return ""
    title = source.get("title") or "source"
    if source.get("section"):
        title += f" {section_label(source['section'])}"
    text = f"[{title}]({source['url']})" if source.get("url") else title
    if source.get("checked"):
        text += f", checked {source['checked']}"
    return text


def with_source(message: str, source: dict[str, Any] | None) -> str:
    cited = source_text(source)
    return f"{message} ({cited})" if cited else message


def lead(message: str) -> str:
    """Lower-case a message's first letter so it reads after "because" (not for "EU", "AI")."""
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message


def finish(text: str) -> str:
    """The whole document, with no control, bidi or escape character from outside text (a
    terminal or viewer would obey it)."""
    return clean(text)
