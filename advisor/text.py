"""Text that came from outside (Hub cards, GGUF metadata, endpoint and llama.cpp output,
file contents, typed fields), made safe for where it lands: a terminal, a file, a screen.

One name per job:

- :func:`clean`: control, format (bidi, zero-width) and surrogate characters become U+FFFD.
- :func:`one_line`: :func:`clean`, with runs of white space made one space, optionally cut.
- :func:`clip`: text cut to a length with ``...``.
- :func:`escape_markup`: :func:`clean`, then every ``[`` escaped (Textual/Rich markup).
- :func:`json_text`: JSON text with C1, format and surrogate characters as ``\\uXXXX`` escapes.
- :func:`escape_controls`: non-printable characters written visibly, as ``repr`` does.

A terminal takes C0/C1 control characters as commands (ESC [2J wipes the screen, OSC
retitles the window, a lone CSI 0x9B does the same on some terminals); format characters
(Unicode category Cf: bidi overrides, zero-width spaces and joiners, tags) make text read
in another order than it is stored, or two different strings read the same; lone
surrogates (undecodable bytes) make ``print`` raise. Each becomes U+FFFD.

    >>> clean("bad\\x1b]0;owned\\x07 \\u202eevil\\nnext")
    'bad\\ufffd]0;owned\\ufffd \\ufffdevil\\nnext'
    >>> clean("Qwen/Qwen3\\u200b-8B")
    'Qwen/Qwen3\\ufffd-8B'
    >>> clean("a\\nb\\tc", newlines=False)
    'a b c'
    >>> one_line("  a\\n\\n b\\x1b ", limit=80)
    'a b\\ufffd'
    >>> escape_markup("[bold]x[/]")
    '\\\\[bold]x\\\\[/]'
    >>> json_text('{"a": "\\x9b2J"}')
    '{"a": "\\\\u009b2J"}'
    >>> escape_controls("a\\x1bb")
    'a\\\\x1bb'
"""

from __future__ import annotations

import functools
import re

REPLACEMENT = "\ufffd"

# Format characters (Unicode category Cf, as of Unicode 15.1; a test checks this list
# against the running Python's unicodedata): bidi marks, embeddings, overrides and
# isolates, zero-width spaces and joiners, the BOM, interlinear annotation, tag characters.
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
           "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
           "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
           "\U000e0020-\U000e007f")
# C0 but tab and newline, DEL, C1; format characters; lone surrogates. Everything a
# terminal or a reader could be fooled by, nothing printable.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f" + _FORMAT + "\ud800-\udfff"
# Inside JSON text these can only sit in strings: escaping them keeps the value exact.
_JSON_UNSAFE = "\x7f-\x9f" + _FORMAT + "\ud800-\udfff"


@functools.cache
def _pattern(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{chars}]")     # compiled on first use: the import stays cheap


def clean(text: object, *, newlines: bool = True) -> str:
    """``text`` (any object, as ``str``) with every control, format (bidi, zero-width) and
    surrogate character replaced by U+FFFD; with ``newlines=False`` tabs and newlines become spaces too."""
    text = text if isinstance(text, str) else str(text)
    if newlines:
        return _pattern(_UNSAFE).sub(REPLACEMENT, text.replace("\r\n", "\n"))
    return _pattern(_UNSAFE + "\t\n").sub(lambda m: " " if m.group() in "\t\n" else REPLACEMENT,
                                          text.replace("\r\n", "\n"))


def clip(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters, else cut to ``limit`` with ``...``:
    ``clip("abcdef", 5)`` -> ``'ab...'``."""
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."


def one_line(text: object, limit: int | None = None) -> str:
    """``text`` as one clean line: :func:`clean`, every run of white space one space, no
    space at either end; cut to ``limit`` characters when given."""
    line = " ".join(clean(text, newlines=False).split())
    return line if limit is None else clip(line, limit)


def escape_markup(text: object, *, newlines: bool = True) -> str:
    """:func:`clean`, then every ``[`` escaped, ready to sit inside Textual or Rich markup.

    Every ``[`` is escaped, not only those that open a tag: Rich's own ``escape`` leaves
    ``[/' ...]`` alone, which Textual's parser still reads as a closing tag."""
    return clean(text, newlines=newlines).replace("[", "\\[")


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with C1, format (bidi,
    zero-width) and surrogate characters written as ``\\uXXXX`` escapes: the same document, nothing raw
    that a terminal would obey."""
    if text.isascii() and "\x7f" not in text:      # the common case, a hundred times faster
        return text
    return _pattern(_JSON_UNSAFE).sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def escape_controls(text: str) -> str:
    """``text`` with every non-printable character written as ``repr`` writes it, for file
    names and ids shown in notes and records: ESC becomes the four characters ``\\x1b``."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def split_choices(text: str, allowed: "tuple[str, ...] | list[str]", what: str) -> list[str]:
    """A comma-separated list of words, each one of ``allowed``, lower-cased, without
    repeats; ValueError naming the first that is not (or an empty list).

    >>> split_choices("md, JSON,md", ("md", "json", "cdx"), "format")
    ['md', 'json']
    >>> split_choices("md,pdf", ("md", "json"), "format")
    Traceback (most recent call last):
    ValueError: unknown format 'pdf' (expected some of: md, json)
    """
    out: list[str] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        if part not in allowed:
            raise ValueError(f"unknown {what} {part!r} (expected some of: {', '.join(allowed)})")
        if part not in out:
            out.append(part)
    if not out:
        raise ValueError(f"no {what} given (expected some of: {', '.join(allowed)})")
    return out


def human_bytes(n: float) -> str:
    """A byte count in binary units.

    >>> human_bytes(1536), human_bytes(100)
    ('1.5 KiB', '100 B')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def plural(n: int, word: str) -> str:
    """``plural(1, "duty")`` -> '1 duty'; ``plural(2, "duty")`` -> '2 duties'."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_sha256(value: object) -> bool:
    """Whether ``value`` is a SHA-256 hex digest, in either case (store it lower-cased, as
    hashlib and the Hub write it): ``is_sha256("AB" * 32)`` -> ``True``."""
    return isinstance(value, str) and bool(_SHA256.fullmatch(value.lower()))
