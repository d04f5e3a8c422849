"""The Markdown record's closing parts: the scope of the assessment, the sources cited,
what reproduces it (with the record's digest and signatures), and the disclaimer under
the title.

    >>> integrity_lines({"digest": "ab12", "_json_name": "r.json"})[0][:34]
    '* record digest `ab12`: SHA-256 of'
"""

from __future__ import annotations

from typing import Any

from advisor.record.comparison_md import comparison_reproducibility
from advisor.record.md_text import source_text
from advisor.record.scope import places_not_assessed
from advisor.text import escape_controls


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
    lines.append("* Places whose law was not assessed: "
                 + ("; ".join(places_not_assessed(scope)) or "none"))
    lines.append("* Not assessed at all: contracts other than the model's license and use "
                 "policy, patents and trademarks beyond what the license says, export control "
                 "beyond the profiled sanctions, data protection beyond the duties the declared "
                 "data and audience trigger, and any fact not declared in the answers above")
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
    lines += integrity_lines(record)
    return lines


def integrity_lines(record: dict[str, Any]) -> list[str]:
    """The JSON record's digest (and signatures) as the Markdown repeats them."""
    if not record.get("digest"):
        return []
    lines = [f"* record digest `{record['digest']}`: SHA-256 of the JSON record's canonical "
             "content (RFC 8785, without digest, digest_fields and signatures); "
             f"{_verify_command(record)} recomputes it and names any edited field"]
    for sig in record.get("signatures") or []:
        lines.append(f"* signed with SSH key `{sig.get('key_fingerprint')}` (namespace "
                     f"`{sig.get('namespace')}`); check it with {_verify_command(record)} "
                     "--signer ALLOWED_SIGNERS")
    return lines


def _verify_command(record: dict[str, Any]) -> str:
    return f"`advisor record verify {record.get('_json_name') or 'RECORD.json'}`"


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
