"""The record's comparison in CycloneDX 1.6: each compared model a component, the choice as
properties of the chosen model's component. The record comes escaped for CycloneDX
(:func:`advisor.record.escape.cyclonedx_view`); URLs built here encode their parts.

    Example (not run)::

        [c.bom_ref.value for c in comparison_components(record.data)]
        # -> ['compared-1', 'compared-2']
"""

from __future__ import annotations

from typing import Any

from advisor.record.escape import safe_url, url_path

HUB_URL = "https://huggingface.co"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "unknown" if value is None else str(value)


def _figures(c: dict[str, Any]) -> list[tuple[str, Any]]:
    return [("kind", c.get("kind")), ("profile", c.get("profile")), ("vendor", c.get("vendor")),
            ("verdict", c.get("verdict")), ("obligations", c.get("obligations")),
            ("checks-passed", f"{c.get('checks_passed')}/{c.get('checks_total')}"),
            ("ttft-seconds", c.get("ttft_seconds")),
            ("prompt-tokens-per-second", c.get("prompt_tokens_per_second")),
            ("decode-tokens-per-second", c.get("tokens_per_second")),
            ("peak-rss-bytes", c.get("peak_rss_bytes")), ("error", c.get("error")),
            ("origin", c.get("origin")), ("file", c.get("file")), ("bytes", c.get("bytes"))]


def comparison_properties(record: dict[str, Any]) -> list[Any]:
    """Properties for the chosen model's component: suite, chosen, fallback, vendors."""
    from cyclonedx.model import Property

    section = record.get("comparison")
    if not section:
        return []
    pairs = [("suite", section.get("suite")), ("chosen", section.get("chosen")),
             ("chosen-is-this-model", section.get("chosen_is_model")),
             ("fallback", section.get("fallback")),
             ("fallback-vendor", section.get("fallback_vendor")),
             ("fallback-vendor-differs", section.get("fallback_vendor_differs"))]
    if not section.get("fallback") and section.get("fallback_reason"):
        pairs.append(("no-fallback-reason", section["fallback_reason"]))
    return [Property(name=f"advisor:comparison:{k}", value=_text(v)) for k, v in pairs]


def comparison_components(record: dict[str, Any]) -> list[Any]:
    """One ``machine-learning-model`` component per compared candidate, with its SHA-256,
    its Hub build (purl at the commit) or its endpoint, and its figures as properties."""
    from cyclonedx.model import (ExternalReference, ExternalReferenceType, HashAlgorithm,
                                 HashType, Property, XsUri)
    from cyclonedx.model.component import Component, ComponentType
    from packageurl import PackageURL

    section = record.get("comparison")
    if not section:
        return []
    out = []
    for i, c in enumerate(section.get("candidates") or [], start=1):
        role = ("chosen" if c["model"] == section.get("chosen") else
                "fallback" if c["model"] == section.get("fallback") else "compared")
        props = [Property(name="advisor:comparison:role", value=role)]
        props += [Property(name=f"advisor:comparison:{k}", value=_text(v))
                  for k, v in _figures(c) if v is not None]
        hashes = [HashType(alg=HashAlgorithm.SHA_256, content=c["sha256"])] if c.get("sha256") else []
        refs, purl = [], None
        if c.get("repo") and c.get("revision"):
            group, _, name = c["repo"].rpartition("/")
            purl = PackageURL(type="huggingface", namespace=group or None, name=name,
                              version=c["revision"])
            refs.append(ExternalReference(
                type=ExternalReferenceType.DISTRIBUTION,
                url=XsUri(f"{HUB_URL}/{url_path(c['repo'])}/resolve/{url_path(c['revision'])}/"
                          f"{url_path(c.get('file') or '')}"),
                comment="GGUF build the comparison ran"))
        elif safe_url(c.get("origin")):
            refs.append(ExternalReference(type=ExternalReferenceType.OTHER,
                                          url=XsUri(safe_url(c["origin"])),
                                          comment="OpenAI-compatible endpoint (not verifiable)"))
        out.append(Component(type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=f"compared-{i}",
                             name=c["model"], version=c.get("revision") or None,
                             description=f"compared in suite {section.get('suite')} ({role})",
                             hashes=hashes, purl=purl, external_references=refs,
                             properties=props))
    return out


def comparison_metrics(record: dict[str, Any]) -> list[dict[str, str]]:
    """The record's model's figures in the comparison, as model-card performance metrics
    (sliced by the comparison's suite, apart from any smoke test's)."""
    section = record.get("comparison") or {}
    row = next((c for c in section.get("candidates") or []
                if c["model"] == section.get("model_candidate")), None)
    if row is None or row.get("error"):
        return []
    slice_ = f"advisor compare, suite {section.get('suite')}, {row.get('backend') or 'unknown'}"
    out = [{"type": "comparison checks passed",
            "value": f"{row.get('checks_passed')}/{row.get('checks_total')}", "slice": slice_}]
    for key, label, spec in (("tokens_per_second", "decode tokens per second (mean)", ".2f"),
                             ("prompt_tokens_per_second", "prompt tokens per second (mean)", ".2f"),
                             ("ttft_seconds", "time to first token seconds (mean)", ".4f"),
                             ("peak_rss_bytes", "peak RSS bytes", "d")):
        if isinstance(row.get(key), (int, float)):
            out.append({"type": label, "value": f"{row[key]:{spec}}", "slice": slice_})
    return out
