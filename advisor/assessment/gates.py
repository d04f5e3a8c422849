"""Gates CI and the app act on: which verdicts fail a run, which model ids were not found,
and the findings that block a model, in words. Pure functions over an assessment.

    >>> parse_verdicts("blocked, unknown")
    ('blocked', 'unknown')
    >>> closest_ids("qwen/qwen3-8", ["Qwen/Qwen3-8B", "Qwen/Qwen3-4B", "google/gemma-3-1b-it"])
    ['Qwen/Qwen3-8B', 'Qwen/Qwen3-4B']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

GATE_VERDICTS = ("blocked", "unknown", "conditional")
REFUSED = ("blocked", "unknown")          # verdicts a record is refused for without --accept


def parse_verdicts(text: str, allowed: Sequence[str] = GATE_VERDICTS) -> tuple[str, ...]:
    """``"blocked,unknown"`` -> ``("blocked", "unknown")``; ValueError naming a value that
    is not one of ``allowed`` (or an empty list).

    >>> parse_verdicts("allowed")
    Traceback (most recent call last):
    ValueError: unknown verdict 'allowed' (expected some of: blocked, unknown, conditional)
    """
    from advisor.text import split_choices

    return tuple(split_choices(text, tuple(allowed), "verdict"))


def failing(candidates: Iterable[Any], verdicts: Iterable[str]) -> list[Any]:
    """The candidates whose verdict is one of ``verdicts`` (in their order)."""
    wanted = set(verdicts)
    return [c for c in candidates if c.verdict in wanted]


def fail_on_line(failed: Sequence[Any], verdicts: Sequence[str], shown: int = 5) -> str:
    """One line for stderr: what made a ``--fail-on`` run fail.

    >>> class C: ...
    >>> c = C(); c.model, c.verdict = "org/m", "blocked"
    >>> fail_on_line([c], ("blocked",))
    '--fail-on blocked: 1 model is blocked: org/m'
    """
    by: dict[str, list[str]] = {}
    for c in failed:
        by.setdefault(c.verdict, []).append(c.model)
    parts = []
    for verdict in verdicts:
        models = by.get(verdict) or []
        if models:
            more = f" and {len(models) - shown} more" if len(models) > shown else ""
            parts.append(f"{len(models)} model{'s are' if len(models) != 1 else ' is'} "
                         f"{verdict}: {', '.join(models[:shown])}{more}")
    return f"--fail-on {','.join(verdicts)}: " + "; ".join(parts)


def closest_ids(wanted: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known ids closest to ``wanted`` (case-insensitive; by the whole id, else by
    the name after the ``/``), best first, at most ``n``."""
    import difflib

    ids = list(dict.fromkeys(known))
    lower = {i.lower(): i for i in ids}
    hits = difflib.get_close_matches(wanted.lower(), list(lower), n=n, cutoff=0.6)
    if not hits:
        names: dict[str, list[str]] = {}
        for i in ids:
            names.setdefault(i.rsplit("/", 1)[-1].lower(), []).append(i)
        name = wanted.rsplit("/", 1)[-1].lower()
        close = difflib.get_close_matches(name, list(names), n=n, cutoff=0.6)
        return [i for c in close for i in names[c]][:n]
    return [lower[h] for h in hits]


def unresolved(candidates: Iterable[Any]) -> list[Any]:
    """Candidates that are neither profiled nor found on the Hub (the engine's basis
    ``none``: it had no profile and no Hub facts for them)."""
    return [c for c in candidates if getattr(c, "basis", "") == "none"]


def unresolved_line(models: Sequence[str], known: Iterable[str], why: dict[str, str]) -> str:
    """The one-line error for ids nobody knows: each with "did you mean" and why the Hub
    did not help (``why``: id -> the Hub's answer).

    >>> print(unresolved_line(["qwen/qwen3-8"], ["Qwen/Qwen3-8B"], {}))
    qwen/qwen3-8 is neither profiled nor found on the Hub (did you mean Qwen/Qwen3-8B?); --allow-unknown assesses it as unknown
    """
    known = list(known)
    parts = []
    for model in models:
        close = closest_ids(model, known)
        hint = f"did you mean {' or '.join(close)}?" if close else "no profiled id is close"
        reason = f"{why[model]}; " if why.get(model) else ""
        parts.append(f"{model} is neither profiled nor found on the Hub ({reason}{hint})")
    them = "it" if len(models) == 1 else "them"
    return "; ".join(parts) + f"; --allow-unknown assesses {them} as unknown"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def pull_refusal(candidate: Any) -> str | None:
    """Why the answers forbid fetching ``candidate`` (it is blocked), or None.

    >>> pull_refusal({"model": "org/m", "verdict": "conditional", "findings": []}) is None
    True
    """
    verdict = candidate.get("verdict") if isinstance(candidate, dict) else candidate.verdict
    if verdict != "blocked":
        return None
    model = candidate.get("model") if isinstance(candidate, dict) else candidate.model
    return f"{model} is blocked for these answers: {blocking_text(candidate)}"


def _cite(source: dict[str, Any] | None) -> str:
    if not source:
        return ""
    title = source.get("title") or ""
    section = source.get("section")
    where = f"{title} {'§' if section and section[0].isdigit() else ''}{section}" \
        if section else title
    return f" ({where.strip()})" if where.strip() else ""


def blocking_findings(candidate: Any) -> list[dict[str, Any]]:
    """The findings (as dicts) that make ``candidate`` blocked, or unknown where it is."""
    if isinstance(candidate, dict):
        raw, verdict = candidate.get("findings") or (), candidate.get("verdict")
    else:
        raw, verdict = candidate.findings, candidate.verdict
    findings = [f.to_dict() if hasattr(f, "to_dict") else dict(f) for f in raw]
    if verdict == "blocked":
        return [f for f in findings if f.get("severity") == "block"]
    if verdict == "unknown":
        return [f for f in findings if f.get("code") in ("unknown_model", "unknown_license")]
    return []


def blocking_text(candidate: Any, shown: int = 2) -> str:
    """Why ``candidate`` is blocked (or unknown), naming the findings and their sources.

    >>> blocking_text({"verdict": "blocked", "findings": [{"severity": "block",
    ...     "code": "commercial_use", "message": "Non-commercial only.",
    ...     "source": {"title": "CC BY-NC 4.0", "section": "1.i"}}]})
    'commercial_use: Non-commercial only. (CC BY-NC 4.0 §1.i)'
    """
    found = blocking_findings(candidate)
    parts = [f"{f.get('code')}: {_short(str(f.get('message', '')))}{_cite(f.get('source'))}"
             for f in found[:shown]]
    if len(found) > shown:
        parts.append(f"and {len(found) - shown} more")
    return "; ".join(parts) or "no finding names the reason"
