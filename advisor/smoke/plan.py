"""Planning a comparison: how each chosen model will run, and the rows' verdicts.

A plan says, per chosen model, how it runs: a GGUF build on this machine (the best by
quant preference; the user can cycle), a hosted API model (its key variable must be set),
or not at all (with the reason). :func:`run_plans` runs the runnable plans in turn with
the same settings (:func:`advisor.smoke.compare.compare`) and returns the comparison with
each row's verdict and the chosen model. The app's compare screen plans; ``advisor
compare`` names its candidates itself and shares :func:`attach_assessments`.

    >>> Plan("acme/m", SKIP, reason="set ACME_KEY to include it").describe()
    'skipped: set ACME_KEY to include it'
    >>> row_assessment("acme/m", None)
    {'profile': 'acme/m', 'verdict': 'unknown', 'obligations': None, 'vendor': None}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from advisor.knowledge.hosted import key_is_set
from advisor.smoke.builds import Build, LocalFile, builds_on_disk, clues_of
from advisor.smoke.compare import Candidate, CandidateRow, Comparison, CompareSettings

GGUF, API, SKIP = "gguf", "api", "skip"
PlanKind = Literal["gguf", "api", "skip"]
NO_BUILD = "no build on this machine: pull one from the model's GGUF tab"


@dataclass(frozen=True)
class Plan:
    """How one chosen model will run in the comparison."""

    model_id: str
    kind: PlanKind
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

    def cycled(self) -> Plan:
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

    def candidate(self) -> Candidate | None:
        """The comparison candidate for this plan (None when skipped)."""
        if self.kind == GGUF and self.build is not None:
            return Candidate(gguf=self.build.path, repo=self.build.repo)
        if self.kind == API:
            return Candidate.for_api(self.api)
        return None


def plan_for(model_id: str, kb: Any, local_files: Iterable[LocalFile]) -> Plan:
    """How ``model_id`` would run here: a hosted API model needs its key variable set, a
    model with weights needs a build on disk."""
    profile = kb.find_model(model_id) if kb is not None else None
    api = profile.api if profile is not None and profile.hosted else None
    if api is not None:
        if not key_is_set(api):
            return Plan(model_id, SKIP, api=api, reason=f"set {api.key_env} to include it")
        return Plan(model_id, API, api=api)
    builds = builds_on_disk(model_id, kb, local_files)
    if not builds:
        return Plan(model_id, SKIP, reason=NO_BUILD)
    return Plan(model_id, GGUF, builds=builds)


def plan_for_file(path: Path, kb: Any) -> Plan:
    """A plan for one GGUF file opened by path (``advisor compare --gguf PATH``): its own
    line, counted for the profiled model it is a build of, else for the file itself."""
    from advisor.gguf.quant import quant_from_filename
    from advisor.knowledge.matching import builds_of

    ids = builds_of(clues_of(path), kb)
    model = kb.find_model(ids[0]) if kb is not None and ids else None
    return Plan(model.id if model is not None else path.name, GGUF,
                builds=(Build(path, None, quant_from_filename(path.name)),))


def row_assessment(profile: str | None, assessed: Any) -> dict[str, Any]:
    """What a comparison row says of its model (``CandidateRow.assessment``): the profile,
    and the assessment's verdict, obligation count and vendor (unknown without one)."""
    if assessed is None:
        return {"profile": profile, "verdict": "unknown", "obligations": None, "vendor": None}
    return {"profile": profile, "verdict": str(assessed.verdict),
            "obligations": len(assessed.obligations or ()), "vendor": assessed.vendor}


def attach_assessments(comparison: Comparison, profiles: Sequence[str | None],
                       assessed: Sequence[Any]) -> None:
    """Give each row (in order) its profile and that profile's assessment."""
    for row, profile, one in zip(comparison.candidates, profiles, assessed):
        row.assessment = row_assessment(profile, one)


def run_plans(plans: Sequence[Plan], suite: str, settings: CompareSettings, *,
              assessed: Callable[[str], Any], control: Any = None,
              on_progress: Callable[[int, Plan, CandidateRow | None], None] | None = None,
              on_event: Callable[[int, Any], None] | None = None) -> Comparison:
    """Run ``suite`` on every runnable plan in turn with the same ``settings``.

    ``assessed(model_id)`` is the model's assessment (None: unknown). A candidate that
    cannot run (a crash, a refused file, an unreachable endpoint) becomes a row with its
    error; the others still run. ``control`` (a :class:`~advisor.smoke.control.RunControl`)
    cancels: :class:`~advisor.smoke.control.Cancelled` then holds the finished rows, with
    their verdicts, in ``partial``. Returns the comparison with verdicts, chosen and
    fallback."""
    from advisor.smoke.compare import choose, compare
    from advisor.smoke.control import Cancelled
    from advisor.smoke.suites import load_suite

    runnable = [p for p in plans if p.runnable]
    profiles = [p.model_id for p in runnable]
    verdicts = [assessed(p.model_id) for p in runnable]
    progress = ((lambda i, _candidate, row: on_progress(i, runnable[i], row))
                if on_progress else None)
    try:
        comparison = compare([p.candidate() for p in runnable], load_suite(suite), settings,
                             on_progress=progress, on_event=on_event, control=control,
                             row_errors=(Exception,))
    except Cancelled as exc:
        if exc.partial is not None:
            attach_assessments(exc.partial, profiles, verdicts)
        raise
    attach_assessments(comparison, profiles, verdicts)
    choose(comparison)
    return comparison
