"""Build a decision record from the answers, the knowledge base and what was measured.

Pure apart from reading secret names from the environment to keep them out (see
``advisor.record.scrub``): the same inputs and ``today`` give the same record.

    >>> record = build_record(load_answers("answers.yaml"), load_knowledge(),
    ...                       "Qwen/Qwen3-8B", smoke=json.load(open("smoke.json")))
    >>> record.data["chosen"]["verdict"]
    'allowed'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.paths import PROFILES_DIR
from advisor.record.model import SCHEMA, Record
from advisor.record.scrub import scrub_data
from advisor.record.smoke import smoke_environment, smoke_gguf

ALTERNATIVES = 3
STATUSES = ("proposed", "accepted")


def _timestamp(today: dt.date | dt.datetime | None) -> dt.datetime:
    if today is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if isinstance(today, dt.datetime):
        stamp = today if today.tzinfo else today.replace(tzinfo=dt.timezone.utc)
        return stamp.astimezone(dt.timezone.utc).replace(microsecond=0)
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc)


def _relative(path: Path | None) -> str | None:
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
            "gguf_repos": list(profile.gguf_repos)}


def _sources(chosen: dict[str, Any], profile: Any) -> list[dict[str, Any]]:
    seen: set[tuple] = set()
    out: list[dict[str, Any]] = []
    found = [f.get("source") for f in chosen["findings"]]
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


def _assess(answers: Any, kb: Any, model_ids: Sequence[str] | None, hub_facts: Any) -> Any:
    from advisor.assessment import assess

    facts = {hub_facts.repo_id: hub_facts} if hub_facts is not None else None
    if facts is not None and model_ids:
        facts = {model_ids[0]: hub_facts}
    return assess(answers, kb, model_ids=model_ids, hub_facts=facts)


def _pick(kb: Any, answers: Any, model_id: str, hub_facts: Any) -> tuple[Any, list[Any]]:
    """The chosen candidate and the best few others (best first)."""
    everyone = _assess(answers, kb, None, None)
    chosen = None
    if hub_facts is not None or everyone.candidate(model_id) is None:
        chosen = _assess(answers, kb, [model_id], hub_facts).candidate(model_id)
    chosen = chosen or everyone.candidate(model_id)
    if chosen is None:                                   # assess always answers, but be safe
        chosen = _assess(answers, kb, [model_id], None).candidates[0]
    others = [c for c in reversed(everyone.candidates) if c.model.lower() != model_id.lower()]
    return chosen, others[:ALTERNATIVES]


def build_record(answers: Any, kb: Any, model_id: str, smoke: dict[str, Any] | None = None,
                 hub_facts: Any = None, decision_makers: Sequence[str] | None = None,
                 today: dt.date | dt.datetime | None = None, status: str = "proposed") -> Record:
    """Assess ``model_id`` and the best alternatives and gather everything a record holds."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    stamp = _timestamp(today)
    answers_dict = answers.to_dict()
    chosen_c, others = _pick(kb, answers, model_id, hub_facts)
    profile = kb.find_model(chosen_c.model)
    chosen = chosen_c.to_dict()
    chosen["profile"] = _profile_facts(profile)
    alternatives = []
    for cand in others:
        entry = cand.to_dict()
        entry["profile"] = _profile_facts(kb.find_model(cand.model))
        alternatives.append(entry)
    smoke_data = scrub_data(smoke) if smoke is not None else None
    environment = smoke_environment(smoke_data) if smoke_data else {
        "llama_cpp_version": None, "hardware": None, "system_info": None}
    policies = profile.use_policies if profile is not None else ()
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "title": _title(answers_dict, chosen_c.model, kb),
        "status": status,
        "date": stamp.date().isoformat(),
        "created": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "decision_makers": [m.strip() for m in decision_makers or () if m and m.strip()],
        "model": chosen_c.model,
        "answers": answers_dict,
        "context": {"use_case_titles": {c: kb.use_cases[c].title
                                        for c in answers_dict["use_case"].get("categories", [])
                                        if c in kb.use_cases}},
        "chosen": chosen,
        "alternatives": alternatives,
        "smoke": smoke_data,
        "reproducibility": {
            "advisor_version": __version__,
            "profiles_digest": kb.digest or "unknown",
            "profile_overrides": [o.to_dict() for o in getattr(kb, "overrides", ())],
            "license_files": license_files(kb, chosen_c.licenses, policies),
            "hub": _hub_dict(hub_facts),
            "gguf": smoke_gguf(smoke_data) if smoke_data else None,
            **environment,
        },
        "sources": _sources(chosen, profile),
    }
    return Record(json.loads(json.dumps(scrub_data(data), default=str)))
