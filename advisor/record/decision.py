"""What was decided: the options weighed (each with its fit and how its duties differ from
the chosen model's), and every duty the decision takes on, once.

    Example (not run)::

        parts = decide(answers, kb, chosen, everyone, today="2026-12-07",
                       consider=["Qwen/Qwen3-8B"])
        parts["considered"]["source"], [d["kind"] for d in parts["duties"]][:1]
        # -> ('consider', ['must'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from advisor.record.considered import (SOURCE_WORDS, fit_facts, pick_considered,
                                       recommendation)
from advisor.record.duties import differences, duties_of
from advisor.record.whatif import what_ifs


def _distributes(answers: Any) -> bool:
    return bool(answers.needs.redistribute_weights) or \
        answers.deployment.mode in ("on_device", "on_prem")


def candidate_duties(candidate: Any, answers: Any, kb: Any, *, today: str | None,
                     hub_facts: Any = None, owners: Mapping[str, str] | None = None,
                     whens: Mapping[str, str] | None = None,
                     deployment: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Every duty of ``candidate`` (an assessed Candidate) for ``answers``: now and only if."""
    findings = [f.to_dict() for f in candidate.findings]
    return duties_of(findings, distributes=_distributes(answers), access=candidate.access,
                     date=today, owners=owners, whens=whens, deployment=deployment,
                     what_ifs=what_ifs(answers, kb, candidate.model, hub_facts, today=today))


def _short(duty: dict[str, Any]) -> dict[str, Any]:
    return {k: duty.get(k) for k in ("text", "kind", "trigger", "source")}


def decide(answers: Any, kb: Any, chosen: Any, everyone: Any, *, today: str | None,
           consider: Sequence[str] | None = None, comparison: dict[str, Any] | None = None,
           hardware: Any = None, hub_facts: Any = None,
           others_hub: Mapping[str, Any] | None = None,
           owners: Mapping[str, str] | None = None,
           whens: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``considered``, ``alternatives``, ``chosen_fit``, ``deployment_duties`` and
    ``duties`` of a record (see the module docstring)."""
    from advisor.assessment import assess

    rec = recommendation(everyone, kb, hardware) if hardware is not None else None
    recommended = [i.model for i in rec.ranked] if rec is not None else None
    source, ids = pick_considered(consider, comparison, recommended, chosen.model)
    deployment = [f.to_dict() for f in getattr(everyone, "deployment_duties", ()) or ()]
    duties = candidate_duties(chosen, answers, kb, today=today, hub_facts=hub_facts,
                              owners=owners, whens=whens, deployment=deployment)
    assessed = assess(answers, kb, model_ids=ids, hub_facts=others_hub or None,
                      today=today) if ids else None
    alternatives = []
    for model_id in ids:
        cand = assessed.candidate(model_id) if assessed is not None else None
        if cand is None:
            continue
        theirs = candidate_duties(cand, answers, kb, today=today, owners=owners, whens=whens,
                                  hub_facts=(others_hub or {}).get(model_id),
                                  deployment=deployment)
        adds, lacks = differences(duties, theirs)
        entry = cand.to_dict()
        entry["fit"] = fit_facts(rec, cand.model)
        entry["duty_changes"] = {"adds": [_short(d) for d in adds],
                                 "lacks": [_short(d) for d in lacks]}
        alternatives.append(entry)
    return {
        "considered": {"source": source, "models": [a["model"] for a in alternatives],
                       "words": SOURCE_WORDS[source]},
        "alternatives": alternatives,
        "chosen_fit": fit_facts(rec, chosen.model),
        "deployment_duties": deployment,
        "duties": duties,
        "duty_settings": {"owners": dict(owners or {}), "when": dict(whens or {})},
    }
