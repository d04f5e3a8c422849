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

from advisor.gguf.header import ArrayValue, GGUFHeader

MIB = 1 << 20
PROCESS_OVERHEAD = 48 * MIB        # interpreter, numpy, llama.cpp and its threads (measured)
GPU_RESERVE = 512 * MIB            # CUDA/Metal context and allocator slack per GPU
N_UBATCH = 512
KV_TYPES = {"f16": 1, "q8_0": 8, "q4_0": 2}   # --kv-type -> ggml type id
_KV_ROW = {"f16": (1, 2), "q8_0": (32, 34), "q4_0": (32, 18)}   # (block, bytes per block)
SWA_CACHES = ("full", "window")
# Bandwidth assumed when the hardware does not say (bytes/s): a desktop's dual-channel
# DDR4/DDR5 reads 40-80 GB/s; a mid-range GPU 300-500 GB/s.
CPU_BANDWIDTH = 40e9
GPU_BANDWIDTH = 400e9

# Interleaved SWA as llama.cpp sets it when the file has no per-layer pattern:
# layer il is SWA when il % n < n - 1 (llama_hparams::set_swa_pattern).
_SWA_PATTERN = {"gemma2": 2, "gemma3": 6, "cohere2": 4, "gemma-embedding": 6}
_RECURRENT = {"mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"}
_REPACKED = {2, 12, 20}       # ggml types Q4_0, Q4_K, IQ4_NL
_HYBRID = {"jamba", "falcon-h1", "granitehybrid", "nemotron_h", "qwen3next", "lfm2",
           "plamo2"}


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
class ModelShape:
    """The numbers of a model the estimate needs; per-layer tuples have n_layer items."""

    architecture: str | None
    n_layer: int
    n_embd: int
    n_head: int
    n_head_kv: int
    head_dim_k: int
    head_dim_v: int
    n_vocab: int
    n_ff: int
    n_ctx_train: int | None
    weights_bytes: int
    non_layer_bytes: int           # token embedding, output head, norms outside the blocks
    output_bytes: int = 0          # the output head (the token embedding when tied)
    embd_bytes: int = 0            # the token embedding (stays on the CPU)
    expert_bytes: int = 0          # all *_exps tensors
    n_expert: int = 0
    n_expert_used: int = 0
    n_swa: int = 0                 # sliding window, tokens
    swa_layers: tuple[bool, ...] = ()
    kv_heads: tuple[int, ...] = ()  # per layer; 0 for a recurrent layer
    recurrent: tuple[bool, ...] = ()
    mla: bool = False              # K is the compressed row (kv_lora_rank + rope), no V
    recurrent_layer_bytes: int = 0  # R + S state of one recurrent layer (f32, one sequence)
    d_inner: int = 0
    repack_bytes: int = 0          # Q4_0/Q4_K/IQ4_NL block weights llama.cpp's CPU repacks
    layer_weights: tuple[int, ...] = field(default=(), repr=False)

    @property
    def layer_bytes(self) -> int:
        """Mean bytes of one repeating block."""
        return max(self.weights_bytes - self.non_layer_bytes, 0) // max(self.n_layer, 1)

    @property
    def active_weights_bytes(self) -> int:
        """Weights read per generated token: all but the embedding table (one row) and the
        experts not routed to (MoE: n_expert_used of n_expert)."""
        experts = (self.expert_bytes * self.n_expert_used // self.n_expert
                   if self.n_expert else self.expert_bytes)
        embd = 0 if self.output_bytes == self.embd_bytes and self.embd_bytes else self.embd_bytes
        return max(self.weights_bytes - self.expert_bytes - embd, 0) + experts

    @property
    def attention_layers(self) -> int:
        return sum(1 for h in self._kv_heads() if h > 0)

    def _kv_heads(self) -> tuple[int, ...]:
        return self.kv_heads or (self.n_head_kv,) * self.n_layer

    def kv_bytes_per_token_layer(self, kv_type: str = "f16", layer: int | None = None) -> int:
        """K and V bytes one token takes in one layer (the largest layer when None)."""
        heads = self._kv_heads()
        n_kv = heads[layer] if layer is not None and layer < len(heads) else max(heads or (0,))
        if n_kv <= 0:
            return 0
        block, size = _KV_ROW.get(kv_type, _KV_ROW["f16"])
        k = self.head_dim_k * n_kv
        v = 0 if self.mla else self.head_dim_v * n_kv
        return (k + block - 1) // block * size + (v + block - 1) // block * size


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


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, ArrayValue):
        ints = [v for v in value.values or () if isinstance(v, int)]
        return max(ints) if ints else default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)


