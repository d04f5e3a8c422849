"""The options in a record's Markdown: the list weighed, why the chosen one, and the pros
and cons, where an alternative shows only how its duties differ from the chosen model's.

    Example (not run)::

        option_lines(record.data)[0]
        # -> 'Options weighed: the recommendation\\'s best alternatives for the same answers and hardware.'
"""

from __future__ import annotations

from typing import Any

from advisor.record.comparison_md import comparison_reason
from advisor.record.duties import duty_text, record_duties
from advisor.record.md_text import VERDICT_WORDS, lead, with_source
from advisor.text import plural
from advisor.record.smoke import smoke_summary
from advisor.vocab import VERDICT_RANK

# Informational findings that speak for an option (the rest are terms to know: neutral).
GOOD_INFO = {"commercial_use", "output_training", "osi_approved", "permissive"}


def _licenses(candidate: dict[str, Any]) -> str:
    return ", ".join(candidate.get("licenses") or [candidate.get("license") or "unknown"])


def _verdict(candidate: dict[str, Any]) -> str:
    own = candidate.get("model_verdict")
    text = f"verdict {candidate['verdict']}"
    return text + (f" (its own terms: {own})" if own and own != candidate["verdict"] else "")


def _fit(candidate: dict[str, Any]) -> str:
    fit = candidate.get("fit") or {}
    if fit.get("why"):
        return "; " + fit["why"][0]
    excluded = fit.get("excluded") or {}
    if excluded.get("code") == "hardware":
        return f"; does not run on the declared hardware ({excluded.get('reason')})"
    if excluded:
        return f"; left out of the recommendation: {excluded.get('reason')}"
    return ""


def _blocks(candidate: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in candidate.get("findings") or [] if f.get("severity") == "block"]


def _changes(candidate: dict[str, Any], chosen_model: str) -> str:
    changes = candidate.get("duty_changes")
    if changes is None:
        return ""
    adds, lacks = changes.get("adds") or [], changes.get("lacks") or []
    if not adds and not lacks:
        return f"; its own duties are the same as {chosen_model}'s"
    parts = []
    if adds:
        parts.append(f"adds {plural(len(adds), 'duty')}")
    if lacks:
        parts.append(f"spares {plural(len(lacks), 'duty')} of the chosen model")
    return "; " + " and ".join(parts) + " (see Pros and Cons)"


def option_lines(record: dict[str, Any]) -> list[str]:
    """``## Considered Options``: where the options came from, then one line each."""
    chosen = record["chosen"]
    considered = record.get("considered") or {}
    n_duties = len([d for d in record_duties(record) if d.get("scope") == "model"])
    lines = [f"Options weighed: {considered.get('words') or 'as named'}.", "",
             f"* {chosen['model']} (chosen): {_verdict(chosen)}, license {_licenses(chosen)}, "
             f"{plural(n_duties, 'duty')} of its own{_fit(chosen)}"]
    for alt in record.get("alternatives") or []:
        line = (f"* {alt['model']}: {_verdict(alt)}, license {_licenses(alt)}{_fit(alt)}"
                f"{_changes(alt, chosen['model'])}")
        blocks = _blocks(alt)
        if blocks:
            line += "; rejected because " + "; ".join(
                lead(with_source(f["message"], f.get("source"))) for f in blocks)
        lines.append(line)
    return lines


def _must(candidate: dict[str, Any], side: str) -> int:
    changes = candidate.get("duty_changes") or {}
    return sum(1 for d in changes.get(side) or [] if d.get("kind") == "must")


