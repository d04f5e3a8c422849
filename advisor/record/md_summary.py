"""The record's first page: the decision in one table, then every duty once, split into
"Must do" (binds these answers now) and "Only if" (with its trigger), each with its owner
role, when and source.

    Example (not run)::

        lines = summary_lines(record.data)
        lines[0], lines[4].startswith("| Decision |")
        # -> ('## Summary', True)
"""

from __future__ import annotations

from typing import Any

from advisor.record.duties import record_duties
from advisor.record.md_text import cell, source_text
from advisor.text import plural
from advisor.record.scope import places_not_assessed

FOR_WORDS = {"deployment": "the deployment", "model": "this model"}


def _uses(record: dict[str, Any]) -> str:
    titles = (record.get("context") or {}).get("use_case_titles") or {}
    cats = record["answers"]["use_case"].get("categories", [])
    return ", ".join(titles.get(c) or c.replace("_", " ") for c in cats) or "the use declared"


def _count(duties: list[dict[str, Any]], scope: str) -> str:
    mine = [d for d in duties if d.get("scope") == scope]
    must = sum(1 for d in mine if d.get("kind") == "must")
    return f"{must} must do, {len(mine) - must} only if"


def _model_row(record: dict[str, Any]) -> str:
    chosen = record["chosen"]
    profile = chosen.get("profile") or {}
    licenses = record["reproducibility"].get("license_files") or {}
    titles = [licenses.get(lic, {}).get("title") or lic for lic in chosen.get("licenses") or []]
    parts = [record["model"]]
    if profile.get("vendor"):
        parts.append(f"from {profile['vendor']}")
    parts.append(f"license {' AND '.join(titles) or chosen.get('license') or 'unknown'}")
    hub = record["reproducibility"].get("hub") or {}
    parts.append(f"Hub revision `{hub['sha'][:12]}`" if hub.get("sha")
                 else "Hub revision not recorded (the Hub was not consulted)")
    fit = chosen.get("fit") or {}
    if fit.get("why"):
        parts.append(fit["why"][0])
    elif (fit.get("excluded") or {}).get("code") == "hardware":
        parts.append(f"does not run on the declared hardware: {fit['excluded']['reason']}")
    return "; ".join(parts)


def _verdict_row(record: dict[str, Any]) -> str:
    chosen = record["chosen"]
    text = f"**{chosen['verdict']}** for the use declared"
    own = chosen.get("model_verdict")
    if own and own != chosen["verdict"]:
        text += (f"; the model's own terms: **{own}** (the rest binds the deployment "
                 "whatever model is chosen)")
    elif own:
        text += "; the model's own terms give the same"
    return text


def _options_row(record: dict[str, Any]) -> str:
    alternatives = record.get("alternatives") or []
    considered = record.get("considered") or {}
    if not alternatives:
        return "none besides the chosen model (" + (considered.get("words") or "none named") + ")"
    names = ", ".join(f"{a['model']} ({a['verdict']})" for a in alternatives)
    return f"{names}: {considered.get('words') or 'as named'}"


def summary_lines(record: dict[str, Any]) -> list[str]:
    """``## Summary``: the decision table (the first page), then the duties."""
    duties = record_duties(record)
    makers = ", ".join(record.get("decision_makers") or []) or "not named yet"
    rows = [
        ("Decision", f"Adopt **{record['model']}** for {_uses(record)} (status "
                     f"{record.get('status', 'proposed')}, {record['date']}; decision-makers: "
                     f"{makers})"),
        ("Model", _model_row(record)),
        ("Verdict", _verdict_row(record)),
    ]
    exc = record.get("exception")
    if exc:
        rows.append(("Exception", f"the model is **{exc.get('verdict')}** and is adopted "
                     f"anyway: accepted by {', '.join(exc.get('accepted_by') or [])}, "
                     f"because: {exc.get('reason')}"))
    rows += [
        ("The deployment's duties", f"{_count(duties, 'deployment')}: they bind whatever "
                                    "model is chosen"),
        ("The model's own duties", _count(duties, "model")),
        ("Options weighed", _options_row(record)),
        ("Not assessed", "places whose law was not assessed: "
                         + ("; ".join(places_not_assessed(record.get("scope"))) or "none")
                         + "; other matters: see Scope under More Information"),
    ]
    checked = ((record.get("scope") or {}).get("knowledge_checked") or {})
    if checked.get("earliest"):
        rows.append(("Knowledge checked", f"{checked['earliest']} to {checked['latest']}, "
                     f"profiles `{record['reproducibility'].get('profiles_digest')}`"))
    if record.get("digest"):
        rows.append(("Record digest", f"`{record['digest']}`"))
    lines = ["## Summary", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {cell(value)} |" for name, value in rows]
    return lines + ["", *duty_lines(record)]


def _source(duty: dict[str, Any]) -> str:
    text = source_text(duty.get("source"))
    if duty.get("confirmed") is False:
        text += " (not confirmed in the primary text)"
    return text


def duty_lines(record: dict[str, Any]) -> list[str]:
    """``### Must do`` and ``### Only if``: each duty once, with owner, when and source."""
    duties = record_duties(record)
    must = [d for d in duties if d.get("kind") == "must"]
    only = [d for d in duties if d.get("kind") != "must"]
    lines = ["### Must do", ""]
    if must:
        lines += ["| # | Duty | For | Owner | When | Source |", "|---|---|---|---|---|---|"]
        lines += [f"| {i} | {cell(d['text'])} | {FOR_WORDS.get(d.get('scope'), d.get('scope'))} "
                  f"| {cell(d.get('owner'))} | {cell(d.get('when'))} | {cell(_source(d))} |"
                  for i, d in enumerate(must, start=1)]
    else:
        lines.append("Nothing beyond keeping the license and notices as they came.")
    lines += ["", "### Only if", ""]
    if only:
        lines += ["| # | Only if | Duty | For | Owner | When | Source |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {i} | {cell(d.get('trigger'))} | {cell(d['text'])} | "
                  f"{FOR_WORDS.get(d.get('scope'), d.get('scope'))} | {cell(d.get('owner'))} "
                  f"| {cell(d.get('when'))} | {cell(_source(d))} |"
                  for i, d in enumerate(only, start=len(must) + 1)]
    else:
        lines.append("No duty waits on a trigger.")
    settings = record.get("duty_settings") or {}
    set_by_user = sorted(set(settings.get("owners") or {}) | set(settings.get("when") or {}))
    lines += ["", "Owner and when follow the kind of duty"
              + (f", as set for {', '.join(set_by_user)}" if set_by_user else "")
              + f" ({plural(len(duties), 'duty')} in all, each listed once)."]
    return lines + [""]
