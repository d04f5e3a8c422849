"""Run one suite over several candidates in turn, with the same settings, and compare.

Local GGUFs (and builds pulled from the Hub) go through :func:`run_smoke` in its child
process; OpenAI-compatible endpoints through the same function's endpoint path. Every
candidate gets the same suite, context, threads, GPU plan, seed and timeout. A candidate
that cannot run (llama.cpp crashes, the endpoint is unreachable) becomes a row with its
``error``; the others still run.

    Example (not run)::

        cmp = compare([Candidate(gguf=Path("a.gguf")), Candidate(endpoint="http://h:8000",
                       model="m")], load_suite("general"), CompareSettings(threads=2))
        cmp.to_dict()["candidates"][0]["tokens_per_second"]
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from advisor.errors import AdvisorError, OperationError
from advisor.smoke.control import Cancelled, RunControl
from advisor.smoke.probes import probe_scores
from advisor.smoke.result import SmokeResult
from advisor.smoke.runner import DEFAULT_CTX, DEFAULT_SEED, DEFAULT_TIMEOUT, SmokeSpec, run_smoke
from advisor.smoke.suites import Suite
from advisor.vocab import VERDICT_RANK

SCHEMA = "advisor.comparison/1"


@dataclass(frozen=True)
class Candidate:
    """A local GGUF (``gguf``, optionally pulled from ``repo``) or ``endpoint`` + ``model``
    (a hosted API model of the profiles: also its ``profile`` id, which labels the row)."""

    gguf: Path | None = None
    endpoint: str | None = None
    model: str | None = None
    repo: str | None = None
    key_env: str | None = None        # the environment variable holding this endpoint's key
    request: Any = None               # a hosted profile's request shape (its ApiAccess)
    profile: str | None = None        # a hosted API model's profile id (openai-api/gpt-5.1)
    name: str | None = None           # the row's label where the usual one is taken twice

    @classmethod
    def for_api(cls, api: Any, profile: str | None = None) -> "Candidate":
        """A hosted model reached through its profile's ``api`` (an ``ApiAccess``): endpoint,
        model name, key variable and request shape; ``profile`` labels the row."""
        return cls(endpoint=api.base_url, model=api.model, key_env=api.key_env, request=api,
                   profile=profile)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.profile:
            return self.profile
        if self.endpoint:
            return str(self.model)
        return self.gguf.name if self.gguf else str(self.repo)


@dataclass(frozen=True)
class CompareSettings:
    """What every candidate shares."""

    gpu: str = "auto"
    n_ctx: int = DEFAULT_CTX
    threads: int | None = None
    seed: int = DEFAULT_SEED
    timeout: float = DEFAULT_TIMEOUT
    hash_file: bool | None = False
    record_hash: bool = True          # hash each local GGUF after its run (for record verify)

    def to_dict(self) -> dict[str, Any]:
        return {"gpu": self.gpu, "n_ctx": self.n_ctx, "threads": self.threads,
                "seed": self.seed, "timeout": self.timeout}


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return sum(got) / len(got) if got else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


@dataclass
class CandidateRow:
    """One candidate's figures (means over the suite's prompts) or its ``error``."""

    model: str                        # the GGUF's file name, or the endpoint's model name
    backend: str | None
    runner: str
    source: str                       # the GGUF path, or the endpoint's chat URL
    passed: bool = False
    checks_passed: int = 0
    checks_total: int = 0
    prompts_passed: int = 0
    prompts_total: int = 0
    ttft_seconds: float | None = None
    prompt_tokens_per_second: float | None = None
    tokens_per_second: float | None = None
    peak_rss_bytes: int | None = None
    load_seconds: float | None = None
    gpu_layers: int | None = None
    sha256: str | None = None
    error: str | None = None
    name: str | None = None           # the GGUF's general.name (untrusted metadata)
    failures: list[str] = field(default_factory=list)
    assessment: dict[str, Any] | None = None   # verdict, obligations, vendor (--answers)
    probe: dict[str, Any] | None = None        # a probe suite's scores (advisor.smoke.probes)
    # What `advisor record verify` can check later (see identify):
    file_bytes: int | None = None     # the local GGUF's size
    repo: str | None = None           # the Hub repo a pulled build came from
    file: str | None = None           # its file name in that repo
    revision: str | None = None       # the commit the pull resolved
    origin: str | None = None         # an endpoint's scheme://host:port
    profile: str | None = None        # a hosted API model's profile id (known without --answers)

    @classmethod
    def from_result(cls, candidate: Candidate, result: SmokeResult) -> "CandidateRow":
        checks = [c for p in result.prompts for c in p.checks]
        return cls(
            model=candidate.label, name=result.model, backend=result.backend,
            runner=result.runner,
            source=result.endpoint or result.model_path or candidate.label,
            passed=result.passed, checks_passed=sum(c.passed for c in checks),
            checks_total=len(checks), prompts_passed=sum(p.passed for p in result.prompts),
            prompts_total=len(result.prompts),
            ttft_seconds=_mean([p.ttft_seconds for p in result.prompts]),
            prompt_tokens_per_second=_mean([p.prompt_tokens_per_second
                                            for p in result.prompts]),
            tokens_per_second=result.measured_tokens_per_second,
            peak_rss_bytes=result.peak_rss_bytes if result.runner != "endpoint" else None,
            load_seconds=result.load_seconds,
            gpu_layers=result.gpu_layers if result.runner != "endpoint" else None,
            sha256=result.sha256,
            failures=[f"{pid}: {what}" for pid, what in result.failures()],
            probe=probe_scores(result), profile=candidate.profile)

    @classmethod
    def from_error(cls, candidate: Candidate, error: Exception) -> "CandidateRow":
        local = candidate.endpoint is None
        return cls(model=candidate.label, backend=None,
                   runner="llama.cpp" if local else "endpoint",
                   source=str(candidate.gguf) if local else str(candidate.endpoint),
                   error=str(error), profile=candidate.profile)

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "model": self.model, "name": self.name, "backend": self.backend, "runner": self.runner,
            "source": self.source, "passed": self.passed,
            "checks_passed": self.checks_passed, "checks_total": self.checks_total,
            "prompts_passed": self.prompts_passed, "prompts_total": self.prompts_total,
            "ttft_seconds": _round(self.ttft_seconds, 4),
            "prompt_tokens_per_second": _round(self.prompt_tokens_per_second, 2),
            "tokens_per_second": _round(self.tokens_per_second, 2),
            "peak_rss_bytes": self.peak_rss_bytes,
            "load_seconds": _round(self.load_seconds, 4), "gpu_layers": self.gpu_layers,
            "sha256": self.sha256, "error": self.error, "failures": list(self.failures),
            "probe": self.probe,
            "bytes": self.file_bytes, "repo": self.repo, "file": self.file,
            "revision": self.revision, "origin": self.origin,
            "verifiable": self.runner != "endpoint" and bool(self.sha256 or self.revision),
            "verify_note": ENDPOINT_NOTE if self.runner == "endpoint" else None,
        }
        assessed = self.assessment or {}
        doc["verdict"] = assessed.get("verdict")
        doc["obligations"] = assessed.get("obligations")
        doc["vendor"] = assessed.get("vendor")
        doc["profile"] = assessed.get("profile") or self.profile
        return doc


ENDPOINT_NOTE = ("an endpoint: its weights and revision cannot be checked from outside; "
                 "only its origin and model name are recorded")


def snapshot_of(path: Path | str) -> tuple[str, str, str] | None:
    """(repo, commit, file) of a path in the HF cache's ``models--org--name/snapshots/
    <commit>/<file>`` layout (where ``advisor pull`` puts a build), else None.

    >>> snapshot_of("/h/hub/models--org--m-GGUF/snapshots/" + "a" * 40 + "/m-Q4_0.gguf")
    ('org/m-GGUF', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'm-Q4_0.gguf')
    """
    import re

    parts = Path(path).parts
    for i in range(len(parts) - 3, 0, -1):
        if (parts[i] == "snapshots" and parts[i - 1].startswith("models--")
                and re.fullmatch(r"[0-9a-f]{40}", parts[i + 1])):
            repo = parts[i - 1][len("models--"):].replace("--", "/")
            return repo, parts[i + 1], "/".join(parts[i + 2:])
    return None


def identify(row: CandidateRow, candidate: Candidate, settings: CompareSettings) -> None:
    """Fill what ``record verify`` checks: a local GGUF's SHA-256 and size (hashed here, in
    the parent after the run, never inside the timed path), a pulled build's repo, file
    and commit, an endpoint's origin."""
    import stat
    from urllib.parse import urlsplit

    if candidate.endpoint:
        parts = urlsplit(candidate.endpoint)
        row.origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        return
    if candidate.gguf is None:
        return
    found = snapshot_of(candidate.gguf)
    if found:
        row.repo, row.revision, row.file = found
    else:
        row.repo, row.file = candidate.repo, Path(candidate.gguf).name
    try:
        info = os.stat(candidate.gguf)
    except OSError:
        return
    if stat.S_ISREG(info.st_mode):
        row.file_bytes = info.st_size
        if row.sha256 is None and settings.record_hash:
            from advisor.smoke.modelfile import sha256_file

            with contextlib.suppress(OSError):
                row.sha256 = sha256_file(Path(candidate.gguf))


