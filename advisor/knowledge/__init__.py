"""The knowledge base: YAML profiles loaded, validated and cross-checked.

    >>> from advisor.knowledge import load_knowledge
    >>> kb = load_knowledge()
    >>> kb.find_model("Qwen/Qwen3-8B").licenses
    ('apache-2.0',)
"""

from advisor.knowledge.hubfacts import HubFacts
from advisor.knowledge.load import Problem, check_profiles, load_knowledge
from advisor.knowledge.model import (
    Component, Jurisdiction, KnowledgeBase, License, ModelProfile, Policy, Rule, Source,
    UseCaseInfo, UsePolicy,
)

__all__ = [
    "Component", "HubFacts", "Jurisdiction", "KnowledgeBase", "License", "ModelProfile",
    "Policy", "Problem", "Rule", "Source", "UseCaseInfo", "UsePolicy", "check_profiles",
    "load_knowledge",
]
