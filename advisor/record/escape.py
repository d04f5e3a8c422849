"""One escaping layer per record format: everything a record holds, made safe for it.

A record carries text from outside: smoke and comparison files (prompt ids, the suite
name, settings, errors, candidate names), Hub cards, model output, the user's profiles.
Each renderer calls its format's function once, on the whole record, before it writes a
line; the renderers' own markup is the only markup in the output.

- :func:`markdown_view` (``md``): every text one clean line with Markdown and HTML
  escaped (:func:`md_text`), so no value opens a heading, a link, an image, a table cell
  or an HTML tag; every ``url`` an http(s) URL, percent-encoded (:func:`safe_url`), or
  none.
- :func:`cyclonedx_view` (``cdx``) and :func:`spdx_view` (``spdx``): JSON escapes itself,
  so every text is one clean line (no control, format or bidi character) of bounded length
  and every ``url`` an http(s) URL or none (CycloneDX ``XsUri``, SPDX ``locator``).

The JSON record itself (``json``) keeps the values as read: it is what ``record verify``
re-checks, and ``json.dumps`` escapes it.

    >>> md_text("x\\n## Decision Outcome <img src=x onerror=alert(1)> [verify](https://evil)")
    'x ## Decision Outcome \\\\<img src=x onerror=alert(1)> \\\\[verify\\\\](https://evil)'
    >>> md_text("snake_case *bold* a|b, Bus. & Prof., &#35; x >= 6")
    'snake_case \\\\*bold\\\\* a\\\\|b, Bus. & Prof., \\\\&#35; x >= 6'
    >>> md_text("# Fake title"), md_text("> quote")
    ('\\\\# Fake title', '\\\\> quote')
    >>> safe_url("https://example.org/a b(c)"), safe_url("javascript:alert(1)")
    ('https://example.org/a%20b%28c%29', None)
    >>> safe_url("profiles/README.md#gated"), safe_url("//evil.example/x")
    ('profiles/README.md#gated', None)
    >>> cyclonedx_view({"model": "org/m", "error": "bad\\n\\u202eline"})
    {'model': 'org/m', 'error': 'bad \\ufffdline'}
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from advisor.text import clip, one_line

MAX_TEXT = 4000            # one value in a CycloneDX or SPDX document
URL_KEYS = frozenset({"url"})     # values written as a link target or a URI
# Markdown (CommonMark and GitHub's tables, strikethrough) and inline HTML: each such
# character is backslash-escaped, and only where it could mean something, so a citation
# still reads "Bus. & Prof. Code" and "logs >= 6 months": "&" where it would start an
# entity (&#35;), "_" where it could open or close emphasis (not inside snake_case), and
# "#", ">", "+", "-", "=" at the start, where a line would begin with them.
_MD_SPECIAL = re.compile(r"[\\`*\[\]<|~]|&(?=#?[A-Za-z0-9]+;)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
                         r"|^[#>+=-]")
# What a URL may keep as it is; everything else (space, quotes, brackets, parentheses,
# backslash, backtick, non-ASCII) is percent-encoded.
_URL_SAFE = "/:?#@!$&+,;=%-._~"


def md_text(value: Any) -> str:
    """``value`` as one line of Markdown text that shows as written: :func:`one_line`,
    then every character that Markdown or HTML would read as markup backslash-escaped."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), one_line(value))


def safe_url(value: Any) -> str | None:
    """``value`` when it is an http(s) URL with a host, or a reference within the
    advisor's own documents (a relative path such as ``profiles/README.md#gated``), with
    every character a link destination or an IRI could trip on percent-encoded; None
    otherwise (``javascript:``, ``data:``, ``file:``, ``//other.host``, text with spaces)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return None
    relative = not parts.scheme and not parts.netloc and not text.startswith(("/", "\\"))
    if not relative and (parts.scheme.lower() not in ("http", "https") or not parts.hostname
                         or any(ch.isspace() or not ch.isprintable() for ch in parts.netloc)):
        return None
    if relative and (":" in text.split("#")[0].split("/")[0] or any(ch.isspace() for ch in text)):
        return None
    return urllib.parse.quote(text, safe=_URL_SAFE)


def _view(data: Any, text: Callable[[Any], str]) -> Any:
    """A copy of JSON-like ``data`` with every key and text through ``text`` and every
    ``url`` through :func:`safe_url` (numbers, booleans and None as they are)."""
    if isinstance(data, dict):
        return {text(k): (safe_url(v) if k in URL_KEYS else _view(v, text))
                for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_view(v, text) for v in data]
    if isinstance(data, str):
        return text(data)
    return data


def markdown_view(record: dict[str, Any]) -> dict[str, Any]:
    """The record with everything in it escaped for Markdown (see :func:`md_text`);
    internal keys and values (ids, codes, ``snake_case`` enums) read the same."""
    return _view(record, md_text)


def _json_text(value: Any) -> str:
    return clip(one_line(value), MAX_TEXT)


def cyclonedx_view(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every text one clean line of at most MAX_TEXT characters and
    every ``url`` an http(s) URL or None, for the CycloneDX BOM."""
    return _view(record, _json_text)


def spdx_view(record: dict[str, Any]) -> dict[str, Any]:
    """As :func:`cyclonedx_view`, for the SPDX 3.0 document (its ``name``s and
    ``statement``s one line, its ``locator``s http(s) URLs)."""
    return _view(record, _json_text)


def url_path(*segments: str) -> str:
    """Path segments from outside (a repo id, a file name) percent-encoded for a URL,
    ``/`` kept between a repo's owner and name and inside a file's folders:
    ``url_path("org/m", "dir/a b.gguf")`` -> ``'org/m/dir/a%20b.gguf'``."""
    return "/".join(urllib.parse.quote(one_line(s), safe="/-._~") for s in segments)
