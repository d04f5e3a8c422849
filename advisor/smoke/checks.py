"""The checks a suite can put on a prompt's output, as pure functions.

Supported keys (see ``assets/schemas/suite.schema.json``): ``contains`` and
``not_contains`` (a string or a list; case-insensitive unless ``case_sensitive: true``),
``regex`` (a string or a list, Python syntax, searched), ``json`` (the output is valid
JSON; one surrounding Markdown code fence is allowed), ``json_keys`` (the JSON is an
object with these keys), ``max_latency_seconds`` (start of the request to the last
token) and ``min_tokens`` (completion tokens).

    >>> [c.passed for c in run_checks({"contains": "Paris", "min_tokens": 1},
    ...                                "The capital is Paris.", completion_tokens=5)]
    [True, True]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CheckResult:
    """One check of one prompt: ``check`` is its name, ``expected`` its argument."""

    check: str
    expected: Any
    passed: bool
    detail: str = ""

    def describe(self) -> str:
        """``contains 'Paris'``: how a failure message names the check."""
        if self.expected is True or self.expected is None:
            return self.check
        if isinstance(self.expected, str):
            return f"{self.check} '{self.expected}'"
        return f"{self.check} {self.expected}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CHECK_KEYS = ("contains", "not_contains", "regex", "json", "json_keys",
              "max_latency_seconds", "min_tokens")
_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n(.*?)\n?\s*```\s*$", re.DOTALL)


def as_list(value: Any) -> list[Any]:
    """``"a"`` -> ``["a"]``, lists unchanged, None -> []."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def parse_json_output(output: str) -> Any:
    """Parse ``output`` as JSON, allowing one surrounding ```` ``` ```` fence.

    Raises ValueError when it is not JSON.
    """
    text = output.strip()
    match = _FENCE.match(text)
    if match:
        text = match.group(1).strip()
    return json.loads(text)


def _snippet(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _contains(output: str, needles: list[str], case_sensitive: bool, negate: bool
              ) -> list[CheckResult]:
    name = "not_contains" if negate else "contains"
    haystack = output if case_sensitive else output.casefold()
    results = []
    for needle in needles:
        found = (needle if case_sensitive else str(needle).casefold()) in haystack
        passed = found != negate
        detail = ("found" if found else "not found") + f" in {_snippet(output)!r}"
        results.append(CheckResult(name, needle, passed, detail))
    return results


def _regex(output: str, patterns: list[str], case_sensitive: bool) -> list[CheckResult]:
    flags = 0 if case_sensitive else re.IGNORECASE
    results = []
    for pattern in patterns:
        match = re.search(pattern, output, flags)
        detail = f"matched {match.group(0)!r}" if match else f"no match in {_snippet(output)!r}"
        results.append(CheckResult("regex", pattern, match is not None, detail))
    return results


def _json(output: str, want_json: bool, keys: list[str]) -> list[CheckResult]:
    results = []
    try:
        value = parse_json_output(output)
        error = None
    except ValueError as exc:
        value, error = None, str(exc)
    if want_json:
        results.append(CheckResult("json", True, error is None,
                                   "valid JSON" if error is None else f"not JSON: {error}"))
    for key in keys:
        ok = isinstance(value, dict) and key in value
        detail = "present" if ok else ("no JSON object" if not isinstance(value, dict)
                                       else "missing")
        results.append(CheckResult("json_keys", key, ok, detail))
    return results


def run_checks(checks: Mapping[str, Any], output: str, *, completion_tokens: int,
               total_seconds: float | None = None) -> list[CheckResult]:
    """Evaluate every check in ``checks`` against one prompt's output and metrics."""
    case_sensitive = bool(checks.get("case_sensitive", False))
    results: list[CheckResult] = []
    results += _contains(output, [str(x) for x in as_list(checks.get("contains"))],
                         case_sensitive, negate=False)
    results += _contains(output, [str(x) for x in as_list(checks.get("not_contains"))],
                         case_sensitive, negate=True)
    results += _regex(output, [str(x) for x in as_list(checks.get("regex"))], case_sensitive)
    results += _json(output, bool(checks.get("json", False)),
                     [str(k) for k in as_list(checks.get("json_keys"))])
    min_tokens = checks.get("min_tokens")
    if min_tokens is not None:
        results.append(CheckResult("min_tokens", int(min_tokens),
                                   completion_tokens >= int(min_tokens),
                                   f"{completion_tokens} tokens"))
    limit = checks.get("max_latency_seconds")
    if limit is not None:
        if total_seconds is None:
            results.append(CheckResult("max_latency_seconds", limit, False, "not measured"))
        else:
            results.append(CheckResult("max_latency_seconds", limit,
                                       total_seconds <= float(limit),
                                       f"{total_seconds:.2f} s"))
    return results
