"""The shape of a model as llama.cpp builds it from a GGUF header.

Pure functions. What the estimate needs per layer (KV heads, head sizes, sliding or full
attention, recurrent or not, whether the layer holds its own KV cache) is read from the
header the way llama.cpp reads it (``src/llama-model.cpp`` ``load_hparams`` and the
per-architecture ``src/models/<arch>.cpp`` ``load_arch_hparams`` of the llama.cpp that
llama-cpp-python 0.3.36 vendors), including what llama.cpp sets in code rather than
reading from the file:

- the sliding-window layout when the file has no pattern: gpt-oss slides on every other
  layer (``load_swa_pattern(ml, 2)``), Gemma 3 on five of six, Llama 4 chunks three
  layers of four with a fixed 8192-token chunk (``n_swa = 8192``);
- the sliding layers' own head sizes (``attention.key_length_swa``, Gemma 4);
- layers that reuse an earlier layer's KV cache (``attention.shared_kv_layers``, Gemma 3n
  and Gemma 4) and multi-token-prediction layers llama.cpp skips (``nextn_predict_layers``,
  GLM-4.5/4.6);
- recurrent layers of hybrids: every ``full_attention_interval``-th layer attends
  (Qwen3-Next: 4 when the file does not say), or a zero KV-head count marks a recurrent
  layer (Granite 4, Jamba, LFM2);
- MLA (DeepSeek-V2/V3, Kimi K2): one compressed K row per token, no V.

    >>> swa_pattern(2, 4)             # gpt-oss: no pattern in the file
    (True, False, True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.gguf.header import ArrayValue, GGUFHeader

_KV_ROW = {"f16": (1, 2), "q8_0": (32, 34), "q4_0": (32, 18)}   # (block, bytes per block)
_REPACKED = {2, 12, 20}       # ggml types Q4_0, Q4_K, IQ4_NL


@dataclass(frozen=True)
class SwaRule:
    """How llama.cpp lays out sliding-window attention for one architecture.

    ``pattern``: ``set_swa_pattern(n)`` when the file has no pattern (None: the file must
    carry the per-layer array); ``dense_first``: layer 0 of each group is the full one;
    ``window``: the window when the file has none; ``forced``: the window llama.cpp uses
    whatever the file says (Llama 4's chunk), unless the file sets 0.
    """

    pattern: int | None
    dense_first: bool = False
    window: int = 0
    forced: int = 0


# src/models/<arch>.cpp, load_arch_hparams (llama-cpp-python 0.3.36)
SWA_RULES: dict[str, SwaRule] = {
    "gpt-oss": SwaRule(2),                                  # openai-moe.cpp
    "gemma2": SwaRule(2, window=4096),
    "gemma3": SwaRule(6),
    "gemma3n": SwaRule(5),
    "gemma-embedding": SwaRule(6),
    "gemma4": SwaRule(None),                                # the file's per-layer array
    "llama4": SwaRule(4, window=8192, forced=8192),         # chunked attention
    "cohere2": SwaRule(4),
    "cohere2moe": SwaRule(4, dense_first=True),
    "afmoe": SwaRule(4),
    "exaone-moe": SwaRule(4, window=128),
    "mellum": SwaRule(4),
    "olmo2": SwaRule(4),
    "muse-glimmer": SwaRule(4),
    "plamo3": SwaRule(8),
    "smallthinker": SwaRule(4, dense_first=True, forced=4096),
    "granite_swa": SwaRule(None),
    "mimo2": SwaRule(None),
    "step35": SwaRule(None),
}
CHUNKED = {"llama4"}          # LLAMA_SWA_TYPE_CHUNKED: the window is a fixed chunk
# Layers from this index on reuse earlier layers' KV (llama_hparams::n_layer_kv_from_start)
_FIXED_KV_LAYERS = {"gemma3n": 20}
RECURRENT = {"mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"}
# Hybrids whose attention layers are every interval-th (default interval when unset)
_INTERVAL_HYBRIDS = {"qwen3next": 4, "qwen35": 4, "qwen35moe": 4, "qwen4exp": 4,
                     "minimax-01": 8}
# Hybrids whose recurrent layers have head_count_kv 0
_KV0_HYBRIDS = {"jamba", "granitehybrid", "lfm2", "lfm2moe", "plamo2", "kimi-linear",
                "kimi-k3", "bailingmoe3", "glm5-next"}
HYBRID = set(_INTERVAL_HYBRIDS) | _KV0_HYBRIDS | {"falcon-h1", "nemotron_h", "nemotron_h_moe"}


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
    n_swa: int = 0                 # sliding window (Llama 4: the attention chunk), tokens
    swa_layers: tuple[bool, ...] = ()
    kv_heads: tuple[int, ...] = ()  # per layer; 0 for a recurrent layer
    recurrent: tuple[bool, ...] = ()
    mla: bool = False              # K is the compressed row (kv_lora_rank + rope), no V
    recurrent_layer_bytes: int = 0  # R + S state of one recurrent layer (f32, one sequence)
    d_inner: int = 0
    repack_bytes: int = 0          # Q4_0/Q4_K/IQ4_NL block weights llama.cpp's CPU repacks
    head_dim_k_swa: int = 0        # sliding layers' head sizes (0: as the full layers)
    head_dim_v_swa: int = 0
    kv_layers: tuple[bool, ...] = ()  # layer holds its own KV (False: reuses an earlier one)
    n_nextn: int = 0               # multi-token-prediction layers llama.cpp does not load
    skipped_bytes: int = 0         # their tensors: mapped with the file, never read
    chunked: bool = False          # the window is Llama 4's attention chunk
    n_tensors: int = 0
    layer_weights: tuple[int, ...] = field(default=(), repr=False)

    @property
    def layer_bytes(self) -> int:
        """Mean bytes of one repeating block."""
        return (max(self.weights_bytes - self.non_layer_bytes - self.skipped_bytes, 0)
                // max(self.n_layer, 1))

    @property
    def active_weights_bytes(self) -> int:
        """Weights read per generated token: all but the embedding table (one row) and the
        experts not routed to (MoE: n_expert_used of n_expert)."""
        experts = (self.expert_bytes * self.n_expert_used // self.n_expert
                   if self.n_expert else self.expert_bytes)
        embd = 0 if self.output_bytes == self.embd_bytes and self.embd_bytes else self.embd_bytes
        return max(self.weights_bytes - self.skipped_bytes - self.expert_bytes - embd, 0) + experts

    @property
    def attention_layers(self) -> int:
        return sum(1 for h in self._kv_heads() if h > 0)

    def _kv_heads(self) -> tuple[int, ...]:
        return self.kv_heads or (self.n_head_kv,) * self.n_layer

    def is_swa(self, layer: int) -> bool:
        return layer < len(self.swa_layers) and self.swa_layers[layer]

    def head_dims(self, layer: int) -> tuple[int, int]:
        """(K, V) head size of ``layer``: sliding layers may have their own."""
        if self.is_swa(layer):
            return (self.head_dim_k_swa or self.head_dim_k, self.head_dim_v_swa or self.head_dim_v)
        return self.head_dim_k, self.head_dim_v

    def holds_kv(self, layer: int) -> bool:
        return not self.kv_layers or layer >= len(self.kv_layers) or self.kv_layers[layer]

    def v_row_max(self) -> int:
        """The widest V row of any layer: without flash attention llama.cpp stores V
        transposed and pads every layer's V to it when the widths differ."""
        heads = self._kv_heads()
        return max((self.head_dims(il)[1] * h for il, h in enumerate(heads)), default=0)

    def kv_bytes_per_token_layer(self, kv_type: str = "f16", layer: int | None = None,
                                 v_transposed: bool = False) -> int:
        """K and V bytes one token takes in one layer (the largest layer when None);
        ``v_transposed`` (no flash attention) pads V to the widest layer's."""
        if layer is None:
            return max((self.kv_bytes_per_token_layer(kv_type, il, v_transposed)
                        for il in range(self.n_layer)), default=0)
        heads = self._kv_heads()
        n_kv = heads[layer] if layer < len(heads) else 0
        if n_kv <= 0 or not self.holds_kv(layer):
            return 0
        block, size = _KV_ROW.get(kv_type, _KV_ROW["f16"])
        dim_k, dim_v = self.head_dims(layer)
        k = dim_k * n_kv
        v = 0 if self.mla else (self.v_row_max() if v_transposed else dim_v * n_kv)
        return (k + block - 1) // block * size + (v + block - 1) // block * size


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, ArrayValue):
        ints = [v for v in value.values or () if isinstance(v, int)]
        return max(ints) if ints else default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return int(value)


