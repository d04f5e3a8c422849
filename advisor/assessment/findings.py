"""Findings the engine makes itself (not from a profile's rule), and the sources they cite:
the sections of profiles/README.md that document them, the OSAID, the GGUF specification
and a repository's Hub card.

    >>> engine_finding("info", "base_model", "derives from ...", card("org/m")).source.section
    'model card, read under Engine findings: base_model'
"""

from __future__ import annotations


from advisor.assessment.result import Finding
from advisor.frozen import replace
from advisor.knowledge.model import Source
from advisor.vocab import Severity

ENGINE_SOURCE = Source(title="advisor assessment engine")
OSAID_SOURCE = Source(title="The Open Source AI Definition 1.0", section="What is Open Source AI",
                      url="https://opensource.org/ai/open-source-ai-definition")
GGUF_METADATA_SOURCE = Source(title="GGUF specification", section="General metadata",
                              url="https://github.com/ggml-org/ggml/blob/master/docs/gguf.md")
KB_DOCS = "profiles/README.md"       # the knowledge base's own documentation, shipped with it


def kb_doc(section: str, anchor: str) -> Source:
    """A source pointing at a section of profiles/README.md, for findings the engine
    makes itself: ``kb_doc("Engine findings: unknown_model", "unknown_model")``."""
    return Source(title="advisor knowledge base documentation", section=section,
                  url=f"{KB_DOCS}#{anchor}")


def card(repo_id: str) -> Source:
    """The Hub model card of ``repo_id``, as a source."""
    return Source(title="Hugging Face model card", url=f"https://huggingface.co/{repo_id}")


OPENNESS_SOURCE = kb_doc("Openness levels (needs.openness)", "openness-levels-needsopenness")

# Where profiles/README.md documents each finding the engine makes itself.
ENGINE_DOCS = {
    "unknown_model": kb_doc("Engine findings: unknown_model", "unknown_model"),
    "unknown_license": kb_doc("Engine findings: unknown_license", "unknown_license"),
    "review": kb_doc("Engine findings: review", "review"),
    "openness": OPENNESS_SOURCE,
    "law_not_assessed": kb_doc("Engine findings: law not assessed", "law-not-assessed"),
    "gated": kb_doc("Engine findings: gated", "gated"),
    "base_model": kb_doc("Engine findings: base_model", "base_model"),
    "capability": kb_doc("Engine findings: capability", "capability"),
}


def engine_finding(severity: Severity, code: str, message: str,
                   source: Source = ENGINE_SOURCE, obligation: str | None = None) -> Finding:
    """A finding of the engine's own, citing where profiles/README.md documents ``code``
    (or ``source``, with that section named when it has none, as a Hub card)."""
    doc = ENGINE_DOCS.get(code, ENGINE_DOCS["review"])
    if source is ENGINE_SOURCE:
        source = doc
    elif not source.section:          # a Hub card has no sections: name the rule applied
        source = replace(source, section=f"model card, read under {doc.section}")
    return Finding(severity=severity, code=code, message=message, source=source,
                   obligation=obligation, origin="engine")
