"""The model profiles of the big labs (Google, Mistral, Qwen, DeepSeek, OpenAI, Microsoft,
LG, Baidu, Meta): each names the licenses its card and license file give, carries the
facts a profile must carry, and gets a verdict other than `unknown` offline.

    pytest tests/knowledge/test_vendor_profiles_big_labs.py -q
"""

from __future__ import annotations

import pytest

from advisor.knowledge import KnowledgeBase

# repo id -> the license ids its profile must carry, in order.
EXPECTED: dict[str, list[str]] = {
    # Google: Gemma 3 and 3n stay under the Gemma Terms; Gemma 4 has its own (unconfirmed)
    # profile; MedGemma is under the Health AI Developer Foundations terms.
    "google/gemma-3-270m-it": ["gemma"],
    "google/gemma-3-4b-it": ["gemma"],
    "google/gemma-3-12b-it": ["gemma"],
    "google/gemma-3n-E2B-it": ["gemma"],
    "google/gemma-3n-E4B-it": ["gemma"],
    "google/gemma-4-E2B-it": ["gemma-4"],
    "google/gemma-4-26B-A4B-it": ["gemma-4"],
    "google/gemma-4-31B-it": ["gemma-4"],
    "google/medgemma-4b-it": ["health-ai-developer-foundations"],
    # Mistral: the 2025 releases are Apache-2.0, Devstral 2 and Medium 3.5 are not.
    "mistralai/Mistral-Small-3.1-24B-Instruct-2503": ["apache-2.0"],
    "mistralai/Mistral-Small-3.2-24B-Instruct-2506": ["apache-2.0"],
    "mistralai/Magistral-Small-2506": ["apache-2.0"],
    "mistralai/Devstral-Small-2505": ["apache-2.0"],
    "mistralai/Devstral-Small-2507": ["apache-2.0"],
    "mistralai/Pixtral-12B-2409": ["apache-2.0"],
    "mistralai/Mistral-Large-3-675B-Instruct-2512": ["apache-2.0"],
    "mistralai/Ministral-3-3B-Instruct-2512": ["apache-2.0"],
    "mistralai/Ministral-3-8B-Instruct-2512": ["apache-2.0"],
    "mistralai/Ministral-3-14B-Instruct-2512": ["apache-2.0"],
    "mistralai/Devstral-2-123B-Instruct-2512": ["mistral-modified-mit"],
    "mistralai/Codestral-22B-v0.1": ["mnpl"],
    # Qwen: Apache-2.0 except the 3B (research) and 72B (Qwen License) sizes of 2.5.
    "Qwen/Qwen3-0.6B": ["apache-2.0"],
    "Qwen/Qwen3-1.7B": ["apache-2.0"],
    "Qwen/Qwen3-4B": ["apache-2.0"],
    "Qwen/Qwen3-14B": ["apache-2.0"],
    "Qwen/Qwen3-32B": ["apache-2.0"],
    "Qwen/Qwen3-30B-A3B": ["apache-2.0"],
    "Qwen/Qwen3-235B-A22B": ["apache-2.0"],
    "Qwen/Qwen3-235B-A22B-Instruct-2507": ["apache-2.0"],
    "Qwen/Qwen3-30B-A3B-Thinking-2507": ["apache-2.0"],
    "Qwen/Qwen3-Coder-480B-A35B-Instruct": ["apache-2.0"],
    "Qwen/Qwen3-Coder-30B-A3B-Instruct": ["apache-2.0"],
    "Qwen/Qwen3-VL-8B-Instruct": ["apache-2.0"],
    "Qwen/QwQ-32B": ["apache-2.0"],
    "Qwen/Qwen3-Next-80B-A3B-Instruct": ["apache-2.0"],
    "Qwen/Qwen2.5-VL-3B-Instruct": ["qwen-research"],
    "Qwen/Qwen2.5-VL-7B-Instruct": ["apache-2.0"],
    "Qwen/Qwen2.5-VL-72B-Instruct": ["qwen"],
    "Qwen/Qwen2.5-Coder-3B-Instruct": ["qwen-research"],
    "Qwen/Qwen2.5-Coder-7B-Instruct": ["apache-2.0"],
    # DeepSeek: the December 2024 V3 is under the DeepSeek License, everything after is MIT.
    "deepseek-ai/DeepSeek-V3-0324": ["mit"],
    "deepseek-ai/DeepSeek-V3.1": ["mit"],
    "deepseek-ai/DeepSeek-V3.2-Exp": ["mit"],
    "deepseek-ai/DeepSeek-V3.2": ["mit"],
    "deepseek-ai/DeepSeek-R1-0528": ["mit"],
    "deepseek-ai/DeepSeek-R1-0528-Qwen3-8B": ["mit", "apache-2.0"],
    "deepseek-ai/DeepSeek-R1-Distill-Llama-70B": ["mit", "llama3.3"],
    # OpenAI, Microsoft, Meta.
    "openai/gpt-oss-120b": ["apache-2.0"],
    "microsoft/Phi-3.5-mini-instruct": ["mit"],
    "microsoft/Phi-3.5-MoE-instruct": ["mit"],
    "microsoft/Phi-3.5-vision-instruct": ["mit"],
    "microsoft/Phi-4-mini-instruct": ["mit"],
    "microsoft/Phi-4-mini-reasoning": ["mit"],
    "microsoft/Phi-4-reasoning": ["mit"],
    "microsoft/Phi-4-reasoning-plus": ["mit"],
    "microsoft/Phi-4-multimodal-instruct": ["mit"],
    "meta-llama/Llama-4-Maverick-17B-128E-Instruct": ["llama4"],
    # LG (non-commercial, two versions) and Baidu.
    "LGAI-EXAONE/EXAONE-3.5-2.4B-Instruct": ["exaone-1.1-nc"],
    "LGAI-EXAONE/EXAONE-3.5-32B-Instruct": ["exaone-1.1-nc"],
    "LGAI-EXAONE/EXAONE-4.0-1.2B": ["exaone-1.2-nc"],
    "LGAI-EXAONE/EXAONE-4.0-32B": ["exaone-1.2-nc"],
    "baidu/ERNIE-4.5-0.3B-PT": ["apache-2.0"],
    "baidu/ERNIE-4.5-21B-A3B-PT": ["apache-2.0"],
    "baidu/ERNIE-4.5-300B-A47B-PT": ["apache-2.0"],
}