def _per_layer(value: Any, n_layer: int, default: int) -> tuple[int, ...]:
    """A per-layer array (hybrid models give head_count_kv per layer) or one value."""
    if isinstance(value, ArrayValue) and value.values and len(value.values) == n_layer:
        return tuple(int(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                     else default for v in value.values)
    return (_int(value, default),) * n_layer


def tensor_bytes(ggml_type: int, n_elements: int) -> int | None:
    """Bytes of a tensor stored as ``ggml_type``; None for a type this gguf doesn't know."""
    import gguf

    try:
        block, size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError):
        return None
    return n_elements * size // block


def _swa_layers(header: GGUFHeader, arch: str | None, n_layer: int, n_swa: int) -> tuple[bool, ...]:
    if not n_swa:
        return (False,) * n_layer
    pattern = header.arch_value("attention.sliding_window_pattern")
    if isinstance(pattern, ArrayValue) and pattern.values and len(pattern.values) == n_layer:
        return tuple(bool(v) for v in pattern.values)
    n = _int(pattern) or _SWA_PATTERN.get(arch or "", 0)
    if n <= 1:
        return (False,) * n_layer      # unknown layout: count every layer at full size
    return tuple(il % n < n - 1 for il in range(n_layer))


def _recurrent_layers(header: GGUFHeader, arch: str | None, n_layer: int,
                      kv_heads: tuple[int, ...]) -> tuple[bool, ...]:
    if arch in _RECURRENT:
        return (True,) * n_layer
    if arch not in _HYBRID:
        return (False,) * n_layer
    if arch == "falcon-h1":                       # attention and SSM side by side
        return (True,) * n_layer
    interval = _int(header.arch_value("full_attention_interval"))
    if interval:                                  # qwen3next: every interval-th is attention
        return tuple((il + 1) % interval != 0 for il in range(n_layer))
    return tuple(h == 0 for h in kv_heads)


def _recurrent_state(header: GGUFHeader, arch: str | None, n_embd: int) -> tuple[int, int]:
    """(bytes of R + S state per recurrent layer for one sequence, d_inner)."""
    if arch and arch.startswith(("rwkv", "arwkv")):
        head = _int(header.arch_value("wkv.head_size"), 64)
        shift = _int(header.arch_value("token_shift_count"), 2)
        return 4 * (shift * n_embd + n_embd * head), 0
    d_conv = _int(header.arch_value("ssm.conv_kernel"))
    d_inner = _int(header.arch_value("ssm.inner_size"))
    d_state = _int(header.arch_value("ssm.state_size"))
    n_group = _int(header.arch_value("ssm.group_count"))
    r = max(d_conv - 1, 0) * (d_inner + 2 * n_group * d_state)
    return 4 * (r + d_state * d_inner), d_inner


