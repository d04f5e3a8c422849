"""Packed safetensors counts: the weight files' bytes say whether the Hub's count is of
weights (its counter unpacks GPTQ/AWQ I32 and MXFP4 U8 since 2025) or of stored elements
(a count made before), so a count is unpacked once or not at all."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from advisor.hub.size_facts import size_facts, unpacked_parameters, weight_file_bytes

GPTQ = {"quant_method": "gptq", "bits": 4}
# An 8B model at 4 bits, the counts the Hub's counter gives RedHatAI/Meta-Llama-3.1-8B-Instruct-
# quantized.w4a16 now (huggingface.js parse-safetensors-metadata.spec.ts): I32 already unpacked.
HUB_COUNTED = {"I32": 6_979_321_856, "F16": 1_052_315_648}
STORED = {"I32": 6_979_321_856 // 8, "F16": 1_052_315_648}
FILES = 6_979_321_856 // 2 + 2 * 1_052_315_648        # 4-bit weights, F16 two bytes


def test_gptq_counted_by_the_hub_is_not_unpacked_again():
    total, basis = unpacked_parameters(HUB_COUNTED, GPTQ, FILES)
    assert total == 8_031_637_504 and "counted by the Hub as 4-bit weights" in basis


def test_gptq_stored_elements_are_unpacked():
    total, basis = unpacked_parameters(STORED, GPTQ, FILES)
    assert total == 8_031_637_504 and "I32 read as 4-bit packed (8 weights per element" in basis


@pytest.mark.parametrize("files", [None, FILES * 10])
def test_without_telling_sizes_the_hubs_count_stands_and_is_said(files):
    total, basis = unpacked_parameters(HUB_COUNTED, GPTQ, files)
    assert total == 8_031_637_504 and "4-bit packing not checked" in basis


def test_only_the_counted_weight_files_are_summed():
    siblings = [SimpleNamespace(rfilename="model.safetensors", size=10),
                SimpleNamespace(rfilename="consolidated.safetensors", size=10),
                SimpleNamespace(rfilename="original/model.safetensors", size=10)]
    assert weight_file_bytes(siblings) == 10
    assert weight_file_bytes([SimpleNamespace(rfilename="model.safetensors", size=None)]) is None
    assert weight_file_bytes([SimpleNamespace(rfilename="README.md", size=5)]) is None


def test_size_facts_reads_the_sizes_off_the_reply():
    info = SimpleNamespace(gguf=None, config={"quantization_config": GPTQ},
                           safetensors={"parameters": STORED},
                           siblings=[SimpleNamespace(rfilename="model.safetensors", size=FILES)])
    facts = size_facts(info)
    assert facts.parameters == 8_031_637_504 and "read as 4-bit packed" in facts.parameters_basis
