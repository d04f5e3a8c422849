"""Memory needed to run a GGUF model with llama.cpp, from its header alone, the fit, and
the decode speed that memory bandwidth allows.

Pure functions. Two figures per file and context (checked against llama.cpp's
``model buffer size``, ``KV buffer size``, ``RS buffer size`` and ``compute buffer size``
log lines and against the peak RSS with the context filled, tests/bench/bench_memory.py):

- ``allocated_bytes``: what llama.cpp allocates: weights as stored, the KV cache (per layer:
  full context, the sliding window for SWA layers, MLA's compressed rows, nothing on
  recurrent layers), recurrent state, the compute graph reserved for a 512-token
  micro-batch, and a fixed process overhead. This must fit in VRAM for a GPU run.
- ``resident_bytes``: what stays resident on CPU with mmap once the context is full. The
  compute buffer is reserved for 512 output rows of logits but a generating run asks for
  one, so the logits part of the buffer is never touched (Gemma 3's 262k vocabulary:
  ~0.5 GiB reserved, almost none of it resident).

``RunOptions`` are the llama.cpp settings that change the figures (KV cache type, flash
attention, full-size SWA cache); ``advisor ggufs`` and ``advisor smoke`` run with them.
The SWA default follows llama-cpp-python, whose context default is the full-size SWA cache
(``swa_full = true``); llama-server defaults to the window (``--swa-full`` off).

    Example (not run)::

        shape = model_shape(header, file_bytes=98_362_432)
        est = estimate_memory(shape, 4096)
        est.kv_cache_bytes // 2**20, est.compute_bytes // 2**20   # (90, 99)
        fit_model(shape, 4096, ram_bytes=16 * 2**30, vram_bytes=0, gpu_offload=False)
        # -> ('cpu', 0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from advisor.gguf.shape import ModelShape, model_shape, tensor_bytes  # noqa: F401 (re-exported)
from advisor.vocab import FITS

MIB = 1 << 20
PROCESS_OVERHEAD = 48 * MIB        # interpreter, numpy, llama.cpp and its threads (measured)
GPU_RESERVE = 512 * MIB            # CUDA/Metal context and allocator slack per GPU
N_UBATCH = 512
KV_TYPES = {"f16": 1, "q8_0": 8, "q4_0": 2}   # --kv-type -> ggml type id
SWA_CACHES = ("full", "window")
# llama_context::graph_max_nodes: the graph's bookkeeping takes ~0.85 KiB a node (measured
# on llama-cpp-python 0.3.36); delta-net and linear-attention hybrids reserve 40 nodes per
# micro-batch token, the others 8 per tensor (at least 1024, in PROCESS_OVERHEAD).
GRAPH_NODE_BYTES = 870
_BASE_NODES = 1024
_GRAPH_HEAVY = {"qwen3next", "qwen35", "qwen35moe", "qwen4exp", "kimi-linear", "bailingmoe3",
                "minimax-01", "minimax-m3", "deepseek4", "nanbeige", "hy_v4"}
# Bandwidth assumed when the hardware does not say (bytes/s): a desktop's dual-channel
# DDR4/DDR5 reads 40-80 GB/s; a mid-range GPU 300-500 GB/s.
CPU_BANDWIDTH = 40e9
GPU_BANDWIDTH = 400e9


@dataclass(frozen=True)
class RunOptions:
    """llama.cpp context settings the estimate assumes (and the smoke test runs with)."""

    kv_type: str = "f16"            # K and V cache type: f16, q8_0, q4_0
    flash_attn: bool = False        # llama-cpp-python's default; quantized V needs it
    swa_cache: str = "full"         # "full" (llama-cpp-python) or "window" (llama-server)
    n_ubatch: int = N_UBATCH

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_OPTIONS = RunOptions()


def options_from_job(job: dict[str, Any]) -> RunOptions:
    """RunOptions from a smoke job's ``kv_type``/``flash_attn``/``swa_cache`` keys."""
    return RunOptions(kv_type=job.get("kv_type") or "f16",
                      flash_attn=bool(job.get("flash_attn")),
                      swa_cache=job.get("swa_cache") or "full")


