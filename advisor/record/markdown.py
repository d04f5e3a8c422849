"""The record as a Markdown decision record in the MADR 4 layout (https://adr.github.io/madr/),
with a one-page summary first: the decision, the model, the verdict, every duty once
(must do / only if, owner, when), what was not assessed and the knowledge dates.

    Example (not run)::

        text = render_markdown(record)
        text.index("## Summary") < text.index("## Context and Problem Statement")   # True
"""

from __future__ import annotations

import json
from typing import Any

from advisor.record.comparison_md import comparison_consequences, comparison_lines
from advisor.knowledge.matching import is_build_of
from advisor.record.duties import record_duties
from advisor.record.escape import markdown_view
from advisor.record.md_options import option_lines, pros_cons, reason_text
from advisor.record.markdown_more import disclaimer, more_information
from advisor.record.md_summary import summary_lines
from advisor.record.md_text import finish, lead, with_source
from advisor.text import plural
from advisor.record.model import Record
from advisor.record.smoke import smoke_clues, smoke_summary
from advisor.text import one_line

MODE_WORDS = {
    "internal": "use it inside the organization only",
    "hosted_service": "offer it to third parties as an app, API or SaaS",
    "on_device": "ship it inside a product that runs on users' devices",
    "on_prem": "deliver it to customers to run on their own servers",
    "research": "use it for non-commercial research",
}
def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _label(record: dict[str, Any], use_case: str) -> str:
    titles = (record.get("context") or {}).get("use_case_titles") or {}
    return titles.get(use_case) or use_case.replace("_", " ")


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
    assumed = a.get("assumed") or []
    how = "assumed" if "organization.monthly_active_users" in assumed else "as declared"
    users = f" with {mau:,} monthly active users ({how})" if isinstance(mau, int) else ""
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
    lines = [sentence, "", needs_line, ""]
    if "data" in a or "audience" in a:
        audience = [f"minors (youngest {g['minors']})" if isinstance(g, dict) else str(g)
                    for g in a.get("audience") or []]
        data = ", ".join((a.get("data") or {}).get("categories") or []) or "not stated"
        lines += [f"Data it processes: {data}; its users: "
                  f"{', '.join(audience) or 'not stated'}.", ""]
    if assumed:
        lines += ["**Assumed, not answered** (defaults, each of which can change the verdicts): "
                  + ", ".join(f"`{key}`" for key in assumed) + ".", ""]
    return lines + ["Which open-weight model may it adopt, lawfully and practically, and on "
                    "what terms?"]


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
            lines.append(f"* Bad, because {lead(with_source(f['message'], f.get('source')))}")
    duties = record_duties(record)
    must = sum(1 for d in duties if d.get("kind") == "must")
    lines.append(f"* Neutral, because the organization takes on {plural(must, 'duty')} now and "
                 f"{len(duties) - must} more only if their trigger happens: each once in the "
                 "Summary, with its owner, when and source")
    lines += comparison_consequences(record.get("comparison"))
    for code, label in (("governing_law", "Governing law"), ("termination", "Termination")):
        for f in chosen["findings"]:
            if f.get("code") == code:
                lines.append(f"* {label}: {with_source(f['message'], f.get('source'))}")
    for f in chosen["findings"]:
        if f["severity"] == "info" and f.get("code") not in ("governing_law", "termination") \
                and not f.get("obligation"):
            lines.append(f"* Note: {with_source(f['message'], f.get('source'))}")
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
        where += ", on " + (", ".join(f"{k} {v}" for k, v in sorted(hw.items()))
                            if isinstance(hw, dict) else str(hw))
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
            line += " (" + "; ".join(f"{c.get('check')} {_expected(c.get('expected'))}"
                                     for c in failed) + ")"
        if p.get("error"):
            line += f" (error: {p['error']})"
        lines.append(line)
    lines += ["", f"Re-check the licenses, verdict and Hub revision in CI with {verify}."]
    return lines


def _expected(value: Any) -> str:
    """A check's argument as written, quoted (not ``repr``: it would double the escapes)."""
    if isinstance(value, list):
        return "[" + ", ".join(_expected(v) for v in value) + "]"
    return f"'{value}'" if isinstance(value, str) else str(value)


def exception_lines(record: dict[str, Any]) -> list[str]:
    """The accepted exception for a blocked or unknown model: who, why, what it overrides."""
    exc = record.get("exception")
    if not exc:
        return []
    who = ", ".join(exc.get("accepted_by") or []) or "nobody named"
    lines = [f"**Exception accepted** by {who}: the model is {exc.get('verdict')} for these "
             f"answers and is adopted anyway. Reason given: {exc.get('reason')}", ""]
    for f in exc.get("findings") or []:
        lines.append(f"* Overridden: {with_source(f.get('message') or '', f.get('source'))}")
    return lines + [""] if exc.get("findings") else lines


def _deciders(record: dict[str, Any]) -> list[str]:
    makers = record.get("decision_makers") or []
    lines = [f"Decision-makers: {', '.join(makers) if makers else 'not named yet'}."]
    if record.get("rationale"):
        lines.append(f"Rationale: {record['rationale']}")
    return lines + [""] + exception_lines(record)


def render_markdown(record: Record | dict[str, Any], json_name: str | None = None) -> str:
    """The MADR 4 Markdown text; ``json_name`` is the JSON record's file name to cite.
    Every value is escaped once, here (:func:`advisor.record.escape.markdown_view`): a
    prompt id, an error or a candidate name cannot add a heading, a link or HTML."""
    raw = record.data if isinstance(record, Record) else record
    data = markdown_view(dict(raw))
    data["_json_name"] = json_name
    chosen = data["chosen"]
    # YAML front matter: JSON strings, escaped as YAML reads them (not as Markdown).
    makers = json.dumps([one_line(m) for m in raw.get("decision_makers") or []],
                        ensure_ascii=False)
    out = [
        "---",
        f"status: {data.get('status', 'proposed')}",
        f"date: {data['date']}",
        f"decision-makers: {makers}",
        *([f"record-digest: {data['digest']}"] if data.get("digest") else []),
        "---",
        "",
        f"# {data['title']}",
        "",
        *disclaimer(data),
        *summary_lines(data),
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
        *option_lines(data),
        "",
        "## Decision Outcome",
        "",
        f"Chosen option: \"{chosen['model']}\", because {reason_text(data)}.",
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
    n_duties = len([d for d in record_duties(data) if d.get("scope") == "model"])
    out += pros_cons(chosen, True, chosen["model"], n_duties, record_duties(data))
    for candidate in data["alternatives"]:
        out += pros_cons(candidate, False, chosen["model"])
    out += ["## More Information", "", *more_information(data)]
    return finish("\n".join(out).rstrip() + "\n")
