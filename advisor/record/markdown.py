"""The record as a Markdown decision record in the MADR 4 layout (https://adr.github.io/madr/).

    Example (not run)::

        text = render_markdown(record)
        "## Decision Outcome" in text   # True
"""

from __future__ import annotations

import json
from typing import Any

from advisor.knowledge.matching import is_build_of
from advisor.record.comparison_md import comparison_consequences, comparison_lines, comparison_reason
from advisor.record.markdown_more import disclaimer, more_information, source_text
from advisor.record.model import Record
from advisor.record.smoke import smoke_clues, smoke_summary
from advisor.text import clean
from advisor.vocab import VERDICT_RANK

MODE_WORDS = {
    "internal": "use it inside the organization only",
    "hosted_service": "offer it to third parties as an app, API or SaaS",
    "on_device": "ship it inside a product that runs on users' devices",
    "on_prem": "deliver it to customers to run on their own servers",
    "research": "use it for non-commercial research",
}
VERDICT_WORDS = {
    "allowed": "allowed: only informational findings",
    "conditional": "conditional: allowed on conditions the organization takes on",
    "blocked": "blocked: the use falls outside what the license or law permits",
    "unknown": "unknown: the model or its license could not be identified",
}


# Informational findings that speak for an option (the rest are terms to know: neutral).
GOOD_INFO = {"commercial_use", "output_training", "osi_approved", "permissive"}


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _label(record: dict[str, Any], use_case: str) -> str:
    titles = (record.get("context") or {}).get("use_case_titles") or {}
    return titles.get(use_case) or use_case.replace("_", " ")


def _with_source(message: str, source: dict[str, Any] | None) -> str:
    cited = source_text(source)
    return f"{message} ({cited})" if cited else message


def _hardware(answers: dict[str, Any]) -> str:
    hw = answers.get("hardware", "auto")
    if not isinstance(hw, dict):
        return "this machine (probed)"
    parts = [f"{hw[k]} GB {k[:-3].upper()}" for k in ("ram_gb", "vram_gb") if hw.get(k) is not None]
    return ", ".join(parts) or "unspecified"


def _context(record: dict[str, Any]) -> list[str]:
    a = record["answers"]
    org, dep, use, needs = a["organization"], a["deployment"], a["use_case"], a["needs"]
    mau = org.get("monthly_active_users")
    users = f" with {mau:,} monthly active users (as declared)" if isinstance(mau, int) else ""
    cats = ", ".join(_label(record, c) for c in use.get("categories", []))
    sentence = (
        f"An organization based in {org['domicile']}{users} wants to "
        f"{MODE_WORDS.get(dep.get('mode'), str(dep.get('mode')))}, "
        f"{'commercially' if dep.get('commercial') else 'non-commercially'}, "
        f"serving users in {', '.join(dep.get('regions', [])) or 'no region named'}, "
        f"for: {cats or 'no use case named'} (modalities: {', '.join(use.get('modalities', []))})."
    )
    needs_line = (
        f"It needs to fine-tune: {_yes(needs.get('fine_tune'))}; to train other models on the "
        f"outputs: {_yes(needs.get('distill_outputs'))}; to redistribute the weights: "
        f"{_yes(needs.get('redistribute_weights'))}; openness required: {needs.get('openness', 'any')}. "
        f"Target hardware: {_hardware(a)}."
    )
    return [sentence, "", needs_line, "",
            "Which open-weight model may it adopt, lawfully and practically, and on what terms?"]


def _drivers(record: dict[str, Any]) -> list[str]:
    a = record["answers"]
    dep, needs = a["deployment"], a["needs"]
    mau = a["organization"].get("monthly_active_users")
    drivers = [
        f"The license must grant this use: {'commercial' if dep.get('commercial') else 'non-commercial'}, "
        f"{dep.get('mode')}, {mau:,} monthly active users, licensee in {a['organization']['domicile']}"
        if isinstance(mau, int) else "The license must grant this use",
        f"The law of every deployment region ({', '.join(dep.get('regions', []))}) must permit it",
        f"Openness required: {needs.get('openness', 'any')}",
        f"Rights needed: fine-tuning {_yes(needs.get('fine_tune'))}, training on outputs "
        f"{_yes(needs.get('distill_outputs'))}, redistributing weights {_yes(needs.get('redistribute_weights'))}",
        "The model must run acceptably on the target hardware and answer sensibly (smoke test)",
        "Obligations the organization takes on should be few and clear",
    ]
    return [f"* {d}" for d in drivers]