# Mixtures of experts: active parameters per token must be given and smaller than the total.
MOE = ("google/gemma-4-26B-A4B-it", "mistralai/Mistral-Large-3-675B-Instruct-2512",
       "Qwen/Qwen3-30B-A3B", "Qwen/Qwen3-235B-A22B", "Qwen/Qwen3-Coder-480B-A35B-Instruct",
       "Qwen/Qwen3-Next-80B-A3B-Instruct", "deepseek-ai/DeepSeek-V3.2", "openai/gpt-oss-120b",
       "microsoft/Phi-3.5-MoE-instruct", "baidu/ERNIE-4.5-300B-A47B-PT",
       "meta-llama/Llama-4-Maverick-17B-128E-Instruct")

IMAGE_INPUT = ("google/gemma-3-4b-it", "google/gemma-3n-E4B-it", "google/gemma-4-31B-it",
               "mistralai/Mistral-Small-3.1-24B-Instruct-2503", "mistralai/Pixtral-12B-2409",
               "mistralai/Ministral-3-8B-Instruct-2512", "Qwen/Qwen3-VL-8B-Instruct",
               "Qwen/Qwen2.5-VL-7B-Instruct", "microsoft/Phi-3.5-vision-instruct",
               "microsoft/Phi-4-multimodal-instruct", "google/medgemma-4b-it")
TEXT_ONLY = ("google/gemma-3-270m-it", "mistralai/Magistral-Small-2506", "Qwen/Qwen3-0.6B",
             "LGAI-EXAONE/EXAONE-4.0-32B")


@pytest.mark.parametrize("repo_id", sorted(EXPECTED))
def test_licenses_and_basic_facts(check_profile_facts, repo_id: str) -> None:
    check_profile_facts(repo_id, EXPECTED[repo_id], max_parameters=1e12, min_context=8192,
                        released_from="2023-01-01")


@pytest.mark.parametrize("repo_id", MOE)
def test_mixture_of_experts_give_active_parameters(kb: KnowledgeBase, repo_id: str) -> None:
    model = kb.find_model(repo_id)
    assert model.active_parameters and model.active_parameters < model.parameters / 3


def test_modalities(kb: KnowledgeBase) -> None:
    assert [r for r in IMAGE_INPUT if "image_input" not in kb.find_model(r).modalities] == []
    assert [r for r in TEXT_ONLY if "image_input" in kb.find_model(r).modalities] == []
    assert "audio_input" in kb.find_model("google/gemma-3n-E4B-it").modalities


def test_every_listed_model_has_a_verdict_offline(verdicts_of) -> None:
    verdicts = verdicts_of(sorted(EXPECTED))
    assert set(verdicts) == set(EXPECTED)
    assert [m for m, v in verdicts.items() if v == "unknown"] == []


def test_undeclared_revenue_caps_and_non_commercial_licenses_are_never_allowed(verdicts_of) -> None:
    """Devstral 2's revenue cap needs review where the annual figure cannot decide it;
    EXAONE forbids commercial use. (Gemma 4, once second-hand, is Apache-2.0.)"""
    verdicts = verdicts_of(["mistralai/Devstral-2-123B-Instruct-2512",
                            "LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct", "LGAI-EXAONE/EXAONE-4.0-32B",
                            "Qwen/Qwen2.5-VL-3B-Instruct"])
    assert verdicts["mistralai/Devstral-2-123B-Instruct-2512"] == "conditional"
    assert verdicts["LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct"] == "blocked"
    assert verdicts["LGAI-EXAONE/EXAONE-4.0-32B"] == "blocked"
    assert verdicts["Qwen/Qwen2.5-VL-3B-Instruct"] == "blocked"

