"""The record as an SPDX 3.0.1 JSON-LD document with the AI profile.

The chosen model is an ``ai_AIPackage`` (supplier, version at its Hub revision, kind,
the use it is adopted for, the smoke metrics); its licenses are one
``simplelicensing_LicenseExpression`` (SPDX ids, or ``LicenseRef-<id>`` with the license
text's url in ``customIdToUri``) that the package both declares and, after the
assessment, is concluded under. The verdict, each duty and each source cited are
``review`` annotations on the package; the record's digest is an annotation on the
document. A GGUF file that was hashed is a ``software_File`` the package distributes.
Element ids are ``urn:advisor:record:<first 16 hex of the digest>:<name>``.

Built as plain JSON (no runtime dependency); the tests validate it with the SPDX
project's own bindings (``spdx-python-model``), which decode it against the 3.0.1 model
and refuse a missing required property on writing it back.

    Example (not run)::

        doc = json.loads(record_to_spdx(record))
        doc["@context"], [e["type"] for e in doc["@graph"]][:2]
        # -> ('https://spdx.org/rdf/3.0.1/spdx-context.jsonld', ['CreationInfo', 'SoftwareAgent'])
"""

from __future__ import annotations

import json
import re
from typing import Any

from advisor.record.escape import spdx_view, url_path
from advisor.record.model import Record

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
SPEC_VERSION = "3.0.1"
HUB_URL = "https://huggingface.co"
CREATION = "_:creationinfo"
SENSITIVE = ("special_category", "health", "biometric", "genetic", "children")
_REF_CHARS = re.compile(r"[^A-Za-z0-9.-]+")


def license_ref(license_id: str) -> str:
    """``LicenseRef-`` and the id in the characters SPDX allows: ``llama3.2`` ->
    ``LicenseRef-llama3.2``; ``other (x y)`` -> ``LicenseRef-other-x-y``."""
    return "LicenseRef-" + (_REF_CHARS.sub("-", license_id).strip("-") or "unknown")


