"""The header estimate against llama.cpp itself, per architecture.

Each generated GGUF is loaded by llama.cpp in a child process (tests/bench/memory_probe.py)
with its context filled; the allocated figure must come within 10% of the buffers
llama.cpp logs (model, KV, recurrent state, compute) and the resident figure within 15% of
the child's peak RSS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.gguf.estimate import RunOptions, estimate_memory, kv_cells, model_shape
from advisor.gguf.header import read_local_header
from tests.fixtures.tiny_gguf import ARCHITECTURES, RECENT, write_arch_gguf

ROOT = Path(__file__).resolve().parents[2]


def probe(path: Path, n_ctx: int, *extra: str) -> dict:
    """llama.cpp's buffers and peak RSS for ``path`` at ``n_ctx`` (context filled)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), GGML_NO_BACKTRACE="1")
    proc = subprocess.run([sys.executable, "-m", "tests.bench.memory_probe", str(path),
                           str(n_ctx), *extra], capture_output=True, text=True, env=env,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def allocated_buffers(est) -> int:
    """The estimate's counterpart of llama.cpp's logged buffers (no process overhead)."""
    return est.allocated_bytes - est.overhead_bytes


def llama_buffers(measured: dict) -> int:
    b = measured["buffers"]
    return b["model"] + b["kv"] + b["recurrent"] + b["compute"]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("arch")
    return {a: write_arch_gguf(root / f"{a}.gguf", a,
                               n_layer=6 if a in ("gemma3", "granitehybrid") else 2)
            for a in ARCHITECTURES}


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_estimate_matches_llama_cpp(models, arch):
    path = models[arch]
    shape = model_shape(read_local_header(path))
    assert shape.n_ctx_train == 4096                  # 4096 is also the training context
    measured = probe(path, 4096)
    est = estimate_memory(shape, 4096)
    assert est.kv_cache_bytes == pytest.approx(measured["buffers"]["kv"], rel=0.01, abs=16384)
    assert est.recurrent_bytes == pytest.approx(measured["buffers"]["recurrent"], abs=16384)
    assert allocated_buffers(est) == pytest.approx(llama_buffers(measured), rel=0.10)
    assert est.resident_bytes == pytest.approx(measured["peak_rss_bytes"], rel=0.15)


def test_architecture_features_are_read_from_the_header(models):
    gemma = model_shape(read_local_header(models["gemma3"]))
    assert gemma.swa_layers == (True,) * 5 + (False,) and gemma.n_swa == 128
    moe = model_shape(read_local_header(models["qwen3moe"]))
    assert moe.n_expert == 8 and moe.active_weights_bytes < moe.weights_bytes - moe.expert_bytes // 2
    mla = model_shape(read_local_header(models["deepseek2"]))
    assert mla.mla and mla.kv_bytes_per_token_layer() == (64 + 32) * 2   # kv_lora + rope, f16
    mamba = model_shape(read_local_header(models["mamba"]))
    assert all(mamba.recurrent) and mamba.attention_layers == 0
    hybrid = model_shape(read_local_header(models["granitehybrid"]))
    assert hybrid.recurrent == (True, False) * 3 and hybrid.attention_layers == 3


@pytest.mark.parametrize("arch, extra, options", [
    ("gemma3", ("--swa-cache", "window"), RunOptions(swa_cache="window")),
    ("llama", ("--flash-attn", "--kv-type", "q8_0"), RunOptions(kv_type="q8_0", flash_attn=True)),
    ("deepseek2", ("--flash-attn", "--kv-type", "q4_0"),
     RunOptions(kv_type="q4_0", flash_attn=True)),
])
def test_run_options_match_llama_cpp(models, arch, extra, options):
    path = models[arch]
    shape = model_shape(read_local_header(path))
    measured = probe(path, 4096, *extra)
    est = estimate_memory(shape, 4096, options)
    if options.swa_cache == "window":
        assert kv_cells(shape, 4096, options) == (4096, 768)   # window 128 + ubatch 512, padded
    assert est.kv_cache_bytes == pytest.approx(measured["buffers"]["kv"], rel=0.02)
    assert allocated_buffers(est) == pytest.approx(llama_buffers(measured), rel=0.10)
    assert est.resident_bytes == pytest.approx(measured["peak_rss_bytes"], rel=0.15)


# --- the architectures people run now (tests/fixtures/recent_archs.py) -------------------
# Their headers mirror the real files'; each runs at 4096 and at a long context. The
# sliding ones also run with llama-server's window-sized SWA cache, where the layout counts.
_RECENT_LAYERS = {"gemma4": 6}
_LONG = 16384


@pytest.fixture(scope="module")
def recent(tmp_path_factory):
    root = tmp_path_factory.mktemp("recent")
    return {a: write_arch_gguf(root / f"{a}.gguf", a, n_layer=_RECENT_LAYERS.get(a, 4),
                               n_ctx=131072, n_head_kv=4 if a == "gemma4" else 2)
            for a in RECENT}


def check_against_llama_cpp(path: Path, n_ctx: int, options: RunOptions, *extra: str) -> None:
    shape = model_shape(read_local_header(path))
    measured = probe(path, n_ctx, *extra)
    est = estimate_memory(shape, n_ctx, options)
    assert est.kv_cache_bytes == pytest.approx(measured["buffers"]["kv"], rel=0.01, abs=16384)
    assert est.recurrent_bytes == pytest.approx(measured["buffers"]["recurrent"], abs=16384)
    assert allocated_buffers(est) == pytest.approx(llama_buffers(measured), rel=0.10)
    assert est.resident_bytes == pytest.approx(measured["peak_rss_bytes"], rel=0.15)


_WINDOW = (RunOptions(swa_cache="window"), ("--swa-cache", "window"))
_FULL = (RunOptions(), ())


_RECENT_RUNS = [*[(a, 4096, _FULL) for a in RECENT],
                ("gpt-oss", 4096, _WINDOW), ("gemma4", 4096, _WINDOW),
                ("gpt-oss", _LONG, _WINDOW), ("gemma4", _LONG, _WINDOW),
                ("llama4", _LONG, _WINDOW), ("qwen3next", _LONG, _FULL),
                ("glm4moe", _LONG, _FULL)]


@pytest.mark.parametrize("arch, n_ctx, run", [
    pytest.param(a, n, r, id=f"{a}-{n}-{r[0].swa_cache}") for a, n, r in _RECENT_RUNS])
def test_recent_architectures_match_llama_cpp(recent, arch, n_ctx, run):
    options, extra = run
    check_against_llama_cpp(recent[arch], n_ctx, options, *extra)


def test_gemma4_flash_attention_stores_each_layers_own_v(recent):
    """Without flash attention llama.cpp pads every V row to the widest layer's; with it,
    each layer keeps its own (Gemma 4's sliding layers are wider than its full ones)."""
    shape = model_shape(read_local_header(recent["gemma4"]))
    padded = estimate_memory(shape, 4096).kv_cache_bytes
    own = estimate_memory(shape, 4096, RunOptions(flash_attn=True)).kv_cache_bytes
    assert own < padded
    check_against_llama_cpp(recent["gemma4"], 4096, RunOptions(flash_attn=True), "--flash-attn")


def test_recent_layouts_are_read_as_llama_cpp_sets_them(recent):
    oss = model_shape(read_local_header(recent["gpt-oss"]))
    assert oss.swa_layers == (True, False) * 2 and oss.n_swa == 128   # set in code
    assert oss.head_dim_k == 32                       # key_length, not n_embd / n_head
    gemma = model_shape(read_local_header(recent["gemma4"]))
    assert gemma.swa_layers == (True,) * 5 + (False,)
    assert gemma.head_dims(0) == (32, 32) and gemma.head_dims(5) == (64, 64)
    assert gemma.kv_heads == (4,) * 5 + (1,)
    llama4 = model_shape(read_local_header(recent["llama4"]))
    assert llama4.chunked and llama4.n_swa == 8192 and llama4.swa_layers == (True,) * 3 + (False,)
    assert kv_cells(llama4, _LONG, RunOptions(swa_cache="window")) == (_LONG, 8704)
    nxt = model_shape(read_local_header(recent["qwen3next"]))
    assert nxt.recurrent == (True, True, True, False) and nxt.attention_layers == 1
    glm = model_shape(read_local_header(recent["glm4moe"]))
    assert glm.n_layer == 4 and glm.n_nextn == 1 and glm.skipped_bytes > 0
