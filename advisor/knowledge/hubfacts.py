"""What the Hub says about a repository, reduced to the facts the assessment uses.

The Hub adapter (``advisor.hub.client``) fills it from ``model_info``; the assessment
reads it and never does I/O itself.

    >>> HubFacts(repo_id="bartowski/Llama-3.2-1B-Instruct-GGUF", license_tag="llama3.2",
    ...          base_models=["meta-llama/Llama-3.2-1B-Instruct"])
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    gated_eu_disallowed: bool = False       # card data `extra_gated_eu_disallowed: true`
    gguf_license: str | None = None         # a GGUF file's `general.license`
    gguf_base_models: list[str] = field(default_factory=list)    # its `general.base_model.N.*`
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
            "gguf_base_models": list(self.gguf_base_models),
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
        license_, bases = gguf_license_facts(metadata)
        return replace(self, gguf_license=license_, gguf_base_models=bases)


_REPO_URL = re.compile(r"^https://huggingface\.co/([A-Za-z0-9][\w.-]{0,95})/([\w.-]{1,96})/?$")
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}$")
MAX_GGUF_BASES = 16


def gguf_license_facts(metadata: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """``general.license`` and the Hub repo ids of ``general.base_model.N.repo_url`` (or
    ``.organization`` + ``.name``) in a GGUF header's metadata; untrusted text, so only a
    short printable license id and well-formed repo ids come through:
    ``gguf_license_facts({"general.license": "apache-2.0"})`` -> ``("apache-2.0", [])``."""
    raw = metadata.get("general.license")
    license_ = raw.strip() if isinstance(raw, str) else None
    if license_ and (len(license_) > 100 or not license_.isprintable()):
        license_ = None
    count = metadata.get("general.base_model.count")
    count = count if isinstance(count, int) and not isinstance(count, bool) else 0
    bases: list[str] = []
    for index in range(max(0, min(count, MAX_GGUF_BASES))):
        url = metadata.get(f"general.base_model.{index}.repo_url")
        match = _REPO_URL.match(url.strip()) if isinstance(url, str) else None
        if match:
            repo = f"{match.group(1)}/{match.group(2)}"
        else:
            org = metadata.get(f"general.base_model.{index}.organization")
            name = metadata.get(f"general.base_model.{index}.name")
            repo = f"{org}/{name}".replace(" ", "-") if isinstance(org, str) and isinstance(name, str) else ""
        if _REPO_ID.match(repo) and ".." not in repo and repo not in bases:
            bases.append(repo)
    return license_ or None, bases
