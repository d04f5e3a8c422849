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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.config import PROFILES_DIR
from advisor.record.model import SCHEMA, Record
from advisor.record.scrub import scrub_data
from advisor.knowledge.matching import builds_of, is_build_of
from advisor.record.smoke import smoke_clues, smoke_environment, smoke_gguf
from advisor.text import one_line

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


def _assess(answers: Any, kb: Any, model_ids: Sequence[str] | None, hub_facts: Any,
            today: str) -> Any:
    from advisor.assessment import assess

    facts = {hub_facts.repo_id: hub_facts} if hub_facts is not None else None
    if facts is not None and model_ids:
        facts = {model_ids[0]: hub_facts}
    return assess(answers, kb, model_ids=model_ids, hub_facts=facts, today=today)


def _pick(kb: Any, answers: Any, model_id: str, hub_facts: Any, today: str
          ) -> tuple[Any, list[Any], Any]:
    """The chosen candidate, the best few others (best first) and the whole assessment,
    dated ``today`` (the record's date)."""
    everyone = _assess(answers, kb, None, None, today)
    chosen = None
    if hub_facts is not None or everyone.candidate(model_id) is None:
        chosen = _assess(answers, kb, [model_id], hub_facts, today).candidate(model_id)
    chosen = chosen or everyone.candidate(model_id)
    if chosen is None:                                   # assess always answers, but be safe
        chosen = _assess(answers, kb, [model_id], None, today).candidates[0]
    others = [c for c in reversed(everyone.candidates) if c.model.lower() != model_id.lower()]
    return chosen, others[:ALTERNATIVES], everyone


THRESHOLD_KEYS = {"mau_over": "monthly active users", "mau_at_least": "monthly active users",
                  "training_flop_over": "training FLOP", "parameters_over": "parameters"}
DISCLAIMER = ("This record is not legal advice. It applies the advisor's knowledge base, "
              "checked against the primary texts on the dates given, to the facts declared "
              "above; have counsel review it before relying on it.")


def _thresholds(when: Any) -> list[tuple[str, Any]]:
    """(predicate, limit) of every threshold inside a ``when`` (any/all/not included)."""
    out: list[tuple[str, Any]] = []
    if isinstance(when, dict):
        for key, value in when.items():
            if key in THRESHOLD_KEYS:
                out.append((key, value))
            elif key in ("any", "all", "not"):
                for item in value if isinstance(value, list) else [value]:
                    out += _thresholds(item)
    elif isinstance(when, list):
        for item in when:
            out += _thresholds(item)
    return out


def _words(number: float) -> str:
    """700000000 -> '700 million'; 1e25 -> '10^25'."""
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if number >= scale and number < scale * 1000:
            return f"{number / scale:g} {word}"
    if number >= 1e15:
        return f"10^{len(str(int(number))) - 1}" if str(int(number)).strip("0") == "1" \
            else f"{number:.2e}"
    return f"{number:,.0f}"


def threshold_checks(kb: Any, chosen: Any, answers: Any) -> list[dict[str, Any]]:
    """The thresholds of the chosen model's licenses and use policies, each with the figure
    it was compared with and whether it was crossed: legal sees the checks that passed too.

    Example (not run)::

        threshold_checks(kb, candidate, answers)[0]["text"]
        # -> '700 million monthly active users (§2): you declared 2,000,000; not crossed'
    """
    mau = answers.organization.monthly_active_users
    fired = {(f.code, f.origin) for f in chosen.findings}
    rules = []
    for lid in chosen.licenses:
        lic = kb.licenses.get(lid)
        if lic is None:
            continue
        rules += list(lic.rules)
        for pid in lic.use_policies:
            if pid in kb.use_policies:
                rules += list(kb.use_policies[pid].rules)
    out = []
    seen = set()
    for rule in rules:
        for key, limit in _thresholds(rule.when):
            if not isinstance(limit, (int, float)) or (rule.code, key, limit) in seen:
                continue
            seen.add((rule.code, key, limit))
            what = THRESHOLD_KEYS[key]
            if key.startswith("mau"):
                declared, figure = "you declared", f"{mau:,}"
            elif key == "parameters_over":
                declared = "the model has"
                figure = _words(chosen.parameters) if chosen.parameters else "an unknown number"
            else:
                declared, figure = "the profile gives", "the model's figure"
            crossed = (rule.code, rule.origin) in fired
            section = rule.source.section
            cited = f" ({rule.source.title or rule.origin} §{section})" if section else ""
            out.append({"rule": rule.code, "origin": rule.origin, "predicate": key,
                        "limit": limit, "crossed": crossed, "source": rule.source.to_dict(),
                        "text": f"{_words(float(limit))} {what}{cited}: {declared} {figure}; "
                                f"{'crossed: see the finding' if crossed else 'not crossed'}"})
    return out


