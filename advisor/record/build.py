"""Build a decision record from the answers, the knowledge base and what was measured.

Pure apart from reading secret names from the environment to keep them out (see
``advisor.record.scrub``): the same inputs and ``today`` give the same record.

    Example (not run)::

        record = build_record(load_answers("answers.yaml"), load_knowledge(),
                              "Qwen/Qwen3-8B", smoke=json.load(open("smoke.json")))
        record.data["chosen"]["verdict"]   # 'allowed'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.config import PROFILES_DIR
from advisor.record.decision import decide
from advisor.record.integrity import seal
from advisor.record.model import SCHEMA, Record
from advisor.record.scope import scope_of, threshold_checks
from advisor.record.scrub import scrub_data
from advisor.knowledge.matching import builds_of, is_build_of
from advisor.record.smoke import smoke_clues, smoke_environment, smoke_gguf
from advisor.text import one_line

STATUSES = ("proposed", "accepted")


def _timestamp(today: dt.date | dt.datetime | None) -> dt.datetime:
    if today is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if isinstance(today, dt.datetime):
        stamp = today if today.tzinfo else today.replace(tzinfo=dt.timezone.utc)
        return stamp.astimezone(dt.timezone.utc).replace(microsecond=0)
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc)


def _relative(path: str | None) -> str | None:
    """A profile file's path relative to the shipped profiles, else just its name."""
    if path is None:
        return None
    try:
        return str(Path(path).resolve().relative_to(PROFILES_DIR.resolve()))
    except ValueError:
        return Path(path).name


def _fallback_hash(obj: Any) -> str:
    return hashlib.sha256(repr(obj).encode("utf-8")).hexdigest()


def license_files(kb: Any, license_ids: Iterable[str], extra_policies: Iterable[str] = ()) -> dict[str, Any]:
    """Per license (and the use policies that bind it): the SHA-256 of its profile file."""
    out: dict[str, Any] = {}
    policies: list[str] = list(extra_policies)
    for lic_id in license_ids:
        lic = kb.licenses.get(lic_id)
        if lic is None:
            continue
        out[lic.id] = {"kind": "license", "sha256": lic.sha256 or _fallback_hash(lic),
                       "file": _relative(lic.file), "title": lic.title, "url": lic.url,
                       "spdx": lic.spdx}
        policies += list(lic.use_policies)
    for pol_id in policies:
        pol = kb.use_policies.get(pol_id)
        if pol is None or pol.id in out:
            continue
        out[pol.id] = {"kind": "use-policy", "sha256": pol.sha256 or _fallback_hash(pol),
                       "file": _relative(pol.file), "title": pol.title, "url": pol.url}
    return out


def _profile_facts(profile: Any) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {"id": profile.id, "family": profile.family, "vendor": profile.vendor,
            "licenses": list(profile.licenses), "base_model": profile.base_model,
            "parameters": profile.parameters, "training_tokens": profile.training_tokens,
            "modalities": list(profile.modalities), "released": profile.released,
            "context_length": profile.context_length, "gated": profile.gated,
            "gguf_repos": list(profile.gguf_repos), "kind": getattr(profile, "kind", None),
            "access": getattr(profile, "access", "weights")}


def _sources(chosen: dict[str, Any], profile: Any,
             duties: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    seen: set[tuple] = set()
    out: list[dict[str, Any]] = []
    found = [f.get("source") for f in chosen["findings"]] + [d.get("source") for d in duties]
    found += [s.to_dict() for s in (profile.sources if profile is not None else ())]
    for source in found:
        if not source:
            continue
        key = (source.get("title"), source.get("section"), source.get("url"))
        if key not in seen:
            seen.add(key)
            out.append(dict(source))
    return out


def _hub_dict(hub_facts: Any) -> dict[str, Any] | None:
    return None if hub_facts is None else hub_facts.to_dict()


def hub_facts_from_record(data: dict[str, Any]) -> Any:
    """The ``HubFacts`` a record was built with (None when the Hub was not consulted)."""
    from dataclasses import fields

    from advisor.knowledge.hubfacts import HubFacts

    stored = (data.get("reproducibility") or {}).get("hub")
    if not isinstance(stored, dict) or not stored.get("repo_id"):
        return None
    names = {f.name for f in fields(HubFacts)}

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in d.items() if k in names}
        out["base_chain"] = [clean(b) for b in d.get("base_chain") or [] if isinstance(b, dict)]
        return out

    try:
        return HubFacts.from_dict(clean(stored))
    except (TypeError, ValueError):
        return None


