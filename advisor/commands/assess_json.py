"""``advisor assess --json``: the assessment document as JSON text, fast.

The bytes are those of ``json.dumps(result.to_dict())`` per candidate (``ensure_ascii``:
every character beyond ASCII a ``\\uXXXX`` escape, the C encoder's fast path), one
candidate per line. Most findings recur: the deployment's duties sit in every candidate's
findings (``verdict`` counts them, CONTRACT §3), and many models share a license; each
distinct finding is encoded once and its text spliced wherever it recurs (the engine
hands the same Finding object to every model it applies to, so most are found by
identity, without hashing them).

    >>> import io
    >>> from advisor.assessment.result import Assessment
    >>> out = io.StringIO(); write_assessment_json(Assessment({"a": "\\x7f"}, ()), out)
    >>> out.getvalue().splitlines()[2]
    '  "answers": {"a": "\\\\u007f"},'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from advisor.assessment.result import Assessment, Candidate, Finding
from advisor.text import json_text

def _dumps(value: Any) -> str:
    return json_text(json.dumps(value))


# The keys of a candidate whose values recur from one candidate to the next: each value is
# encoded once, and spliced in where ``json.dumps`` wrote the placeholder ``[]``. A key
# written with its quotes is found only as a key: a JSON string holds no unescaped quote.
SPLICED = ("findings", "obligations", "openness")


class _Texts:
    """The JSON text of recurring values of one document, each encoded once: findings
    (found by identity first, without hashing them: the engine hands the same Finding
    to every model it applies to), lists of findings and obligations, openness grades."""

    def __init__(self) -> None:
        self._by_id: dict[int, str] = {}   # the values live in the document while it is written
        self._by_value: dict[Any, str] = {}

    def finding(self, finding: Finding) -> str:
        text = self._by_id.get(id(finding))
        if text is None:
            text = self._by_value.get(finding)
            if text is None:
                text = self._by_value[finding] = _dumps(finding.to_dict())
            self._by_id[id(finding)] = text
        return text

    def findings(self, findings: tuple[Finding, ...]) -> str:
        text = self._by_id.get(id(findings))
        if text is None:
            text = self._by_id[id(findings)] = \
                "[" + ", ".join([self.finding(f) for f in findings]) + "]"
        return text

    def value(self, key: Any, make: Callable[[], Any]) -> str:
        """The JSON text of ``make()``, once per ``key``."""
        text = self._by_value.get(key)
        if text is None:
            text = self._by_value[key] = _dumps(make())
        return text


def candidate_text(candidate: Candidate, texts: _Texts | None = None) -> list[str]:
    """The JSON text of ``candidate`` (as ``json.dumps(candidate.to_dict())``), in pieces.

    >>> from advisor.assessment.openness import Openness
    >>> from advisor.knowledge.model import Source
    >>> found = Finding("info", "notice", 'Keep the "NOTICE" file.', Source("Apache-2.0"),
    ...                 obligation='Ship "NOTICE".')
    >>> c = Candidate("org/m", ("apache-2.0",), "allowed", (found, found), ('Ship "NOTICE".',),
    ...               Openness("unknown", "none", {"datasets": "open"}, ("not known",)))
    >>> "".join(candidate_text(c)) == json.dumps(c.to_dict())
    True
    """
    texts = texts or _Texts()
    openness = candidate.openness
    spliced = (texts.findings(candidate.findings),
               texts.value(("obligations", candidate.obligations),
                           lambda: list(candidate.obligations)),
               texts.value((openness.osaid, openness.mof_class,
                            tuple(openness.components.items()), openness.reasons),
                           openness.to_dict))
    document = candidate.to_dict_with([])
    for key in SPLICED:
        document[key] = []
    text = _dumps(document)
    pieces, start = [], 0
    for key, value in zip(SPLICED, spliced):
        cut = text.index(f'"{key}": []', start) + len(key) + 4
        pieces += (text[start:cut], value)
        start = cut + 2
    pieces.append(text[start:])
    return pieces


def write_assessment_json(result: Assessment, stream) -> None:
    """``result`` as its JSON document, one candidate (and one deployment duty) per line:
    the same data as ``json.dump(result.to_dict(), indent=2)``, written by the C encoder
    (the indenting encoder is pure Python), each distinct finding encoded once."""
    texts = _Texts()
    # Written piece by piece: one string of the whole (7 MB for 280 models) and its copies
    # cost more than the encoding (each large block is fresh memory the system must map).
    write = stream.write
    write("{")
    separator = "\n"
    for key, value in result.to_dict_with([], []).items():
        write(f"{separator}  {_dumps(key)}: ")
        separator = ",\n"
        if key == "deployment_duties":
            source, text_of = result.deployment_duties, texts.finding
        elif key == "candidates":       # each encoded as it is written
            source, text_of = result.candidates, partial(candidate_text, texts=texts)
        elif isinstance(value, list):
            source, text_of = value, _dumps
        else:
            write(_dumps(value))
            continue
        if not source:
            write("[]")
            continue
        write("[")
        item_separator = "\n    "
        for item in map(text_of, source):
            write(item_separator)
            if isinstance(item, list):
                stream.writelines(item)
            else:
                write(item)
            item_separator = ",\n    "
        write("\n  ]")
    write("\n}\n")
