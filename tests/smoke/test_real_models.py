"""The two real models: SmolLM2-135M-Instruct (chat template) and Gemma 3 270M (a base
model without one): estimate against llama.cpp, ``advisor local``, and a passing suite."""

from __future__ import annotations

import json

import pytest

from advisor.gguf.estimate import RunOptions, estimate_memory, model_shape
from advisor.gguf.header import read_local_header
from tests.fixtures.gemma import gemma_path
from tests.smoke.conftest import run_cli
from tests.smoke.test_memory_llama import allocated_buffers, llama_buffers, probe


@pytest.fixture(scope="module")
def gemma():
    return gemma_path()


def test_gemma_header_is_read_as_interleaved_swa(gemma):
    shape = model_shape(read_local_header(gemma))
    assert (shape.architecture, shape.n_layer, shape.n_swa, shape.n_vocab) == (
        "gemma3", 18, 512, 262144)
    assert [il for il, swa in enumerate(shape.swa_layers) if not swa] == [5, 11, 17]
    full = estimate_memory(shape, 4096)
    window = estimate_memory(shape, 4096, RunOptions(swa_cache="window"))
    # llama.cpp: 72 MiB with the full-size SWA cache, 27 MiB with the window (1024 cells)
    assert (full.kv_cache_bytes, window.kv_cache_bytes) == (72 << 20, 27 << 20)
    # the 262k-vocabulary logits buffer is allocated but not resident
    assert full.compute_bytes > 500 << 20 and full.compute_resident_bytes < 100 << 20


@pytest.mark.parametrize("swa", ["full", "window"])
def test_gemma_allocated_matches_llama_cpp(gemma, swa):
    measured = probe(gemma, 4096, "--no-fill", "--swa-cache", swa)
    est = estimate_memory(model_shape(read_local_header(gemma)), 4096,
                          RunOptions(swa_cache=swa))
    assert est.kv_cache_bytes == measured["buffers"]["kv"]
    assert allocated_buffers(est) == pytest.approx(llama_buffers(measured), rel=0.10)


def test_local_lists_gemma(gemma, tmp_path):
    from tests.fixtures.cli import run_advisor_in

    proc = run_advisor_in(tmp_path, "local", "--json", "--dir", str(gemma.parent))
    assert proc.returncode == 0, proc.stderr
    (entry,) = [f for f in json.loads(proc.stdout)["files"] if f["path"] == str(gemma)]
    assert entry["architecture"] == "gemma3" and entry["quant"] == "Q4_K_M"
    assert entry["profile"] == "google/gemma-3-270m" and entry["context_length"] == 32768


def test_gemma_without_chat_template_passes_with_completion_prompts(gemma):
    result = run_cli("--gguf", str(gemma), "--suite", "basics", "--json", "--no-hash",
                     timeout=600)
    doc = json.loads(result.stdout)
    assert result.code == 0, (result.stderr, [p["output"] for p in doc["prompts"]])
    assert doc["prompt_style"] == "completion"
    assert doc["chat_template"] == "none (completion prompts)"
    by_id = {p["id"]: p for p in doc["prompts"]}
    assert "Paris" in by_id["capital-france"]["output"]
    assert "<|im_end|>" not in "".join(p["output"] for p in doc["prompts"])
    assert doc["estimate"]["resident_bytes"] > doc["file_bytes"]
    assert doc["estimated_tokens_per_second"] > 0 and doc["measured_tokens_per_second"] > 0


def test_smollm_passes_basics_with_its_chat_template(smollm):
    result = run_cli("--gguf", str(smollm), "--suite", "basics", "--json", "--no-hash",
                     "--threads", "1", timeout=600)
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["prompt_style"] == "chat" and doc["chat_template"] == "gguf"
    # the child's VmHWM: the model's weights are mapped and read, the estimate is close
    assert doc["peak_rss_bytes"] == pytest.approx(doc["estimate"]["resident_bytes"], rel=0.25)