def _title(answers: dict[str, Any], model_id: str, kb: Any) -> str:
    cats = answers["use_case"].get("categories") or []
    titles = [getattr(kb.use_cases.get(c), "title", None) or c.replace("_", " ") for c in cats]
    return f"Adopt {model_id} for {', '.join(titles).lower() or 'the use described'}"


def _assess(answers: Any, kb: Any, model_ids: Sequence[str] | None, hub_facts: Any,
            today: str) -> Any:
    from advisor.assessment import assess

    facts = {hub_facts.repo_id: hub_facts} if hub_facts is not None else None
    if facts is not None and model_ids:
        facts = {model_ids[0]: hub_facts}
    return assess(answers, kb, model_ids=model_ids, hub_facts=facts, today=today)


def _pick(kb: Any, answers: Any, model_id: str, hub_facts: Any, today: str
          ) -> tuple[Any, Any]:
    """The chosen candidate and the assessment of every profiled model, dated ``today``
    (the record's date)."""
    everyone = _assess(answers, kb, None, None, today)
    chosen = None
    if hub_facts is not None or everyone.candidate(model_id) is None:
        chosen = _assess(answers, kb, [model_id], hub_facts, today).candidate(model_id)
    chosen = chosen or everyone.candidate(model_id)
    if chosen is None:                                   # assess always answers, but be safe
        chosen = _assess(answers, kb, [model_id], None, today).candidates[0]
    return chosen, everyone


DISCLAIMER = ("This record is not legal advice. It applies the advisor's knowledge base, "
              "checked against the primary texts on the dates given, to the facts declared "
              "above; have counsel review it before relying on it.")


def _overrides(kb: Any) -> list[dict[str, Any]]:
    """Shipped profiles that the user's own files replaced (id, kind, file, sha256)."""
    out = []
    for entry in getattr(kb, "overrides", None) or ():
        get = entry.get if isinstance(entry, dict) else (lambda k, e=entry: getattr(e, k, None))
        out.append({k: (str(get(k)) if get(k) is not None else None)
                    for k in ("id", "kind", "file", "sha256", "replaced_file")})
    return out


def _comparison(doc: dict[str, Any] | None, model_id: str, kb: Any) -> dict[str, Any] | None:
    """The record's ``comparison`` section from a document (or a stored section), scrubbed."""
    from advisor.record.comparison import comparison_section, is_section, link_to_model

    if doc is None:
        return None
    section = doc if is_section(doc) else comparison_section(scrub_data(doc))
    return link_to_model(scrub_data(section), model_id, kb)


def exception_of(chosen: dict[str, Any], accept: str | None,
                 decision_makers: Sequence[str]) -> dict[str, Any] | None:
    """The accepted exception a record carries for a blocked or unknown model: the verdict,
    the deciders' reason, who accepted it and the findings it overrides; None otherwise.

    >>> exception_of({"verdict": "allowed", "findings": []}, "we know", ["Ada"]) is None
    True
    """
    from advisor.assessment.gates import REFUSED, blocking_findings

    reason = one_line(accept or "")
    if not reason or chosen.get("verdict") not in REFUSED:
        return None
    return {"verdict": chosen["verdict"], "reason": reason,
            "accepted_by": [one_line(m) for m in decision_makers if m and m.strip()],
            "findings": [{k: f.get(k) for k in ("severity", "code", "message", "source")}
                         for f in blocking_findings(chosen)]}


def refusal(record: Record) -> str | None:
    """Why a record must not be written as it stands: the chosen model is blocked or
    unknown and no exception was accepted (None when it may be written).

    Example (not run)::

        refusal(record)
        # -> 'org/M is blocked for these answers: commercial_use: ... (CC BY-NC 4.0 §1.i)'
    """
    from advisor.assessment.gates import REFUSED, blocking_text

    chosen = record.chosen
    if chosen.get("verdict") not in REFUSED or record.data.get("exception"):
        return None
    return f"{record.model} is {chosen['verdict']} for these answers: {blocking_text(chosen)}"


