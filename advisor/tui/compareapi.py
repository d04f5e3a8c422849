"""The TUI's view of ``advisor.smoke.compare``: how each marked model will run, and the run.

A plan says, per marked model, how it runs: a GGUF build on this machine (the best by
quant preference; the user can cycle), a hosted API model (its key variable must be set),
or not at all (with the reason). :func:`run_compare` runs the runnable plans one after
another in a worker thread with the same settings, relaying live events, and returns the
:class:`~advisor.smoke.compare.Comparison` with verdicts and the chosen model filled in.

    Example (not run)::

        plans = [plan_for(m, kb, local_models) for m in ["HuggingFaceTB/SmolLM2-135M-Instruct"]]
        plans[0].kind, plans[0].describe()
        # -> ('gguf', 'GGUF Q4_1 · SmolLM2-135M-Instruct.Q4_1.gguf')
        cmp = run_compare(plans, "general", CompareSettings(threads=2), verdicts={},
                          cancel=threading.Event())
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from advisor.knowledge.hosted import key_is_set
from advisor.tui.smokeapi import Cancelled

GGUF, API, SKIP = "gguf", "api", "skip"
NO_BUILD = "no build on this machine: pull one from the model's GGUF tab"


@dataclass(frozen=True)
class Build:
    """One local GGUF file that is a build of the planned model."""

    path: Path
    repo: str | None = None
    quant: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Plan:
    """How one marked model will run in the comparison."""

    model_id: str
    kind: str                                  # gguf | api | skip
    builds: tuple[Build, ...] = ()
    index: int = 0                             # the build in use (gguf)
    api: Any = None                            # a hosted model's ApiAccess (its profile's api)
    reason: str = ""                           # why it is skipped

    @property
    def runnable(self) -> bool:
        return self.kind != SKIP

    @property
    def build(self) -> Build | None:
        return self.builds[self.index] if self.kind == GGUF and self.builds else None

    def cycled(self) -> "Plan":
        """The same plan with the next build on this machine (unchanged with one or none)."""
        if self.kind != GGUF or len(self.builds) < 2:
            return self
        return replace(self, index=(self.index + 1) % len(self.builds))

    def describe(self) -> str:
        """One line saying how it runs (plain text; file names come from the disk)."""
        if self.kind == GGUF and self.build is not None:
            more = (f" ({self.index + 1} of {len(self.builds)}, b cycles)"
                    if len(self.builds) > 1 else "")
            return f"GGUF {self.build.quant or '?'} · {self.build.name}{more}"
        if self.kind == API:
            from advisor.smoke.keys import key_plan

            return (f"API {self.api.provider} · {self.api.model} "
                    f"({key_plan(self.api.base_url, self.api.key_env).note()})")
        return f"skipped: {self.reason}"

    def candidate(self) -> Any:
        """The ``advisor.smoke.compare.Candidate`` for this plan (None when skipped)."""
        from advisor.smoke.compare import Candidate

        if self.kind == GGUF and self.build is not None:
            return Candidate(gguf=self.build.path, repo=self.build.repo)
        if self.kind == API:
            return Candidate.for_api(self.api)
        return None


def builds_on_disk(model_id: str, kb: Any, local_models: Iterable[Any]) -> tuple[Build, ...]:
    """The local files (the app's ``LocalModel`` list) that are builds of ``model_id``, best
    quant first (``advisor.gguf.quant.recommend_rank``), then by file name.

    Example (not run)::

        [b.name for b in builds_on_disk("HuggingFaceTB/SmolLM2-135M-Instruct", kb, found)]
        # -> ['SmolLM2-135M-Instruct.Q8_0.gguf', 'SmolLM2-135M-Instruct.Q4_1.gguf']
    """
    from advisor.gguf.quant import quant_from_filename, recommend_rank
    from advisor.knowledge.matching import FileClues, builds_of

    wanted = model_id.lower()
    found = []
    for local in local_models:
        path = Path(local.path)
        repo = getattr(local, "repo", None)
        if wanted in builds_of(FileClues.of(repo=repo, path=path), kb):
            found.append(Build(path, repo, quant_from_filename(path.name)))
    return tuple(sorted(found, key=lambda b: (recommend_rank(b.quant), b.name)))


def plan_for(model_id: str, kb: Any, local_models: Iterable[Any]) -> Plan:
    """How ``model_id`` would run here: a hosted API model needs its key variable set, a
    model with weights needs a build on disk."""
    profile = kb.find_model(model_id) if kb is not None else None
    api = getattr(profile, "api", None)
    if profile is not None and getattr(profile, "hosted", False) and api is not None:
        if not key_is_set(api):
            return Plan(model_id, SKIP, api=api, reason=f"set {api.key_env} to include it")
        return Plan(model_id, API, api=api)
    builds = builds_on_disk(model_id, kb, local_models)
    if not builds:
        return Plan(model_id, SKIP, reason=NO_BUILD)
    return Plan(model_id, GGUF, builds=builds)


def plan_for_file(path: Path, kb: Any) -> Plan:
    """A plan for one GGUF file opened by path (``advisor compare --gguf PATH``): its own
    line, counted for the profiled model it is a build of, else for the file itself."""
    from advisor.gguf.quant import quant_from_filename
    from advisor.knowledge.matching import FileClues, builds_of

    ids = builds_of(FileClues.of(path=path), kb)
    model = kb.find_model(ids[0]) if kb is not None and ids else None
    return Plan(model.id if model is not None else path.name, GGUF,
                builds=(Build(path, None, quant_from_filename(path.name)),))


@dataclass
class Verdict:
    """What the assessment says of a model, for the comparison's verdict columns."""

    verdict: str | None
    obligations: int | None
    vendor: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def verdict_of(candidate: Any) -> Verdict:
    """From an assessment candidate (``app.candidate(id)``); unknown when there is none."""
    if candidate is None:
        return Verdict("unknown", None, None)
    return Verdict(str(candidate.verdict), len(candidate.obligations or ()),
                   getattr(candidate, "vendor", None))


def run_compare(plans: list[Plan], suite: str, settings: Any, *,
                verdicts: Mapping[str, Verdict], cancel: threading.Event,
                on_progress: Callable[[int, Plan, Any], None] | None = None,
                on_event: Callable[[int, Any], None] | None = None) -> Any:
    """Run ``suite`` on every runnable plan in turn with the same ``settings``.

    ``on_progress(i, plan, row)`` before (row None) and after each candidate;
    ``on_event(i, event)`` its live smoke events. A candidate that cannot run (a crash,
    a refused file, an unreachable endpoint) becomes a row with its error; the others
    still run. Cancelling raises :class:`Cancelled` whose ``partial`` holds the rows that
    finished. Returns the Comparison with verdicts, chosen and fallback."""
    from advisor.errors import AdvisorError
    from advisor.smoke.compare import CandidateRow, Comparison, choose, compare
    from advisor.smoke.suites import load_suite

    loaded = load_suite(suite)
    runnable = [p for p in plans if p.runnable]
    rows: list[Any] = []

    def relay(index: int) -> Callable[[int, Any], None]:
        def forward(_i: int, event: Any) -> None:
            if cancel.is_set():
                raise Cancelled()
            if on_event is not None:
                on_event(index, event)
        return forward

    def partial() -> Any:
        return Comparison(suite=loaded.name, settings=settings, candidates=list(rows))

    for index, plan in enumerate(runnable):
        if cancel.is_set():
            raise _cancelled(partial())
        if on_progress:
            on_progress(index, plan, None)
        candidate = plan.candidate()
        try:
            row = compare([candidate], loaded, settings, on_event=relay(index)).candidates[0]
        except Cancelled:
            raise _cancelled(partial()) from None
        except AdvisorError as exc:            # a refused file or template: this row only
            row = CandidateRow.from_error(candidate, exc)
        except Exception as exc:  # noqa: BLE001 - one candidate never ends the others
            if cancel.is_set():
                raise _cancelled(partial()) from None
            row = CandidateRow.from_error(candidate, RuntimeError(
                f"{type(exc).__name__}: {exc}"))
        if cancel.is_set() and row.error is not None:
            raise _cancelled(partial())
        got = verdicts.get(plan.model_id.lower()) or Verdict("unknown", None, None)
        row.assessment = {"profile": plan.model_id, "verdict": got.verdict,
                          "obligations": got.obligations, "vendor": got.vendor}
        rows.append(row)
        if on_progress:
            on_progress(index, plan, row)
    comparison = partial()
    choose(comparison)
    return comparison


def _cancelled(comparison: Any) -> Cancelled:
    exc = Cancelled()
    exc.partial = comparison               # type: ignore[attr-defined]
    return exc


def _profile_of(comparison: Any, label: str | None) -> str | None:
    """The profile id of the candidate labelled ``label`` (None when none matches)."""
    if comparison is None or not label:
        return None
    for row in comparison.candidates:
        if row.model == label:
            return (row.assessment or {}).get("profile")
    return None


def chosen_model(comparison: Any) -> str | None:
    """The profile id of the comparison's chosen candidate (None when none was chosen)."""
    return _profile_of(comparison, getattr(comparison, "chosen", None))


def fallback_model(comparison: Any) -> str | None:
    """The profile id of the fallback candidate (another vendor), None when there is none."""
    return _profile_of(comparison, getattr(comparison, "fallback", None))


def stop_child(pid: int | None) -> None:
    """Stop the running candidate's llama.cpp child at once (see smokeapi.stop_child)."""
    from advisor.tui.smokeapi import stop_child as stop

    stop(pid)
