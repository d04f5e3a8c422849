"""The model profiles of the open labs and the rest (AllenAI, Hugging Face, IBM, TII, NVIDIA,
Cohere, Moonshot, Zhipu, MiniMax, Tencent, Swiss AI, EuroLLM, Liquid, AI21, Databricks and
the image-generation models): each names the licenses its card and license file give,
carries the facts a profile must carry, and gets a verdict other than `unknown` offline.

    pytest tests/knowledge/test_vendor_profiles_open_labs.py -q
"""

from __future__ import annotations

import pytest

from advisor.knowledge import KnowledgeBase
from advisor.knowledge.model import COMPONENT_TYPES

# repo id -> the license ids its profile must carry, in order.
EXPECTED: dict[str, list[str]] = {
    # AllenAI, Hugging Face, IBM, Swiss AI, EuroLLM: Apache-2.0.
    "allenai/OLMo-2-0425-1B-Instruct": ["apache-2.0"],
    "allenai/OLMo-2-1124-13B-Instruct": ["apache-2.0"],
    "allenai/OLMo-2-0325-32B-Instruct": ["apache-2.0"],
    "allenai/Olmo-3-7B-Instruct": ["apache-2.0"],
    "allenai/Olmo-3-7B-Think": ["apache-2.0"],
    "allenai/Olmo-3-32B-Think": ["apache-2.0"],
    "HuggingFaceTB/SmolLM3-3B": ["apache-2.0"],
    "ibm-granite/granite-3.3-2b-instruct": ["apache-2.0"],
    "ibm-granite/granite-3.3-8b-instruct": ["apache-2.0"],
    "ibm-granite/granite-4.0-micro": ["apache-2.0"],
    "ibm-granite/granite-4.0-h-micro": ["apache-2.0"],
    "ibm-granite/granite-4.0-h-tiny": ["apache-2.0"],
    "ibm-granite/granite-4.0-h-small": ["apache-2.0"],
    "swiss-ai/Apertus-8B-Instruct-2509": ["apache-2.0"],   # plus the Apertus AUP (use policy)
    "swiss-ai/Apertus-70B-Instruct-2509": ["apache-2.0"],
    "utter-project/EuroLLM-1.7B-Instruct": ["apache-2.0"],
    "utter-project/EuroLLM-9B-Instruct": ["apache-2.0"],
    # TII: Falcon 3 and Falcon-H1 under the TII Falcon License 2.0 (falcon-llm-license).
    "tiiuae/Falcon3-1B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon3-3B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon3-7B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon3-10B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon-H1-0.5B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon-H1-1.5B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon-H1-3B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon-H1-7B-Instruct": ["falcon-llm-license"],
    "tiiuae/Falcon-H1-34B-Instruct": ["falcon-llm-license"],
    # NVIDIA: the Open Model License, plus Llama's where the base is Llama; CC-BY-4.0 over Qwen.
    "nvidia/NVIDIA-Nemotron-Nano-9B-v2": ["nvidia-open-model-license"],
    "nvidia/Llama-3_3-Nemotron-Super-49B-v1_5": ["nvidia-open-model-license", "llama3.3"],
    "nvidia/OpenReasoning-Nemotron-7B": ["cc-by-4.0", "apache-2.0"],
    "nvidia/OpenReasoning-Nemotron-32B": ["cc-by-4.0", "apache-2.0"],
    "nvidia/Cosmos-Reason1-7B": ["nvidia-open-model-license"],
    # Cohere Labs: CC-BY-NC-4.0 with the acceptable use policy.
    "CohereLabs/c4ai-command-a-03-2025": ["cc-by-nc-4.0"],
    "CohereLabs/c4ai-command-r-plus-08-2024": ["cc-by-nc-4.0"],
    "CohereLabs/c4ai-command-r7b-12-2024": ["cc-by-nc-4.0"],
    "CohereLabs/aya-expanse-8b": ["cc-by-nc-4.0"],
    "CohereLabs/aya-expanse-32b": ["cc-by-nc-4.0"],
    "CohereLabs/aya-vision-8b": ["cc-by-nc-4.0"],
    "CohereLabs/aya-vision-32b": ["cc-by-nc-4.0"],
    # Moonshot, Zhipu, MiniMax: modified MIT, MIT, Apache-2.0.
    "moonshotai/Kimi-K2-Instruct": ["kimi-k2-modified-mit"],
    "moonshotai/Kimi-K2-Base": ["kimi-k2-modified-mit"],
    "moonshotai/Kimi-K2-Instruct-0905": ["kimi-k2-modified-mit"],
    "moonshotai/Kimi-K2-Thinking": ["kimi-k2-modified-mit"],
    "zai-org/GLM-4.5": ["mit"],
    "zai-org/GLM-4.5-Air": ["mit"],
    "zai-org/GLM-4.6": ["mit"],
    "zai-org/GLM-4.1V-9B-Thinking": ["mit"],
    "MiniMaxAI/MiniMax-M1-80k": ["apache-2.0"],
    "MiniMaxAI/MiniMax-M1-40k": ["apache-2.0"],
    "MiniMaxAI/MiniMax-M2": ["minimax-m2-modified-mit"],
    # Tencent, Liquid, AI21, Databricks: their own licenses.
    "tencent/Hunyuan-A13B-Instruct": ["tencent-hunyuan-community"],
    "tencent/Hunyuan-7B-Instruct": ["tencent-hunyuan-community"],
    "LiquidAI/LFM2-350M": ["lfm1.0"],
    "LiquidAI/LFM2-700M": ["lfm1.0"],
    "LiquidAI/LFM2-1.2B": ["lfm1.0"],
    "LiquidAI/LFM2-2.6B": ["lfm1.0"],
    "ai21labs/AI21-Jamba-Mini-1.7": ["jamba-open-model-license"],
    "ai21labs/AI21-Jamba-Large-1.7": ["jamba-open-model-license"],
    "ai21labs/AI21-Jamba-Mini-1.5": ["jamba-open-model-license"],
    "databricks/dbrx-instruct": ["databricks-open-model-license"],
    "databricks/dbrx-base": ["databricks-open-model-license"],
}