def build_record(answers: Any, kb: Any, model_id: str, smoke: dict[str, Any] | None = None,
                 hub_facts: Any = None, decision_makers: Sequence[str] | None = None,
                 today: dt.date | dt.datetime | None = None, status: str = "proposed",
                 rationale: str = "", comparison: dict[str, Any] | None = None,
                 accept: str | None = None, consider: Sequence[str] | None = None,
                 hardware: Any = None, others_hub: Mapping[str, Any] | None = None,
                 owners: Mapping[str, str] | None = None,
                 whens: Mapping[str, str] | None = None) -> Record:
    """Assess ``model_id`` and the options weighed and gather everything a record holds.

    ``comparison``: an ``advisor.comparison/1`` document (``load_comparison`` or
    ``Comparison.to_dict()``) or a record's stored section; the record keeps it under
    ``comparison`` (see ``advisor.record.comparison``). ``accept``: the deciders' reason
    for adopting a blocked or unknown model anyway (recorded as ``exception``).
    ``consider``: the models weighed (else the comparison's, else the recommendation's
    for ``hardware``: ``advisor.record.considered``), ``others_hub`` Hub facts of
    unprofiled ones. ``owners``/``whens``: finding code -> owner role / when, over the
    defaults (``advisor.record.duties``)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    stamp = _timestamp(today)
    answers_dict = answers.to_dict()
    day = stamp.date().isoformat()
    chosen_c, everyone = _pick(kb, answers, model_id, hub_facts, day)
    profile = kb.find_model(chosen_c.model)
    compared = _comparison(comparison, chosen_c.model, kb)
    parts = decide(answers, kb, chosen_c, everyone, today=day, consider=consider,
                   comparison=compared, hardware=hardware, hub_facts=hub_facts,
                   others_hub=others_hub, owners=owners, whens=whens)
    chosen = chosen_c.to_dict()
    chosen["profile"] = _profile_facts(profile)
    chosen["fit"] = parts["chosen_fit"]
    for entry in parts["alternatives"]:
        entry["profile"] = _profile_facts(kb.find_model(entry["model"]))
    smoke_data = scrub_data(smoke) if smoke is not None else None
    clues = smoke_clues(smoke_data) if smoke_data else None
    smoke_builds = builds_of(clues, kb) if clues else []
    smoke_of_model = clues is not None and (
        chosen_c.model.lower() in smoke_builds or (not smoke_builds and is_build_of(
            clues, chosen_c.model, tuple(getattr(profile, "gguf_repos", ()) or ()))))
    environment = smoke_environment(smoke_data) if smoke_data else {
        "llama_cpp_version": None, "hardware": None, "system_info": None}
    policies = profile.use_policies if profile is not None else ()
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "title": _title(answers_dict, chosen_c.model, kb),
        "status": status,
        "date": stamp.date().isoformat(),
        "created": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "decision_makers": [one_line(m) for m in decision_makers or () if m and m.strip()],
        "rationale": one_line(rationale or "") or None,
        "exception": exception_of(chosen, accept, decision_makers or ()),
        "disclaimer": DISCLAIMER,
        "model": chosen_c.model,
        "answers": answers_dict,
        "context": {"use_case_titles": {c: kb.use_cases[c].title
                                        for c in answers_dict["use_case"].get("categories", [])
                                        if c in kb.use_cases}},
        "chosen": chosen,
        "considered": parts["considered"],
        "alternatives": parts["alternatives"],
        "deployment_duties": parts["deployment_duties"],
        "duties": parts["duties"],
        "duty_settings": parts["duty_settings"],
        "smoke": smoke_data,
        "smoke_of_model": smoke_of_model if smoke_data else None,
        "smoke_builds_of": smoke_builds if smoke_data else None,
        "comparison": compared,
        "threshold_checks": threshold_checks(kb, chosen_c, answers),
        "scope": scope_of(kb, chosen_c, everyone, answers),
        "overrides": _overrides(kb),
        "notes": [str(n) for n in getattr(everyone, "notes", ()) or ()],
        "reproducibility": {
            "advisor_version": __version__,
            "profiles_digest": kb.digest or "unknown",
            "profile_overrides": [o.to_dict() for o in getattr(kb, "overrides", ())],
            "license_files": license_files(kb, chosen_c.licenses, policies),
            "hub": _hub_dict(hub_facts),
            "gguf": smoke_gguf(smoke_data) if smoke_data else None,
            **environment,
        },
        "sources": _sources(chosen, profile, parts["duties"]),
    }
    return Record(seal(json.loads(json.dumps(scrub_data(data), default=str))))
