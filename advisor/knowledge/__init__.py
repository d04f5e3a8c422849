"""The knowledge base: YAML profiles loaded, validated and cross-checked.

    >>> from advisor.knowledge import load_knowledge
    >>> kb = load_knowledge()
    >>> kb.find_model("Qwen/Qwen3-8B").licenses
    ('apache-2.0',)

The names below are imported on first use (PEP 562): ``import advisor.knowledge.model``
need not load the readers, the Hub's facts or the GGUF vocabulary.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Component", "HubFacts", "Jurisdiction", "KnowledgeBase", "License", "ModelProfile",
    "Policy", "Problem", "Rule", "Source", "UseCaseInfo", "UsePolicy", "check_profiles",
    "load_knowledge",
]


def __getattr__(name: str) -> Any:
    if name == "HubFacts":
        from advisor.knowledge.hubfacts import HubFacts

        return HubFacts
    if name in ("Problem", "check_profiles", "load_knowledge"):
        from advisor.knowledge import load

        return getattr(load, name)
    if name in __all__:
        from advisor.knowledge import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
