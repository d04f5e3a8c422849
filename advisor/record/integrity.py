"""The record's digest: SHA-256 over its canonical content, and which field an edit touched.

Canonical content: the JSON record without ``digest``, ``digest_fields`` and
``signatures``, written as the JSON Canonicalization Scheme writes it (RFC 8785): object
keys sorted by their UTF-16 code units, no whitespace, strings escaped only where JSON
requires (``"``, ``\\``, control characters; ``\\b \\t \\n \\f \\r`` short, the rest as
lower-case ``\\u00xx``), numbers as ECMAScript writes them (``1.0`` is ``1``, ``1e21`` is
``1e+21``), the whole UTF-8 encoded. One difference: an integer beyond 2^53 keeps all its
digits (records hold none). ``digest`` is ``sha256:`` and the 64 hex digits of the
SHA-256 of those bytes, so anyone can recompute it with a JCS library and sha256sum.

``digest_fields`` locates an edit: for every field down to three levels
(``answers.organization.monthly_active_users``, ``chosen.findings[2]``), the first 16 hex
digits of the SHA-256 of its canonical value. It is a locator, not a seal: the digest
decides whether the record was edited; the fields only name where.

    >>> canonical_bytes({"b": [1.0, "é"], "a": 1e21})
    b'{"a":1e+21,"b":[1,"\\xc3\\xa9"]}'
    >>> sealed = seal({"schema": "advisor.record/1", "answers": {"mau": 5}})
    >>> sealed["digest"][:7], changed_fields(sealed)
    ('sha256:', [])
    >>> sealed["answers"]["mau"] = 800_000_000
    >>> changed_fields(sealed)
    [('answers.mau', 'changed')]
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from decimal import Decimal
from typing import Any

EXCLUDED = ("digest", "digest_fields", "signatures")
DEPTH = 3
FIELD_HEX = 16
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                  "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _string(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        ch = match.group(0)
        return _SHORT_ESCAPES.get(ch) or f"\\u{ord(ch):04x}"

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def _number(value: float) -> str:
    """A float as ECMAScript's Number.prototype.toString writes it (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} has no JSON form")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    exact = Decimal(repr(abs(value))).normalize()     # repr: the shortest round-trip digits
    _, digit_tuple, exponent = exact.as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)               # value = 0.DIGITS x 10^point
    k, n = len(digits), point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        keys = sorted((str(k) for k in value), key=lambda k: k.encode("utf-16-be"))
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON")


def canonical_bytes(value: Any) -> bytes:
    """``value`` in the canonical form above (RFC 8785), UTF-8 encoded."""
    out: list[str] = []
    _write(value, out)
    return "".join(out).encode("utf-8", "surrogatepass")


def content_of(record: dict[str, Any]) -> dict[str, Any]:
    """The record without its digest, digest locator and signatures."""
    return {k: v for k, v in record.items() if k not in EXCLUDED}


def digest_of(record: dict[str, Any]) -> str:
    """``sha256:<hex>`` of the record's canonical content."""
    return "sha256:" + hashlib.sha256(canonical_bytes(content_of(record))).hexdigest()


def _label(path: str, key: str) -> str:
    part = key if _NAME.fullmatch(key) else f"[{json.dumps(key, ensure_ascii=False)}]"
    if not path:
        return part
    return f"{path}{part}" if part.startswith("[") else f"{path}.{part}"


def field_digests(record: dict[str, Any], depth: int = DEPTH) -> dict[str, str]:
    """Path -> first 16 hex digits of the SHA-256 of that field's canonical value, for
    every field of the content down to ``depth`` levels (a list item counts as a level)."""
    out: dict[str, str] = {}

    def walk(value: Any, path: str, level: int) -> None:
        if level < depth and isinstance(value, dict) and value:
            for key in value:
                walk(value[key], _label(path, str(key)), level + 1)
        elif level < depth and isinstance(value, list) and value:
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]", level + 1)
        else:
            out[path] = hashlib.sha256(canonical_bytes(value)).hexdigest()[:FIELD_HEX]

    for key, value in content_of(record).items():
        walk(value, _label("", str(key)), 1)
    return out


_STEP = re.compile(r'\.?[A-Za-z_][A-Za-z0-9_-]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\]')


def _prefixes(path: str) -> list[str]:
    """``a.b[2].c`` -> ``["a", "a.b", "a.b[2]", "a.b[2].c"]``."""
    out, end = [], 0
    for match in _STEP.finditer(path):
        end = match.end()
        out.append(path[:end])
    return out if end == len(path) else [path]


def _outermost(paths: list[str], other: dict[str, str]) -> list[str]:
    """Each path as its outermost ancestor that the other side lacks entirely (a removed
    list is named once, not item by item)."""
    present = {pre for p in other for pre in _prefixes(p)}
    out: list[str] = []
    for path in paths:
        top = next((pre for pre in _prefixes(path) if pre not in present), path)
        if top not in out:
            out.append(top)
    return out


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` carrying ``digest`` and ``digest_fields`` (signatures kept)."""
    out = dict(record)
    out["digest"] = digest_of(record)
    out["digest_fields"] = field_digests(record)
    return out


def changed_fields(record: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The fields edited since ``seal``: ``[(path, "changed" | "added" | "removed")]``;
    ``[]`` when the digest matches; ``None`` when the record carries no digest."""
    stored = record.get("digest")
    if not isinstance(stored, str) or not stored:
        return None
    if stored == digest_of(record):
        return []
    kept = record.get("digest_fields")
    kept = kept if isinstance(kept, dict) else {}
    now = field_digests(record)
    changes = [(p, "changed") for p in now if p in kept and kept[p] != now[p]]
    added = _outermost([p for p in now if p not in kept], kept)
    removed = _outermost([p for p in kept if p not in now], now)
    reshaped = [p for p in added + removed          # a leaf that became a container, or back
                if any(q != p and p in _prefixes(q) for q in added + removed)]
    inside = {q for q in added + removed for p in reshaped if p in _prefixes(q)}
    changes += [(p, "changed") for p in reshaped]
    changes += [(p, "added") for p in added if p not in inside]
    changes += [(p, "removed") for p in removed if p not in inside]
    if kept and not changes:
        return [("digest", "changed")]
    return changes or [("(content)", "changed")]
