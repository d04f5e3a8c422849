"""A model-family profile drafted from what the Hub says, every fact unconfirmed.

Pure: the command (``advisor profiles draft``) gathers the facts from the Hub and writes
the text; this module only turns them into YAML a person then checks against the model
card and the license. Hub text is untrusted: it goes through the YAML dumper (quoted and
escaped), never into a comment.

    Example (not run)::

        text = draft_profile(DraftFacts(hub=HubFacts(repo_id="org/m", license_tag="mit")), kb)
        text.splitlines()[0]   # 'schema: advisor.model-family/1'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.hubfacts import HubFacts, hub_modalities
from advisor.knowledge.model import COMPONENT_TYPES, KnowledgeBase
from advisor.knowledge.suitability import suitability_from_hub
from advisor.knowledge.hubcard import FileReading, gate_digest, link_target

DTYPE_BYTES = {"float32": 4, "float": 4, "fp32": 4, "bfloat16": 2, "float16": 2, "fp16": 2,
               "half": 2, "bf16": 2, "float8_e4m3fn": 1, "fp8": 1, "int8": 1}


@dataclass(frozen=True)
class DraftFacts:
    """What the command could learn about one repo (None where the Hub said nothing)."""

    hub: HubFacts
    parameters: float | None = None          # from the Hub's safetensors metadata or index
    parameters_source: str | None = None     # which of them
    context_length: int | None = None        # config.json max_position_embeddings
    released: str | None = None              # the repo's creation date, YYYY-MM-DD
    gguf_repos: tuple[str, ...] = ()
    card_languages: tuple[str, ...] = ()     # the card's `language:` entries, as the Hub gives them
    template_tools: bool | None = None       # the chat template takes tools (None: not read)
    notes: tuple[str, ...] = field(default=())
    license_file: FileReading | None = None  # the repo's license file as read (profiles watch)
    gate: tuple[tuple[str, str], ...] = ()   # the card's extra_gated_* fields (watch.gate_fields)


def parameters_from_index(index: Any, config: Any) -> float | None:
    """Parameters from ``model.safetensors.index.json``: its ``metadata.total_parameters``
    when given, else ``total_size`` over the bytes of ``config.json``'s ``torch_dtype``:
    ``parameters_from_index({"metadata": {"total_size": 2e9}}, {"torch_dtype": "bfloat16"})``
    -> ``1e9``."""
    meta = index.get("metadata") if isinstance(index, dict) else None
    if not isinstance(meta, dict):
        return None
    total = meta.get("total_parameters")
    if _count(total):
        return float(total)
    size = meta.get("total_size")
    dtype = config.get("torch_dtype") or config.get("dtype") if isinstance(config, dict) else None
    per = DTYPE_BYTES.get(str(dtype).lower()) if dtype else None
    if _count(size) and per:
        return float(size) / per
    return None


def _count(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and 0 < value < 1e15 and value == value)


def _family(repo_name: str) -> str:
    name = repo_name
    for suffix in ("-GGUF", "-gguf", "-Instruct", "-instruct", "-Chat", "-chat", "-it", "-Base"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def draft_profile(facts: DraftFacts, kb: KnowledgeBase | None = None) -> str:
    """The YAML text of an ``advisor.model-family/1`` file for ``facts.hub.repo_id``."""
    import yaml

    hub = facts.hub
    owner, name = hub.repo_id.split("/", 1)
    license_ids, license_notes = _licenses(hub, kb)
    card = f"https://huggingface.co/{hub.repo_id}"
    sources = [{"title": "Model card (Hugging Face)", "url": card}]
    target = link_target(hub.license_link, hub.repo_id)   # untrusted: checked there
    if target is not None and target[0] == "url":
        sources.append({"title": "License", "url": hub.license_link.strip()})
    elif target is not None:
        sources.append({"title": "License file in the repository",
                        "url": f"{card}/blob/main/{target[1]}"})
    model: dict[str, Any] = {"id": hub.repo_id, "confirmed": False, "licenses": license_ids}
    if hub.base_models:
        model["base_model"] = hub.base_models[0]
    if facts.parameters:
        model["parameters"] = float(f"{facts.parameters:.3g}")
    model["training_tokens"] = None
    model["modalities"] = list(hub_modalities(hub))
    if facts.released:
        model["released"] = dt.date.fromisoformat(facts.released)
    if facts.context_length:
        model["context_length"] = facts.context_length
    suits = suitability_from_hub(hub, facts.card_languages, facts.template_tools)
    model["kind"] = suits.kind
    model["languages"] = list(suits.languages)
    model["tool_calling"] = suits.tool_calling
    model["gated"] = bool(hub.gated)
    model.update(_watched(facts))
    model["gguf_repos"] = list(facts.gguf_repos)
    model["sources"] = sources
    model["openness"] = {cid: {"status": "unknown"} for cid in COMPONENT_TYPES}
    model["openness"]["model_card"] = {"status": "unknown", "evidence": card}
    notes = ["Drafted by `advisor profiles draft` from the Hub; every fact is unconfirmed.",
             *license_notes]
    if hub.base_chain:
        notes.append("Base model chain (nearest first): "
                     f"{' -> '.join(b.repo_id for b in hub.base_chain)}.")
    if facts.parameters_source:
        notes.append(f"Parameters from {facts.parameters_source}.")
    if hub.gated_eu_disallowed:
        notes.append("The Hub gate is closed to the EU (extra_gated_eu_disallowed).")
    notes.extend(suits.notes)
    if facts.license_file is not None and facts.license_file.problem not in (None, "absent"):
        notes.append(f"License file {facts.license_file.path} not read: "
                     f"{facts.license_file.problem}.")
    notes.extend(facts.notes)
    model["notes"] = " ".join(notes)
    document = {"schema": "advisor.model-family/1", "family": _family(name), "vendor": owner,
                "models": [model]}
    header = ("# Drafted from the Hugging Face Hub. Check every fact against the model card and\n"
              "# the license text, fill in the 17 openness components with evidence, then set\n"
              "# `confirmed: true` (or remove it). `advisor profiles check` lists what is open.\n")
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=False, width=100)
    first, rest = body.split("\n", 1)          # the schema line stays the file's first line
    return f"{first}\n{header}{rest}"


def _watched(facts: DraftFacts) -> dict[str, Any]:
    """``license_file`` and ``gate`` as read, so ``advisor profiles watch`` starts clean."""
    out: dict[str, Any] = {}
    read = facts.license_file
    if read is not None and read.problem != "absent":
        out["license_file"] = {"path": read.path, **({"sha256": read.sha256} if read.sha256
                                                      else {})}
    digest = gate_digest(facts.gate)
    if facts.hub.gated or facts.hub.gated_eu_disallowed or digest:
        out["gate"] = {"eu_disallowed": facts.hub.gated_eu_disallowed,
                       **({"sha256": digest} if digest else {})}
    return out


def _licenses(hub: HubFacts, kb: KnowledgeBase | None) -> tuple[list[str], list[str]]:
    known = kb.license_for_hub(hub.license_tag, hub.license_name) if kb is not None else None
    if known is not None:
        return [known.id], [f"The card's license tag {hub.license_tag!r} means profile {known.id}."]
    raw = hub.license_name if hub.license_tag == "other" and hub.license_name else hub.license_tag
    lid = "".join(ch if ch.isalnum() or ch in ".-_" else "-" for ch in (raw or "unknown").lower())[:64]
    return [lid or "unknown"], [f"No license profile matches the card's license "
                                f"{raw or 'none'!r}: add profiles/licenses/{lid or 'unknown'}.yaml "
                                "from the license text."]