@dataclass
class Comparison:
    suite: str
    settings: CompareSettings
    candidates: list[CandidateRow]
    chosen: str | None = None
    fallback: str | None = None
    fallback_reason: str | None = None

    @property
    def all_ran(self) -> bool:
        return all(row.error is None for row in self.candidates)

    def profile_of(self, label: str | None) -> str | None:
        """The profile id of the row labelled ``label`` (None when none matches)."""
        for row in self.candidates:
            if label and row.model == label:
                return (row.assessment or {}).get("profile")
        return None

    @property
    def chosen_profile(self) -> str | None:
        """The profile id of the chosen row (None when none was chosen)."""
        return self.profile_of(self.chosen)

    @property
    def fallback_profile(self) -> str | None:
        """The profile id of the fallback row, another vendor's (None when there is none)."""
        return self.profile_of(self.fallback)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "suite": self.suite, "settings": self.settings.to_dict(),
                "candidates": [row.to_dict() for row in self.candidates],
                "all_ran": self.all_ran, "chosen": self.chosen, "fallback": self.fallback,
                "fallback_reason": self.fallback_reason}


def spec_for(candidate: Candidate, suite: Suite, settings: CompareSettings) -> SmokeSpec:
    """The SmokeSpec that runs ``candidate`` with the shared ``settings``."""
    return SmokeSpec(gguf=candidate.gguf, suite=suite, gpu=settings.gpu, n_ctx=settings.n_ctx,
                     threads=settings.threads, timeout=settings.timeout, seed=settings.seed,
                     hash_file=settings.hash_file, endpoint=candidate.endpoint,
                     model=candidate.model, key_env=candidate.key_env, repo=candidate.repo,
                     request=candidate.request)


