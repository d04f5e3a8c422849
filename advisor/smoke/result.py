"""What a smoke run produces: per-check, per-prompt and per-run results, and live events.

Plain dataclasses with ``to_dict()`` giving the ``advisor smoke --json`` shape
(CONTRACT §5).

    >>> check = CheckResult("contains", "Paris", True, "found")
    >>> prompt = PromptResult(id="capital", output="Paris.", checks=[check])
    >>> prompt.passed, prompt.failed_checks()
    (True, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from advisor.smoke.checks import CheckResult, run_checks

if TYPE_CHECKING:
    from advisor.smoke.suites import PromptSpec

SCHEMA = "advisor.smoke/1"

# Event kinds, in the order a run emits them.
SPAWNED = "spawned"          # data: pid
LOAD_DONE = "load_done"      # data: load_seconds, gpu_layers, backend, system_info, ...
PROMPT_START = "prompt_start"  # data: id, prompt
TOKEN = "token"              # data: id, text
PROMPT_DONE = "prompt_done"  # data: id, result (PromptResult)
DONE = "done"                # data: result (SmokeResult)


@dataclass(frozen=True)
class SmokeEvent:
    """One live event of a run; ``data`` depends on ``kind`` (see the constants above)."""

    kind: str
    data: dict[str, Any]


EventCallback = Callable[[SmokeEvent], None]


def emit(on_event: EventCallback | None, kind: str, **data: Any) -> None:
    """Send one event, if anyone listens: ``emit(on_event, TOKEN, id="a", text="Hi")``."""
    if on_event is not None:
        on_event(SmokeEvent(kind, data))


@dataclass
class PromptResult:
    """One prompt's output, metrics and checks."""

    id: str
    output: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    prompt_tokens: int | None = None
    completion_tokens: int = 0
    ttft_seconds: float | None = None
    total_seconds: float | None = None
    tokens_per_second: float | None = None          # decode speed after the first token
    prompt_tokens_per_second: float | None = None
    finish_reason: str | None = None
    error: str | None = None
    sampling: dict[str, Any] | None = None          # temperature, top_p, seed; None: greedy
    question: str = field(default="", repr=False)   # the user message (scoring; not in JSON)

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)

    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "output": self.output,
            "passed": self.passed,
            "checks": [c.to_dict() for c in self.checks],
            "ttft_seconds": _round(self.ttft_seconds),
            "total_seconds": _round(self.total_seconds),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "tokens_per_second": _round(self.tokens_per_second, 2),
            "prompt_tokens_per_second": _round(self.prompt_tokens_per_second, 2),
            "finish_reason": self.finish_reason,
            "error": self.error,
            "sampling": dict(self.sampling) if self.sampling else None,
        }


