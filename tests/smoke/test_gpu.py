"""GPU offload planning for --gpu auto|on|off (pure)."""

from __future__ import annotations

import pytest

from advisor.smoke.gpu import ALL_LAYERS, GpuUnavailable, ggml_devices, plan_gpu_layers

GIB = 1 << 30


def plan(mode, supports=True, free=8 * GIB, fit=30, n_layer=30):
    return plan_gpu_layers(mode, supports_offload=supports, free_vram=free, n_layer=n_layer,
                           layers_that_fit=fit)


def test_auto_offloads_what_fits():
    assert plan("auto").n_gpu_layers == ALL_LAYERS
    partial = plan("auto", fit=12)
    # llama.cpp puts the output layer on the GPU first: 12 blocks are n_gpu_layers 13
    assert partial.n_gpu_layers == 13 and "12 of 30 layers and the output" in partial.reason
    assert plan("auto", fit=0).n_gpu_layers == 0
    assert plan("auto", free=None).n_gpu_layers == ALL_LAYERS


def test_auto_without_offload_support_runs_on_cpu():
    result = plan("auto", supports=False)
    assert result.n_gpu_layers == 0 and "without GPU offload" in result.reason


def test_on_and_off_force():
    assert plan("off").n_gpu_layers == 0
    assert plan("on", fit=0).n_gpu_layers == ALL_LAYERS
    with pytest.raises(GpuUnavailable, match="GGML_CUDA=on"):
        plan("on", supports=False)


def test_ggml_devices_lists_the_cpu():
    devices = ggml_devices()
    assert any(not d.is_gpu and d.total_bytes > 0 for d in devices)
