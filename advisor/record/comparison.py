"""A comparison (``advisor compare --json``, ``advisor.comparison/1``) carried by a record.

The record stores what decided (every candidate's figures, the chosen one, a fallback and
whether its vendor differs) and what ``record verify`` can check later without re-running
anything: the local files (path, SHA-256, bytes) and the Hub revisions (repo, file,
commit). Endpoints are named (origin, model) but cannot be verified.

    Example (not run)::

        doc = load_comparison("comparison.json")          # InputError: one line, exit 2
        section = comparison_section(doc)
        section["files"][0]["sha256"], section["fallback_vendor_differs"]
        # -> ('9f86d0...', True)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.knowledge.ids import repo_id_problem
from advisor.record.jsonfmt import read_json
from advisor.record.shape import (NAME, PATH, SHORT, figure_problem, name_problem,
                                  path_problem, scalar_problem, text_problem, url_problem)
from advisor.text import is_sha256, one_line

SCHEMA = "advisor.comparison/1"
MAX_CANDIDATES = 64
MAX_TEXT = 300                # characters kept of any one text field (errors can be long)
_COMMIT = re.compile(r"[0-9a-f]{40}")
_NUMBERS = ("ttft_seconds", "prompt_tokens_per_second", "tokens_per_second", "load_seconds")
_COUNTS = ("checks_passed", "checks_total", "prompts_passed", "prompts_total",
           "peak_rss_bytes", "bytes", "gpu_layers", "obligations")
# Each text field by the shape it must have where it is read (advisor.record.shape).
_NAMES = {"name": NAME, "backend": SHORT, "runner": SHORT, "verdict": SHORT, "vendor": NAME,
          "profile": NAME, "source": PATH}
_LONG_TEXTS = ("error", "verify_note")
SETTINGS = ("gpu", "n_ctx", "threads", "seed", "timeout")


def _one_line(value: Any) -> str | None:
    """Untrusted text as one clean, bounded line (no control, bidi or escape characters)."""
    if value is None:
        return None
    return one_line(value, MAX_TEXT)


def comparison_problem(doc: Any) -> str | None:
    """The first way ``doc`` is not a usable ``advisor.comparison/1`` document, or None.

    >>> comparison_problem({"schema": "advisor.comparison/1", "candidates": {}})
    'candidates: expected a list of candidates'
    """
    if not isinstance(doc, dict):
        return "expected a JSON object from `advisor compare --json`"
    if doc.get("schema") != SCHEMA:
        shown = _one_line(repr(doc.get("schema")))
        return f"schema: expected {SCHEMA!r}, found {shown} (output of `advisor compare --json`)"
    candidates = doc.get("candidates")
    if not isinstance(candidates, list):
        return "candidates: expected a list of candidates"
    if not candidates:
        return "candidates: the list is empty"
    if len(candidates) > MAX_CANDIDATES:
        return f"candidates: {len(candidates)} candidates, at most {MAX_CANDIDATES}"
    if doc.get("suite") is not None and (problem := name_problem(doc["suite"])):
        return f"suite: {problem}"
    settings = doc.get("settings")
    if settings is not None and not isinstance(settings, dict):
        return "settings: expected an object"
    for key in SETTINGS:
        if settings and (problem := scalar_problem(settings.get(key))):
            return f"settings.{key}: {problem}"
    labels = []
    for i, row in enumerate(candidates):
        where = f"candidates[{i}]"
        if not isinstance(row, dict):
            return f"{where}: expected a JSON object"
        if not isinstance(row.get("model"), str) or not row["model"].strip():
            return f"{where}.model: expected the candidate's name"
        if (problem := name_problem(row["model"])):
            return f"{where}.model: {problem}"
        labels.append(row["model"])
        if (problem := figure_problem(row, f"{where}.", numbers=_NUMBERS, counts=_COUNTS)):
            return problem
        for key, limit in _NAMES.items():
            if row.get(key) is not None and (problem := name_problem(row[key], limit)):
                return f"{where}.{key}: {problem}"
        for key in _LONG_TEXTS:
            if row.get(key) is not None and (problem := text_problem(row[key])):
                return f"{where}.{key}: {problem}"
        if row.get("repo") is not None and (problem := repo_id_problem(row["repo"], owner=False)):
            return f"{where}.repo: {problem}"
        if row.get("file") is not None and (problem := path_problem(row["file"])):
            return f"{where}.file: {problem}"
        if row.get("origin") is not None and (problem := url_problem(row["origin"])):
            return f"{where}.origin: {problem}"
        if row.get("sha256") is not None and not is_sha256(row["sha256"]):
            return f"{where}.sha256: must be 64 hex digits or null"
        if row.get("revision") is not None and not (
                isinstance(row["revision"], str) and _COMMIT.fullmatch(row["revision"])):
            return f"{where}.revision: expected a 40-hex-digit commit or null"
        if row.get("revision") is not None and not row.get("repo"):
            return f"{where}.repo: a revision needs the repo it is a commit of"
        if row.get("passed") is not None and not isinstance(row["passed"], bool):
            return f"{where}.passed: expected true or false"
    for key in ("chosen", "fallback"):
        value = doc.get(key)
        if value is not None and (not isinstance(value, str) or value not in labels):
            return f"{key}: expected null or the model of one of the candidates"
    if doc.get("fallback_reason") is not None and (
            problem := text_problem(doc["fallback_reason"])):
        return f"fallback_reason: {problem}"
    return None


def load_comparison(path: Path | str) -> dict[str, Any]:
    """Read an ``advisor compare --json`` document; bad input raises ``InputError`` (one
    line naming the file and the problem, exit 2).

    Example (not run)::

        load_comparison("comparison.json")["schema"]   # 'advisor.comparison/1'
    """
    doc = read_json(path, "a comparison")
    problem = comparison_problem(doc)
    if problem:
        raise InputError(str(path), f"not an {SCHEMA} document: {problem}")
    return doc


def _kind(row: dict[str, Any]) -> str:
    if row.get("runner") == "endpoint":
        return "endpoint"
    return "repo" if row.get("repo") and row.get("revision") else "local"


def _candidate(row: dict[str, Any]) -> dict[str, Any]:
    """The figures the record keeps of one candidate (text fields cleaned)."""
    out: dict[str, Any] = {"model": _one_line(row["model"]), "kind": _kind(row)}
    for key in ("profile", "vendor", "verdict", "name", "runner", "backend", "source",
                "repo", "file", "origin", "error"):
        out[key] = _one_line(row.get(key))
    out["obligations"] = row.get("obligations")
    out["passed"] = row.get("passed") if isinstance(row.get("passed"), bool) else None
    for key in ("checks_passed", "checks_total", "prompts_passed", "prompts_total",
                *_NUMBERS, "peak_rss_bytes", "gpu_layers"):
        out[key] = row.get(key)
    sha = row.get("sha256")
    out["sha256"] = sha.lower() if isinstance(sha, str) else sha
    out["bytes"], out["revision"] = row.get("bytes"), row.get("revision")
    return out


def _pick(rows: list[dict[str, Any]], label: Any) -> dict[str, Any] | None:
    return next((r for r in rows if r["model"] == _one_line(label)), None) if label else None


def _vendor_differs(chosen: dict[str, Any] | None, fallback: dict[str, Any] | None) -> bool | None:
    if chosen is None or fallback is None:
        return None
    a, b = (str(r.get("vendor") or "").strip().lower() for r in (chosen, fallback))
    return a != b if a and b else None


def comparison_section(doc: dict[str, Any]) -> dict[str, Any]:
    """What a record stores of a comparison document (``load_comparison``'s result or
    ``Comparison.to_dict()``): suite, settings, candidates' figures, chosen, fallback and
    the diversification check, and the ``files`` and ``revisions`` verify checks.

    Example (not run)::

        comparison_section(doc)["revisions"]
        # -> [{'candidate': 'm-Q4_0.gguf', 'repo': 'org/m-GGUF', 'file': 'm-Q4_0.gguf', 'commit': '...'}]
    """
    problem = comparison_problem(doc)
    if problem:
        raise ValueError(f"not an {SCHEMA} document: {problem}")
    rows = [_candidate(r) for r in doc["candidates"]]
    chosen, fallback = _pick(rows, doc.get("chosen")), _pick(rows, doc.get("fallback"))
    files, revisions, unverifiable = [], [], []
    for raw, row in zip(doc["candidates"], rows):
        if row["kind"] == "endpoint":
            unverifiable.append({"candidate": row["model"], "origin": row["origin"],
                                 "model": row["model"],
                                 "reason": _one_line(raw.get("verify_note")) or
                                 "an endpoint: its weights cannot be checked from outside"})
            continue
        if row["sha256"]:
            files.append({"candidate": row["model"], "path": row["source"],
                          "file": row["file"], "sha256": row["sha256"], "bytes": row["bytes"]})
        else:
            unverifiable.append({"candidate": row["model"], "origin": None, "model": row["model"],
                                 "reason": "the comparison gives no SHA-256 for this file"})
        if row["revision"]:
            revisions.append({"candidate": row["model"], "repo": row["repo"],
                              "file": row["file"], "commit": row["revision"]})
    settings = doc.get("settings") or {}
    return {
        "schema": SCHEMA,
        "suite": _one_line(doc.get("suite")),
        "settings": {k: v for k, v in settings.items()
                     if k in SETTINGS and scalar_problem(v) is None},
        "all_ran": all(r["error"] is None for r in rows),
        "candidates": rows,
        "chosen": chosen["model"] if chosen else None,
        "chosen_vendor": chosen["vendor"] if chosen else None,
        "fallback": fallback["model"] if fallback else None,
        "fallback_vendor": fallback["vendor"] if fallback else None,
        "fallback_reason": _one_line(doc.get("fallback_reason")),
        "fallback_vendor_differs": _vendor_differs(chosen, fallback),
        "chosen_is_model": None,          # set by build_record against --model
        "model_candidate": None,          # the candidate that is the record's model
        "chosen_note": None,
        "files": files,
        "revisions": revisions,
        "unverifiable": unverifiable,
    }


def _is_build_of(row: dict[str, Any], model_id: str, kb: Any) -> bool:
    from advisor.knowledge.matching import builds_of
    from advisor.record.smoke import smoke_clues

    if row.get("profile") and row["profile"].lower() == model_id.lower():
        return True
    if row.get("profile"):                       # linked to another profile
        return False
    described = {"path": row.get("source") if row["kind"] != "endpoint" else None,
                 "repo": row.get("repo"), "file": row.get("file"), "model": row.get("model")}
    return model_id.lower() in builds_of(smoke_clues({k: v for k, v in described.items() if v}),
                                         kb)


def link_to_model(section: dict[str, Any], model_id: str, kb: Any) -> dict[str, Any]:
    """A copy of ``section`` that says whether the comparison's chosen candidate is
    ``model_id`` (the record's model) or a build of it, which candidate is, and a note when
    the comparison chose another model (the record says so; nothing is refused).

    Example (not run)::

        link_to_model(section, "HuggingFaceTB/SmolLM2-135M-Instruct", kb)["chosen_is_model"]
        # -> True
    """
    out = dict(section)
    rows = section.get("candidates") or []
    mine = [r["model"] for r in rows if _is_build_of(r, model_id, kb)]
    chosen = section.get("chosen")
    out["model_candidate"] = chosen if chosen in mine else (mine[0] if mine else None)
    if chosen is None:
        out["chosen_is_model"] = None
        out["chosen_note"] = (f"the comparison chose no candidate "
                              f"({section.get('fallback_reason') or 'no reason given'}); "
                              f"the record is for {model_id}")
    elif chosen in mine:
        out["chosen_is_model"], out["chosen_note"] = True, None
    else:
        row = next((r for r in rows if r["model"] == chosen), {})
        what = f" (profile {row['profile']})" if row.get("profile") else ""
        out["chosen_is_model"] = False
        out["chosen_note"] = (f"the comparison chose {chosen}{what}, not {model_id}: "
                              f"the record is for {model_id} against the comparison's choice")
    return out


def is_section(doc: Any) -> bool:
    """True for a record's stored section (it has ``files``), not a compare document."""
    return isinstance(doc, dict) and isinstance(doc.get("files"), list) \
        and isinstance(doc.get("candidates"), list) and "revisions" in doc


def choice_conflict(section: dict[str, Any] | None, model_id: str) -> str | None:
    """Why a record for ``model_id`` cannot carry this comparison as it stands: the
    comparison chose another model, or named the record's model its fallback (one chosen
    model everywhere). None when they agree.

    >>> choice_conflict({"chosen": "b.gguf", "chosen_is_model": False, "model_candidate": None,
    ...                  "fallback": None}, "org/a")
    "the comparison chose b.gguf, not org/a: record b.gguf's model with --model, or compare again"
    """
    if not section:
        return None
    if section.get("chosen") and section.get("chosen_is_model") is False:
        return (f"the comparison chose {section['chosen']}, not {model_id}: record "
                f"{section['chosen']}'s model with --model, or compare again")
    mine = section.get("model_candidate")
    if mine and section.get("fallback") == mine:
        return (f"the comparison names {mine} ({model_id}) as the fallback, not the choice: "
                "one model cannot be both")
    return None
