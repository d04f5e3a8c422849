"""Kind, languages and tool calling read from Hub replies (issue 19 §2).

The replies below have the shape the Hub gives for these repos (pipeline tag, the merged
tag list with language codes and ``base_model:<relation>:<id>``, the card's ``language:``).

    pytest tests/knowledge/test_suitability.py -q
"""

from __future__ import annotations

import pytest

from advisor.knowledge.hubfacts import HubFacts
from advisor.knowledge.suitability import (kind_from_names, languages_from_hub,
                                           suitability_from_hub, template_takes_tools)

COMMON = ["transformers", "safetensors", "autotrain_compatible", "endpoints_compatible",
          "region:us"]


def _hub(repo_id: str, pipeline: str | None, tags: list[str], **kw) -> HubFacts:
    return HubFacts(repo_id=repo_id, pipeline_tag=pipeline, tags=[*COMMON, *tags], **kw)


QWEN3 = _hub("Qwen/Qwen3-8B", "text-generation",
             ["qwen3", "text-generation", "conversational", "arxiv:2505.09388",
              "base_model:Qwen/Qwen3-8B-Base", "base_model:finetune:Qwen/Qwen3-8B-Base",
              "license:apache-2.0"], base_models=["Qwen/Qwen3-8B-Base"], base_relation="finetune")
QWEN3_BASE = _hub("Qwen/Qwen3-8B-Base", "text-generation",
                  ["qwen3", "text-generation", "conversational", "license:apache-2.0"])
LLAMA31 = _hub("meta-llama/Llama-3.1-8B-Instruct", "text-generation",
               ["llama", "text-generation", "facebook", "meta", "pytorch", "llama-3",
                "conversational", "en", "de", "fr", "it", "pt", "hi", "es", "th",
                "base_model:finetune:meta-llama/Llama-3.1-8B", "license:llama3.1"])


@pytest.mark.parametrize("facts,kind", [
    (QWEN3, "instruct"),
    (QWEN3_BASE, "base"),                                    # -Base wins over a chat template
    (LLAMA31, "instruct"),
    (_hub("google/gemma-3-27b-pt", "image-text-to-text", ["gemma3", "license:gemma"]), "base"),
    (_hub("google/gemma-3-27b-it", "image-text-to-text",
          ["gemma3", "conversational", "base_model:finetune:google/gemma-3-27b-pt"]),
     "vision_language"),
    (_hub("EleutherAI/pythia-1.4b", "text-generation",
          ["pytorch", "gpt_neox", "causal-lm", "pythia", "en", "dataset:EleutherAI/pile"]), "base"),
    (_hub("Qwen/Qwen2.5-Coder-7B-Instruct", "text-generation",
          ["qwen2", "code", "codeqwen", "chat", "qwen", "qwen-coder", "conversational", "en"]),
     "coder"),
    (_hub("Qwen/Qwen2.5-Coder-7B", "text-generation", ["qwen2", "code", "qwen-coder", "en"]),
     "base"),                                                # no chat template, no chat name
    (_hub("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "text-generation",
          ["qwen2", "conversational"]), "reasoning"),
    (_hub("Qwen/Qwen3-4B-Thinking-2507", "text-generation", ["qwen3", "conversational"]),
     "reasoning"),
    (_hub("black-forest-labs/FLUX.1-dev", "text-to-image",
          ["diffusers", "text-to-image", "image-generation", "flux", "en"]), "image_generation"),
    (_hub("sentence-transformers/all-MiniLM-L6-v2", "sentence-similarity",
          ["sentence-transformers", "feature-extraction", "en"]), "embedding"),
    (_hub("openai/whisper-large-v3", "automatic-speech-recognition",
          ["whisper", "audio", "hf-asr-leaderboard", "en", "de"]), "speech"),
    (_hub("meta-llama/Llama-Guard-3-8B", "text-generation", ["llama", "conversational"]), "guard"),
    (_hub("Qwen/Qwen2.5-Omni-7B", "any-to-any", ["qwen2_5_omni", "multimodal"]), "omni"),
])
def test_kind_from_real_reply_shapes(facts: HubFacts, kind: str) -> None:
    assert suitability_from_hub(facts).kind == kind


