"""The rough fit: a profiled model judged like a GGUF file by the estimate and fit rule,
from its parameter count (issue 19 item 3).

    pytest tests/recommend/test_fit.py -q
"""

from __future__ import annotations

import pytest

from advisor.gguf.estimate import estimate_memory, fit_model
from advisor.machine.hardware import GIB, simulated_hardware
from advisor.recommend.fit import (
    BARELY, DOES_NOT_RUN, FIT_UNKNOWN, HOSTED, QUANTS, RUNS, RUNS_WELL, rough_shape, run_fit,
)


def test_weights_follow_the_published_bits_per_weight() -> None:
    for quant, bits in QUANTS:
        shape = rough_shape(8e9, None, bits)
        assert shape.weights_bytes == int(8e9 * bits / 8), quant


def test_a_mixture_of_experts_reads_only_its_active_weights() -> None:
    dense = rough_shape(21e9, None, 4.84)
    moe = rough_shape(21e9, 3.6e9, 4.84)
    assert moe.weights_bytes == dense.weights_bytes
    assert moe.active_weights_bytes < dense.active_weights_bytes / 3
    # its attention, and so its cache, is that of its active size
    assert moe.kv_bytes_per_token_layer() * moe.n_layer < \
        dense.kv_bytes_per_token_layer() * dense.n_layer


def test_the_cache_grows_with_the_context() -> None:
    shape = rough_shape(8e9, None, 4.84)
    small, large = estimate_memory(shape, 4096), estimate_memory(shape, 32768)
    assert large.kv_cache_bytes == pytest.approx(8 * small.kv_cache_bytes, rel=0.02)


def test_a_model_wholly_on_a_big_gpu_runs_well_at_the_best_quantization() -> None:
    fit = run_fit(24e9, None, simulated_hardware(ram_gb=128, vram_gb=80), context=8192)
    assert (fit.tier, fit.where, fit.quant) == (RUNS_WELL, "gpu", "Q8_0")
    assert fit.spare_bytes > 0.15 * fit.memory_bytes


def test_a_tight_fit_takes_a_smaller_quantization_or_ranks_lower() -> None:
    hw = simulated_hardware(ram_gb=64, vram_gb=24)
    mid = run_fit(24e9, None, hw, context=8192)
    assert mid.tier == RUNS_WELL and mid.where == "gpu" and mid.quant in ("Q5_K_M", "Q6_K")
    big = run_fit(32.8e9, None, hw, context=16384)       # 32B dense: only tight on 24 GB
    assert big.tier in (RUNS, RUNS_WELL)
    assert big.quant == "Q4_K_M" and big.where in ("gpu", "partial")


def test_the_agreement_with_the_fit_rule_where_it_runs() -> None:
    hw = simulated_hardware(ram_gb=16)
    fit = run_fit(8e9, None, hw, context=8192, interactive=True)
    shape = rough_shape(8e9, None, dict(QUANTS)[fit.quant])
    where, _ = fit_model(shape, 8192, ram_bytes=hw.ram_available_bytes, vram_bytes=0,
                         gpu_offload=False)
    assert where == fit.where == "cpu"
    assert fit.memory_bytes == estimate_memory(shape, 8192, basis="resident").total_bytes


def test_speed_decides_on_a_cpu_for_interactive_use() -> None:
    hw = simulated_hardware(ram_gb=32)
    small = run_fit(4e9, None, hw, context=8192, interactive=True)
    dense10 = run_fit(10e9, None, hw, context=8192, interactive=True)
    moe = run_fit(30.5e9, 3.3e9, hw, context=8192, interactive=True)
    assert small.tier == RUNS_WELL and small.tokens_per_second >= 10
    assert dense10.tier == RUNS and 5 <= dense10.tokens_per_second < 10   # fits, too slow
    assert moe.tier == RUNS_WELL                       # few active parameters: fast
    batch = run_fit(10e9, None, hw, context=8192, interactive=False)
    assert batch.tier == RUNS_WELL                     # 5 tokens/s is enough for batch work


def test_only_a_low_quantization_fits_or_none_does() -> None:
    hw = simulated_hardware(ram_gb=16)
    barely = run_fit(30e9, None, hw, context=4096)
    assert barely.tier == BARELY and barely.quant in ("Q3_K_M", "Q2_K")
    assert run_fit(405e9, None, hw, context=4096).tier == DOES_NOT_RUN
    assert run_fit(405e9, None, simulated_hardware(ram_gb=64, vram_gb=80),
                   context=4096).tier == DOES_NOT_RUN        # 170 GB of weights at Q2_K
    split = run_fit(405e9, None, simulated_hardware(ram_gb=256, vram_gb=80), context=4096)
    assert split.runs and split.where == "partial"
    assert split.tier == BARELY and split.tokens_per_second < 1     # fits, but crawls


def test_hosted_and_unknown_sizes() -> None:
    tiny = simulated_hardware(ram_gb=1)
    assert run_fit(None, None, tiny, context=4096, hosted=True).tier == HOSTED
    assert run_fit(1e12, None, tiny, context=4096, hosted=True).where == "hosted"
    unknown = run_fit(None, None, tiny, context=4096)
    assert (unknown.tier, unknown.where) == (FIT_UNKNOWN, "unknown")


def test_more_memory_never_makes_a_fit_worse() -> None:
    tiers = [run_fit(14e9, None, simulated_hardware(ram_gb=ram, vram_gb=vram),
                     context=8192, interactive=True).tier
             for ram, vram in ((8, 0), (16, 0), (32, 0), (32, 8), (64, 24), (128, 80))]
    assert tiers == sorted(tiers, reverse=True)
    assert tiers[0] == DOES_NOT_RUN and tiers[-1] == RUNS_WELL


def test_the_figures_are_in_bytes_of_the_declared_units() -> None:
    fit = run_fit(1e9, None, simulated_hardware(ram_gb=80, vram_gb=0), context=4096)
    assert fit.memory_bytes + fit.spare_bytes == 80 * GIB
    assert fit.to_dict()["basis"] == "parameters (rough)"