@dataclass(frozen=True)
class Estimate:
    weights_bytes: int
    kv_cache_bytes: int
    compute_bytes: int
    overhead_bytes: int
    total_bytes: int                # the figure the fit uses: see total_basis
    context: int
    allocated_bytes: int = 0
    resident_bytes: int = 0
    total_basis: str = "allocated"  # "allocated" (GPU fit) or "resident" (CPU fit, mmap)
    recurrent_bytes: int = 0
    repack_bytes: int = 0           # CPU_REPACK copies of Q4_0/Q4_K/IQ4_NL weights
    compute_resident_bytes: int = 0
    kv_swa_cells: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    active_weights_bytes: int = 0
    decode_bytes_per_token: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pad(n_ctx: int, to: int = 256) -> int:
    return (max(n_ctx, 1) + to - 1) // to * to


def kv_cells(shape: ModelShape, n_ctx: int, options: RunOptions = DEFAULT_OPTIONS
             ) -> tuple[int, int]:
    """(cells of the full-attention cache, cells of the SWA cache), as llama_kv_cache_iswa
    sizes them: the window plus one micro-batch unless the full-size SWA cache is on."""
    full = _pad(n_ctx)
    if not shape.n_swa or options.swa_cache == "full":
        return full, full
    return full, min(full, _pad(shape.n_swa + options.n_ubatch))


def kv_cache_bytes(shape: ModelShape, n_ctx: int, n_layers: int | None = None,
                   options: RunOptions = DEFAULT_OPTIONS) -> int:
    """K and V for ``n_ctx`` tokens (padded to 256) over the first ``n_layers`` blocks
    (all when None); SWA layers hold their cache size, recurrent layers none."""
    layers = shape.n_layer if n_layers is None else min(n_layers, shape.n_layer)
    full, swa = kv_cells(shape, n_ctx, options)
    total = 0
    for il in range(layers):
        cells = swa if shape.is_swa(il) else full
        total += cells * shape.kv_bytes_per_token_layer(options.kv_type, il,
                                                        v_transposed=not options.flash_attn)
    return total


def recurrent_bytes(shape: ModelShape, n_layers: int | None = None) -> int:
    """Recurrent state (llama_memory_recurrent, one sequence, f32) of the recurrent layers."""
    layers = shape.n_layer if n_layers is None else min(n_layers, shape.n_layer)
    return sum(shape.recurrent_layer_bytes for il in range(layers)
               if il < len(shape.recurrent) and shape.recurrent[il])


def graph_bytes(shape: ModelShape, options: RunOptions = DEFAULT_OPTIONS) -> int:
    """Graph bookkeeping beyond the 1024 nodes every model reserves."""
    if shape.architecture in _GRAPH_HEAVY:
        nodes = max(options.n_ubatch * 40, 32 * shape.n_tensors)
    else:
        nodes = max(_BASE_NODES, 8 * shape.n_tensors)
    return max(nodes - _BASE_NODES, 0) * GRAPH_NODE_BYTES


def _compute_phases(shape: ModelShape, n_ctx: int, options: RunOptions) -> tuple[int, int]:
    """(logits phase, attention/SSM phase) floats per micro-batch token."""
    logits = shape.n_vocab + 3 * shape.n_embd
    full, swa = kv_cells(shape, n_ctx, options)
    if shape.attention_layers:
        n_kv = full
        masks = 1 + (1 if any(shape.swa_layers) else 0) * swa / max(full, 1)
        if options.flash_attn:       # no n_kv x n_head score matrix: an f16 mask, Q copied
            attention = (masks * n_kv / 2 + shape.n_head * shape.head_dim_k + 3 * shape.n_embd
                         + 2 * shape.n_ff)
        else:
            attention = (shape.n_head + masks) * n_kv + 3 * shape.n_embd + 2 * shape.n_ff
    else:
        attention = 0
    if any(shape.recurrent):      # the SSM scan's activations (fit on llama.cpp's mamba graph)
        attention = max(attention, int(6.5625 * shape.d_inner))
    return logits, int(attention)


def compute_bytes(shape: ModelShape, n_ctx: int, n_ubatch: int = N_UBATCH,
                  options: RunOptions = DEFAULT_OPTIONS) -> int:
    """llama.cpp's compute buffer: the larger of the logits and the attention phase."""
    ub = min(n_ubatch, max(n_ctx, 1))
    logits, attention = _compute_phases(shape, n_ctx, options)
    return 4 * ub * max(logits, attention)