def _per_layer(value: Any, n_layer: int, default: int) -> tuple[int, ...]:
    """A per-layer array (hybrid models give head_count_kv per layer) or one value."""
    if isinstance(value, ArrayValue) and value.values and len(value.values) >= n_layer:
        return tuple(int(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                     else default for v in value.values[:n_layer])
    return (_int(value, default),) * n_layer


def _flags(value: Any, n_layer: int) -> tuple[bool, ...] | None:
    """A per-layer boolean array of at least ``n_layer`` items, else None."""
    if isinstance(value, ArrayValue) and value.values and len(value.values) >= n_layer:
        return tuple(bool(v) for v in value.values[:n_layer])
    return None


def tensor_bytes(ggml_type: int, n_elements: int) -> int | None:
    """Bytes of a tensor stored as ``ggml_type``; None for a type this gguf doesn't know."""
    import gguf

    try:
        block, size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError):
        return None
    return n_elements * size // block


def swa_pattern(n_pattern: int, n_layer: int, dense_first: bool = False) -> tuple[bool, ...]:
    """llama_hparams::set_swa_pattern: 0 makes every layer sliding; otherwise layer il
    slides unless it is the last (or, dense first, the first) of each group of n.

    >>> swa_pattern(2, 4), swa_pattern(4, 4, dense_first=True)
    ((True, False, True, False), (False, True, True, True))
    """
    if dense_first:
        return tuple(n_pattern == 0 or il % n_pattern != 0 for il in range(n_layer))
    return tuple(n_pattern == 0 or il % n_pattern < n_pattern - 1 for il in range(n_layer))


