"""The shapes a record's inputs must have where they are read (smoke and comparison files):
names one line, texts bounded, URLs http(s), file names relative paths, repo ids the Hub's.

Each function returns what is wrong in a few words, or None; the readers add the field
and the file and refuse the input (exit 2), so a forged value never reaches a record.

    >>> name_problem("general", 200) is None
    True
    >>> name_problem("x\\n## Decision Outcome", 200)
    'must be one line (it holds a line break)'
    >>> text_problem("a" * 5000, 4000)
    'is 5000 characters long, at most 4000'
    >>> url_problem("javascript:alert(1)")
    'must be an http(s) URL'
    >>> path_problem("../../etc/passwd")
    "must be a relative file path without '..'"
"""

from __future__ import annotations

import math
import unicodedata
import urllib.parse
from typing import Any

NAME = 200            # a prompt id, a suite, a model or candidate name, a vendor
SHORT = 64            # a runner, a backend, a check's name, a setting's value
TEXT = 4000           # an error, a check's detail, a reason
PATH = 4096           # a local file path


def _bad_character(value: str, *, newlines: bool) -> str | None:
    for ch in value:
        if ch in "\n\r":
            if not newlines:
                return "must be one line (it holds a line break)"
            continue
        if ch == "\t":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs") or ch in "\u2028\u2029":
            return f"holds U+{ord(ch):04X}, a control or format character"
    return None


def name_problem(value: Any, limit: int = NAME) -> str | None:
    """Why ``value`` is not a name: text, one line, no control or format character,
    at most ``limit`` characters."""
    if not isinstance(value, str):
        return "must be text"
    if len(value) > limit:
        return f"is {len(value)} characters long, at most {limit}"
    return _bad_character(value, newlines=False)


def text_problem(value: Any, limit: int = TEXT) -> str | None:
    """Why ``value`` is not a bounded text (line breaks allowed, no other control or
    format character)."""
    if not isinstance(value, str):
        return "must be text"
    if len(value) > limit:
        return f"is {len(value)} characters long, at most {limit}"
    return _bad_character(value, newlines=True)


def url_problem(value: Any) -> str | None:
    """Why ``value`` is not an http(s) URL with a host (one line, bounded)."""
    problem = name_problem(value, PATH)
    if problem:
        return problem
    try:
        parts = urllib.parse.urlsplit(value)
        host = parts.hostname
    except ValueError:
        return "must be an http(s) URL"
    if parts.scheme not in ("http", "https") or not host or " " in value:
        return "must be an http(s) URL"
    return None


def path_problem(value: Any) -> str | None:
    """Why ``value`` is not a file path inside a repo: relative, ``/``-separated, no
    ``..``, one line."""
    problem = name_problem(value, 1024)
    if problem:
        return problem
    parts = value.split("/")
    if not value or value.startswith("/") or "\\" in value or any(p in ("", ".", "..")
                                                                 for p in parts):
        return "must be a relative file path without '..'"
    return None


def scalar_problem(value: Any, limit: int = SHORT) -> str | None:
    """Why ``value`` is not a setting's value: a number, true/false, null or a short name."""
    if value is None or isinstance(value, (bool, int, float)):
        return None
    return name_problem(value, limit)


def is_count(value: Any) -> bool:
    """A whole number of at least 0 (not true/false), below 2**62."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 62


def is_number(value: Any) -> bool:
    """A finite number of at least 0 (not true/false)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value >= 0)


def figure_problem(data: dict[str, Any], prefix: str, *, numbers: tuple[str, ...] = (),
                   counts: tuple[str, ...] = ()) -> str | None:
    """The first of ``numbers`` (:func:`is_number`) then ``counts`` (:func:`is_count`) that
    ``data`` sets to something else, as ``<prefix><key>: must be ...``; None when all fit.

    >>> figure_problem({"n_ctx": -1, "load_seconds": 1.5, "seed": None}, "gguf.",
    ...                numbers=("load_seconds",), counts=("n_ctx", "seed"))
    'gguf.n_ctx: must be a whole number of at least 0 or null'
    """
    for keys, fits, what in ((numbers, is_number, "a number"),
                             (counts, is_count, "a whole number")):
        for key in keys:
            if data.get(key) is not None and not fits(data[key]):
                return f"{prefix}{key}: must be {what} of at least 0 or null"
    return None
