"""The Markdown record's closing parts: the scope of the assessment, the sources cited,
what reproduces it, and the disclaimer under the title.

    >>> source_text({"title": "Llama 3.2 License", "section": "1.b.i", "url": "https://x"})
    '[Llama 3.2 License §1.b.i](https://x)'
"""

from __future__ import annotations

from typing import Any

from advisor.knowledge.model import section_label
from advisor.record.comparison_md import comparison_reproducibility
from advisor.text import escape_controls


def source_text(source: dict[str, Any] | None) -> str:
    if not source:
        return ""
    title = source.get("title") or "source"
    if source.get("section"):
        title += f" {section_label(source['section'])}"
    text = f"[{title}]({source['url']})" if source.get("url") else title
    if source.get("checked"):
        text += f", checked {source['checked']}"
    return text


def _titled(items: list[dict[str, Any]]) -> str:
    return "; ".join(f"{i.get('title') or i.get('id')}" +
                     (f" (checked {i['checked']})" if i.get("checked") else "")
                     for i in items) or "none"


def _scope_lines(record: dict[str, Any]) -> list[str]:
    scope = record.get("scope")
    if not scope:
        return []
    lines = ["Scope of this assessment:", "",
             f"* Licenses assessed: {_titled(scope.get('licenses') or [])}"]
    if scope.get("licenses_not_recognized"):
        lines.append("* Licenses not recognized (not assessed): "
                     + ", ".join(scope["licenses_not_recognized"]))
    lines.append(f"* Use policies assessed: {_titled(scope.get('use_policies') or [])}")
    lines.append(f"* Jurisdictions assessed: {_titled(scope.get('jurisdictions') or [])}")
    if scope.get("organization_policies"):
        lines.append(f"* Organization policies applied: {_titled(scope['organization_policies'])}")
    missing = scope.get("places_not_assessed") or []
    lines.append("* Places whose law was not assessed: " + (", ".join(missing) or "none"))
    for country, subs in sorted((scope.get("subdivisions_not_assessed") or {}).items()):
        shown = ", ".join(subs[:8]) + (f" and {len(subs) - 8} more" if len(subs) > 8 else "")
        lines.append(f"* Subdivisions of {country} without their own profile: {shown}")
    lines.append("* Not assessed at all: contracts other than the model's license and use "
                 "policy, patents and trademarks beyond what the license says, export control "
                 "beyond the profiled sanctions, data protection of your own data, and any fact "
                 "not declared in the answers above")
    overrides = record.get("overrides") or []
    for o in overrides:
        replaced = f", replacing {o['replaced_file']}" if o.get("replaced_file") else ""
        lines.append(f"* Replaced by the user's own profile: {o.get('kind') or 'profile'} "
                     f"{o.get('id')} from {o.get('file')} (sha256 `{o.get('sha256')}`"
                     f"{replaced})")
    for note in record.get("notes") or []:
        lines.append(f"* Note: {note}")
    return lines + [""]


def more_information(record: dict[str, Any]) -> list[str]:
    repro = record["reproducibility"]
    lines = [*_scope_lines(record), "Sources cited:", ""]
    lines += [f"* {source_text(s)}" for s in record.get("sources") or []] or ["* none"]
    lines += ["", "Reproducibility:", "",
              f"* advisor {repro.get('advisor_version')}",
              f"* profiles digest `{repro.get('profiles_digest')}`"]
    for lic, info in sorted((repro.get("license_files") or {}).items()):
        lines.append(f"* license profile {lic}: sha256 `{info.get('sha256')}`")
    for override in repro.get("profile_overrides") or []:
        kind, oid, file_, sha = (escape_controls(str(override.get(k))).replace("`", "'")
                                 for k in ("kind", "id", "file", "sha256"))
        lines.append(f"* **profile override**: {kind} `{oid}` replaced by `{file_}` "
                     f"(sha256 `{sha}`)")
    hub = repro.get("hub")
    if hub and hub.get("sha"):
        lines.append(f"* Hub revision of {hub.get('repo_id')}: `{hub['sha']}`")
    else:
        lines.append("* Hub revision: not known (the Hub was not consulted)")
    gguf = repro.get("gguf") or {}
    if gguf.get("sha256"):
        lines.append(f"* GGUF {gguf.get('file') or ''} sha256 `{gguf['sha256']}`".replace("  ", " "))
    lines += comparison_reproducibility(record.get("comparison"))
    lines.append(f"* record created {record.get('created')}")
    return lines


def disclaimer(record: dict[str, Any]) -> list[str]:
    text = record.get("disclaimer")
    if not text:
        return []
    checked = ((record.get("scope") or {}).get("knowledge_checked") or {})
    when = ""
    if checked.get("earliest"):
        when = (f" The knowledge applied was checked on {checked['earliest']}"
                if checked["earliest"] == checked.get("latest") else
                f" The knowledge applied was checked between {checked['earliest']} and "
                f"{checked['latest']}") + "."
    return [f"> {text}{when}", ""]