def sliding_window(header: GGUFHeader, arch: str | None, n_layer: int
                   ) -> tuple[int, tuple[bool, ...]]:
    """(window, per-layer sliding flags) as llama.cpp sets them for ``arch``."""
    rule = SWA_RULES.get(arch or "")
    none = (False,) * n_layer
    if rule is None:
        return 0, none
    raw = header.arch_value("attention.sliding_window")
    window = _int(raw) if raw is not None else rule.window
    if window and rule.forced:
        window = rule.forced
    if not window:
        return 0, none
    pattern = header.arch_value("attention.sliding_window_pattern")
    flags = _flags(pattern, n_layer)
    if flags is not None:
        return window, flags
    if isinstance(pattern, (int, float)) and not isinstance(pattern, bool):
        return window, swa_pattern(int(pattern), n_layer, rule.dense_first)
    if rule.pattern is None:
        return 0, none                 # the array llama.cpp requires is missing or too long
    return window, swa_pattern(rule.pattern, n_layer, rule.dense_first)


def _recurrent_layers(header: GGUFHeader, arch: str | None, n_layer: int,
                      kv_heads: tuple[int, ...], n_ff: tuple[int, ...]) -> tuple[bool, ...]:
    if arch in RECURRENT or arch == "falcon-h1":  # falcon-h1: attention and SSM side by side
        return (True,) * n_layer
    if arch in _INTERVAL_HYBRIDS:
        flags = _flags(header.arch_value("attention.recurrent_layers"), n_layer)
        if flags is not None:
            return flags
        interval = _int(header.arch_value("full_attention_interval")) or _INTERVAL_HYBRIDS[arch]
        return tuple((il + 1) % interval != 0 for il in range(n_layer))
    if arch in ("nemotron_h", "nemotron_h_moe"):  # MLP-only layers are neither
        return tuple(h == 0 and f == 0 for h, f in zip(kv_heads, n_ff))
    if arch in _KV0_HYBRIDS:
        return tuple(h == 0 for h in kv_heads)
    return (False,) * n_layer


def _recurrent_state(header: GGUFHeader, arch: str | None, n_embd: int) -> tuple[int, int]:
    """(bytes of R + S state per recurrent layer for one sequence, d_inner):
    llama_hparams::n_embd_r and n_embd_s, f32."""
    if arch and arch.startswith(("rwkv", "arwkv")):
        head = _int(header.arch_value("wkv.head_size"), 64)
        shift = _int(header.arch_value("token_shift_count"), 2)
        return 4 * (shift * n_embd + n_embd * head), 0
    l_cache = _int(header.arch_value("shortconv.l_cache"))
    if l_cache:                                   # LFM2's short convolutions
        return 4 * n_embd * (l_cache - 1), 0
    d_conv = _int(header.arch_value("ssm.conv_kernel"))
    d_inner = _int(header.arch_value("ssm.inner_size"))
    d_state = _int(header.arch_value("ssm.state_size"))
    n_group = _int(header.arch_value("ssm.group_count"))
    r = max(d_conv - 1, 0) * (d_inner + 2 * n_group * d_state)
    return 4 * (r + d_state * d_inner), d_inner


def _kv_layers(header: GGUFHeader, arch: str | None, n_layer: int) -> tuple[bool, ...]:
    """Which layers hold their own KV cache (llama_hparams::has_kv)."""
    shared = header.arch_value("attention.shared_kv_layers")
    if arch == "gemma4" and _int(shared):
        start = n_layer - _int(shared)
    elif arch in _FIXED_KV_LAYERS:
        start = _FIXED_KV_LAYERS[arch]
    else:
        return ()
    return tuple(il < start for il in range(n_layer))