MOE = ("ibm-granite/granite-4.0-h-tiny", "ibm-granite/granite-4.0-h-small",
       "moonshotai/Kimi-K2-Instruct", "zai-org/GLM-4.5", "zai-org/GLM-4.5-Air",
       "MiniMaxAI/MiniMax-M1-80k", "MiniMaxAI/MiniMax-M2", "tencent/Hunyuan-A13B-Instruct",
       "ai21labs/AI21-Jamba-Mini-1.7", "databricks/dbrx-instruct")
IMAGE_INPUT = ("zai-org/GLM-4.1V-9B-Thinking", "CohereLabs/aya-vision-8b", "CohereLabs/aya-vision-32b",
               "nvidia/Cosmos-Reason1-7B")


@pytest.mark.parametrize("repo_id", sorted(EXPECTED))
def test_licenses_and_basic_facts(check_profile_facts, repo_id: str) -> None:
    check_profile_facts(repo_id, EXPECTED[repo_id], max_parameters=2e12, min_context=4096,     # Kimi K2: 1.04e12
                        released_from="2024-03-01")


@pytest.mark.parametrize("repo_id", MOE)
def test_mixture_of_experts_give_active_parameters(kb: KnowledgeBase, repo_id: str) -> None:
    model = kb.find_model(repo_id)
    assert model.active_parameters and model.active_parameters < model.parameters / 3


def test_modalities(kb: KnowledgeBase) -> None:
    assert [r for r in IMAGE_INPUT if "image_input" not in kb.find_model(r).modalities] == []
    text_only = [r for r in EXPECTED if r not in IMAGE_INPUT]
    assert [r for r in text_only if "image_input" in kb.find_model(r).modalities] == []


def test_every_listed_model_has_a_verdict_offline(verdicts_of) -> None:
    verdicts = verdicts_of(sorted(EXPECTED))
    assert set(verdicts) == set(EXPECTED)
    assert [m for m, v in verdicts.items() if v == "unknown"] == []


def test_unconfirmed_and_non_commercial_licenses_are_never_allowed(verdicts_of) -> None:
    verdicts = verdicts_of(["tiiuae/Falcon3-7B-Instruct", "ai21labs/AI21-Jamba-Mini-1.7",
                              "swiss-ai/Apertus-8B-Instruct-2509", "databricks/dbrx-instruct",
                              "CohereLabs/c4ai-command-a-03-2025"])
    assert verdicts == {"tiiuae/Falcon3-7B-Instruct": "conditional",
                        "ai21labs/AI21-Jamba-Mini-1.7": "conditional",
                        "swiss-ai/Apertus-8B-Instruct-2509": "conditional",
                        "databricks/dbrx-instruct": "conditional",
                        "CohereLabs/c4ai-command-a-03-2025": "blocked"}


