"""The child process that runs llama.cpp: ``python -m advisor.smoke.child``.

It reads one JSON job from stdin and writes JSON lines (events) to the stdout it was
given; llama.cpp's own output goes to stderr. A model that crashes or hangs llama.cpp
takes only this process down; the parent (:mod:`advisor.smoke.runner`) reports it.

Events: ``started`` (pid), ``load_done`` (load_seconds, gpu_layers, backend,
system_info, ...), ``prompt_start`` (id), ``token`` (id, text), ``prompt_done`` (id,
output, metrics), ``error`` (stage, message), ``done`` (peak_rss_bytes).

    $ echo '{"model_path": "m.gguf", "prompts": [...]}' | python -m advisor.smoke.child
"""

from __future__ import annotations

import codecs
import json
import os
import resource
import sys
import time
from typing import IO, Any

EXIT_ERROR = 3


class Emitter:
    """Writes one JSON object per line to the protocol stream and flushes it."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, event: str, **data: Any) -> None:
        data["event"] = event
        self.stream.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.stream.flush()


def peak_rss_bytes() -> int:
    """Peak resident set size of this process.

    On Linux, VmHWM of /proc/self/status: ru_maxrss survives exec, so a child forked from
    a large parent would report the parent's peak. Elsewhere ru_maxrss (KiB on Linux,
    bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _load(job: dict[str, Any], emit: Emitter):
    """Import llama.cpp, plan the GPU offload, load the model; emits ``load_done``."""
    import llama_cpp
    import llama_cpp.llama_cpp as llama_lib

    from advisor.smoke.cpu_buffers import extra_buffers, want_extra_buffers
    from advisor.smoke.gpu import GpuUnavailable, ggml_devices, plan_gpu_layers

    system_info = llama_lib.llama_print_system_info().decode("utf-8", "replace").strip()
    supports = bool(llama_lib.llama_supports_gpu_offload())
    gpus = [d for d in ggml_devices() if d.is_gpu]
    free_vram = max((d.free_bytes for d in gpus), default=None) if gpus else None
    n_layer = int(job.get("n_layer") or 0)
    fit = _layers_that_fit(job, free_vram)
    try:
        plan = plan_gpu_layers(job.get("gpu", "auto"), supports_offload=supports,
                               free_vram=free_vram, n_layer=n_layer, layers_that_fit=fit)
    except GpuUnavailable as exc:
        raise ChildError("gpu", str(exc)) from None
    use_extra, extra_note = want_extra_buffers(job.get("cpu_extra_buffers", "auto"), system_info)
    free_before = sum(d.free_bytes for d in gpus)
    from advisor.gguf.estimate import KV_TYPES

    kv_type = KV_TYPES[job.get("kv_type") or "f16"]
    start = time.perf_counter()
    try:
        with extra_buffers(use_extra):
            llm = llama_cpp.Llama(
                model_path=job["model_path"], n_ctx=int(job["n_ctx"]),
                n_threads=int(job["threads"]), n_threads_batch=int(job["threads"]),
                n_gpu_layers=plan.n_gpu_layers, seed=int(job.get("seed", 0)),
                type_k=kv_type, type_v=kv_type, flash_attn=bool(job.get("flash_attn")),
                swa_full=(job.get("swa_cache") or "full") == "full",
                verbose=bool(job.get("verbose", True)))
    except (ValueError, RuntimeError, OSError) as exc:
        raise ChildError("load", f"llama.cpp could not load the model: {exc}") from None
    load_seconds = time.perf_counter() - start
    # llama.cpp counts the output head as a layer (placed first); report repeating blocks
    gpu_layers = (n_layer if plan.n_gpu_layers == -1
                  else min(max(plan.n_gpu_layers - 1, 0), n_layer))
    backend = gpus[0].backend if (gpus and gpu_layers > 0) else "cpu"
    vram = None
    if gpus and gpu_layers > 0:
        vram = max(free_before - sum(d.free_bytes for d in ggml_devices() if d.is_gpu), 0)
    emit("load_done", load_seconds=load_seconds, gpu_layers=gpu_layers, backend=backend,
         gpu_reason=plan.reason, system_info=system_info,
         llama_cpp_version=getattr(llama_cpp, "__version__", None), n_ctx=llm.n_ctx(),
         threads=int(job["threads"]), vram_bytes=vram, cpu_extra_buffers=use_extra,
         notes=[extra_note] if extra_note else [],
         run_options={"type_k": int(llm.context_params.type_k),
                      "type_v": int(llm.context_params.type_v),
                      "flash_attn_type": int(llm.context_params.flash_attn_type),
                      "swa_full": bool(llm.context_params.swa_full)},
         devices=[d.description or d.name for d in gpus])
    return llm


