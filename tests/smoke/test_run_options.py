"""KV cache type, flash attention, SWA cache and prompt style: validated, passed to
llama.cpp, and recorded with the header estimate in the result."""

from __future__ import annotations

import pytest

from advisor.errors import InputError
from advisor.smoke.child import completion_prompt
from advisor.smoke.runner import run_suite_on_gguf
from advisor.smoke.suites import suite_from_data
from tests.fixtures.tiny_gguf import CHATML_TEMPLATE, write_arch_gguf
from tests.smoke.conftest import assert_one_line, run_cli

ONE_PROMPT = suite_from_data({"name": "one", "prompts": [
    {"id": "hi", "prompt": "Say hi.", "max_tokens": 4, "checks": {"min_tokens": 1}}]})


@pytest.fixture(scope="module")
def chat_model(tmp_path_factory):
    # head_dim 32: llama.cpp refuses a q8_0/q4_0 cache whose 32-value blocks do not divide it
    return write_arch_gguf(tmp_path_factory.mktemp("opts") / "chat.gguf", "llama",
                           chat_template=CHATML_TEMPLATE)


def test_quantized_kv_cache_and_flash_attention_reach_llama_cpp(chat_model):
    result = run_suite_on_gguf(chat_model, ONE_PROMPT, n_ctx=512, kv_type="q8_0",
                               flash_attn=True, swa_cache="window")
    assert result.prompts and result.prompts[0].error is None
    # what llama.cpp's context was created with (ggml type 8 = q8_0, flash attention on)
    assert result.llama_context == {"type_k": 8, "type_v": 8, "flash_attn_type": 1,
                                    "swa_full": False}
    assert result.estimate["options"] == {"kv_type": "q8_0", "flash_attn": True,
                                          "swa_cache": "window", "n_ubatch": 512}
    assert result.prompt_style == "chat"
    doc = result.to_dict()
    assert doc["estimated_tokens_per_second"] > 0 and "measured_tokens_per_second" in doc


def test_no_template_means_completion_prompts(tmp_path):
    path = write_arch_gguf(tmp_path / "base.gguf", "llama")
    result = run_suite_on_gguf(path, ONE_PROMPT, n_ctx=256)
    assert result.prompt_style == "completion"
    assert result.chat_template == "none (completion prompts)"
    forced = run_suite_on_gguf(path, ONE_PROMPT, n_ctx=256, prompt_style="chat")
    assert (forced.prompt_style, forced.chat_template) == ("chat", "fallback (chatml)")


def test_completion_prompt_form():
    assert completion_prompt([{"role": "system", "content": "Be brief."},
                              {"role": "user", "content": "What is 2 + 2?"}]) == \
        "Be brief.\nQuestion: What is 2 + 2?\nAnswer:"


def test_quantized_v_cache_needs_flash_attention(chat_model):
    with pytest.raises(InputError, match="needs flash attention"):
        run_suite_on_gguf(chat_model, ONE_PROMPT, kv_type="q4_0")
    result = run_cli("--gguf", str(chat_model), "--kv-type", "q8_0")
    assert result.code == 2
    assert "--kv-type" in assert_one_line(result)
