"""Memory estimate, fit verdicts, quant names, hardware."""

from __future__ import annotations

import pytest

from advisor.gguf.estimate import (GPU_RESERVE, RunOptions, compute_bytes,
                                   decode_bytes_per_token, decode_tokens_per_second,
                                   estimate_memory, fit_model, gpu_layers_that_fit,
                                   kv_cache_bytes, model_shape, offload_split)
from advisor.gguf.header import read_local_header
from advisor.machine.hardware import detect_hardware, hardware_from_answers, simulated_hardware
from advisor.gguf.quant import (quant_from_file_type, quant_from_filename, recommend_rank,
                                split_info)
from advisor.hub.catalog import recommend

GIB = 1 << 30


@pytest.fixture(scope="module")
def shapes(smollm, sparse_path):
    return (model_shape(read_local_header(smollm), file_bytes=smollm.stat().st_size),
            model_shape(read_local_header(sparse_path)))


def test_smollm_matches_llama_cpp_buffers(shapes):
    smol, _ = shapes
    assert (smol.n_layer, smol.n_head, smol.n_head_kv, smol.n_vocab) == (30, 9, 3, 49152)
    # llama.cpp logs for n_ctx 4096: "KV buffer size = 90.00 MiB", "compute buffer size = 99.38 MiB"
    assert kv_cache_bytes(smol, 4096) == 90 * 2**20
    assert round(compute_bytes(smol, 4096) / 2**20, 2) == 99.38
    est = estimate_memory(smol, 4096)
    assert est.total_bytes == est.allocated_bytes == (
        est.weights_bytes + est.repack_bytes + est.kv_cache_bytes + est.recurrent_bytes
        + est.compute_bytes + est.overhead_bytes)
    assert est.total_basis == "allocated"
    assert estimate_memory(smol, 8192).kv_cache_bytes == 2 * est.kv_cache_bytes
    resident = estimate_memory(smol, 4096, basis="resident")
    assert resident.total_basis == "resident" and resident.total_bytes == est.resident_bytes
    assert est.resident_bytes < est.allocated_bytes


def test_compute_buffer_matches_llama_cpp_for_attention_bound_models(tmp_path):
    from tests.fixtures.tiny_gguf import write_tiny_gguf

    # measured with llama-cpp-python 0.3.36: 16 heads, n_embd 256, n_ff 512, vocab 354
    path = write_tiny_gguf(tmp_path / "h16.gguf", n_head=16, n_embd=256, n_ff=512, n_layer=2)
    shape = model_shape(read_local_header(path))
    assert abs(compute_bytes(shape, 2048) / 2**20 - 71.51) < 0.05
    assert abs(compute_bytes(shape, 8192) / 2**20 - 275.51) < 0.05
    assert kv_cache_bytes(shape, 8192) == 16 * 2**20