def _layers_that_fit(job: dict[str, Any], free_vram: int | None) -> int:
    if free_vram is None:
        return 0
    from advisor.gguf.estimate import gpu_layers_that_fit, model_shape, options_from_job
    from advisor.gguf.header import read_local_header

    shape = model_shape(read_local_header(job["model_path"]))
    return int(gpu_layers_that_fit(shape, int(job["n_ctx"]), free_vram, options_from_job(job)))


class ChildError(Exception):
    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage


def _token_text(llm, token: int) -> str:
    if token < 0:
        return ""
    try:
        return llm._model.token_get_text(token)
    except Exception:
        return ""


_PIECE_BUFFER: list = []   # one reusable ctypes buffer


def token_bytes(vocab, token: int) -> bytes:
    """The bytes of one token (not special tokens), sized by llama.cpp's answer."""
    import ctypes

    import llama_cpp.llama_cpp as llama_lib

    if not _PIECE_BUFFER:
        _PIECE_BUFFER.append(ctypes.create_string_buffer(256))
    buf = _PIECE_BUFFER[0]
    n = llama_lib.llama_token_to_piece(vocab, token, buf, len(buf), 0, False)
    if n < 0:
        _PIECE_BUFFER[0] = buf = ctypes.create_string_buffer(-n)
        n = llama_lib.llama_token_to_piece(vocab, token, buf, len(buf), 0, False)
    return buf.raw[:max(n, 0)]


def render_prompt(llm, job: dict[str, Any], messages: list[dict[str, str]]) -> str:
    """The prompt text for ``messages``: the job's chat template, rendered sandboxed."""
    from jinja2.exceptions import SecurityError, TemplateError

    from advisor.smoke.template_guard import FALLBACK_TEMPLATE, render_chat

    if job.get("prompt_style") == "completion":
        return completion_prompt(messages)
    template = job.get("template") or FALLBACK_TEMPLATE
    try:
        return render_chat(template, messages, bos_token=_token_text(llm, llm.token_bos()),
                           eos_token=_token_text(llm, llm.token_eos()))
    except SecurityError as exc:
        raise ChildError("template_security", f"the sandbox blocked it: {exc}") from None
    except TemplateError as exc:
        raise ChildError("template", f"rendering failed: {exc}") from None


def completion_prompt(messages: list[dict[str, str]]) -> str:
    """A base model's prompt for a chat exchange: ``Question: ...\nAnswer:``.

    >>> completion_prompt([{"role": "user", "content": "What is 2 + 2?"}])
    'Question: What is 2 + 2?\nAnswer:'
    """
    parts = []
    for m in messages:
        if m["role"] == "system":
            parts.append(m["content"].strip())
        elif m["role"] == "user":
            parts.append(f"Question: {m['content'].strip()}")
        else:
            parts.append(f"Answer: {m['content'].strip()}")
    return "\n".join(parts) + "\nAnswer:"


COMPLETION_STOPS = ("\nQuestion:", "\n\n")


def _held_back(text: str, stops: list[str]) -> int:
    """Length of the longest end of ``text`` that begins some stop string."""
    return max((n for s in stops for n in range(min(len(s), len(text)), 0, -1)
                if s.startswith(text[-n:])), default=0)


def sampling_of(job: dict[str, Any], prompt: dict[str, Any]) -> dict[str, Any] | None:
    """The prompt's sampling settings with its seed (run seed + offset); None: greedy.

    >>> sampling_of({"seed": 7}, {"temperature": 0.8, "top_p": 0.95, "seed_offset": 2})
    {'temperature': 0.8, 'top_p': 0.95, 'seed': 9}
    """
    temperature = float(prompt.get("temperature") or 0.0)
    if temperature <= 0:
        return None
    return {"temperature": temperature, "top_p": float(prompt.get("top_p", 1.0)),
            "seed": int(job.get("seed", 0)) + int(prompt.get("seed_offset", 0))}