def test_hunyuan_territory_excludes_eu_uk_and_korea_but_not_the_rest_of_europe(
        verdicts_of, us_service_answers) -> None:
    for domicile, expected in (("FR", "blocked"), ("GB", "blocked"), ("KR", "blocked"),
                               ("CH", "conditional"), ("US", "conditional")):
        answers = us_service_answers.replace("domicile: US", f"domicile: {domicile}").replace(
            "regions: [US]", f"regions: [{domicile}]")
        assert verdicts_of(["tencent/Hunyuan-A13B-Instruct"], answers) == {
            "tencent/Hunyuan-A13B-Instruct": expected}, domicile


def test_fully_open_families_grade_as_the_references_do(kb: KnowledgeBase) -> None:
    """OLMo is OSAID-validated and MOF Class I; Granite stays at Class III, as the MOT lists 3.0."""
    from advisor.assessment.openness import grade
    for repo_id, want in (("allenai/Olmo-3-7B-Instruct", ("pass", "I")),
                          ("allenai/OLMo-2-0325-32B-Instruct", ("pass", "I")),
                          ("ibm-granite/granite-4.0-h-small", ("fail", "III")),
                          ("moonshotai/Kimi-K2-Instruct", ("fail", "none"))):
        model = kb.find_model(repo_id)
        weights_open = all(kb.licenses[lid].osi_approved for lid in model.licenses)
        openness = grade(model.openness, weights_license_open=weights_open)
        assert (openness.osaid, openness.mof_class) == want, (repo_id, openness.reasons)


# Image generation: text in, images out; no llama.cpp GGUF to smoke-test.
IMAGE_MODELS: dict[str, list[str]] = {
    "stable-diffusion-v1-5/stable-diffusion-v1-5": ["creativeml-openrail-m"],
    "stabilityai/stable-diffusion-xl-base-1.0": ["openrail-plus-plus-m"],
    "stabilityai/stable-diffusion-3.5-large": ["stabilityai-ai-community"],
    "stabilityai/stable-diffusion-3.5-medium": ["stabilityai-ai-community"],
    "black-forest-labs/FLUX.1-dev": ["flux-1-dev-non-commercial-license"],
    "black-forest-labs/FLUX.1-schnell": ["apache-2.0"],
}


@pytest.mark.parametrize("repo_id", sorted(IMAGE_MODELS))
def test_image_models(kb: KnowledgeBase, repo_id: str) -> None:
    model = kb.find_model(repo_id)
    assert model is not None, repo_id
    assert list(model.licenses) == IMAGE_MODELS[repo_id]
    assert "image_output" in model.modalities and "image_input" not in model.modalities
    assert model.gguf_repos == ()
    assert model.parameters and 5e8 <= model.parameters <= 2e10
    assert set(model.openness) == set(COMPONENT_TYPES)


def test_image_model_verdicts_follow_revenue_and_purpose(verdicts_of, us_service_answers) -> None:
    ids = sorted(IMAGE_MODELS)
    small = us_service_answers.replace("monthly_active_users: 1000}", "monthly_active_users: 1000, annual_revenue_usd: 900000}")
    large = us_service_answers.replace("monthly_active_users: 1000}", "monthly_active_users: 1000, annual_revenue_usd: 2000000}")
    below = verdicts_of(ids, small)
    assert below.pop("black-forest-labs/FLUX.1-schnell") != "blocked"     # Apache-2.0
    assert below == {
        "stable-diffusion-v1-5/stable-diffusion-v1-5": "conditional",
        "stabilityai/stable-diffusion-xl-base-1.0": "conditional",
        "stabilityai/stable-diffusion-3.5-large": "conditional",
        "stabilityai/stable-diffusion-3.5-medium": "conditional",
        "black-forest-labs/FLUX.1-dev": "blocked"}
    over = verdicts_of(ids, large)
    assert over["stabilityai/stable-diffusion-3.5-large"] == "blocked"
    assert over["stabilityai/stable-diffusion-3.5-medium"] == "blocked"
    assert over["stable-diffusion-v1-5/stable-diffusion-v1-5"] == "conditional"