def _block_index(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) > 2 and parts[0] == "blk" and parts[1].isdigit():
        return int(parts[1])
    return None


def model_shape(header: GGUFHeader, *, file_bytes: int | None = None,
                extra_bytes: int = 0) -> ModelShape:
    """Shape of the model in ``header``; ``extra_bytes`` adds the other shards of a split file.

    Weights are the sum of the tensor sizes (what llama.cpp maps); where a tensor's type
    is unknown, the file's size after the header stands in. Multi-token-prediction blocks
    are mapped but never loaded or read (``skipped_bytes``).
    """
    arch = header.architecture
    block_count = _int(header.arch_value("block_count"))
    if not block_count:
        block_count = len({i for t in header.tensors if (i := _block_index(t.name)) is not None})
    n_nextn = _int(header.arch_value("nextn_predict_layers"))
    n_nextn = n_nextn if 0 < n_nextn < block_count else 0
    n_layer = block_count - n_nextn
    sizes = [tensor_bytes(t.ggml_type, t.n_elements) for t in header.tensors]
    if None in sizes and file_bytes:
        weights = max(file_bytes - header.data_offset, 0)
    else:
        weights = sum(s or 0 for s in sizes)
    by_name = {t.name: s or 0 for t, s in zip(header.tensors, sizes)}
    skipped = sum(s for n, s in by_name.items() if (_block_index(n) or 0) >= n_layer)
    non_layer = sum(s for n, s in by_name.items() if not n.startswith("blk."))
    experts = sum(s for n, s in by_name.items()
                  if "_exps." in n and (_block_index(n) or 0) < n_layer)
    # CPU_REPACK copies these (interleaved for AVX2/NEON) when CPU extra buffers are on
    repack = sum(s or 0 for t, s in zip(header.tensors, sizes)
                 if t.name.startswith("blk.") and (_block_index(t.name) or 0) < n_layer
                 and t.ggml_type in _REPACKED and len(t.shape) >= 2 and t.shape[1] % 8 == 0)
    n_embd = _int(header.arch_value("embedding_length"))
    n_head = _int(header.arch_value("attention.head_count"))
    kv_heads = _per_layer(header.arch_value("attention.head_count_kv"), n_layer, n_head)
    n_ff = _per_layer(header.arch_value("feed_forward_length"), n_layer, 0)
    n_head_kv = max(kv_heads or (n_head,))
    head_dim = n_embd // n_head if n_head else 0
    head_dim_k = _int(header.arch_value("attention.key_length"), head_dim)
    head_dim_v = _int(header.arch_value("attention.value_length"), head_dim)
    tokens = header.metadata.get("tokenizer.ggml.tokens")
    n_vocab = _int(header.arch_value("vocab_size")) or (
        tokens.count if isinstance(tokens, ArrayValue) else 0)
    n_swa, swa_layers = sliding_window(header, arch, n_layer)
    recurrent = _recurrent_layers(header, arch, n_layer, kv_heads, n_ff)
    if arch in RECURRENT:
        kv_heads = (0,) * n_layer
    elif arch in _INTERVAL_HYBRIDS:
        kv_heads = tuple(0 if r else h for r, h in zip(recurrent, kv_heads))
    elif arch in ("nemotron_h", "nemotron_h_moe"):
        kv_heads = tuple(h if f == 0 else 0 for h, f in zip(kv_heads, n_ff))
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
        head_dim_k=head_dim_k,
        head_dim_v=head_dim_v,
        n_vocab=n_vocab,
        n_ff=max(n_ff, default=0),
        n_ctx_train=_int(header.arch_value("context_length")) or None,
        weights_bytes=weights + max(extra_bytes, 0),
        non_layer_bytes=non_layer,
        output_bytes=output,
        embd_bytes=embd,
        expert_bytes=experts,
        n_expert=_int(header.arch_value("expert_count")),
        n_expert_used=_int(header.arch_value("expert_used_count")),
        n_swa=n_swa,
        swa_layers=swa_layers,
        kv_heads=kv_heads,
        recurrent=recurrent,
        mla=mla,
        recurrent_layer_bytes=state,
        d_inner=d_inner,
        repack_bytes=repack,
        head_dim_k_swa=_int(header.arch_value("attention.key_length_swa")),
        head_dim_v_swa=_int(header.arch_value("attention.value_length_swa")),
        kv_layers=_kv_layers(header, arch, n_layer),
        n_nextn=n_nextn,
        skipped_bytes=skipped,
        chunked=arch in CHUNKED and n_swa > 0,
        n_tensors=len(header.tensors),
    )
