"""The one sanitiser for text that came from outside (Hub cards, GGUF metadata, endpoint
and llama.cpp output, file contents, typed fields) on its way to a terminal, a file or a
screen.

A terminal takes C0/C1 control characters as commands (ESC [2J wipes the screen, OSC
retitles the window, a lone CSI 0x9B does the same on some terminals); bidi overrides make
text read in another order than it is stored; lone surrogates (undecodable bytes) make
``print`` raise. Each becomes U+FFFD.

    >>> clean_text("bad\\x1b]0;owned\\x07 \\u202eevil\\nnext")
    'bad\\ufffd]0;owned\\ufffd \\ufffdevil\\nnext'
    >>> clean_text("a\\nb\\tc", newlines=False)
    'a b c'
    >>> escape_markup("[bold]x[/]")
    '\\\\[bold]x\\\\[/]'
    >>> json_text('{"a": "\\x9b2J"}')
    '{"a": "\\\\u009b2J"}'
"""

from __future__ import annotations

import functools
import re

REPLACEMENT = "\ufffd"

# C0 but tab and newline, DEL, C1; bidi embeddings, overrides, isolates and marks; lone
# surrogates. Everything a terminal or a reader could be fooled by, nothing printable.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# Inside JSON text these can only sit in strings: escaping them keeps the value exact.
_JSON_UNSAFE = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"


@functools.cache
def _pattern(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{chars}]")     # compiled on first use: the import stays cheap


def clean_text(text: object, *, newlines: bool = True) -> str:
    """``text`` with every control, bidi and surrogate character replaced by U+FFFD; with
    ``newlines=False`` tabs and newlines become spaces too (one line of a message)."""
    text = text if isinstance(text, str) else str(text)
    if newlines:
        return _pattern(_UNSAFE).sub(REPLACEMENT, text.replace("\r\n", "\n"))
    return _pattern(_UNSAFE + "\t\n").sub(lambda m: " " if m.group() in "\t\n" else REPLACEMENT,
                         text.replace("\r\n", "\n"))


sanitize = clean_text      # the name the TUI's helpers import


def escape_markup(text: object, *, newlines: bool = True) -> str:
    """``clean_text`` and then Rich/Textual markup escaped (``[/]`` cannot close a tag or
    raise ``MarkupError``): for outside text inside markup strings."""
    from rich.markup import escape

    return escape(clean_text(text, newlines=newlines))


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with C1, bidi and
    surrogate characters written as ``\\uXXXX`` escapes: the same document, nothing raw
    that a terminal would obey."""
    return _pattern(_JSON_UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", text)
