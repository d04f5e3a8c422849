"""What the Hub says about a repository, reduced to the facts the assessment uses.

The Hub adapter (``advisor.hub.facts``) fills it from ``model_info``; the assessment
reads it and never does I/O itself.

    >>> facts = HubFacts(repo_id="someone/Llama-3.2-1B-Instruct-GGUF", license_tag="llama3.2",
    ...                  pipeline_tag="image-text-to-text")
    >>> hub_modalities(facts), facts.with_gguf({"general.license": "mit"}).gguf_license
    (('text', 'image_input'), 'mit')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from advisor.gguf.metadata import license_facts

# Hub pipeline tags that mean the model takes images or audio as input.
IMAGE_PIPELINES = {"image-text-to-text", "image-to-text", "visual-question-answering",
                   "video-text-to-text", "any-to-any", "document-question-answering"}
AUDIO_PIPELINES = {"audio-text-to-text", "automatic-speech-recognition", "audio-to-audio",
                   "any-to-any"}


@dataclass(frozen=True)
class HubFacts:
    """What the Hub says about a repository the profiles lack."""

    repo_id: str
    sha: str | None = None
    license_tag: str | None = None          # card data `license:` (e.g. "llama3.2", "other")
    license_name: str | None = None         # card data `license_name:` when the tag is "other"
    license_link: str | None = None
    base_models: list[str] = field(default_factory=list)
    base_relation: str | None = None        # "quantized", "finetune", "adapter", "merge" where declared
    pipeline_tag: str | None = None
    tags: list[str] = field(default_factory=list)
    gated: bool | str = False
    library_name: str | None = None
    last_modified: str | None = None
    base_chain: list["HubFacts"] = field(default_factory=list)   # base models' facts, nearest first
    gated_eu_disallowed: bool = False       # card data `extra_gated_eu_disallowed: true`
    gguf_license: str | None = None         # a GGUF file's `general.license`
    gguf_base_models: list[str] = field(default_factory=list)    # its `general.base_model.N.*`
    parameters: float | None = None         # the reply's gguf.total, else safetensors (unpacked)
    parameters_basis: str | None = None     # which, and how packed dtypes were read
    context_length: int | None = None       # the reply's gguf.context_length
    architecture: str | None = None         # gguf.architecture, else config.model_type
    answered_as: str | None = None          # the reply's id when it named another repo than asked

    def to_dict(self) -> dict[str, Any]:
        out = {
            "repo_id": self.repo_id, "sha": self.sha, "license_tag": self.license_tag,
            "license_name": self.license_name, "license_link": self.license_link,
            "base_models": list(self.base_models), "base_relation": self.base_relation,
            "pipeline_tag": self.pipeline_tag, "tags": list(self.tags), "gated": self.gated,
            "library_name": self.library_name, "last_modified": self.last_modified,
            "base_chain": [b.to_dict() for b in self.base_chain],
            "gated_eu_disallowed": self.gated_eu_disallowed, "gguf_license": self.gguf_license,
            "gguf_base_models": list(self.gguf_base_models), "parameters": self.parameters,
            "parameters_basis": self.parameters_basis, "context_length": self.context_length,
            "architecture": self.architecture,
        }
        if self.answered_as:           # only then: records without it stay as they were
            out["answered_as"] = self.answered_as
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "HubFacts":
        data = dict(data)
        data["base_chain"] = [cls.from_dict(b) for b in data.get("base_chain") or []]
        return cls(**data)

    def with_gguf(self, metadata: Mapping[str, Any]) -> "HubFacts":
        """These facts plus what a GGUF header's ``general.*`` keys say about the license
        and base models: ``facts.with_gguf(header.metadata)``."""
        license_, bases = license_facts(metadata)
        return replace(self, gguf_license=license_, gguf_base_models=bases)


def hub_modalities(facts: HubFacts | None) -> tuple[str, ...]:
    """Input modalities implied by the Hub's pipeline tags of a repo and its bases."""
    out = ["text"]
    for item in [facts, *(facts.base_chain if facts else [])]:
        tag = (item.pipeline_tag or "") if item else ""
        if tag in IMAGE_PIPELINES and "image_input" not in out:
            out.append("image_input")
        if tag in AUDIO_PIPELINES and "audio_input" not in out:
            out.append("audio_input")
    return tuple(out)
