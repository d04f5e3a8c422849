"""Run a prompt suite against a local GGUF or an endpoint: the settings are checked here
(exit 2 for what llama.cpp would refuse), then the run goes to its backend: a llama.cpp
child process (:mod:`advisor.smoke.local`) or an OpenAI-compatible endpoint
(:mod:`advisor.smoke.endpoint`).

    Example (not run)::

        result = run_smoke(SmokeSpec(gguf=Path("model.gguf"), suite="general"),
                           on_event=lambda ev: print(ev.kind))   # spawned   # load_done
        # -> ...
        result.passed   # True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.machine.speed import default_threads  # noqa: F401 (re-exported)
from advisor.smoke.control import Cancelled, RunControl
from advisor.smoke.local import (check_runtime_versions, guard_templates,  # noqa: F401
                                 run_local)                                # (re-exported)
from advisor.smoke.result import EventCallback, SmokeResult
from advisor.smoke.suites import Suite, load_suite

DEFAULT_CTX = 2048
DEFAULT_TIMEOUT = 300.0
DEFAULT_SEED = 0


@dataclass
class SmokeSpec:
    """What to run. Either ``gguf`` (a local file) or ``endpoint`` + ``model``."""

    gguf: Path | None = None
    suite: Suite | str = "general"
    gpu: str = "auto"
    n_ctx: int = DEFAULT_CTX
    threads: int | None = None
    timeout: float = DEFAULT_TIMEOUT     # seconds without progress before giving up
    load_timeout: float | None = None    # bound on start + model load; None: ``timeout``
    trust_template: bool = False
    seed: int = DEFAULT_SEED
    hash_file: bool | None = None        # None: hash files up to HASH_LIMIT
    cpu_extra_buffers: str = "auto"
    endpoint: str | None = None
    model: str | None = None
    key_env: str | None = None           # with endpoint: the variable holding its key (a name)
    request: Any = None                  # with endpoint: a hosted profile's request shape
                                         # (token_limit, sampling, extra_body: ApiAccess)
    repo: str | None = None              # where gguf came from, for the result
    extra_env: dict[str, str] = field(default_factory=dict)
    kv_type: str = "f16"                 # llama.cpp K/V cache type: f16, q8_0, q4_0
    flash_attn: bool = False
    swa_cache: str = "full"              # full-size SWA cache (llama-cpp-python) or window
    prompt_style: str = "auto"           # auto (chat when the GGUF has a template), chat, completion

    def options(self):
        """The estimate's RunOptions for these settings."""
        from advisor.gguf.estimate import RunOptions

        return RunOptions(kv_type=self.kv_type, flash_attn=self.flash_attn,
                          swa_cache=self.swa_cache)


def _suite(spec: SmokeSpec) -> Suite:
    return spec.suite if isinstance(spec.suite, Suite) else load_suite(spec.suite)


def run_smoke(spec: SmokeSpec, on_event: EventCallback | None = None,
              control: RunControl | None = None) -> SmokeResult:
    """Run a smoke test; ``on_event`` gets live :class:`SmokeEvent` objects.

    Raises InputError (bad file, suite, arguments: exit 2) or OperationError (crash,
    hang, refused template, unreachable endpoint: exit 1). A failing check is not an
    exception: ``result.passed`` is False. With ``control``, a cancel from another
    thread stops the run and raises :class:`~advisor.smoke.control.Cancelled`.
    """
    if control is None:
        return _run(spec, on_event)
    try:
        return _run(spec, control.events(on_event))
    except Cancelled:
        raise
    except Exception:
        if control.cancelled:              # the stopped child reads as a crash: it is not
            raise Cancelled() from None
        raise


def _run(spec: SmokeSpec, on_event: EventCallback | None) -> SmokeResult:
    suite = _suite(spec)
    if spec.endpoint:
        if not spec.model:
            raise InputError(None, "--endpoint needs --model NAME", field="--model")
        from advisor.smoke.endpoint import run_endpoint

        return run_endpoint(spec, suite, on_event)
    if spec.gguf is None:
        raise InputError(None, "give --gguf PATH, --repo REPO_ID or --endpoint URL")
    from advisor.smoke.gpu import GPU_MODES

    if spec.gpu not in GPU_MODES:
        raise InputError(None, f"--gpu must be one of {', '.join(GPU_MODES)}", field="--gpu")
    if spec.n_ctx < 64:
        raise InputError(None, "--ctx must be at least 64", field="--ctx")
    check_run_options(spec)
    return run_local(spec, suite, on_event)


PROMPT_STYLES = ("auto", "chat", "completion")


def check_run_options(spec: SmokeSpec) -> None:
    """InputError for settings llama.cpp would refuse (a quantized V cache needs flash
    attention)."""
    from advisor.gguf.estimate import KV_TYPES, SWA_CACHES

    if spec.kv_type not in KV_TYPES:
        raise InputError(None, f"must be one of {', '.join(KV_TYPES)}", field="--kv-type")
    if spec.kv_type != "f16" and not spec.flash_attn:
        raise InputError(None, f"a {spec.kv_type} V cache needs flash attention: add "
                         "--flash-attn", field="--kv-type")
    if spec.swa_cache not in SWA_CACHES:
        raise InputError(None, f"must be one of {', '.join(SWA_CACHES)}", field="--swa-cache")
    if spec.prompt_style not in PROMPT_STYLES:
        raise InputError(None, f"must be one of {', '.join(PROMPT_STYLES)}",
                         field="--prompt-style")


def run_suite_on_gguf(gguf: Path, suite: Suite | str = "general", *, n_ctx: int = DEFAULT_CTX,
                      gpu: str = "auto", kv_type: str = "f16", flash_attn: bool = False,
                      swa_cache: str = "full", prompt_style: str = "auto",
                      threads: int | None = None, seed: int = DEFAULT_SEED,
                      timeout: float = DEFAULT_TIMEOUT, hash_file: bool | None = False,
                      on_event: EventCallback | None = None) -> SmokeResult:
    """Run one suite on one local GGUF with these llama.cpp settings; the result object.

    Example (not run)::

        r = run_suite_on_gguf(Path("m.gguf"), "general", n_ctx=4096, kv_type="q8_0",
                              flash_attn=True)
        r.passed, r.prompt_style, r.estimated_tokens_per_second, r.peak_rss_bytes
    """
    return run_smoke(SmokeSpec(gguf=Path(gguf), suite=suite, gpu=gpu, n_ctx=n_ctx,
                               threads=threads, timeout=timeout, seed=seed,
                               hash_file=hash_file, kv_type=kv_type, flash_attn=flash_attn,
                               swa_cache=swa_cache, prompt_style=prompt_style), on_event)
