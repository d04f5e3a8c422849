"""Memory needed to run a GGUF model with llama.cpp, from its header alone, and the fit.

Pure functions. The numbers follow llama.cpp's own allocations (checked against its
``KV buffer size`` and ``compute buffer size`` log lines): weights as stored, an f16 KV
cache for the context (padded to 256), the compute graph for a 512-token micro-batch
without flash attention, and a fixed process overhead.

    >>> shape = model_shape(header, file_bytes=98_362_432)
    >>> est = estimate_memory(shape, 4096)
    >>> est.kv_cache_bytes // 2**20, est.compute_bytes // 2**20
    (90, 99)
    >>> fit_model(shape, 4096, ram_bytes=16 * 2**30, vram_bytes=0, gpu_offload=False)
    ('cpu', 0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from advisor.hub.gguf_header import ArrayValue, GGUFHeader

MIB = 1 << 20
PROCESS_OVERHEAD = 64 * MIB        # interpreter, llama.cpp and its threads, small buffers
GPU_RESERVE = 512 * MIB            # CUDA/Metal context and allocator slack per GPU
N_UBATCH = 512
FITS = ("gpu", "partial", "cpu", "too_large")


@dataclass(frozen=True)
class ModelShape:
    """The few numbers of a model the estimate needs."""

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

    @property
    def layer_bytes(self) -> int:
        """Mean bytes of one repeating block."""
        return max(self.weights_bytes - self.non_layer_bytes, 0) // max(self.n_layer, 1)

    def kv_bytes_per_token_layer(self) -> int:
        return (self.head_dim_k + self.head_dim_v) * self.n_head_kv * 2   # f16 K and V


@dataclass(frozen=True)
class Estimate:
    weights_bytes: int
    kv_cache_bytes: int
    compute_bytes: int
    overhead_bytes: int
    total_bytes: int
    context: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, ArrayValue):
        ints = [v for v in value.values or () if isinstance(v, int)]
        return max(ints) if ints else default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)


def tensor_bytes(ggml_type: int, n_elements: int) -> int | None:
    """Bytes of a tensor stored as ``ggml_type``; None for a type this gguf doesn't know."""
    import gguf

    try:
        block, size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError):
        return None
    return n_elements * size // block


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
    non_layer = sum(s or 0 for t, s in zip(header.tensors, sizes) if not t.name.startswith("blk."))
    n_embd = _int(header.arch_value("embedding_length"))
    n_head = _int(header.arch_value("attention.head_count"))
    n_head_kv = _int(header.arch_value("attention.head_count_kv"), n_head)
    head_dim = n_embd // n_head if n_head else 0
    tokens = header.metadata.get("tokenizer.ggml.tokens")
    n_vocab = _int(header.arch_value("vocab_size")) or (
        tokens.count if isinstance(tokens, ArrayValue) else 0)
    n_layer = _int(header.arch_value("block_count"))
    if not n_layer:
        blocks = {t.name.split(".")[1] for t in header.tensors if t.name.startswith("blk.")}
        n_layer = len(blocks)
    return ModelShape(
        architecture=header.architecture,
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
    )


def _pad(n_ctx: int, to: int = 256) -> int:
    return (max(n_ctx, 1) + to - 1) // to * to


def kv_cache_bytes(shape: ModelShape, n_ctx: int, n_layers: int | None = None) -> int:
    """f16 K and V for ``n_ctx`` tokens (padded to 256) over ``n_layers`` blocks."""
    layers = shape.n_layer if n_layers is None else n_layers
    return _pad(n_ctx) * layers * shape.kv_bytes_per_token_layer()


def compute_bytes(shape: ModelShape, n_ctx: int, n_ubatch: int = N_UBATCH) -> int:
    """llama.cpp's compute buffer: the larger of the logits and the attention phase."""
    ub = min(n_ubatch, max(n_ctx, 1))
    logits = shape.n_vocab + 3 * shape.n_embd
    attention = (shape.n_head + 1) * _pad(n_ctx) + 3 * shape.n_embd + 2 * shape.n_ff
    return 4 * ub * max(logits, attention)


def estimate_memory(shape: ModelShape, n_ctx: int = 4096) -> Estimate:
    """Everything in system memory (CPU inference) at context ``n_ctx``."""
    kv = kv_cache_bytes(shape, n_ctx)
    comp = compute_bytes(shape, n_ctx)
    overhead = PROCESS_OVERHEAD + 4 * shape.n_vocab
    return Estimate(shape.weights_bytes, kv, comp, overhead,
                    shape.weights_bytes + kv + comp + overhead, n_ctx)


def gpu_layers_that_fit(shape: ModelShape, n_ctx: int, vram_bytes: int) -> int:
    """How many repeating blocks fit in ``vram_bytes`` with their KV cache and the graph."""
    free = vram_bytes - GPU_RESERVE - compute_bytes(shape, n_ctx)
    per_layer = shape.layer_bytes + _pad(n_ctx) * shape.kv_bytes_per_token_layer()
    if free <= 0 or per_layer <= 0:
        return 0
    return min(shape.n_layer, free // per_layer)


def fit_model(shape: ModelShape, n_ctx: int, *, ram_bytes: int, vram_bytes: int,
              gpu_offload: bool) -> tuple[str, int]:
    """``(fit, gpu_layers)``: ``gpu`` (all blocks and the head on the GPU), ``partial``,
    ``cpu`` or ``too_large`` for this much free RAM and VRAM.

    >>> fit_model(shape, 4096, ram_bytes=8 << 30, vram_bytes=0, gpu_offload=False)
    ('cpu', 0)
    """
    total = estimate_memory(shape, n_ctx).total_bytes
    if gpu_offload and vram_bytes > 0:
        k = gpu_layers_that_fit(shape, n_ctx, vram_bytes)
        if k >= shape.n_layer:
            gpu_total = (shape.weights_bytes + kv_cache_bytes(shape, n_ctx)
                         + compute_bytes(shape, n_ctx) + GPU_RESERVE)
            host = PROCESS_OVERHEAD + 4 * shape.n_vocab
            if gpu_total <= vram_bytes and host <= ram_bytes:
                return "gpu", shape.n_layer
            k = shape.n_layer
        if k > 0:
            host = (total - k * shape.layer_bytes - kv_cache_bytes(shape, n_ctx, k))
            if host <= ram_bytes:
                return "partial", int(k)
    if total <= ram_bytes:
        return "cpu", 0
    return "too_large", 0