def reason_text(record: dict[str, Any]) -> str:
    """The "because" of the Decision Outcome."""
    chosen = record["chosen"]
    verdict = chosen["verdict"]
    duties = record_duties(record)
    must = sum(1 for d in duties if d.get("kind") == "must")
    license_ = _licenses(chosen)
    if verdict == "allowed":
        reason = f"its license ({license_}) grants this use with no duty beyond keeping the license and notices"
    elif verdict == "conditional":
        reason = (f"its license ({license_}) and the law of the places served permit this use "
                  f"on conditions the organization can meet ({must} to do now, "
                  f"{len(duties) - must} only if; see Summary)")
    elif record.get("exception"):
        reason = (f"the decision-makers accepted an exception: the model is {verdict} for "
                  "these answers (see the exception below)")
    else:
        reason = f"it was chosen although its verdict is {verdict}; it needs legal sign-off"
    alternatives = record.get("alternatives") or []
    better = [c["model"] for c in alternatives if _rank(c["verdict"]) < _rank(verdict)]
    lighter = [c["model"] for c in alternatives if c["verdict"] == verdict
               and _must(c, "adds") < _must(c, "lacks")]
    if better:
        reason += (f"; note that {', '.join(better)} "
                   f"{'has' if len(better) == 1 else 'have'} a better verdict")
    elif lighter:
        reason += (f"; note that {', '.join(lighter)} {'has' if len(lighter) == 1 else 'have'}"
                   " the same verdict with fewer duties to do now")
    elif alternatives and verdict in ("allowed", "conditional"):
        reason += ", and no option weighed has a better verdict or fewer duties to do now"
    if record.get("rationale"):
        reason += f". The decision-makers' rationale: {record['rationale']}"
    smoke = record.get("smoke")
    if smoke and record.get("smoke_of_model") is False:
        reason += ("; the smoke test attached ran another model's file, so it says nothing "
                   "about this model's answers")
    elif smoke:
        s = smoke_summary(smoke)
        speed = f", {s.mean_tokens_per_second:.1f} tokens/s" if s.mean_tokens_per_second else ""
        reason += (f"; it {'passed' if s.passed else 'did not pass'} the smoke test "
                   f"({s.checks_passed} of {s.checks_total} checks{speed})")
    return reason + comparison_reason(record.get("comparison"))


def _duty_line(sign: str, duty: dict[str, Any]) -> str:
    when = f"only if {duty['trigger']}: " if duty.get("kind") != "must" and duty.get("trigger") else ""
    return f"* {sign} {when}{with_source(duty.get('text') or '', duty.get('source'))}"


def pros_cons(candidate: dict[str, Any], chosen: bool, chosen_model: str,
              n_duties: int = 0, duties: list[dict[str, Any]] | None = None) -> list[str]:
    """One option's pros and cons. The chosen model's duties are in the Summary; an
    alternative shows only the duties it adds or spares against the chosen model."""
    openness = candidate.get("openness") or {}
    title = f"### {candidate['model']}" + (" (chosen)" if chosen else "")
    desc = (f"Verdict {VERDICT_WORDS.get(candidate['verdict'], candidate['verdict'])}. "
            f"License: {_licenses(candidate)}.")
    if openness:
        desc += (f" OSAID: {openness.get('osaid', 'unknown')}; MOF class: "
                 f"{openness.get('mof_class', 'none')}.")
    lines = [title, "", desc, ""]
    findings = candidate.get("findings") or []
    if candidate["verdict"] == "allowed":
        lines.append("* Good, because no finding restricts the use")
    for f in findings:
        if f.get("severity") == "info" and not f.get("obligation") and \
                (chosen or f.get("code") in GOOD_INFO):
            kind = "Good" if f.get("code") in GOOD_INFO else "Neutral"
            lines.append(f"* {kind}, because {lead(with_source(f['message'], f.get('source')))}")
    if openness.get("osaid") == "pass":
        lines.append("* Good, because it meets the OSI Open Source AI Definition 1.0")
    if chosen:
        numbers = {d["text"].lower(): i for i, d in enumerate(duties or [], start=1)}
        for f in findings:
            if f.get("severity") == "condition" or (f.get("severity") == "info"
                                                    and f.get("obligation")):
                n = numbers.get(duty_text(f).lower())
                see = f" (duty {n} in the Summary)" if n else ""
                lines.append(f"* Neutral, because "
                             f"{lead(with_source(f['message'], f.get('source')))}{see}")
        lines.append(f"* Neutral, because it carries {plural(n_duties, 'duty')} of its own, each "
                     "in the Summary with its owner and when")
    else:
        changes = candidate.get("duty_changes") or {}
        for duty in changes.get("adds") or []:
            lines.append(_duty_line(f"Bad, because unlike {chosen_model} it needs:", duty))
        for duty in changes.get("lacks") or []:
            lines.append(_duty_line(f"Good, because unlike {chosen_model} it does not need:",
                                    duty))
        if not changes.get("adds") and not changes.get("lacks") and "duty_changes" in candidate:
            lines.append(f"* Neutral, because its own duties are the same as {chosen_model}'s")
    for f in _blocks(candidate):
        lines.append(f"* Bad, because {lead(with_source(f['message'], f.get('source')))}")
    if not findings and candidate["verdict"] != "allowed":
        lines.append("* Bad, because nothing about it could be assessed")
    return lines + [""]


def _rank(verdict: str) -> int:
    return VERDICT_RANK.get(verdict, VERDICT_RANK["unknown"])