def _option_line(candidate: dict[str, Any], chosen: bool) -> str:
    licenses = ", ".join(candidate.get("licenses") or [candidate.get("license") or "unknown"])
    mark = " (chosen)" if chosen else ""
    n = len(candidate.get("obligations") or [])
    line = (f"* {candidate['model']}{mark}: verdict {candidate['verdict']}, license {licenses}, "
            f"{n} obligation{'s' if n != 1 else ''}")
    if not chosen:
        blocks = [f for f in candidate.get("findings") or [] if f.get("severity") == "block"]
        if blocks:
            line += "; rejected because " + "; ".join(
                _lead(_with_source(f["message"], f.get("source"))) for f in blocks)
    return line


def _reason(record: dict[str, Any]) -> str:
    chosen = record["chosen"]
    verdict = chosen["verdict"]
    license_ = ", ".join(chosen.get("licenses") or [chosen.get("license") or "unknown"])
    blocks = [f["message"] for f in chosen["findings"] if f["severity"] == "block"]
    if verdict == "allowed":
        reason = f"its license ({license_}) grants this use with no duty beyond keeping the license and notices"
    elif verdict == "conditional":
        n = len(chosen.get("obligations") or [])
        reason = (f"its license ({license_}) permits this use on conditions the organization can meet "
                  f"({n} obligation{'s' if n != 1 else ''}, see Consequences)")
    elif verdict == "blocked":
        reason = ("it was chosen although the assessment blocks it (" + "; ".join(blocks[:2]) +
                  "); this record documents an exception that needs legal sign-off")
    else:
        reason = "it was chosen although its license could not be assessed; it needs human review before use"
    better = [c["model"] for c in record["alternatives"]
              if _rank(c["verdict"]) < _rank(verdict)]
    mine = len(chosen.get("obligations") or [])
    lighter = [(c["model"], len(c.get("obligations") or [])) for c in record["alternatives"]
               if c["verdict"] == verdict and len(c.get("obligations") or []) < mine]
    if better:
        reason += (f"; note that {', '.join(better)} "
                   f"{'has' if len(better) == 1 else 'have'} a better verdict")
    elif lighter:
        reason += ("; note that " + ", ".join(f"{m} has the same verdict with {n} obligation"
                                              f"{'s' if n != 1 else ''}" for m, n in lighter) +
                   f" against this model's {mine}")
    elif verdict in ("allowed", "conditional"):
        reason += ", and no considered alternative has a better verdict or fewer obligations"
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
    reason += comparison_reason(record.get("comparison"))
    return reason


def _rank(verdict: str) -> int:
    return VERDICT_RANK.get(verdict, VERDICT_RANK["unknown"])


def _consequences(record: dict[str, Any]) -> list[str]:
    chosen = record["chosen"]
    lines: list[str] = []
    if chosen["verdict"] in ("allowed", "conditional"):
        lines.append("* Good, because the assessed license and laws permit the use described above")
    openness = chosen.get("openness") or {}
    if openness.get("osaid") == "pass":
        lines.append("* Good, because the model meets the OSI Open Source AI Definition 1.0")
    for f in chosen["findings"]:
        if f["severity"] == "block":
            lines.append(f"* Bad, because {_lead(_with_source(f['message'], f.get('source')))}")
    sources = {f.get("obligation"): f.get("source") for f in chosen["findings"] if f.get("obligation")}
    for obligation in chosen.get("obligations") or []:
        lines.append(f"* Obligation: {_with_source(obligation, sources.get(obligation))}")
    for f in chosen["findings"]:
        if f["severity"] == "condition" and not f.get("obligation"):
            lines.append(f"* Condition: {_with_source(f['message'], f.get('source'))}")
    if not chosen.get("obligations"):
        lines.append("* Obligation: keep the license text and notices with every copy of the model")
    lines += comparison_consequences(record.get("comparison"))
    for code, label in (("governing_law", "Governing law"), ("termination", "Termination")):
        for f in chosen["findings"]:
            if f.get("code") == code:
                lines.append(f"* {label}: {_with_source(f['message'], f.get('source'))}")
    for f in chosen["findings"]:
        if f["severity"] == "info" and f.get("code") not in ("governing_law", "termination") \
                and not f.get("obligation"):
            lines.append(f"* Note: {_with_source(f['message'], f.get('source'))}")
    return lines