@dataclass
class SmokeResult:
    """A whole run. ``runner`` is ``llama.cpp`` or ``endpoint``; ``backend`` is where the
    model ran (``cpu``, ``cuda``, ``metal``, ``vulkan``, ... or ``endpoint``)."""

    model: str
    runner: str
    backend: str
    suite: str
    prompts: list[PromptResult] = field(default_factory=list)
    gpu_layers: int = 0
    gpu_mode: str | None = None
    gpu_reason: str | None = None
    load_seconds: float | None = None
    peak_rss_bytes: int | None = None
    vram_bytes: int | None = None
    n_ctx: int | None = None
    threads: int | None = None
    seed: int | None = None
    llama_cpp_version: str | None = None
    system_info: str | None = None
    model_path: str | None = None
    file: str | None = None              # the GGUF's file name
    repo: str | None = None              # the Hub repo it was pulled from (--repo)
    file_bytes: int | None = None
    sha256: str | None = None
    chat_template: str | None = None     # "gguf", "gguf (trusted)" or "fallback (chatml)"
    cpu_extra_buffers: bool | None = None
    endpoint: str | None = None
    wall_seconds: float | None = None
    notes: list[str] = field(default_factory=list)
    prompt_style: str | None = None      # "chat" (template) or "completion" (base model)
    estimate: dict[str, Any] | None = None   # header estimate for this run's settings
    estimated_tokens_per_second: float | None = None   # bandwidth bound, beside measured
    llama_context: dict[str, Any] | None = None   # the context settings llama.cpp ran with

    @property
    def measured_tokens_per_second(self) -> float | None:
        """Mean decode speed over the prompts that report one."""
        speeds = [p.tokens_per_second for p in self.prompts if p.tokens_per_second]
        return sum(speeds) / len(speeds) if speeds else None

    @property
    def passed(self) -> bool:
        return bool(self.prompts) and all(p.passed for p in self.prompts)

    def failures(self) -> list[tuple[str, str]]:
        """(prompt id, what failed) per failure, e.g. ``('capital', "contains 'Paris'")``."""
        out = []
        for p in self.prompts:
            if p.error:
                out.append((p.id, p.error))
            for c in p.failed_checks():
                out.append((p.id, c.describe()))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "model": self.model,
            "runner": self.runner,
            "backend": self.backend,
            "gpu_layers": self.gpu_layers,
            "gpu_mode": self.gpu_mode,
            "gpu_reason": self.gpu_reason,
            "load_seconds": _round(self.load_seconds),
            "suite": self.suite,
            "passed": self.passed,
            "prompts": [p.to_dict() for p in self.prompts],
            "peak_rss_bytes": self.peak_rss_bytes,
            "vram_bytes": self.vram_bytes,
            "n_ctx": self.n_ctx,
            "threads": self.threads,
            "seed": self.seed,
            "llama_cpp_version": self.llama_cpp_version,
            "system_info": self.system_info,
            "model_path": self.model_path,
            "file": self.file,
            "repo": self.repo,
            "file_bytes": self.file_bytes,
            "sha256": self.sha256,
            "chat_template": self.chat_template,
            "cpu_extra_buffers": self.cpu_extra_buffers,
            "endpoint": self.endpoint,
            "wall_seconds": _round(self.wall_seconds),
            "notes": list(self.notes),
            "prompt_style": self.prompt_style,
            "llama_context": self.llama_context,
            "estimate": self.estimate,
            "estimated_tokens_per_second": _round(self.estimated_tokens_per_second, 2),
            "measured_tokens_per_second": _round(self.measured_tokens_per_second, 2),
            "probe": self.probe_scores(),
        }

    def probe_scores(self) -> dict[str, Any] | None:
        """The behaviour-probe scores of a probe suite's run (None for other suites)."""
        from advisor.smoke.probes import probe_scores

        return probe_scores(self)


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def prompt_result(spec: PromptSpec, data: dict[str, Any]) -> PromptResult:
    """A PromptResult from the child's (or the endpoint's) ``prompt_done`` data."""
    completion = int(data.get("completion_tokens") or 0)
    sampled = int(data.get("sampled_tokens") or completion)
    ttft, decode = data.get("ttft_seconds"), data.get("decode_seconds")
    tps = (sampled - 1) / decode if decode and sampled > 1 else None
    prompt_tokens = data.get("prompt_tokens")
    pps = prompt_tokens / ttft if prompt_tokens and ttft else None
    output = data.get("output") or ""
    result = PromptResult(
        id=spec.id, output=output, prompt_tokens=prompt_tokens, completion_tokens=completion,
        ttft_seconds=ttft, total_seconds=data.get("total_seconds"), tokens_per_second=tps,
        prompt_tokens_per_second=pps, finish_reason=data.get("finish_reason"),
        error=data.get("error"), sampling=_sampling(data.get("sampling")),
        question=spec.user_text)
    if result.error is None:
        result.checks = run_checks(spec.checks, output, completion_tokens=completion,
                                   total_seconds=data.get("total_seconds"))
    return result


def _sampling(value: Any) -> dict[str, Any] | None:
    """The sampling a runner reports it used (numbers only), or None (greedy/unreported)."""
    if not isinstance(value, dict):
        return None
    out = {k: value[k] for k in ("temperature", "top_p", "seed")
           if isinstance(value.get(k), (int, float)) and not isinstance(value.get(k), bool)}
    if value.get("provider_default") is True:     # the endpoint takes only its own defaults
        out = {"provider_default": True}
    return out or None
