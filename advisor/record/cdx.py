"""The record as a CycloneDX 1.6 JSON BOM describing the chosen model.

The BOM is built with cyclonedx-python-lib. That library (11.x) has no model-card
classes yet, so the ``modelCard`` object (CycloneDX 1.6 ``#/definitions/modelCard``) is
added to the serialized component, and the whole document is then validated with the
library's ``JsonStrictValidator`` for schema 1.6.

    Example (not run)::

        text = record_to_cyclonedx(record)
        json.loads(text)["specVersion"]   # '1.6'
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from advisor.errors import OperationError
from advisor.record.escape import cyclonedx_view, url_path
from advisor.record.model import Record
from advisor.record.smoke import smoke_summary

HUB_URL = "https://huggingface.co"
BOM_REF = "model"
_NAMESPACE = uuid.UUID("6f1b1c5e-8c8e-4c2a-9a57-1d2f7f0c0a11")


def _licenses(record: dict[str, Any]) -> list[Any]:
    from cyclonedx.model import XsUri
    from cyclonedx.model.license import DisjunctiveLicense
    from cyclonedx.spdx import is_supported_id

    out = []
    details = record["reproducibility"].get("license_files") or {}
    chosen = record["chosen"]
    for lic in chosen.get("licenses") or [chosen.get("license") or "unknown"]:
        info = details.get(lic) or {}
        spdx = info.get("spdx")
        url = XsUri(info["url"]) if info.get("url") else None
        if spdx and is_supported_id(spdx):
            out.append(DisjunctiveLicense(id=spdx, url=url))
        else:
            out.append(DisjunctiveLicense(name=info.get("title") or lic, url=url))
    return out


def _external_references(record: dict[str, Any]) -> list[Any]:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri

    model = record["model"]
    repro = record["reproducibility"]
    hub = repro.get("hub") or {}
    revision = hub.get("sha") or "main"
    refs = [
        ExternalReference(type=ExternalReferenceType.MODEL_CARD,
                          url=XsUri(f"{HUB_URL}/{url_path(model)}"),
                          comment="Model card on the Hugging Face Hub"),
        ExternalReference(type=ExternalReferenceType.DISTRIBUTION,
                          url=XsUri(f"{HUB_URL}/{url_path(model)}/tree/{url_path(revision)}"),
                          comment="Hugging Face Hub repository"),
    ]
    for lic, info in sorted((repro.get("license_files") or {}).items()):
        if info.get("url"):
            refs.append(ExternalReference(type=ExternalReferenceType.LICENSE, url=XsUri(info["url"]),
                                          comment=info.get("title") or lic))
    gguf = repro.get("gguf") or {}
    if gguf.get("repo") and gguf.get("file"):
        refs.append(ExternalReference(type=ExternalReferenceType.DISTRIBUTION,
                                      url=XsUri(f"{HUB_URL}/{url_path(gguf['repo'])}/resolve/main/"
                                                f"{url_path(gguf['file'])}"),
                                      comment="GGUF file the smoke test ran"))
    return refs


def _properties(record: dict[str, Any]) -> list[Any]:
    from cyclonedx.model import Property

    chosen = record["chosen"]
    repro = record["reproducibility"]
    props = [
        Property(name="advisor:verdict", value=chosen["verdict"]),
        *([Property(name="advisor:model-verdict", value=chosen["model_verdict"])]
          if chosen.get("model_verdict") else []),
        Property(name="advisor:record-date", value=record["date"]),
        Property(name="advisor:profiles-digest", value=str(repro.get("profiles_digest"))),
    ]
    duties = record.get("duties")
    if duties is None:                       # a record written before duties were split
        for i, obligation in enumerate(chosen.get("obligations") or [], start=1):
            props.append(Property(name=f"advisor:obligation:{i}", value=obligation))
    for i, duty in enumerate(duties or [], start=1):
        kind = "must do" if duty.get("kind") == "must" else f"only if {duty.get('trigger')}"
        props.append(Property(name=f"advisor:duty:{i}",
                              value=f"{kind} ({duty.get('owner')}, {duty.get('when')}; "
                                    f"{duty.get('scope')}): {duty.get('text')}"))
    openness = chosen.get("openness") or {}
    if openness.get("osaid"):
        props.append(Property(name="advisor:osaid", value=str(openness["osaid"])))
    if openness.get("mof_class"):
        props.append(Property(name="advisor:mof-class", value=str(openness["mof_class"])))
    gguf = repro.get("gguf") or {}
    if gguf.get("file"):
        props.append(Property(name="advisor:gguf-file", value=gguf["file"]))
    from advisor.record.comparison_cdx import comparison_properties

    return props + comparison_properties(record)


def _model_card(record: dict[str, Any]) -> dict[str, Any]:
    """The CycloneDX 1.6 ``modelCard`` object: parameters, smoke metrics, considerations."""
    chosen = record["chosen"]
    profile = chosen.get("profile") or {}
    hub = record["reproducibility"].get("hub") or {}
    modalities = profile.get("modalities") or ["text"]
    params: dict[str, Any] = {
        "task": hub.get("pipeline_tag") or "text-generation",
        "inputs": [{"format": m} for m in modalities],
        "outputs": [{"format": "text"}],
    }
    if profile.get("family"):
        params["architectureFamily"] = str(profile["family"])
    card: dict[str, Any] = {"bom-ref": "model-card", "modelParameters": params}
    smoke = record.get("smoke")
    if smoke:
        s = smoke_summary(smoke)
        slice_ = f"advisor smoke, {s.backend or 'llama.cpp'}"
        metrics = [{"type": "smoke-test pass rate", "value": f"{s.pass_rate:.3f}", "slice": slice_},
                   {"type": "smoke-test checks passed", "value": f"{s.checks_passed}/{s.checks_total}",
                    "slice": slice_}]
        if s.mean_tokens_per_second is not None:
            metrics.append({"type": "decode tokens per second (mean)",
                            "value": f"{s.mean_tokens_per_second:.2f}", "slice": slice_})
        if s.mean_ttft_seconds is not None:
            metrics.append({"type": "time to first token seconds (mean)",
                            "value": f"{s.mean_ttft_seconds:.4f}", "slice": slice_})
        if s.load_seconds is not None:
            metrics.append({"type": "load seconds", "value": f"{s.load_seconds:.3f}", "slice": slice_})
        if s.peak_rss_bytes is not None:
            metrics.append({"type": "peak RSS bytes", "value": str(s.peak_rss_bytes), "slice": slice_})
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    from advisor.record.comparison_cdx import comparison_metrics

    compared = comparison_metrics(record)
    if compared:
        analysis = card.setdefault("quantitativeAnalysis", {"performanceMetrics": []})
        analysis["performanceMetrics"] = analysis["performanceMetrics"] + compared
    titles = (record.get("context") or {}).get("use_case_titles") or {}
    use_cases = [titles.get(c, c) for c in record["answers"]["use_case"].get("categories", [])]
    considerations: dict[str, Any] = {}
    if use_cases:
        considerations["useCases"] = use_cases
    limits = [f["message"] for f in chosen.get("findings") or [] if f["severity"] in ("block", "condition")]
    if limits:
        considerations["technicalLimitations"] = limits
    if considerations:
        card["considerations"] = considerations
    return card


def _bom(record: dict[str, Any]) -> Any:
    from cyclonedx.model import HashAlgorithm, HashType
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.tool import ToolRepository
    from packageurl import PackageURL

    from advisor import __version__

    repro = record["reproducibility"]
    model = record["model"]
    group, _, name = model.rpartition("/")
    hub = repro.get("hub") or {}
    gguf = repro.get("gguf") or {}
    hashes = [HashType(alg=HashAlgorithm.SHA_256, content=gguf["sha256"])] if gguf.get("sha256") else []
    profile = record["chosen"].get("profile") or {}
    component = Component(
        type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=BOM_REF, name=name, group=group or None,
        version=hub.get("sha") or None, description=f"{profile.get('family') or 'model'} "
        f"from {profile.get('vendor') or group or 'unknown vendor'}; decision verdict {record['chosen']['verdict']}",
        licenses=_licenses(record), hashes=hashes,
        purl=PackageURL(type="huggingface", namespace=group or None, name=name, version=hub.get("sha") or None),
        external_references=_external_references(record), properties=_properties(record),
    )
    tool = Component(type=ComponentType.APPLICATION, name="advisor", version=__version__)
    created = datetime.strptime(record["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    serial = uuid.uuid5(_NAMESPACE, json.dumps([model, record["created"], repro.get("profiles_digest"),
                                                 gguf.get("sha256")]))
    from advisor.record.comparison_cdx import comparison_components

    from cyclonedx.model import Property

    stamps = [Property(name="advisor:record-digest", value=record["digest"])] \
        if record.get("digest") else []
    stamps += [Property(name="advisor:record-signed-by", value=str(s.get("key_fingerprint")))
               for s in record.get("signatures") or []]
    return Bom(serial_number=serial, components=[component, *comparison_components(record)],
               metadata=BomMetaData(timestamp=created, tools=ToolRepository(components=[tool]),
                                    properties=stamps))


@lru_cache(maxsize=1)
def _validator() -> Any:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6)


def cyclonedx_problem(text: str) -> str | None:
    """The first schema error of a CycloneDX 1.6 JSON text, or None when it validates."""
    error = _validator().validate_str(text)
    return None if error is None else str(error)


def record_to_cyclonedx(record: Record | dict[str, Any]) -> str:
    """A CycloneDX 1.6 JSON BOM for the chosen model, validated against the official schema."""
    import warnings

    from cyclonedx.output.json import JsonV1Dot6

    # Every text one clean line, every url http(s) or none: the format's one escaping layer.
    data = cyclonedx_view(record.data if isinstance(record, Record) else record)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # "no dependencies defined" and similar hints
        doc = json.loads(JsonV1Dot6(_bom(data)).output_as_string())
    for component in doc.get("components", []):
        if component.get("bom-ref") == BOM_REF:
            component["modelCard"] = _model_card(data)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    problem = cyclonedx_problem(text)
    if problem:
        raise OperationError(f"the CycloneDX BOM does not validate against schema 1.6: {problem}")
    return text
