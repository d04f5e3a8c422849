"""What the answers need of a model: the use cases' needs and preferences, combined.

Each answered use case says what it needs (``needs``: a model known to lack it is left
out) and prefers (``prefers``: a model that has it ranks higher) in
``profiles/use-cases.yaml``. Several use cases combine so that one model serves them all:
the kinds any model may be are those every use case accepts, modalities and tool calling
add up, the context is the largest asked for. The answers' own modalities are needs too.

    Example (not run)::

        needs = use_needs(kb, ["customer_support"], ["text"], ["de", "fr"])
        needs.interactive, needs.context, "instruct" in needs.kinds
        # -> (True, 8192, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from advisor.knowledge.model import KnowledgeBase, UseCaseInfo

# Modalities a model must list to serve the answers; any text model reads and writes
# text and code, so those are never missing (as the assessment's capability check).
CHECKED_MODALITIES = ("image_input", "audio_input", "image_output")
DEFAULT_CONTEXT = 4096                 # the fit's context where no use case names one


@dataclass(frozen=True)
class UseNeeds:
    """The combined needs and preferences of the answered use cases."""

    use_cases: tuple[str, ...]
    titles: tuple[str, ...]
    kinds: tuple[str, ...] = ()            # empty: any kind
    kinds_by: tuple[str, ...] = ()         # titles of the use cases that restrict kinds
    modalities: tuple[str, ...] = ()
    tool_calling: bool = False
    context: int | None = None
    interactive: bool = False
    languages: tuple[str, ...] = ()
    prefer_kinds: tuple[str, ...] = ()
    prefer_tool_calling: bool = False
    prefer_context: int | None = None

    @property
    def fit_context(self) -> int:
        """The context the memory fit is computed at."""
        return self.context or DEFAULT_CONTEXT

    @property
    def what(self) -> str:
        """The use cases in words: 'Customer support' or 'Coding and Summarization'."""
        return " and ".join(self.titles) or "your use"

    def to_dict(self) -> dict:
        return {"use_cases": list(self.use_cases), "kinds": list(self.kinds),
                "modalities": list(self.modalities), "tool_calling": self.tool_calling,
                "context": self.context, "interactive": self.interactive,
                "languages": list(self.languages),
                "prefers": {"kinds": list(self.prefer_kinds),
                            "tool_calling": self.prefer_tool_calling,
                            "context": self.prefer_context}}


def _largest(values: Iterable[int | None]) -> int | None:
    found = [v for v in values if v]
    return max(found) if found else None


def use_needs(kb: KnowledgeBase, use_cases: Iterable[str], modalities: Iterable[str] = (),
              languages: Iterable[str] = ()) -> UseNeeds:
    """The needs of ``use_cases`` (ids of ``kb.use_cases``; an unknown id asks nothing)
    with the answers' ``modalities`` and ``languages``."""
    infos: list[UseCaseInfo] = [kb.use_cases[u] for u in dict.fromkeys(use_cases)
                                if u in kb.use_cases]
    kinds: tuple[str, ...] = ()
    kinds_by: list[str] = []
    for info in infos:
        if info.needs.kinds:
            kinds = info.needs.kinds if not kinds_by else \
                tuple(k for k in kinds if k in info.needs.kinds)
            kinds_by.append(info.title)
    wanted = [m for m in modalities if m in CHECKED_MODALITIES]
    for info in infos:
        wanted.extend(info.needs.modalities)
    prefer_kinds = [k for info in infos for k in info.prefers.kinds]
    return UseNeeds(
        use_cases=tuple(i.id for i in infos), titles=tuple(i.title for i in infos),
        kinds=kinds, kinds_by=tuple(kinds_by),
        modalities=tuple(dict.fromkeys(m for m in wanted if m in CHECKED_MODALITIES)),
        tool_calling=any(i.needs.tool_calling for i in infos),
        context=_largest(i.needs.context for i in infos),
        interactive=any(i.interactive for i in infos),
        languages=tuple(dict.fromkeys(languages)),
        prefer_kinds=tuple(dict.fromkeys(prefer_kinds)),
        prefer_tool_calling=any(i.prefers.tool_calling for i in infos),
        prefer_context=_largest(i.prefers.context for i in infos))


def needs_of_answers(kb: KnowledgeBase, answers: Mapping) -> UseNeeds:
    """:func:`use_needs` of normalized answers (``Answers.to_dict()``, as an assessment
    keeps them)."""
    use = answers.get("use_case") or {}
    return use_needs(kb, use.get("categories") or (), use.get("modalities") or (),
                     use.get("languages") or ())
