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

# In a candidate's JSON text only as its key: a JSON string holds no unescaped quote.
_FINDINGS_KEY = '"findings": ['


def _dumps(value: Any) -> str:
    return json_text(json.dumps(value))


def candidate_text(candidate: Candidate, finding_text: Callable[[Finding], str]) -> list[str]:
    """The JSON text of ``candidate`` (as ``json.dumps(candidate.to_dict())``) in three
    pieces: up to its findings, the findings (each from ``finding_text``), the rest.

    >>> from advisor.assessment.openness import Openness
    >>> from advisor.knowledge.model import Source
    >>> found = Finding("info", "notice", 'Keep the "NOTICE" file.', Source("Apache-2.0"))
    >>> c = Candidate("org/m", ("apache-2.0",), "allowed", (found, found), (),
    ...               Openness("unknown", "none"))
    >>> text = "".join(candidate_text(c, lambda f: _dumps(f.to_dict())))
    >>> text == json.dumps(c.to_dict())
    True
    """
    text = _dumps(candidate.to_dict_with([]))
    cut = text.index(_FINDINGS_KEY) + len(_FINDINGS_KEY)
    return [text[:cut], ", ".join([finding_text(f) for f in candidate.findings]), text[cut:]]


def write_assessment_json(result: Assessment, stream) -> None:
    """``result`` as its JSON document, one candidate (and one deployment duty) per line:
    the same data as ``json.dump(result.to_dict(), indent=2)``, written by the C encoder
    (the indenting encoder is pure Python), each distinct finding encoded once."""
    by_id: dict[int, str] = {}         # the findings live in ``result`` while this runs
    by_value: dict[Finding, str] = {}  # equal findings the engine made apart

    def finding_text(finding: Finding) -> str:
        text = by_id.get(id(finding))
        if text is None:
            text = by_value.get(finding)
            if text is None:
                text = by_value[finding] = _dumps(finding.to_dict())
            by_id[id(finding)] = text
        return text

    # Written piece by piece: one string of the whole (7 MB for 280 models) and its copies
    # cost more than the encoding (each large block is fresh memory the system must map).
    write = stream.write
    write("{")
    separator = "\n"
    for key, value in result.to_dict_with([], []).items():
        write(f"{separator}  {_dumps(key)}: ")
        separator = ",\n"
        if key == "deployment_duties":
            source, text_of = result.deployment_duties, finding_text
        elif key == "candidates":       # each encoded as it is written
            source, text_of = result.candidates, partial(candidate_text, finding_text=finding_text)
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