def _checks(record: dict[str, Any]) -> list[str]:
    """Thresholds compared with the declared figures, crossed or not."""
    checks = record.get("threshold_checks") or []
    if not checks:
        return ["No license or use-policy threshold applies to this model."]
    return [f"* {c['text']}" for c in checks]


def _confirmation(record: dict[str, Any]) -> list[str]:
    smoke = record.get("smoke")
    repro = record["reproducibility"]
    verify = f"`advisor record verify {record.get('_json_name') or 'RECORD.json'}`"
    if not smoke:
        compared = record.get("comparison") or {}
        if compared.get("model_candidate"):
            return ["Smoke test: not run on its own; the comparison below ran this model "
                    f"({compared['model_candidate']}) with suite {compared.get('suite')}: its "
                    "figures are the comparison's, not a smoke result.", "",
                    f"Re-check the licenses, verdict, Hub revisions and compared files in CI "
                    f"with {verify}."]
        return ["Smoke test: not run.", "",
                f"Re-check the licenses, verdict and Hub revision in CI with {verify}."]
    s = smoke_summary(smoke)
    gguf = repro.get("gguf") or {}
    what = gguf.get("file") or smoke.get("model") or record["model"]
    runner = smoke.get("runner") or "llama.cpp"
    where = f"{runner} on {s.backend}" if s.backend and s.backend != runner else runner
    if s.gpu_layers is not None:
        where += f", {s.gpu_layers} GPU layers"
    for key, label in (("threads", "threads"), ("n_ctx", "context")):
        if isinstance(smoke.get(key), int):
            where += f", {label} {smoke[key]}"
    hw = repro.get("hardware")
    if hw:
        where += f", on {hw if isinstance(hw, str) else json.dumps(hw, sort_keys=True)}"
    if repro.get("llama_cpp_version"):
        where += f", llama-cpp-python {repro['llama_cpp_version']}"
    suite = f" (suite {smoke['suite']})" if smoke.get("suite") else ""
    lines = [f"Smoke test{suite} {'passed' if s.passed else 'FAILED'}: {what} ran with {where}."]
    of_model = record.get("smoke_of_model")
    if of_model is False or (of_model is None and not is_build_of(smoke_clues(smoke), record["model"])):
        builds = record.get("smoke_builds_of") or []
        whose = f" (it is a build of {', '.join(builds)})" if builds else ""
        lines.append(f"Note: {what} is not a build of {record['model']}{whose}; this run "
                     "confirms the local setup, not the chosen model's answers. It is not "
                     "counted for this model.")
    figures = []
    if s.load_seconds is not None:
        figures.append(f"load {s.load_seconds:.2f} s")
    if s.mean_ttft_seconds is not None:
        figures.append(f"time to first token {s.mean_ttft_seconds:.3f} s (mean)")
    if s.mean_tokens_per_second is not None:
        figures.append(f"decode {s.mean_tokens_per_second:.1f} tokens/s (mean)")
    if s.peak_rss_bytes is not None:
        figures.append(f"peak memory {s.peak_rss_bytes / 2**20:.0f} MiB")
    if figures:
        lines.append("Measured: " + ", ".join(figures) + ".")
    lines.append(f"Checks passed: {s.checks_passed} of {s.checks_total}.")
    lines.append("")
    for p in smoke.get("prompts") or []:
        line = f"* {p.get('id')}: {'passed' if p.get('passed') else 'failed'}"
        failed = [c for c in p.get("checks") or [] if isinstance(c, dict) and not c.get("passed")]
        if failed:
            line += " (" + "; ".join(f"{c.get('check')} {c.get('expected')!r}" for c in failed) + ")"
        if p.get("error"):
            line += f" (error: {p['error']})"
        lines.append(line)
    lines += ["", f"Re-check the licenses, verdict and Hub revision in CI with {verify}."]
    return lines


