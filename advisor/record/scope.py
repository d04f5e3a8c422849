"""What a record says was checked: the thresholds of the chosen model's terms against the
declared figures (crossed or not), and the scope of the assessment (licenses, policies,
jurisdictions, and the places whose law was not assessed).

    Example (not run)::

        threshold_checks(kb, candidate, answers)[0]["text"]
        # -> '700 million monthly active users (§2): you declared 2,000,000; not crossed'
"""

from __future__ import annotations

from typing import Any

from advisor.record.whatif import words as _words

THRESHOLD_KEYS = {"mau_over": "monthly active users", "mau_at_least": "monthly active users",
                  "training_flop_over": "training FLOP", "parameters_over": "parameters"}
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


def scope_of(kb: Any, chosen: Any, everyone: Any, answers: Any) -> dict[str, Any]:
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


def places_not_assessed(scope: dict[str, Any] | None) -> list[str]:
    """The places whose law was not assessed, one phrase each, the same wherever a record
    names them: whole places the knowledge base has no profile for, then the states or
    provinces of a country served as a whole whose own law has no profile.

    >>> places_not_assessed({"places_not_assessed": ["JP"],
    ...     "subdivisions_not_assessed": {"CA": ["CA-AB", "CA-BC"]}})[0]
    'Japan (JP)'
    """
    from advisor.assessment.coverage import describe
    from advisor.regions import subdivisions_of

    scope = scope or {}
    out = [describe(code) for code in scope.get("places_not_assessed") or []]
    for country, missing in sorted((scope.get("subdivisions_not_assessed") or {}).items()):
        covered = [s for s in subdivisions_of(country) if s not in missing]
        which = (f"except {', '.join(describe(s) for s in covered)} ({len(missing)} without a "
                 "profile)" if covered else f"all {len(missing)} of them")
        out.append(f"{describe(country)}: the law of its states or provinces, {which}; its "
                   "national law was assessed")
    return out