def distinct_labels(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with every row label told apart, so ``chosen`` and ``fallback`` name
    one row: two ``model.gguf`` in different folders become ``a/model.gguf`` and
    ``b/model.gguf``; what is still alike gets `` #2``, `` #3``."""
    def longer(c: Candidate) -> str:
        if c.gguf is not None and not c.profile:
            return f"{c.gguf.parent.name}/{c.gguf.name}"
        if c.endpoint:
            return f"{c.label} @ {c.endpoint.split('://', 1)[-1].split('/', 1)[0]}"
        return c.label

    labels = [c.label for c in candidates]
    out = [replace(c, name=longer(c)) if labels.count(c.label) > 1 else c for c in candidates]
    seen: dict[str, int] = {}
    for i, c in enumerate(out):
        seen[c.label] = seen.get(c.label, 0) + 1
        if seen[c.label] > 1:
            out[i] = replace(c, name=f"{c.label} #{seen[c.label]}")
    return out


def compare(candidates: list[Candidate], suite: Suite, settings: CompareSettings,
            on_progress: Callable[[int, Candidate, CandidateRow | None], None] | None = None,
            on_event: Callable[[int, Any], None] | None = None, *,
            control: RunControl | None = None,
            row_errors: tuple[type[Exception], ...] = (OperationError,)) -> Comparison:
    """Run ``suite`` on each candidate in turn; ``on_progress(i, candidate, row)`` is
    called before (row None) and after each; ``on_event(i, event)`` gets each candidate's
    live smoke events (prompt_start, token, prompt_done...). A candidate that raises one
    of ``row_errors`` becomes a row with its error and the others still run; anything
    else (bad input, InputError, by default) propagates. With ``control``, a cancel
    raises :class:`~advisor.smoke.control.Cancelled` whose ``partial`` holds the rows
    that finished."""
    rows: list[CandidateRow] = []

    def partial() -> Comparison:
        return Comparison(suite=suite.name, settings=settings, candidates=list(rows))

    for index, candidate in enumerate(distinct_labels(candidates)):
        if control is not None and control.cancelled:
            raise Cancelled(partial())
        if on_progress:
            on_progress(index, candidate, None)
        try:
            relay = (lambda event, i=index: on_event(i, event)) if on_event else None
            result = run_smoke(spec_for(candidate, suite, settings), on_event=relay,
                               control=control)
            row = CandidateRow.from_result(candidate, result)
        except Cancelled:
            raise Cancelled(partial()) from None
        except row_errors as exc:
            if control is not None and control.cancelled:
                raise Cancelled(partial()) from None
            named = exc if isinstance(exc, AdvisorError) else RuntimeError(
                f"{type(exc).__name__}: {exc}")
            row = CandidateRow.from_error(candidate, named)
        identify(row, candidate, settings)
        rows.append(row)
        if on_progress:
            on_progress(index, candidate, row)
    return partial()


def choose(comparison: Comparison) -> None:
    """Set ``chosen`` (the best candidate that ran: verdict, then checks, then decode
    speed) and ``fallback``: the best other candidate from a different vendor, or None
    with the reason (diversification needs a second vendor)."""
    def key(row: CandidateRow):
        verdict = (row.assessment or {}).get("verdict")
        return (VERDICT_RANK.get(verdict, VERDICT_RANK["unknown"]), -row.checks_passed, -(row.tokens_per_second or 0))

    usable = sorted((r for r in comparison.candidates if r.error is None
                     and (r.assessment or {}).get("verdict") != "blocked"), key=key)
    if not usable:
        comparison.fallback_reason = "no candidate ran without a blocking verdict"
        return
    best = usable[0]
    comparison.chosen = best.model
    vendor = (best.assessment or {}).get("vendor")
    if vendor is None:
        comparison.fallback_reason = (f"the vendor of {best.model} is not known (give "
                                      "--answers and a model with a profile)")
        return
    others = [r for r in usable[1:] if (r.assessment or {}).get("vendor")
              and r.assessment["vendor"] != vendor]
    if others:
        comparison.fallback = others[0].model
        comparison.fallback_reason = (f"best candidate from a vendor other than {vendor}")
    else:
        comparison.fallback_reason = f"no usable candidate from a vendor other than {vendor}"