def test_fit_verdicts(shapes):
    _, big = shapes
    resident = estimate_memory(big, 4096, basis="resident").total_bytes
    assert fit_model(big, 4096, ram_bytes=resident, vram_bytes=0, gpu_offload=False) == ("cpu", 0)
    assert fit_model(big, 4096, ram_bytes=resident - 1, vram_bytes=0,
                     gpu_offload=False)[0] == "too_large"
    assert fit_model(big, 4096, ram_bytes=16 * GIB, vram_bytes=8 * GIB, gpu_offload=True) == \
        ("gpu", big.n_layer)
    # a GPU without llama.cpp offload is no GPU
    assert fit_model(big, 4096, ram_bytes=16 * GIB, vram_bytes=8 * GIB, gpu_offload=False)[0] == "cpu"
    # the output head goes to the GPU first, then the last blocks (llama.cpp's i_gpu_start)
    half = big.n_layer // 2
    vram = offload_split(big, 4096, half + 1).vram_bytes
    assert vram == (big.output_bytes + half * big.layer_bytes + GPU_RESERVE
                    + compute_bytes(big, 4096) + kv_cache_bytes(big, 4096) // big.n_layer * half)
    fit, layers = fit_model(big, 4096, ram_bytes=16 * GIB, vram_bytes=vram, gpu_offload=True)
    assert (fit, layers) == ("partial", half)
    assert fit_model(big, 4096, ram_bytes=16 * GIB, vram_bytes=vram - 1,
                     gpu_offload=True) == ("partial", half - 1)
    assert fit_model(big, 4096, ram_bytes=1, vram_bytes=vram, gpu_offload=True)[0] == "too_large"


def test_offload_split_moves_memory_from_ram_to_vram(shapes):
    smol, _ = shapes
    cpu = offload_split(smol, 4096, 0)
    head = offload_split(smol, 4096, 1)
    full = offload_split(smol, 4096, -1)
    assert (cpu.vram_bytes, cpu.gpu_blocks) == (0, 0)
    assert head.gpu_blocks == 0 and head.vram_bytes > smol.output_bytes
    assert full.gpu_blocks == smol.n_layer and full.n_gpu_layers == smol.n_layer + 1
    assert cpu.ram_bytes > offload_split(smol, 4096, 16).ram_bytes > full.ram_bytes
    assert gpu_layers_that_fit(smol, 4096, full.vram_bytes) == smol.n_layer
    assert gpu_layers_that_fit(smol, 4096, head.vram_bytes - 1) == 0


def test_kv_type_and_flash_attention_options(shapes):
    smol, _ = shapes
    f16 = kv_cache_bytes(smol, 4096)
    q8 = kv_cache_bytes(smol, 4096, options=RunOptions(kv_type="q8_0", flash_attn=True))
    q4 = kv_cache_bytes(smol, 4096, options=RunOptions(kv_type="q4_0", flash_attn=True))
    assert (q8, q4) == (f16 * 34 // 64, f16 * 18 // 64)     # 32 values in 34 / 18 bytes
    fa = estimate_memory(smol, 4096, RunOptions(flash_attn=True))
    assert fa.compute_bytes <= compute_bytes(smol, 4096)       # SmolLM2 is bound by its logits
    assert fa.overhead_bytes < estimate_memory(smol, 4096).overhead_bytes   # no f16 scores


def test_decode_speed_is_bandwidth_over_bytes_per_token(shapes):
    smol, _ = shapes
    per_token = decode_bytes_per_token(smol, 4096)
    assert per_token > smol.active_weights_bytes > 0
    assert decode_tokens_per_second(smol, 4096, "cpu", 0, cpu_bandwidth=1e9) == \
        pytest.approx(1e9 / per_token)
    gpu = decode_tokens_per_second(smol, 4096, "gpu", smol.n_layer, gpu_bandwidth=1e12)
    part = decode_tokens_per_second(smol, 4096, "partial", smol.n_layer // 2, cpu_bandwidth=1e10,
                                    gpu_bandwidth=1e12)
    assert gpu > part > 1e10 / per_token
    assert decode_tokens_per_second(smol, 4096, "too_large", 0) is None


def test_recommend_prefers_fit_then_quality():
    files = [
        {"filename": "m-F16.gguf", "quant": "F16", "fit": "cpu", "kind": "model", "bytes": 16},
        {"filename": "m-Q8_0.gguf", "quant": "Q8_0", "fit": "partial", "kind": "model", "bytes": 8},
        {"filename": "m-Q4_K_M.gguf", "quant": "Q4_K_M", "fit": "gpu", "kind": "model", "bytes": 4},
        {"filename": "m-Q2_K.gguf", "quant": "Q2_K", "fit": "gpu", "kind": "model", "bytes": 2},
        {"filename": "mmproj-F16.gguf", "quant": "F16", "fit": "gpu", "kind": "projector", "bytes": 1},
    ]
    assert recommend(files)["filename"] == "m-Q4_K_M.gguf"
    assert recommend([dict(f, fit="cpu") for f in files])["filename"] == "m-Q8_0.gguf"
    assert recommend([dict(f, fit="too_large") for f in files]) is None


@pytest.mark.parametrize("name, quant", [
    ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
    ("model.IQ2_XXS.gguf", "IQ2_XXS"),
    ("Qwen3-8B-UD-Q4_K_XL.gguf", "Q4_K_XL"),
    ("Meta-Llama-3.1-70B-Instruct-Q8_0-00001-of-00002.gguf", "Q8_0"),
    ("phi-4-bf16.gguf", "BF16"),
    ("tiny-f32.gguf", "F32"),
    ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
    ("Q4-model.gguf", None),
    ("gpt-oss-20b-MXFP4.gguf", "MXFP4"),
])
def test_quant_from_filename(name, quant):
    assert quant_from_filename(name) == quant


def test_quant_helpers():
    assert quant_from_file_type(15) == "Q4_K_M" and quant_from_file_type(0) == "F32"
    assert quant_from_file_type(9999) is None and quant_from_file_type("15") is None
    assert split_info("m-Q8_0-00002-of-00003.gguf") == ("m-Q8_0", 2, 3)
    assert split_info("m-Q8_0.gguf") is None
    assert recommend_rank("Q8_0") < recommend_rank("Q4_K_M") < recommend_rank("F16")


def test_hardware():
    hw = detect_hardware()
    assert hw.cpu_count >= 1 and 0 < hw.ram_available_bytes <= hw.ram_total_bytes
    assert hw.source == "detected"
    sim = simulated_hardware(ram_gb=16, vram_gb=8)
    assert (sim.ram_available_bytes, sim.vram_free_bytes, sim.gpu_offload) == (16 * GIB, 8 * GIB, True)
    assert hardware_from_answers({"ram_gb": 4}).vram_free_bytes == 0
    assert hardware_from_answers(None).source == "detected"