def work_bytes(shape: ModelShape, n_ctx: int, options: RunOptions = DEFAULT_OPTIONS) -> int:
    """ggml-cpu's work buffer (not in llama.cpp's log): without flash attention the f32
    attention scores of a micro-batch are converted to f16 for the product with V."""
    if not shape.attention_layers or options.flash_attn:
        return 0
    ub = min(options.n_ubatch, max(n_ctx, 1))
    return 2 * shape.n_head * kv_cells(shape, n_ctx, options)[0] * ub


def compute_resident_bytes(shape: ModelShape, n_ctx: int,
                           options: RunOptions = DEFAULT_OPTIONS) -> int:
    """The part of the compute buffer a generating run touches: the attention phase of a
    full micro-batch, and one row of logits."""
    ub = min(options.n_ubatch, max(n_ctx, 1))
    logits, attention = _compute_phases(shape, n_ctx, options)
    return min(4 * (ub * attention + logits), 4 * ub * max(logits, attention))


def decode_bytes_per_token(shape: ModelShape, n_ctx: int,
                           options: RunOptions = DEFAULT_OPTIONS) -> int:
    """Bytes read to generate one token: active weights and, on average, half the cache."""
    return shape.active_weights_bytes + kv_cache_bytes(shape, n_ctx, options=options) // 2


def estimate_memory(shape: ModelShape, n_ctx: int = 4096,
                    options: RunOptions = DEFAULT_OPTIONS, *,
                    basis: str = "allocated") -> Estimate:
    """Both figures at context ``n_ctx``; ``total_bytes`` is the one named by ``basis``
    (``allocated``: a GPU fit; ``resident``: a CPU fit with mmap)."""
    kv = kv_cache_bytes(shape, n_ctx, options=options)
    rec = recurrent_bytes(shape)
    comp = compute_bytes(shape, n_ctx, options.n_ubatch, options)
    comp_res = compute_resident_bytes(shape, n_ctx, options)
    overhead = (PROCESS_OVERHEAD + 4 * shape.n_vocab + work_bytes(shape, n_ctx, options)
                + graph_bytes(shape, options))
    allocated = shape.weights_bytes + shape.repack_bytes + kv + rec + comp + overhead
    resident = (shape.weights_bytes - shape.skipped_bytes + shape.repack_bytes + kv + rec
                + comp_res + overhead)
    total = resident if basis == "resident" else allocated
    return Estimate(shape.weights_bytes, kv, comp, overhead, total, n_ctx,
                    allocated_bytes=allocated, resident_bytes=resident,
                    total_basis="resident" if basis == "resident" else "allocated",
                    recurrent_bytes=rec, repack_bytes=shape.repack_bytes,
                    compute_resident_bytes=comp_res,
                    kv_swa_cells=kv_cells(shape, n_ctx, options)[1] if shape.n_swa else None,
                    options=options.to_dict(), active_weights_bytes=shape.active_weights_bytes,
                    decode_bytes_per_token=decode_bytes_per_token(shape, n_ctx, options))


@dataclass(frozen=True)
class OffloadSplit:
    """Where a run with llama.cpp's ``n_gpu_layers`` puts its memory."""

    n_gpu_layers: int               # llama.cpp's count: the output head is one "layer"
    gpu_blocks: int                 # repeating blocks on the GPU
    vram_bytes: int
    ram_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def offload_split(shape: ModelShape, n_ctx: int, n_gpu_layers: int,
                  options: RunOptions = DEFAULT_OPTIONS) -> OffloadSplit:
    """VRAM and RAM for ``n_gpu_layers`` as llama.cpp assigns them: i_gpu_start =
    n_layer + 1 - n_gpu_layers, so the output head goes first, then the last blocks; the
    token embedding stays on the CPU; each block's KV cache goes with it (offload_kqv).

    Example (not run)::

        offload_split(shape, 4096, 1).gpu_blocks   # 0
    """
    n = shape.n_layer
    k = n + 1 if n_gpu_layers < 0 else max(0, min(n_gpu_layers, n + 1))
    est = estimate_memory(shape, n_ctx, options, basis="resident")
    if k == 0:
        return OffloadSplit(0, 0, 0, est.resident_bytes)
    blocks = k - 1
    start = n - blocks
    gpu_kv = kv_cache_bytes(shape, n_ctx, options=options) - kv_cache_bytes(
        shape, n_ctx, start, options)
    gpu_rec = recurrent_bytes(shape) - recurrent_bytes(shape, start)
    gpu_weights = shape.output_bytes + blocks * shape.layer_bytes
    if shape.output_bytes == shape.embd_bytes:   # tied: llama.cpp copies the head to the GPU
        cpu_weights = shape.weights_bytes - shape.skipped_bytes - blocks * shape.layer_bytes
    else:
        cpu_weights = shape.weights_bytes - shape.skipped_bytes - gpu_weights
    vram = gpu_weights + gpu_kv + gpu_rec + est.compute_bytes + GPU_RESERVE
    ram = (cpu_weights + est.kv_cache_bytes - gpu_kv + est.recurrent_bytes - gpu_rec
           + est.overhead_bytes + (est.compute_resident_bytes if blocks < n else 0))
    return OffloadSplit(k, blocks, vram, ram)