def generate_settings(sampling: dict[str, Any] | None) -> dict[str, Any]:
    """``Llama.generate`` keywords: greedy, or temperature and top-p alone (no top-k,
    min-p or repeat penalty, so the settings mean what they mean on an OpenAI endpoint)."""
    if sampling is None:
        return {"temp": 0.0, "top_k": 1, "top_p": 1.0, "min_p": 0.0, "repeat_penalty": 1.0}
    return {"temp": sampling["temperature"], "top_k": 0, "top_p": sampling["top_p"],
            "min_p": 0.0, "typical_p": 1.0, "repeat_penalty": 1.0}


def run_prompt(llm, job: dict[str, Any], prompt: dict[str, Any], emit: Emitter) -> None:
    """Generate for one prompt (greedy, or sampled when it has a temperature), streaming
    ``token`` events; emits ``prompt_done``."""
    import llama_cpp.llama_cpp as llama_lib

    text = render_prompt(llm, job, prompt["messages"])
    bos = _token_text(llm, llm.token_bos())
    add_bos = not (bos and text.startswith(bos))
    tokens = llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)
    max_tokens = int(prompt.get("max_tokens", 64))
    room = llm.n_ctx() - len(tokens)
    if room <= 1:
        emit("prompt_done", id=prompt["id"], output="", prompt_tokens=len(tokens),
             completion_tokens=0, error=f"prompt of {len(tokens)} tokens does not fit "
             f"n_ctx {llm.n_ctx()}")
        return
    max_tokens = min(max_tokens, room - 1)
    stops = [s for s in prompt.get("stop") or [] if s]
    if job.get("prompt_style") == "completion":
        stops += list(COMPLETION_STOPS)
    vocab = llm._model.vocab
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    output, completion, sampled, emitted = "", 0, 0, 0
    finish = "length"
    t_first = t_last = None
    sampling = sampling_of(job, prompt)
    llm.reset()
    if sampling:
        llm.set_seed(sampling["seed"])     # the sampler of this generate() takes it
    start = time.perf_counter()
    for token in llm.generate(tokens, **generate_settings(sampling)):
        now = time.perf_counter()
        sampled += 1
        if t_first is None:
            t_first = now
        t_last = now
        if llama_lib.llama_vocab_is_eog(vocab, token):
            finish = "stop"
            break
        completion += 1
        output += decoder.decode(token_bytes(vocab, token))
        if stops and any(s in output for s in stops):
            output = output[:min(output.index(s) for s in stops if s in output)]
            finish = "stop"
            break
        # stream all but what could still turn out to be the start of a stop string
        safe = len(output) - _held_back(output, stops)
        if safe > emitted:
            emit("token", id=prompt["id"], text=output[emitted:safe])
            emitted = safe
        if completion >= max_tokens:
            break
    if finish != "stop":
        output += decoder.decode(b"", final=True)
    if len(output) > emitted:
        emit("token", id=prompt["id"], text=output[emitted:])
    end = time.perf_counter()
    ttft = (t_first - start) if t_first is not None else None
    decode_seconds = (t_last - t_first) if t_first is not None else None
    emit("prompt_done", id=prompt["id"], output=output, prompt_tokens=len(tokens),
         completion_tokens=completion, sampled_tokens=sampled, ttft_seconds=ttft,
         decode_seconds=decode_seconds, total_seconds=end - start, finish_reason=finish,
         sampling=sampling)


def main() -> int:
    """Entry point: job from stdin, events to the original stdout."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())   # native prints must not corrupt it
    sys.stdout = sys.stderr
    emit = Emitter(protocol)
    emit("started", pid=os.getpid())
    try:
        job = json.loads(sys.stdin.readline())
        llm = _load(job, emit)
        for prompt in job["prompts"]:
            emit("prompt_start", id=prompt["id"])
            run_prompt(llm, job, prompt, emit)
        emit("done", peak_rss_bytes=peak_rss_bytes())
        protocol.flush()
        os._exit(0)   # skip llama.cpp teardown: nothing to flush, and it can be slow
    except ChildError as exc:
        emit("error", stage=exc.stage, message=str(exc), peak_rss_bytes=peak_rss_bytes())
    except BrokenPipeError:
        os._exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        emit("error", stage="child", message=f"{type(exc).__name__}: {exc}",
             peak_rss_bytes=peak_rss_bytes())
    protocol.flush()
    os._exit(EXIT_ERROR)


if __name__ == "__main__":
    sys.exit(main())
