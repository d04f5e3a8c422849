"""Does a profiled model run on the declared hardware, and how well: a rough fit from the
parameter count, through the memory estimate and fit rule of GGUF files.

No GGUF header is at hand for a profiled model, so its shape is rough: the weights are
its parameters at a quantization's published bits per weight, the attention (and so the
KV cache) is that of a typical dense transformer of its size (of its active parameters
for a mixture of experts). The figures then go through the same estimate and fit rule
as a real header (``advisor.gguf.estimate``), so a model is judged like a GGUF file.

The quantizations tried, best first, with their bits per weight as llama.cpp's
``tools/quantize/README.md`` publishes them for Llama 2 7B (Q8_0: its block size):
Q8_0 8.50, Q6_K 6.56, Q5_K_M 5.68, Q4_K_M 4.84 (the sensible ones), then Q3_K_M 3.91 and
Q2_K 3.35, which lose quality. A model that fits at none of them does not run.

A model *runs well* at a sensible quantization when it fits with at least 15% of the
memory it uses to spare and either sits wholly on the GPU or, on the CPU or split
between both, generates at least 10 tokens per second for an interactive use (5 for a
batch use) by the estimate's bandwidth bound. One that fits only below Q4_K_M, or
generates under 1 token per second, barely runs.

    >>> hw = simulated_hardware(ram_gb=64, vram_gb=24)
    >>> fit = run_fit(24e9, None, hw, context=8192)
    >>> fit.tier == RUNS_WELL, fit.where, fit.quant
    (True, 'gpu', 'Q5_K_M')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from advisor.gguf.estimate import (
    ModelShape, decode_tokens_per_second, estimate_memory, fit_model, offload_split,
)
from advisor.machine.hardware import GIB, Hardware, simulated_hardware

QUANTS = (("Q8_0", 8.50), ("Q6_K", 6.56), ("Q5_K_M", 5.68), ("Q4_K_M", 4.84),
          ("Q3_K_M", 3.91), ("Q2_K", 3.35))
SENSIBLE = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M")
HEADROOM = 0.15                 # of the memory a run uses, left free
INTERACTIVE_SPEED = 10.0        # tokens per second: faster than people read
BATCH_SPEED = 5.0
CRAWL_SPEED = 1.0               # below it a run that fits counts as barely running
# Tiers, best first: the recommendation's primary key.
RUNS_WELL, HOSTED, RUNS, FIT_UNKNOWN, BARELY, DOES_NOT_RUN = range(6)
TIER_NAMES = {RUNS_WELL: "runs_well", HOSTED: "hosted", RUNS: "runs",
              FIT_UNKNOWN: "unknown", BARELY: "barely", DOES_NOT_RUN: "does_not_run"}
# A typical modern vocabulary (Llama 3, Mistral Nemo); it sizes the output and the graph.
ROUGH_VOCAB = 131072
HEAD_DIM = 128
BLOCK_GROUPS = 4


@dataclass(frozen=True)
class RunFit:
    """How one model runs on the hardware: ``tier`` (RUNS_WELL ... DOES_NOT_RUN),
    ``where`` (gpu, partial, cpu, hosted, unknown, too_large) and, for a local run, the
    quantization, the memory it takes and leaves, and the decode-speed bound."""

    tier: int
    where: str
    quant: str | None = None
    memory_bytes: int | None = None
    spare_bytes: int | None = None
    tokens_per_second: float | None = None
    gpu_layers: int = 0
    context: int | None = None
    rough: bool = True                 # from the parameter count, not a GGUF header

    @property
    def runs(self) -> bool:
        return self.tier != DOES_NOT_RUN

    def to_dict(self) -> dict[str, Any]:
        return {"tier": TIER_NAMES[self.tier], "where": self.where, "quant": self.quant,
                "memory_bytes": self.memory_bytes, "spare_bytes": self.spare_bytes,
                "tokens_per_second": None if self.tokens_per_second is None
                else round(self.tokens_per_second, 1),
                "gpu_layers": self.gpu_layers, "context": self.context,
                "basis": "parameters (rough)" if self.rough else "gguf header"}


def rough_shape(parameters: float, active: float | None, bits: float,
                context_train: int | None = None) -> ModelShape:
    """A typical transformer of ``parameters`` at ``bits`` per weight: width from
    12·layers·width² ≈ the (active) parameters with about 100 units of width per layer,
    128-wide heads, at most 8 KV heads (grouped-query attention).

    >>> s = rough_shape(8e9, None, 4.84)
    >>> s.n_embd, s.n_layer, s.kv_bytes_per_token_layer() * s.n_layer, round(s.weights_bytes / 1e9, 2)
    (4096, 4, 167936, 4.84)
    """
    dense = active if active and active < parameters else parameters
    width = max(256, round((dense * 100 / 12) ** (1 / 3) / HEAD_DIM) * HEAD_DIM)
    blocks = max(2, round(width / 100))
    heads = max(1, width // HEAD_DIM)
    # The blocks are counted in at most BLOCK_GROUPS equal groups (a GPU/CPU split moves a
    # group at a time): the estimate's per-layer loops then cost little, and each group's
    # cache is its blocks' together (K and V widths scaled by blocks per group).
    layers = min(blocks, BLOCK_GROUPS)
    head_dim = round(HEAD_DIM * blocks / layers)
    weights = int(parameters * bits / 8)
    embd = int(min(ROUGH_VOCAB * width, parameters / 4) * bits / 8)
    experts, n_expert, n_used = 0, 0, 0
    if active and active < parameters:
        # Experts not routed to are never read: 1 of 256 "experts" stands for the rest.
        n_expert, n_used = 256, 1
        experts = min(weights - embd, int((parameters - active) * bits / 8 * 256 / 255))
    return ModelShape(
        architecture="rough", n_layer=layers, n_embd=width, n_head=heads,
        n_head_kv=min(8, heads), head_dim_k=head_dim, head_dim_v=head_dim,
        n_vocab=ROUGH_VOCAB, n_ff=4 * width, n_ctx_train=context_train,
        weights_bytes=weights, non_layer_bytes=embd, output_bytes=embd, embd_bytes=embd,
        expert_bytes=max(experts, 0), n_expert=n_expert, n_expert_used=n_used,
        swa_layers=(False,) * layers, kv_heads=(min(8, heads),) * layers,
        recurrent=(False,) * layers)


def _memory(shape: ModelShape, context: int, where: str, gpu_layers: int) -> tuple[int, int]:
    """(VRAM, RAM) a run takes where the fit put it."""
    if where == "cpu":
        return 0, estimate_memory(shape, context, basis="resident").total_bytes
    split = offload_split(shape, context, gpu_layers + 1)
    return split.vram_bytes, split.ram_bytes


def _wholly_on_gpu(shape: ModelShape, context: int, hw: "_Machine") -> tuple[int, int] | None:
    """``fit_model``'s "gpu" outcome (every block and the head on the GPU) without its
    search over partial splits, as (VRAM, RAM) taken; None when it is not that."""
    split = offload_split(shape, context, shape.n_layer + 1)
    if split.vram_bytes <= hw.vram_free_bytes and split.ram_bytes <= hw.ram_available_bytes:
        return split.vram_bytes, split.ram_bytes
    return None


def _try(shape: ModelShape, context: int, hw: "_Machine", quant: str,
         min_speed: float, *, gpu_only: bool = False) -> tuple[RunFit, bool] | None:
    """The run at one quantization, and whether it runs well; None when it does not fit
    (with ``gpu_only``: when it does not fit wholly on the GPU)."""
    ram, vram = hw.ram_available_bytes, hw.vram_free_bytes
    if shape.weights_bytes > ram + (vram if hw.gpu_offload else 0):
        return None
    if gpu_only:
        taken = _wholly_on_gpu(shape, context, hw)
        if taken is None:
            return None
        where, layers = "gpu", shape.n_layer
    else:
        where, layers = fit_model(shape, context, ram_bytes=ram, vram_bytes=vram,
                                  gpu_offload=hw.gpu_offload)
        if where == "too_large":
            return None
        taken = _memory(shape, context, where, layers)
    used_vram, used_ram = taken
    if where == "gpu":
        used, spare, room = used_vram, vram - used_vram, used_vram
    else:
        used, spare, room = used_vram + used_ram, ram - used_ram, used_ram
    speed = decode_tokens_per_second(shape, context, where, layers,
                                     cpu_bandwidth=hw.cpu_bandwidth,
                                     gpu_bandwidth=hw.gpu_bandwidth)
    fit = RunFit(RUNS, where, quant, used, spare, speed, layers, context)
    well = (quant in SENSIBLE and spare >= HEADROOM * room
            and (where == "gpu" or (speed or 0) >= min_speed))
    return fit, well


def run_fit(parameters: float | None, active: float | None, hw: Hardware | None, *,
            context: int, interactive: bool = False, hosted: bool = False,
            context_train: int | None = None) -> RunFit:
    """How a model of ``parameters`` (``active`` per token for a mixture of experts) runs
    on ``hw`` with ``context`` tokens; a hosted API model is never held to local hardware.
    Pure, so the answers are kept per (model size, hardware, context) for re-ranking."""
    if hosted:
        return RunFit(HOSTED, "hosted", rough=False)
    if not parameters or not math.isfinite(parameters) or hw is None:
        return RunFit(FIT_UNKNOWN, "unknown", context=context)
    machine = _Machine(hw.ram_available_bytes, hw.vram_free_bytes, hw.gpu_offload,
                       hw.cpu_bandwidth, hw.gpu_bandwidth)
    return _fit(parameters, active, machine, context, interactive, context_train)


@dataclass(frozen=True)
class _Machine:
    """The hardware facts a fit reads (hashable, unlike Hardware with its GPU list)."""

    ram_available_bytes: int
    vram_free_bytes: int
    gpu_offload: bool
    cpu_bandwidth: float
    gpu_bandwidth: float


@lru_cache(maxsize=8192)
def _fit(parameters: float, active: float | None, hw: _Machine, context: int,
         interactive: bool, context_train: int | None) -> RunFit:
    min_speed = INTERACTIVE_SPEED if interactive else BATCH_SPEED
    bits = dict(QUANTS)

    def attempt(quant: str, gpu_only: bool = False) -> tuple[RunFit, bool] | None:
        shape = rough_shape(parameters, active, bits[quant], context_train)
        return _try(shape, context, hw, quant, min_speed, gpu_only=gpu_only)

    if hw.gpu_offload and hw.vram_free_bytes:
        # The best quantization wholly on the GPU with room to spare. A larger one needs
        # more of everything: the best is tried first, then the smallest (when it fails,
        # all do), then those between, best first.
        best, smallest, between = SENSIBLE[0], SENSIBLE[-1], SENSIBLE[1:-1]
        for quant in (best, smallest, *between):
            if parameters * bits[quant] / 8 > hw.vram_free_bytes:
                continue
            tried = attempt(quant, gpu_only=True)
            if tried is not None and tried[1]:
                if quant == smallest:
                    for better in between:
                        found = attempt(better, gpu_only=True)
                        if found is not None and found[1]:
                            return replace(found[0], tier=RUNS_WELL)
                return replace(tried[0], tier=RUNS_WELL)
            if quant == smallest:
                break
    # Split or on the CPU, speed decides: the smallest sensible quantization is the
    # fastest and leaves the most room, so it runs well if any sensible one does.
    for quant, tier in ((SENSIBLE[-1], RUNS), ("Q3_K_M", BARELY), ("Q2_K", BARELY)):
        tried = attempt(quant)
        if tried is not None:
            fit, well = tried
            if not well and (fit.tokens_per_second or 0) < CRAWL_SPEED:
                tier = BARELY                # fits, but too slow to be of use
            return replace(fit, tier=RUNS_WELL if well else tier)
    return RunFit(DOES_NOT_RUN, "too_large", context=context)


def rough_estimates(parameters: float, active: float | None, hw: Hardware, *,
                    context: int, context_train: int | None = None) -> list[dict[str, Any]]:
    """A memory figure, fit and decode-speed bound at each quantization of :data:`QUANTS`
    for a model known only by its parameter count (no GGUF header at hand): the rough
    shape of :func:`rough_shape`, the estimate and fit rule of ``advisor ggufs``.

    >>> rows = rough_estimates(8e9, None, simulated_hardware(ram_gb=32), context=4096)
    >>> [r["quant"] for r in rows][:2], rows[0]["fit"], rows[0]["memory_bytes"] > rows[-1]["memory_bytes"]
    (['Q8_0', 'Q6_K'], 'cpu', True)
    """
    rows = []
    for quant, bits in QUANTS:
        shape = rough_shape(parameters, active, bits, context_train)
        where, layers = fit_model(shape, context, ram_bytes=hw.ram_available_bytes,
                                  vram_bytes=hw.vram_free_bytes, gpu_offload=hw.gpu_offload)
        memory = estimate_memory(shape, context, basis="resident").total_bytes
        speed = None
        if where != "too_large":
            speed = decode_tokens_per_second(shape, context, where, layers,
                                             cpu_bandwidth=hw.cpu_bandwidth,
                                             gpu_bandwidth=hw.gpu_bandwidth)
        rows.append({"quant": quant, "bits_per_weight": bits,
                     "weights_bytes": shape.weights_bytes, "memory_bytes": memory,
                     "fit": where, "gpu_layers": layers,
                     "decode_tokens_per_second": round(speed, 1) if speed else None})
    return rows


def hardware_words(hw: Hardware | None) -> str:
    """'your 80 GB GPU' / 'your CPU (16 GB RAM)', in the units the answers use (GB as
    declared; simulated_hardware reads them as GiB)."""
    if hw is None:
        return "your hardware"
    if hw.gpu_offload and hw.vram_free_bytes:
        return f"your {hw.vram_free_bytes / GIB:.0f} GB GPU"
    return f"your CPU ({hw.ram_available_bytes / GIB:.0f} GB RAM)"


def gb(count: int | float) -> str:
    """Bytes in the answers' GB: 35.2 GB, 0.6 GB."""
    value = count / GIB
    return f"{value:.0f} GB" if value >= 10 else f"{value:.1f} GB"


__all__ = ["QUANTS", "RunFit", "run_fit", "rough_shape", "hardware_words", "gb",
           "simulated_hardware", "RUNS_WELL", "HOSTED", "RUNS", "FIT_UNKNOWN", "BARELY",
           "DOES_NOT_RUN", "TIER_NAMES", "rough_estimates"]