def model_shape(header: GGUFHeader, *, file_bytes: int | None = None,
                extra_bytes: int = 0) -> ModelShape:
    """Shape of the model in ``header``; ``extra_bytes`` adds the other shards of a split file.

    Weights are the sum of the tensor sizes; where a tensor's type is unknown, the file's
    size after the header stands in.
    """
    sizes = [tensor_bytes(t.ggml_type, t.n_elements) for t in header.tensors]
    if None in sizes and file_bytes:
        weights = max(file_bytes - header.data_offset, 0)
    else:
        weights = sum(s or 0 for s in sizes)
    by_name = {t.name: s or 0 for t, s in zip(header.tensors, sizes)}
    non_layer = sum(s for n, s in by_name.items() if not n.startswith("blk."))
    experts = sum(s for n, s in by_name.items() if "_exps." in n)
    # CPU_REPACK copies these (interleaved for AVX2/NEON) when CPU extra buffers are on
    repack = sum(s or 0 for t, s in zip(header.tensors, sizes)
                 if t.name.startswith("blk.") and t.ggml_type in _REPACKED
                 and len(t.shape) >= 2 and t.shape[1] % 8 == 0)
    arch = header.architecture
    n_embd = _int(header.arch_value("embedding_length"))
    n_head = _int(header.arch_value("attention.head_count"))
    n_layer = _int(header.arch_value("block_count"))
    if not n_layer:
        blocks = {t.name.split(".")[1] for t in header.tensors if t.name.startswith("blk.")}
        n_layer = len(blocks)
    kv_heads = _per_layer(header.arch_value("attention.head_count_kv"), n_layer, n_head)
    n_head_kv = max(kv_heads or (n_head,))
    head_dim = n_embd // n_head if n_head else 0
    tokens = header.metadata.get("tokenizer.ggml.tokens")
    n_vocab = _int(header.arch_value("vocab_size")) or (
        tokens.count if isinstance(tokens, ArrayValue) else 0)
    n_swa = _int(header.arch_value("attention.sliding_window"))
    recurrent = _recurrent_layers(header, arch, n_layer, kv_heads)
    if arch in _RECURRENT:
        kv_heads = (0,) * n_layer
    state, d_inner = _recurrent_state(header, arch, n_embd) if any(recurrent) else (0, 0)
    mla = header.arch_value("attention.key_length_mla") is not None
    if mla:
        kv_heads = tuple(1 if h else 0 for h in kv_heads)
    embd = by_name.get("token_embd.weight", 0)
    output = by_name.get("output.weight", embd)
    return ModelShape(
        architecture=arch,
        n_layer=n_layer,
        n_embd=n_embd,
        n_head=n_head,
        n_head_kv=n_head_kv,
        head_dim_k=_int(header.arch_value("attention.key_length"), head_dim),
        head_dim_v=_int(header.arch_value("attention.value_length"), head_dim),
        n_vocab=n_vocab,
        n_ff=_int(header.arch_value("feed_forward_length")),
        n_ctx_train=_int(header.arch_value("context_length")) or None,
        weights_bytes=weights + max(extra_bytes, 0),
        non_layer_bytes=non_layer,
        output_bytes=output,
        embd_bytes=embd,
        expert_bytes=experts,
        n_expert=_int(header.arch_value("expert_count")),
        n_expert_used=_int(header.arch_value("expert_used_count")),
        n_swa=n_swa,
        swa_layers=_swa_layers(header, arch, n_layer, n_swa),
        kv_heads=kv_heads,
        recurrent=recurrent,
        mla=mla,
        recurrent_layer_bytes=state,
        d_inner=d_inner,
        repack_bytes=repack,
    )


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
        cells = swa if il < len(shape.swa_layers) and shape.swa_layers[il] else full
        total += cells * shape.kv_bytes_per_token_layer(options.kv_type, il)
    return total


def recurrent_bytes(shape: ModelShape, n_layers: int | None = None) -> int:
    """Recurrent state (llama_memory_recurrent, one sequence, f32) of the recurrent layers."""
    layers = shape.n_layer if n_layers is None else min(n_layers, shape.n_layer)
    return sum(shape.recurrent_layer_bytes for il in range(layers)
               if il < len(shape.recurrent) and shape.recurrent[il])


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
    overhead = PROCESS_OVERHEAD + 4 * shape.n_vocab + work_bytes(shape, n_ctx, options)
    allocated = shape.weights_bytes + shape.repack_bytes + kv + rec + comp + overhead
    resident = shape.weights_bytes + shape.repack_bytes + kv + rec + comp_res + overhead
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
        cpu_weights = shape.weights_bytes - blocks * shape.layer_bytes
    else:
        cpu_weights = shape.weights_bytes - gpu_weights
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
                             options: RunOptions = DEFAULT_OPTIONS) -> float | None:
    """Upper bound on decode speed: memory bandwidth over the bytes read per token (active
    parameters for MoE), each device reading its own share. None when it does not run."""
    if fit == "too_large":
        return None
    per_token = decode_bytes_per_token(shape, n_ctx, options)
    if fit == "cpu" or gpu_layers <= 0:
        return cpu_bandwidth / max(per_token, 1)
    share = min(gpu_layers, shape.n_layer) / max(shape.n_layer, 1)
    body = max(per_token - shape.output_bytes, 0)
    gpu_bytes = shape.output_bytes + body * share
    seconds = gpu_bytes / gpu_bandwidth + (per_token - gpu_bytes) / cpu_bandwidth
    return 1.0 / max(seconds, 1e-12)