def license_expression(record: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The chosen model's licenses as one SPDX expression (joined with AND) and the text
    url of each ``LicenseRef-`` it uses."""
    from cyclonedx.spdx import is_supported_id

    details = record["reproducibility"].get("license_files") or {}
    chosen = record["chosen"]
    parts, urls = [], {}
    for lic in chosen.get("licenses") or ["unknown"]:
        info = details.get(lic) or {}
        spdx = info.get("spdx")
        if spdx and is_supported_id(spdx):
            parts.append(spdx)
            continue
        ref = spdx if spdx and spdx.startswith("LicenseRef-") and not _REF_CHARS.search(
            spdx[len("LicenseRef-"):]) else license_ref(lic)
        parts.append(ref)
        if info.get("url"):
            urls[ref] = info["url"]
    expression = " AND ".join(dict.fromkeys(parts)) if len(parts) > 1 else parts[0]
    return expression, urls


def _source_text(source: dict[str, Any] | None) -> str:
    if not source:
        return ""
    title = source.get("title") or "source"
    section = f" {source['section']}" if source.get("section") else ""
    url = f", {source['url']}" if source.get("url") else ""
    checked = f", checked {source['checked']}" if source.get("checked") else ""
    return f"{title}{section}{url}{checked}"


class _Ids:
    def __init__(self, record: dict[str, Any]) -> None:
        self.base = "urn:advisor:record:" + str(record.get("digest") or "unsealed").split(":")[-1][:16]
        self.count = 0

    def __call__(self, name: str) -> str:
        return f"{self.base}:{name}"

    def next(self, prefix: str) -> str:
        self.count += 1
        return self(f"{prefix}-{self.count}")


def _annotation(ids: _Ids, subject: str, statement: str, kind: str = "review") -> dict[str, Any]:
    return {"type": "Annotation", "spdxId": ids.next("annotation"), "creationInfo": CREATION,
            "annotationType": kind, "subject": subject, "statement": statement}


def _verdict_statement(record: dict[str, Any]) -> str:
    chosen = record["chosen"]
    titles = (record.get("context") or {}).get("use_case_titles") or {}
    uses = ", ".join(titles.get(c, c) for c in record["answers"]["use_case"].get("categories", []))
    own = chosen.get("model_verdict")
    own_text = f" (the model's own verdict: {own})" if own and own != chosen["verdict"] else ""
    text = (f"Decision ({record.get('status')}, {record['date']}): adopt {record['model']} for "
            f"{uses or 'the use declared'}. Verdict for the declared use: "
            f"{chosen['verdict']}{own_text}. Assessed by advisor "
            f"{record['reproducibility'].get('advisor_version')} against profiles "
            f"{record['reproducibility'].get('profiles_digest')}. Not legal advice.")
    exc = record.get("exception")
    if exc:
        text += (f" Exception accepted by {', '.join(exc.get('accepted_by') or [])}: "
                 f"{exc.get('reason')}")
    return text


def _duty_statements(record: dict[str, Any]) -> list[str]:
    out = []
    for duty in record.get("duties") or []:
        kind = "Must do" if duty.get("kind") == "must" else f"Only if {duty.get('trigger')}"
        cited = _source_text(duty.get("source"))
        out.append(f"{kind} ({duty.get('owner')}, {duty.get('when')}): {duty.get('text')}"
                   + (f" [{cited}]" if cited else ""))
    if out:
        return out
    sources = {f.get("obligation"): f.get("source") for f in record["chosen"]["findings"]
               if f.get("obligation")}
    return [f"Obligation: {o}" + (f" [{_source_text(sources.get(o))}]" if sources.get(o) else "")
            for o in record["chosen"].get("obligations") or []]


def _package(record: dict[str, Any], ids: _Ids, supplier: str | None) -> dict[str, Any]:
    chosen = record["chosen"]
    profile = chosen.get("profile") or {}
    hub = record["reproducibility"].get("hub") or {}
    model = record["model"]
    titles = (record.get("context") or {}).get("use_case_titles") or {}
    answers = record["answers"]
    pkg: dict[str, Any] = {
        "type": "ai_AIPackage", "spdxId": ids("model"), "creationInfo": CREATION,
        "name": model, "software_primaryPurpose": "model",
        "ai_domain": [titles.get(c, c) for c in answers["use_case"].get("categories", [])],
        "ai_informationAboutApplication": _verdict_statement(record),
        "ai_autonomyType": "noAssertion",
    }
    if chosen.get("access", profile.get("access")) != "api":
        pkg["software_downloadLocation"] = f"{HUB_URL}/{url_path(model)}"
        pkg["software_packageUrl"] = (f"pkg:huggingface/{model}" +
                                      (f"@{hub['sha']}" if hub.get("sha") else ""))
    if hub.get("sha"):
        pkg["software_packageVersion"] = hub["sha"]
    if supplier:
        pkg["suppliedBy"] = supplier
    if profile.get("kind"):
        pkg["ai_typeOfModel"] = [str(profile["kind"])]
    data = (answers.get("data") or {}).get("categories") or []
    if any(c in SENSITIVE for c in data):
        pkg["ai_useSensitivePersonalInformation"] = "yes"
    elif data == ["none"] or data == ["public_only"]:
        pkg["ai_useSensitivePersonalInformation"] = "no"
    limits = [f["message"] for f in chosen.get("findings") or []
              if f.get("severity") in ("block", "condition")]
    if limits:
        pkg["ai_limitation"] = " ".join(" ".join(m.split()) for m in limits)
    metrics = _metrics(record)
    if metrics:
        pkg["ai_metric"] = metrics
    refs = [{"type": "ExternalRef", "externalRefType": "documentation",
             "locator": [f"{HUB_URL}/{url_path(model)}"], "comment": "model card"}] \
        if "software_downloadLocation" in pkg else []
    for lic, info in sorted((record["reproducibility"].get("license_files") or {}).items()):
        if info.get("url"):
            refs.append({"type": "ExternalRef", "externalRefType": "license",
                         "locator": [info["url"]], "comment": info.get("title") or lic})
    if refs:
        pkg["externalRef"] = refs
    return pkg


def _metrics(record: dict[str, Any]) -> list[dict[str, str]]:
    smoke = record.get("smoke")
    if not smoke or record.get("smoke_of_model") is False:
        return []
    from advisor.record.smoke import smoke_summary

    s = smoke_summary(smoke)
    out = [{"type": "DictionaryEntry", "key": "smoke-test checks passed",
            "value": f"{s.checks_passed}/{s.checks_total}"}]
    if s.mean_tokens_per_second is not None:
        out.append({"type": "DictionaryEntry", "key": "decode tokens per second (mean)",
                    "value": f"{s.mean_tokens_per_second:.2f}"})
    if s.mean_ttft_seconds is not None:
        out.append({"type": "DictionaryEntry", "key": "time to first token seconds (mean)",
                    "value": f"{s.mean_ttft_seconds:.4f}"})
    return out


def record_to_spdx_dict(record: Record | dict[str, Any]) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document (a dict) for ``record``."""
    from advisor import __version__

    # Every text one clean line, every url http(s) or none: the format's one escaping layer.
    data = spdx_view(record.data if isinstance(record, Record) else record)
    ids = _Ids(data)
    agent = ids("agent-advisor")
    graph: list[dict[str, Any]] = [
        {"type": "CreationInfo", "@id": CREATION, "specVersion": SPEC_VERSION,
         "created": data["created"], "createdBy": [agent], "createdUsing": [ids("tool-advisor")],
         "comment": f"decision record {data.get('digest') or ''}".strip()},
        {"type": "SoftwareAgent", "spdxId": agent, "creationInfo": CREATION,
         "name": f"advisor {__version__}"},
        {"type": "Tool", "spdxId": ids("tool-advisor"), "creationInfo": CREATION,
         "name": f"advisor {__version__}"},
    ]
    vendor = ((data["chosen"].get("profile") or {}).get("vendor")
              or data["model"].rpartition("/")[0] or None)
    supplier = ids("supplier") if vendor else None
    if supplier:
        graph.append({"type": "Organization", "spdxId": supplier, "creationInfo": CREATION,
                      "name": str(vendor)})
    pkg = _package(data, ids, supplier)
    graph.append(pkg)
    expression, urls = license_expression(data)
    lic: dict[str, Any] = {"type": "simplelicensing_LicenseExpression", "spdxId": ids("license"),
                           "creationInfo": CREATION,
                           "simplelicensing_licenseExpression": expression}
    if urls:
        lic["simplelicensing_customIdToUri"] = [{"type": "DictionaryEntry", "key": k, "value": v}
                                                for k, v in sorted(urls.items())]
    graph.append(lic)
    for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
        graph.append({"type": "Relationship", "spdxId": ids(kind), "creationInfo": CREATION,
                      "from": pkg["spdxId"], "to": [lic["spdxId"]], "relationshipType": kind})
    gguf = data["reproducibility"].get("gguf") or {}
    if gguf.get("sha256") and gguf.get("file") and data.get("smoke_of_model") is not False:
        file_id = ids("gguf")
        graph.append({"type": "software_File", "spdxId": file_id, "creationInfo": CREATION,
                      "name": gguf["file"], "software_primaryPurpose": "model",
                      "verifiedUsing": [{"type": "Hash", "algorithm": "sha256",
                                         "hashValue": gguf["sha256"]}]})
        graph.append({"type": "Relationship", "spdxId": ids("distribution"),
                      "creationInfo": CREATION, "from": pkg["spdxId"], "to": [file_id],
                      "relationshipType": "hasDistributionArtifact"})
    statements = [_verdict_statement(data), *_duty_statements(data)]
    statements += [f"Source: {_source_text(s)}" for s in data.get("sources") or []]
    for statement in statements:
        graph.append(_annotation(ids, pkg["spdxId"], statement))
    considered = [c.get("model") for c in data.get("alternatives") or []]
    doc_id = ids("document")
    if considered:
        graph.append(_annotation(ids, doc_id, "Options weighed and not chosen: "
                                 + ", ".join(f"{c.get('model')} ({c.get('verdict')})"
                                             for c in data["alternatives"])))
    if data.get("digest"):
        graph.append(_annotation(ids, doc_id, f"advisor record digest: {data['digest']} "
                                 "(SHA-256 of the JSON record's canonical content)", "other"))
    elements = [e["spdxId"] for e in graph if "spdxId" in e]
    graph.append({"type": "SpdxDocument", "spdxId": doc_id, "creationInfo": CREATION,
                  "name": data.get("title") or f"Decision record for {data['model']}",
                  "profileConformance": ["core", "software", "ai", "simpleLicensing"],
                  "rootElement": [pkg["spdxId"]], "element": elements})
    return {"@context": CONTEXT, "@graph": graph}


def record_to_spdx(record: Record | dict[str, Any]) -> str:
    """The SPDX 3.0.1 JSON-LD text for ``record``: the one escaping layer of this format
    (outside text is JSON-escaped; raw C1 and bidi characters are written as ``\\uXXXX``)."""
    from advisor.text import json_text

    return json_text(json.dumps(record_to_spdx_dict(record), indent=2, ensure_ascii=False)) + "\n"
