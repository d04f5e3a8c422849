"""The llama.cpp backend of the smoke runner: the suite runs in a child process.

The parent validates everything it can before spawning (versions, GGUF header, chat
template), then reads the child's JSON-line events with an inactivity timeout, so a
crash or a hang in llama.cpp becomes an ``OperationError`` (exit 1) with the reason.
:mod:`advisor.smoke.runner` checks the settings and dispatches here (or to
:mod:`advisor.smoke.endpoint`).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import config
from advisor.errors import OperationError
from advisor.machine.speed import default_threads
from advisor.smoke.modelfile import should_hash
from advisor.smoke.result import (DONE, LOAD_DONE, PROMPT_DONE, PROMPT_START, SPAWNED, TOKEN,
                                  EventCallback, SmokeResult, emit, prompt_result)
from advisor.smoke.suites import Suite

if TYPE_CHECKING:
    from advisor.smoke.runner import SmokeSpec


def check_runtime_versions() -> None:
    """Refuse (exit 1) when llama-cpp-python or jinja2 is older than the safe minimum."""
    from advisor.smoke.template_guard import check_versions

    problems = check_versions()
    if problems:
        raise OperationError("refusing to run: " + "; ".join(problems))


def guard_templates(model_file, *, trust: bool) -> tuple[str | None, str | None]:
    """The chat template to use and its key; refuses an injecting one unless trusted."""
    from advisor.smoke.template_guard import scan_template

    for key, template in sorted(model_file.templates.items()):
        findings = scan_template(template)
        if findings and findings[0].token.startswith("does not parse"):
            raise OperationError(f"{key} of {model_file.path} {findings[0].token} (template "
                                 f"line {findings[0].line}); the model's chat template is broken")
        if findings and not trust:
            raise OperationError(
                f"{key} of {model_file.path} reaches for Python internals "
                f"({findings[0].describe()}); refused before loading the model. "
                "Use --trust-template to render it in the sandbox anyway")
    key = "tokenizer.chat_template"
    return model_file.templates.get(key), (key if key in model_file.templates else None)


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def _log_reason(log_path: Path) -> str:
    """The most telling line of llama.cpp's stderr, for a crash message."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    # llama-cpp-python's own verbose lines quote the metadata (the chat template too).
    noise = ("Model metadata:", "Using gguf chat template", "Available chat formats",
             "Using chat ")
    lines = [ln.strip() for ln in lines if ln.strip() and not ln.startswith(noise)]
    for keys in (("GGML_ASSERT", "terminate called", "what():", "GGML_ABORT"),
                 ("error loading model", "error:"),
                 ("error", "Error", "failed", "abort", "Segmentation")):
        telling = [ln for ln in lines if any(k in ln for k in keys)]
        if telling:
            line = " ".join(telling[-2:]) if "what():" in telling[-1] else telling[-1]
            return line if len(line) <= 200 else line[:197] + "..."
    return ""


class _ChildReader:
    """JSON lines from the child's stdout, each within ``timeout`` seconds of the last."""

    def __init__(self, proc: subprocess.Popen, timeout: float) -> None:
        self.proc, self.timeout = proc, timeout
        self.buf = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(proc.stdout, selectors.EVENT_READ)
        self.fd = proc.stdout.fileno()

    def events(self):
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        continue
            if not self.selector.select(self.timeout):
                raise TimeoutError
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return
            self.buf += chunk


