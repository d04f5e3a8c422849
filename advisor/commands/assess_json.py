"""``advisor assess --json``: the assessment document as JSON text, fast.

The bytes are those of ``json.dumps(result.to_dict())`` per candidate (``ensure_ascii``:
every character beyond ASCII a ``\\uXXXX`` escape, the C encoder's fast path), one
candidate per line. Most findings recur: the deployment's duties sit in every candidate's
findings (``verdict`` counts them, CONTRACT §3), and many models share a license; each
distinct finding is encoded once and its text spliced wherever it recurs.

    >>> import io
    >>> from advisor.assessment.result import Assessment
    >>> out = io.StringIO(); write_assessment_json(Assessment({"a": "\\x7f"}, ()), out)
    >>> out.getvalue().splitlines()[2]
    '  "answers": {"a": "\\\\u007f"},'
"""

from __future__ import annotations

import json
from typing import Any

from advisor.assessment.result import Assessment, Finding
from advisor.text import json_text


class Encoded(str):
    """JSON text already encoded, spliced in as it is."""


class EncodedList(list):
    """A list of :class:`Encoded` texts, spliced in as a JSON array."""


def _dumps(value: Any) -> str:
    return json_text(json.dumps(value))


def _spliced(value: Any) -> str | None:
    """The JSON text of ``value`` when it is :class:`Encoded` or :class:`EncodedList`."""
    if type(value) is Encoded:
        return value
    if type(value) is EncodedList:
        return "[" + ", ".join(value) + "]"
    return None


def object_text(document: dict[str, Any]) -> str:
    """``document`` as ``json.dumps`` writes it, its :class:`Encoded` values spliced in:

    >>> object_text({"a": 1, "b": EncodedList([Encoded('{"x": 2}')]), "c": None})
    '{"a": 1, "b": [{"x": 2}], "c": null}'
    """
    parts: list[str] = []
    plain: dict[str, Any] = {}
    for key, value in document.items():
        text = _spliced(value)
        if text is None:
            plain[key] = value
            continue
        if plain:                  # the keys before it, encoded together
            parts.append(_dumps(plain)[1:-1])
            plain = {}
        parts.append(f"{_dumps(key)}: {text}")
    if plain:
        parts.append(_dumps(plain)[1:-1])
    return "{" + ", ".join(parts) + "}"


def write_assessment_json(result: Assessment, stream) -> None:
    """``result`` as its JSON document, one candidate (and one deployment duty) per line:
    the same data as ``json.dump(result.to_dict(), indent=2)``, written by the C encoder
    (the indenting encoder is pure Python), each distinct finding encoded once."""
    memo: dict[Finding, Encoded] = {}

    def finding_text(finding: Finding) -> Encoded:
        text = memo.get(finding)
        if text is None:
            text = memo[finding] = Encoded(_dumps(finding.to_dict()))
        return text

    document = result.to_dict_with(
        [finding_text(f) for f in result.deployment_duties],
        [Encoded(object_text(c.to_dict_with(EncodedList(finding_text(f) for f in c.findings))))
         for c in result.candidates])
    # Written piece by piece: one string of the whole (7 MB for 280 models) and its copies
    # cost more than the encoding (each large block is fresh memory the system must map).
    stream.write("{")
    separator = "\n"
    for key, value in document.items():
        stream.write(f"{separator}  {_dumps(key)}: ")
        separator = ",\n"
        if isinstance(value, list) and value:
            stream.write("[")
            item_separator = "\n    "
            for item in value:
                stream.write(item_separator)
                stream.write(_spliced(item) or _dumps(item))
                item_separator = ",\n    "
            stream.write("\n  ]")
        else:
            stream.write(_dumps(value))
    stream.write("\n}\n")