def gpu_layers_that_fit(shape: ModelShape, n_ctx: int, vram_bytes: int,
                        options: RunOptions = DEFAULT_OPTIONS) -> int:
    """How many repeating blocks fit in ``vram_bytes`` with the output head (placed first),
    their KV cache and the graph."""
    if offload_split(shape, n_ctx, 1, options).vram_bytes > vram_bytes:
        return 0
    lo, hi = 0, shape.n_layer
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offload_split(shape, n_ctx, mid + 1, options).vram_bytes <= vram_bytes:
            lo = mid
        else:
            hi = mid - 1
    return lo


def fit_model(shape: ModelShape, n_ctx: int, *, ram_bytes: int, vram_bytes: int,
              gpu_offload: bool, options: RunOptions = DEFAULT_OPTIONS) -> tuple[str, int]:
    """``(fit, gpu_layers)``: ``gpu`` (all blocks and the head on the GPU), ``partial``
    (``gpu_layers`` blocks and the head), ``cpu`` or ``too_large`` for this much free RAM
    and VRAM. A CPU run needs the resident figure in RAM; the GPU part the allocated one.

    Example (not run)::

        fit_model(shape, 4096, ram_bytes=8 << 30, vram_bytes=0, gpu_offload=False)
        # -> ('cpu', 0)
    """
    if gpu_offload and vram_bytes > 0:
        k = gpu_layers_that_fit(shape, n_ctx, vram_bytes, options)
        split = offload_split(shape, n_ctx, k + 1, options)
        if split.vram_bytes <= vram_bytes and split.ram_bytes <= ram_bytes:
            if k >= shape.n_layer:
                return "gpu", shape.n_layer
            if k > 0:
                return "partial", int(k)
    if estimate_memory(shape, n_ctx, options, basis="resident").total_bytes <= ram_bytes:
        return "cpu", 0
    return "too_large", 0


def fit_basis(fit: str) -> str:
    """The figure a fit is judged by: allocated on a GPU, resident on the CPU."""
    return "allocated" if fit in ("gpu", "partial") else "resident"


def decode_tokens_per_second(shape: ModelShape, n_ctx: int, fit: str, gpu_layers: int, *,
                             cpu_bandwidth: float = CPU_BANDWIDTH,
                             gpu_bandwidth: float = GPU_BANDWIDTH,
                             options: RunOptions = DEFAULT_OPTIONS,
                             cpu_layer_seconds: float = 0.0) -> float | None:
    """Decode speed: the bytes read per token (active parameters for MoE) over each
    device's bandwidth, plus ``cpu_layer_seconds`` for every layer the CPU runs (this
    machine's, advisor.machine.speed). None when it does not run (or the fit is unknown)."""
    if fit not in FITS or fit == "too_large":
        return None
    per_token = decode_bytes_per_token(shape, n_ctx, options)
    if fit == "cpu" or gpu_layers <= 0:
        seconds = per_token / cpu_bandwidth + shape.n_layer * cpu_layer_seconds
        return 1.0 / max(seconds, 1e-12)
    share = min(gpu_layers, shape.n_layer) / max(shape.n_layer, 1)
    body = max(per_token - shape.output_bytes, 0)
    gpu_bytes = shape.output_bytes + body * share
    cpu_layers = shape.n_layer - min(gpu_layers, shape.n_layer)
    seconds = (gpu_bytes / gpu_bandwidth + (per_token - gpu_bytes) / cpu_bandwidth
               + cpu_layers * cpu_layer_seconds)
    return 1.0 / max(seconds, 1e-12)
