"""One validator for the ids the advisor reads: model ids, Hub repo ids, profile ids.

An id is read by people and matched by code, so it must read as what it is: printable
ASCII only (no control, format, zero-width, bidi or look-alike character can make two
ids read the same or a terminal obey one). Model and repo ids follow the Hub's own rules,
as huggingface_hub's ``validate_repo_id`` states them (a test keeps the two in step):
``owner/name``, each part 1 to 96 of ``A-Z a-z 0-9 - _ .``, neither starting nor ending
with ``-`` or ``.``, no ``--`` or ``..``, not ending in ``.git``. Written as a pattern
here because importing the library costs more than loading every profile from the cache.

    >>> repo_id_problem("Qwen/Qwen3-8B") is None
    True
    >>> repo_id_problem("Qwen/Qwen3\\u200b-8B")
    "'Qwen/Qwen3\\\\u200b-8B' holds U+200B, a format or zero-width character: ids are printable ASCII"
    >>> repo_id_problem("gpt2")
    "'gpt2' is not owner/name"
    >>> repo_id_reason("a b/c", owner=False)
    'holds U+0020, white space: ids are printable ASCII'
    >>> repo_id_problem("gpt2", owner=False) is None
    True
    >>> profile_id_problem("apache-2.0") is None
    True
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_PART = 96
MAX_PROFILE_ID = 128
_PART = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = re.compile(rf"(?:{_PART}/)?{_PART}")
_PROFILE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")


def _shown(value: str) -> str:
    """The id as ``ascii`` writes it: every non-ASCII character visible as an escape."""
    return ascii(value)


def _character_reason(value: str) -> str | None:
    """What is wrong with the first character that is not printable ASCII, or None."""
    for ch in value:
        if " " < ch < "\x7f":
            continue
        category = unicodedata.category(ch)
        kind = ("a control character" if category == "Cc" else
                "a format or zero-width character" if category == "Cf" else
                "white space" if ch.isspace() else "not ASCII")
        return f"holds U+{ord(ch):04X}, {kind}: ids are printable ASCII"
    return None


def _character_problem(value: str) -> str | None:
    reason = _character_reason(value)
    return f"{_shown(value)} {reason}" if reason else None


def repo_id_reason(value: Any, *, owner: bool = True) -> str | None:
    """Why ``value`` is not a Hub model id, in words that follow the id: ``holds U+200B,
    a format or zero-width character: ...``; None when it is one."""
    if not isinstance(value, str):
        return "is not text"
    if not value:
        return "is empty"
    if len(value) > 2 * MAX_PART + 1:
        return f"is longer than {2 * MAX_PART + 1} characters"
    reason = _character_reason(value)
    if reason:
        return reason
    if value.count("/") > 1 or (owner and value.count("/") != 1):
        return "is not owner/name"
    if not _REPO_ID.fullmatch(value):
        return ("breaks the Hub's id rules: letters, digits, '-', '_' and '.', at most "
                f"{MAX_PART} per part, not starting or ending with '-' or '.'")
    if "--" in value or ".." in value:
        return "holds '--' or '..', which the Hub does not allow"
    if value.endswith(".git"):
        return "ends in '.git', which the Hub does not allow"
    return None


def repo_id_problem(value: Any, *, owner: bool = True) -> str | None:
    """Why ``value`` is not a Hub model id (``owner/name``; ``owner=False`` also takes a
    bare ``name``, as the Hub does for its oldest repos), the id shown first; or None."""
    reason = repo_id_reason(value, owner=owner)
    if reason is None:
        return None
    shown = _shown(value[:40] + "..." if isinstance(value, str) and len(value) > 80
                   else value if isinstance(value, str) else str(value))
    return f"{shown} {reason}"


def profile_id_problem(value: Any) -> str | None:
    """Why ``value`` is not an id of a license, use policy, jurisdiction, use case, policy
    or quality table (a letter or digit, then letters, digits, ``.``, ``_``, ``+``, ``-``),
    or None when it is one."""
    if not isinstance(value, str):
        return f"{_shown(str(value))} is not text"
    if not value:
        return "empty id"
    problem = _character_problem(value)
    if problem:
        return problem
    if len(value) > MAX_PROFILE_ID:
        return f"{_shown(value[:40])}... is longer than {MAX_PROFILE_ID} characters"
    if not _PROFILE_ID.fullmatch(value):
        return (f"{_shown(value)} is not an id: a letter or digit, then letters, digits, "
                "'.', '_', '+' or '-'")
    return None


def same_repo(a: str, b: str) -> bool:
    """Whether two repo ids name one repo on the Hub, which ignores case:
    ``same_repo("qwen/qwen3-8b", "Qwen/Qwen3-8B")`` -> True."""
    return a.lower() == b.lower()
