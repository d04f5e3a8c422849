"""Outside text made safe for the screen: no control characters, no live markup.

Hub cards, GGUF metadata, error messages and typed fields may hold escape sequences or
Rich markup (``[/]``, ``[link=...]``); shown raw they retitle the terminal or raise
``MarkupError``. Everything that did not come from the advisor itself passes here.

    >>> markup_safe("bad [/] tag")
    'bad \\\\[/] tag'
"""

from __future__ import annotations

from typing import Any



def plain(text: Any) -> str:
    """``text`` as a string without terminal control characters."""
    try:
        from advisor.sanitize import sanitize  # type: ignore[attr-defined]
    except ImportError:
        from advisor.commands.common import printable as sanitize
    return sanitize(str(text))


def markup_safe(text: Any) -> str:
    """``text`` ready to sit inside Textual markup (control characters and markup escaped).

    Every ``[`` is escaped: Rich's ``escape`` leaves ``[/' ...]`` alone, which Textual's
    parser still reads as a closing tag."""
    return plain(text).replace("[", "\\[")