def _lead(message: str) -> str:
    """Lower-case a message's first letter so it reads after "because" (not for "EU", "AI")."""
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message


def _pros_cons(candidate: dict[str, Any]) -> list[str]:
    lines = [f"### {candidate['model']}", ""]
    openness = candidate.get("openness") or {}
    licenses = ", ".join(candidate.get("licenses") or [candidate.get("license") or "unknown"])
    desc = f"Verdict {VERDICT_WORDS.get(candidate['verdict'], candidate['verdict'])}. License: {licenses}."
    if openness:
        desc += f" OSAID: {openness.get('osaid', 'unknown')}; MOF class: {openness.get('mof_class', 'none')}."
    lines += [desc, ""]
    findings = candidate.get("findings") or []
    info = [f for f in findings if f["severity"] == "info"]
    if candidate["verdict"] == "allowed":
        lines.append("* Good, because no finding restricts the use")
    for f in info:
        kind = "Good" if f.get("code") in GOOD_INFO else "Neutral"
        lines.append(f"* {kind}, because {_lead(_with_source(f['message'], f.get('source')))}")
    if openness.get("osaid") == "pass":
        lines.append("* Good, because it meets the OSI Open Source AI Definition 1.0")
    for f in findings:
        if f["severity"] == "condition":
            lines.append(f"* Neutral, because {_lead(_with_source(f['message'], f.get('source')))}")
    for f in findings:
        if f["severity"] == "block":
            lines.append(f"* Bad, because {_lead(_with_source(f['message'], f.get('source')))}")
    if not findings and candidate["verdict"] != "allowed":
        lines.append("* Bad, because nothing about it could be assessed")
    return lines + [""]


def _deciders(record: dict[str, Any]) -> list[str]:
    makers = record.get("decision_makers") or []
    lines = [f"Decision-makers: {', '.join(makers) if makers else 'not named yet'}."]
    if record.get("rationale"):
        lines.append(f"Rationale: {record['rationale']}")
    return lines + [""]


def render_markdown(record: Record | dict[str, Any], json_name: str | None = None) -> str:
    """The MADR 4 Markdown text; ``json_name`` is the JSON record's file name to cite."""
    data = dict(record.data if isinstance(record, Record) else record)
    data["_json_name"] = json_name
    chosen = data["chosen"]
    makers = json.dumps(list(data.get("decision_makers") or []), ensure_ascii=False)
    out = [
        "---",
        f"status: {data.get('status', 'proposed')}",
        f"date: {data['date']}",
        f"decision-makers: {makers}",
        "---",
        "",
        f"# {data['title']}",
        "",
        *disclaimer(data),
        "## Context and Problem Statement",
        "",
        *_context(data),
        "",
        "## Decision Drivers",
        "",
        *_drivers(data),
        "",
        "## Considered Options",
        "",
        _option_line(chosen, True),
        *[_option_line(c, False) for c in data["alternatives"]],
        "",
        "## Decision Outcome",
        "",
        f"Chosen option: \"{chosen['model']}\", because {_reason(data)}.",
        "",
        *_deciders(data),
        *comparison_lines(data.get("comparison")),
        "### Thresholds checked",
        "",
        *_checks(data),
        "",
        "### Consequences",
        "",
        *_consequences(data),
        "",
        "### Confirmation",
        "",
        *_confirmation(data),
        "",
        "## Pros and Cons of the Options",
        "",
    ]
    for candidate in [chosen, *data["alternatives"]]:
        out += _pros_cons(candidate)
    out += ["## More Information", "", *more_information(data)]
    # No control, bidi or escape character from a Hub card, a profile or a typed field
    # reaches the Markdown (a terminal or viewer would obey it).
    return clean("\n".join(out).rstrip() + "\n")