def _scope(kb: Any, chosen: Any, everyone: Any, answers: Any) -> dict[str, Any]:
    """What this assessment covered (licenses, policies, jurisdictions) and what it did not."""
    licenses = [{"id": lid, "title": kb.licenses[lid].title, "checked": kb.licenses[lid].checked}
                for lid in chosen.licenses if lid in kb.licenses]
    unknown = [lid for lid in chosen.licenses if lid not in kb.licenses]
    policy_ids: list[str] = []
    for lid in chosen.licenses:
        if lid in kb.licenses:
            policy_ids += list(kb.licenses[lid].use_policies)
    policies = [{"id": pid, "title": kb.use_policies[pid].title,
                 "checked": kb.use_policies[pid].checked}
                for pid in dict.fromkeys(policy_ids) if pid in kb.use_policies]
    coverage = getattr(everyone, "coverage", None)
    if not isinstance(coverage, dict):
        try:
            from advisor.assessment.coverage import coverage_of

            coverage = coverage_of([answers.organization.domicile, *answers.deployment.regions],
                                   kb.jurisdictions).to_dict()
        except ImportError:
            coverage = {"assessed": [], "not_assessed": []}
    jurisdictions = [{"id": jid, "title": kb.jurisdictions[jid].title,
                      "checked": kb.jurisdictions[jid].checked}
                     for jid in coverage.get("assessed", []) if jid in kb.jurisdictions]
    org_policies = [{"id": p.id, "title": p.title, "checked": p.checked}
                    for p in kb.policies.values()]
    dates = [d["checked"] for d in licenses + policies + jurisdictions if d.get("checked")]
    return {"licenses": licenses, "licenses_not_recognized": unknown, "use_policies": policies,
            "jurisdictions": jurisdictions, "organization_policies": org_policies,
            "places_not_assessed": list(coverage.get("not_assessed", [])),
            "subdivisions_not_assessed": coverage.get("subdivisions_not_assessed", {}),
            "knowledge_checked": {"earliest": min(dates), "latest": max(dates)} if dates else None}


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


def build_record(answers: Any, kb: Any, model_id: str, smoke: dict[str, Any] | None = None,
                 hub_facts: Any = None, decision_makers: Sequence[str] | None = None,
                 today: dt.date | dt.datetime | None = None, status: str = "proposed",
                 rationale: str = "", comparison: dict[str, Any] | None = None) -> Record:
    """Assess ``model_id`` and the best alternatives and gather everything a record holds.

    ``comparison``: an ``advisor.comparison/1`` document (``load_comparison`` or
    ``Comparison.to_dict()``) or a record's stored section; the record keeps it under
    ``comparison`` (see ``advisor.record.comparison``)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    stamp = _timestamp(today)
    answers_dict = answers.to_dict()
    chosen_c, others, everyone = _pick(kb, answers, model_id, hub_facts,
                                       stamp.date().isoformat())
    profile = kb.find_model(chosen_c.model)
    chosen = chosen_c.to_dict()
    chosen["profile"] = _profile_facts(profile)
    alternatives = []
    for cand in others:
        entry = cand.to_dict()
        entry["profile"] = _profile_facts(kb.find_model(cand.model))
        alternatives.append(entry)
    smoke_data = scrub_data(smoke) if smoke is not None else None
    clues = smoke_clues(smoke_data) if smoke_data else None
    smoke_builds = builds_of(clues, kb) if clues else []
    smoke_of_model = clues is not None and (
        chosen_c.model.lower() in smoke_builds or (not smoke_builds and is_build_of(
            clues, chosen_c.model, tuple(getattr(profile, "gguf_repos", ()) or ()))))
    environment = smoke_environment(smoke_data) if smoke_data else {
        "llama_cpp_version": None, "hardware": None, "system_info": None}
    policies = profile.use_policies if profile is not None else ()
    compared = _comparison(comparison, chosen_c.model, kb)
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "title": _title(answers_dict, chosen_c.model, kb),
        "status": status,
        "date": stamp.date().isoformat(),
        "created": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "decision_makers": [one_line(m) for m in decision_makers or () if m and m.strip()],
        "rationale": one_line(rationale or "") or None,
        "disclaimer": DISCLAIMER,
        "model": chosen_c.model,
        "answers": answers_dict,
        "context": {"use_case_titles": {c: kb.use_cases[c].title
                                        for c in answers_dict["use_case"].get("categories", [])
                                        if c in kb.use_cases}},
        "chosen": chosen,
        "alternatives": alternatives,
        "smoke": smoke_data,
        "smoke_of_model": smoke_of_model if smoke_data else None,
        "smoke_builds_of": smoke_builds if smoke_data else None,
        "comparison": compared,
        "threshold_checks": threshold_checks(kb, chosen_c, answers),
        "scope": _scope(kb, chosen_c, everyone, answers),
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
        "sources": _sources(chosen, profile),
    }
    return Record(json.loads(json.dumps(scrub_data(data), default=str)))
