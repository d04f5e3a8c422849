"""The shared generated-GGUF fixture: reproducible, sized on request, loadable by llama.cpp."""

from __future__ import annotations

import pytest

from advisor.gguf.header import read_local_header
from advisor.smoke import SmokeSpec, run_smoke
from tests.fixtures.tiny_gguf import write_tiny_gguf


def test_same_seed_same_bytes(tmp_path):
    a = write_tiny_gguf(tmp_path / "a.gguf", seed=3)
    b = write_tiny_gguf(tmp_path / "b.gguf", seed=3)
    c = write_tiny_gguf(tmp_path / "c.gguf", seed=4)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("target", [8 << 20, 48 << 20])
def test_target_bytes_sizes_the_file_and_llama_cpp_runs_it(tmp_path, tiny_suite, target):
    path = write_tiny_gguf(tmp_path / "sized.gguf", target_bytes=target, n_ctx=512)
    assert abs(path.stat().st_size - target) / target < 0.15
    header = read_local_header(path)
    assert header.arch_value("embedding_length") > 64
    result = run_smoke(SmokeSpec(gguf=path, suite=str(tiny_suite), n_ctx=256, hash_file=False))
    assert result.passed and result.prompts[0].completion_tokens == 8
    assert result.peak_rss_bytes > target / 2


def test_template_and_shape_land_in_the_header(tmp_path):
    path = write_tiny_gguf(tmp_path / "t.gguf", n_layer=3, n_embd=128, n_head=8,
                           chat_template="{{ messages[0].content }}")
    header = read_local_header(path)
    assert header.metadata["tokenizer.chat_template"] == "{{ messages[0].content }}"
    assert header.arch_value("block_count") == 3 and header.arch_value("head_count") is None
    assert header.arch_value("attention.head_count") == 8
    with pytest.raises(ValueError, match="multiple of n_head"):
        write_tiny_gguf(tmp_path / "bad.gguf", n_embd=66, n_head=4)