def _spawn(job: dict[str, Any], log_file, extra_env: dict[str, str]) -> subprocess.Popen:
    root = str(config.ROOT_DIR)
    env = dict(config.environment())
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("GGML_NO_BACKTRACE", "1")   # no gdb backtrace on abort: slow, noisy
    env.update(extra_env)
    proc = subprocess.Popen([sys.executable, "-m", "advisor.smoke.child"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file,
                            env=env, close_fds=True)
    assert proc.stdin is not None
    try:
        proc.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
        proc.stdin.close()
    except BrokenPipeError:
        pass
    return proc


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a kill -9 that did not land
        pass


def run_local(spec: SmokeSpec, suite: Suite, on_event: EventCallback | None) -> SmokeResult:
    """Run ``suite`` on ``spec.gguf`` through llama.cpp in a child process."""
    from advisor.smoke.modelfile import inspect_gguf, sha256_file

    check_runtime_versions()
    model_file = inspect_gguf(Path(spec.gguf))
    template, template_key = guard_templates(model_file, trust=spec.trust_template)
    threads = spec.threads or default_threads()
    result = SmokeResult(model=spec.repo or model_file.name, runner="llama.cpp",
                         backend="cpu", suite=suite.name, gpu_mode=spec.gpu, n_ctx=spec.n_ctx,
                         threads=threads, seed=spec.seed, model_path=str(model_file.path),
                         file=model_file.path.name, repo=spec.repo, file_bytes=model_file.size)
    style = spec.prompt_style
    if style == "auto":
        style = "chat" if template else "completion"
    result.prompt_style = style
    if style == "completion":
        result.chat_template = "none (completion prompts)" if not template else "gguf (unused)"
    else:
        result.chat_template = (("gguf (trusted)" if spec.trust_template else "gguf")
                                if template else "fallback (chatml)")
    _apply_estimate(result, model_file, spec)
    if should_hash(spec.hash_file, model_file.size):
        result.sha256 = sha256_file(model_file.path)
    job = {"model_path": str(model_file.path), "n_ctx": spec.n_ctx, "threads": threads,
           "seed": spec.seed, "gpu": spec.gpu, "n_layer": model_file.n_layer,
           "template": template, "cpu_extra_buffers": spec.cpu_extra_buffers,
           "kv_type": spec.kv_type, "flash_attn": spec.flash_attn,
           "swa_cache": spec.swa_cache, "prompt_style": style,
           "prompts": [p.to_job() for p in suite.prompts]}
    specs = {p.id: p for p in suite.prompts}
    started = time.perf_counter()
    stage = "starting the child process"
    with tempfile.NamedTemporaryFile(prefix="advisor-smoke-", suffix=".log") as log_file:
        proc = _spawn(job, log_file, spec.extra_env)
        try:
            emit(on_event, SPAWNED, pid=proc.pid)
            stage = "loading the model"
            reader = _ChildReader(proc, spec.load_timeout or spec.timeout)
            finished = False
            try:
                for event in reader.events():
                    kind = event.get("event")
                    if kind == "load_done":
                        reader.timeout = spec.timeout
                        _apply_load(result, event)
                        emit(on_event, LOAD_DONE, **{k: v for k, v in event.items()
                                                     if k != "event"})
                    elif kind == "prompt_start":
                        stage = f"running prompt {event['id']}"
                        emit(on_event, PROMPT_START, id=event["id"],
                             prompt=specs[event["id"]].user_text)
                    elif kind == "token":
                        emit(on_event, TOKEN, id=event["id"], text=event["text"])
                    elif kind == "prompt_done":
                        pr = prompt_result(specs[event["id"]], event)
                        result.prompts.append(pr)
                        emit(on_event, PROMPT_DONE, id=pr.id, result=pr)
                    elif kind == "error":
                        result.peak_rss_bytes = event.get("peak_rss_bytes")
                        raise _child_error(event, template_key, model_file.path,
                                           Path(log_file.name))
                    elif kind == "done":
                        result.peak_rss_bytes = event.get("peak_rss_bytes")
                        finished = True
            except TimeoutError:
                raise OperationError(
                    f"llama.cpp made no progress for {reader.timeout:g} s while {stage}; "
                    f"stopped it (raise --timeout for slow machines)") from None
            try:
                code = proc.wait(timeout=spec.timeout)
            except subprocess.TimeoutExpired:
                raise OperationError(f"llama.cpp closed its output but did not exit within "
                                     f"{spec.timeout:g} s after {stage}; stopped it") from None
            if not finished:
                why = _log_reason(Path(log_file.name))
                if code in (-signal.SIGTERM, -signal.SIGINT):
                    how = f"was stopped ({_signal_name(code)})"
                elif code < 0:
                    how = f"crashed ({_signal_name(code)})"
                else:
                    how = f"exited with status {code}"
                raise OperationError(f"llama.cpp {how} while {stage}"
                                     + (f": {why}" if why else ""))
        finally:
            _stop(proc)
    result.wall_seconds = time.perf_counter() - started
    if result.gpu_layers > 0:
        _apply_estimate(result, model_file, spec)
    elif result.measured_tokens_per_second and result.estimate:
        from advisor.machine.speed import record_run

        record_run(result.estimate["decode_bytes_per_token"], model_file.n_layer or 0,
                   result.measured_tokens_per_second, threads)
    emit(on_event, DONE, result=result)
    return result


def _apply_estimate(result: SmokeResult, model_file, spec: SmokeSpec) -> None:
    """The header estimate for this run (memory and decode speed), beside what it measures."""
    from advisor.gguf.estimate import decode_tokens_per_second, estimate_memory, model_shape

    try:
        shape = model_shape(model_file.header, file_bytes=model_file.size)
        est = estimate_memory(shape, spec.n_ctx, spec.options(), basis="resident")
    except (ValueError, ZeroDivisionError, ArithmeticError):
        return
    result.estimate = {"allocated_bytes": est.allocated_bytes,
                       "resident_bytes": est.resident_bytes, "kv_cache_bytes": est.kv_cache_bytes,
                       "compute_bytes": est.compute_bytes, "options": est.options,
                       "decode_bytes_per_token": est.decode_bytes_per_token}
    from advisor.machine.hardware import detect_hardware

    fit, layers = "cpu", 0
    hardware = detect_hardware(probe_llama=False)
    if result.gpu_layers > 0:         # after the load: where llama.cpp put the blocks
        layers = result.gpu_layers
        fit = "gpu" if layers >= shape.n_layer else "partial"
    result.estimated_tokens_per_second = decode_tokens_per_second(
        shape, spec.n_ctx, fit, layers, options=spec.options(),
        cpu_bandwidth=hardware.cpu_bandwidth, gpu_bandwidth=hardware.gpu_bandwidth,
        cpu_layer_seconds=hardware.cpu_layer_seconds)
    result.estimate["speed_basis"] = hardware.speed_basis


def _apply_load(result: SmokeResult, event: dict[str, Any]) -> None:
    result.load_seconds = event.get("load_seconds")
    result.gpu_layers = int(event.get("gpu_layers") or 0)
    result.backend = event.get("backend") or "cpu"
    result.gpu_reason = event.get("gpu_reason")
    result.system_info = event.get("system_info")
    result.llama_cpp_version = event.get("llama_cpp_version")
    result.n_ctx = event.get("n_ctx") or result.n_ctx
    result.vram_bytes = event.get("vram_bytes")
    result.cpu_extra_buffers = event.get("cpu_extra_buffers")
    result.notes.extend(event.get("notes") or [])
    result.llama_context = event.get("run_options")


def _child_error(event: dict[str, Any], template_key: str | None, path: Path,
                 log_path: Path) -> Exception:
    stage, message = event.get("stage"), str(event.get("message", "unknown error"))
    message = " ".join(message.split())
    if stage == "load":
        why = _log_reason(log_path)
        message += f" ({why})" if why else ""
    if stage in ("template_security", "template"):
        return OperationError(f"{template_key or 'chat template'} of {path}: {message}")
    return OperationError(message)
