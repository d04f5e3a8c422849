"""What the app knows during a session, typed: the knowledge base, the answers and their
assessment, what the Hub said, the smoke runs and the last comparison.

The app holds one :class:`AppState` (``app.state``); screens read it and change it
through the app's methods (``set_answers``, ``add_hub_facts``, ``add_smoke_run``), which
re-assess and tell the screens.

    >>> state = AppState(kb=None, answers=None)
    >>> state.candidate("acme/m") is None, state.unsaved
    (True, False)
    >>> state.add_smoke_run(SmokeRun("/m/a.gguf", ["acme/m"], {"passed": True}))
    >>> state.smoke_results["acme/m"]["passed"]
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.answers import Answers
    from advisor.assessment.result import Assessment, Candidate
    from advisor.knowledge.hubfacts import HubFacts
    from advisor.knowledge.model import KnowledgeBase, ModelProfile


@dataclass(frozen=True)
class SmokeRun:
    """One finished smoke test: the file (or pull) it ran, the profiled models that file
    is a build of (lower-case ids; the result counts for those only), the result document
    (``advisor.smoke/1``)."""

    source: str
    builds_of: list[str]
    result: dict[str, Any]


@dataclass
class AppState:
    """The session's data (see the module)."""

    kb: KnowledgeBase | None
    answers: Answers | None
    assessment: Assessment | None = None
    saved_answers: Answers | None = None       # the answers as last loaded or saved
    # True while the answers are the example the app starts with (no answers file): the
    # interview says so, and what is still untouched counts as assumed.
    example_loaded: bool = False
    hub_facts: dict[str, HubFacts] = field(default_factory=dict)   # by repo id
    smoke_results: dict[str, dict[str, Any]] = field(default_factory=dict)  # by model id (lower)
    smoke_runs: list[SmokeRun] = field(default_factory=list)      # every run, oldest first
    comparison: dict[str, Any] | None = None   # the last finished comparison (advisor.comparison/1)
    last_assess_ms: float = 0.0

    def candidate(self, model_id: str) -> Candidate | None:
        """The assessment of ``model_id`` (any case), None when it has none."""
        return self.assessment.candidate(model_id) if self.assessment is not None else None

    def profile(self, model_id: str | None) -> ModelProfile | None:
        """The profile of ``model_id`` (a model id or one of its GGUF repos), or None."""
        return self.kb.find_model(model_id) if self.kb is not None and model_id else None

    @property
    def unsaved(self) -> bool:
        """The answers changed since they were last loaded or saved."""
        return self.saved_answers is not None and self.answers != self.saved_answers

    def add_smoke_run(self, run: SmokeRun) -> None:
        """Keep a finished run; its result counts for the models the file is a build of."""
        self.smoke_runs.append(run)
        for model in run.builds_of:
            self.smoke_results[model] = run.result
