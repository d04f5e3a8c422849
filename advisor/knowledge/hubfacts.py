"""What the Hub says about a repository, reduced to the facts the assessment uses.

The Hub adapter (``advisor.hub.client``) fills it from ``model_info``; the assessment
reads it and never does I/O itself.

    >>> HubFacts(repo_id="bartowski/Llama-3.2-1B-Instruct-GGUF", license_tag="llama3.2",
    ...          base_models=["meta-llama/Llama-3.2-1B-Instruct"])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HubFacts:
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo_id": self.repo_id, "sha": self.sha, "license_tag": self.license_tag,
            "license_name": self.license_name, "license_link": self.license_link,
            "base_models": list(self.base_models), "base_relation": self.base_relation,
            "pipeline_tag": self.pipeline_tag, "tags": list(self.tags), "gated": self.gated,
            "library_name": self.library_name, "last_modified": self.last_modified,
            "base_chain": [b.to_dict() for b in self.base_chain],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "HubFacts":
        data = dict(data)
        data["base_chain"] = [cls.from_dict(b) for b in data.get("base_chain") or []]
        return cls(**data)