def test_a_quantization_is_what_its_base_model_is() -> None:
    gguf = _hub("bartowski/Qwen_Qwen3-8B-GGUF", "text-generation",
                ["gguf", "text-generation", "base_model:quantized:Qwen/Qwen3-8B"],
                base_models=["Qwen/Qwen3-8B"], base_relation="quantized", base_chain=[QWEN3])
    assert suitability_from_hub(gguf).kind == "instruct"
    flux_gguf = _hub("city96/FLUX.1-dev-gguf", None, ["gguf", "text-to-image"],
                     base_models=["black-forest-labs/FLUX.1-dev"], base_relation="quantized",
                     base_chain=[_hub("black-forest-labs/FLUX.1-dev", "text-to-image", ["en"])])
    found = suitability_from_hub(flux_gguf)
    assert (found.kind, found.tool_calling) == ("image_generation", False)
    assert "quantized model black-forest-labs/FLUX.1-dev" in found.notes[0]


def test_languages_come_from_the_card_else_the_tags() -> None:
    assert suitability_from_hub(LLAMA31).languages == ("en", "de", "fr", "it", "pt", "hi", "es",
                                                       "th")
    found = suitability_from_hub(LLAMA31, card_languages=["en", "pt-BR", "zh-Hant", "multilingual"])
    assert found.languages == ("en", "pt", "zh")
    assert any("multilingual" in note for note in found.notes)
    assert suitability_from_hub(QWEN3).languages == ()
    assert any("names no languages" in note for note in suitability_from_hub(QWEN3).notes)


def test_hostile_language_entries_stay_out() -> None:
    codes, other = languages_from_hub(["en\x1b[31m", "x" * 500, "de", "ml", "\x07"] * 1000, [])
    assert codes == ("de", "ml") and all(o.isprintable() and len(o) <= 40 for o in other)
    # bare two-letter tags are read only as codes of the ISO list, never "region:us" and the like
    assert languages_from_hub([], ["region:us", "xx", "ja", "license:mit"]) == (("ja",), ())


def test_tool_calling_from_tags_or_the_chat_template() -> None:
    # no tag and no template read: unknown, never a "documents no tool calling" that
    # would leave the model out of an agent shortlist on no evidence
    assert suitability_from_hub(QWEN3).tool_calling is None
    assert any("No tool-calling evidence" in note for note in suitability_from_hub(QWEN3).notes)
    assert suitability_from_hub(QWEN3, template_tools=False).tool_calling is False
    assert suitability_from_hub(QWEN3, template_tools=True).tool_calling is True
    tagged = _hub("acme/Widget-7B-Instruct", "text-generation",
                  ["conversational", "function-calling"])
    assert suitability_from_hub(tagged).tool_calling is True
    assert suitability_from_hub(QWEN3_BASE, template_tools=True).tool_calling is False


@pytest.mark.parametrize("template,expected", [
    ("{%- if tools %}{{- '<tools>' }}{% for tool in tools %}{{ tool | tojson }}{% endfor %}", True),
    ("{% if messages[0]['role'] == 'system' %}{{ messages[0]['content'] }}{% endif %}", False),
    ("[AVAILABLE_TOOLS] {{ tools|tojson }}[/AVAILABLE_TOOLS]", True),
    (None, False),
    ("", False),
])
def test_template_takes_tools(template, expected) -> None:
    assert template_takes_tools(template) is expected


def test_kind_reads_names_not_substrings() -> None:
    assert kind_from_names("Reasoning-Llama-8B-Instruct", "text-generation", []) == "reasoning"
    assert kind_from_names("Barbarian-7B-Instruct", "text-generation", []) == "instruct"
    assert kind_from_names("Decoder-7B-Chat", "text-generation", []) == "instruct"
