"""Where a model runs on the memory at hand: the one fit rule.

A run fits the GPU when everything it allocates fits the free VRAM (llama.cpp can offload
to it), partly when some layers do and the rest fits the free RAM, the CPU when its
resident memory fits the free RAM, and not at all otherwise. No margins are added: the
figures are of free memory, and the estimate already counts llama.cpp's own reserves.

:func:`advisor.gguf.estimate.fit_model` applies the rule layer by layer when the header
is known; :func:`fit_for_bytes` applies it when only a total is (an unreadable header, a
parameter count): the GPU when the total fits the VRAM, partial when it fits the VRAM and
RAM together, the CPU when it fits the RAM.

    >>> GIB = 1 << 30
    >>> fit_for_bytes(4 * GIB, ram_bytes=16 * GIB, vram_bytes=8 * GIB, gpu_offload=True)
    'gpu'
    >>> fit_for_bytes(12 * GIB, ram_bytes=16 * GIB, vram_bytes=8 * GIB, gpu_offload=True)
    'partial'
    >>> fit_for_bytes(12 * GIB, ram_bytes=16 * GIB, vram_bytes=8 * GIB, gpu_offload=False)
    'cpu'
    >>> parameters_fit(7e9, ram_bytes=16 * GIB, vram_bytes=0, gpu_offload=False)
    'cpu'
    >>> parameters_fit(None, ram_bytes=16 * GIB, vram_bytes=0, gpu_offload=False)
    '?'
"""

from __future__ import annotations

from advisor.vocab import HOSTED, UNKNOWN_FIT, Fit

# A Q4_K_M build, the usual first pick for a local run: bits per weight on average.
Q4_BITS_PER_WEIGHT = 4.85
# What a run needs beyond the weights when only the parameter count is known: a 4k
# context's cache and compute buffers and llama.cpp's own memory, for a small model.
RUNTIME_OVERHEAD_BYTES = 512 * 1024 * 1024


def fit_for_bytes(total_bytes: float, *, ram_bytes: int, vram_bytes: int,
                  gpu_offload: bool) -> Fit:
    """The fit of a run needing ``total_bytes`` in all, placed whole or split by layers."""
    vram = vram_bytes if gpu_offload else 0
    if vram and total_bytes <= vram:
        return "gpu"
    if vram and total_bytes <= vram + ram_bytes:
        return "partial"
    if total_bytes <= ram_bytes:
        return "cpu"
    return "too_large"


def parameters_bytes(parameters: float) -> float:
    """Memory a Q4_K_M build of ``parameters`` weights needs to run, roughly."""
    return parameters * Q4_BITS_PER_WEIGHT / 8 + RUNTIME_OVERHEAD_BYTES


def parameters_fit(parameters: float | None, *, ram_bytes: int, vram_bytes: int,
                   gpu_offload: bool, hosted: bool = False) -> str:
    """The fit of a Q4_K_M build estimated from the parameter count alone; ``hosted`` for a
    hosted API model (it runs elsewhere), ``?`` when the count is unknown."""
    if hosted:
        return HOSTED
    if not parameters:
        return UNKNOWN_FIT
    return fit_for_bytes(parameters_bytes(parameters), ram_bytes=ram_bytes,
                         vram_bytes=vram_bytes, gpu_offload=gpu_offload)
