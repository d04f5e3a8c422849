"""The shipped model profiles (profiles/models/*.yaml), read through the real loader.

Checks that every model the advisor promises is profiled with the right licenses, that
each of the 17 Model Openness Framework components carries a status and an evidence
link, and that the grades the code derives match the public assessments (OSI's OSAID
validation, the LF AI Model Openness Tool).

    pytest tests/knowledge/test_model_profiles.py -q
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.assessment.openness import Openness, effective_status, grade
from advisor.cli import main
from advisor.knowledge import KnowledgeBase, load_knowledge
from advisor.knowledge.load import check_profiles
from advisor.knowledge.model import COMPONENT_STATUSES, COMPONENT_TYPES, ModelProfile
from advisor.config import PROFILES_DIR

MODELS_DIR = PROFILES_DIR / "models"

# Every repo id the advisor must know, with the license ids its profile must carry.
REQUIRED: dict[str, list[str]] = {
    "meta-llama/Llama-2-7b-chat-hf": ["llama2"],
    "meta-llama/Meta-Llama-3-8B-Instruct": ["llama3"],
    "meta-llama/Llama-3.1-8B-Instruct": ["llama3.1"],
    "meta-llama/Llama-3.1-405B-Instruct": ["llama3.1"],
    "meta-llama/Llama-3.2-1B-Instruct": ["llama3.2"],
    "meta-llama/Llama-3.2-3B-Instruct": ["llama3.2"],
    "meta-llama/Llama-3.2-11B-Vision-Instruct": ["llama3.2"],
    "meta-llama/Llama-3.3-70B-Instruct": ["llama3.3"],
    "meta-llama/Llama-4-Scout-17B-16E-Instruct": ["llama4"],
    "google/gemma-2-9b-it": ["gemma"],
    "google/gemma-3-1b-it": ["gemma"],
    "google/gemma-3-27b-it": ["gemma"],
    "mistralai/Mistral-7B-Instruct-v0.3": ["apache-2.0"],
    "mistralai/Mixtral-8x7B-Instruct-v0.1": ["apache-2.0"],
    "mistralai/Mistral-Nemo-Instruct-2407": ["apache-2.0"],
    "mistralai/Mistral-Large-Instruct-2407": ["mrl"],
    "mistralai/Ministral-8B-Instruct-2410": ["mrl"],
    "mistralai/Codestral-22B-v0.1": ["mnpl"],
    "Qwen/Qwen2.5-0.5B-Instruct": ["apache-2.0"],
    "Qwen/Qwen2.5-3B-Instruct": ["qwen-research"],
    "Qwen/Qwen2.5-7B-Instruct": ["apache-2.0"],
    "Qwen/Qwen2.5-72B-Instruct": ["qwen"],
    "Qwen/Qwen3-8B": ["apache-2.0"],
    "Qwen/Qwen1.5-7B-Chat": ["tongyi-qianwen"],
    "deepseek-ai/DeepSeek-V3": ["deepseek"],
    "deepseek-ai/DeepSeek-R1": ["mit"],
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B": ["mit", "apache-2.0"],
    "deepseek-ai/DeepSeek-R1-Distill-Llama-8B": ["mit", "llama3.1"],
    "microsoft/Phi-3-mini-4k-instruct": ["mit"],
    "microsoft/phi-4": ["mit"],
    "tiiuae/falcon-7b-instruct": ["apache-2.0"],
    "tiiuae/falcon-180B-chat": ["falcon-180b"],
    "bigscience/bloom": ["bigscience-bloom-rail-1.0"],
    "bigcode/starcoder2-3b": ["bigcode-openrail-m"],
    "CohereForAI/c4ai-command-r-v01": ["cc-by-nc-4.0"],
    "ibm-granite/granite-3.0-8b-instruct": ["apache-2.0"],
    "allenai/OLMo-2-1124-7B-Instruct": ["apache-2.0"],
    "EleutherAI/pythia-1.4b": ["apache-2.0"],
    "LLM360/Amber": ["apache-2.0"],
    "HuggingFaceTB/SmolLM2-135M-Instruct": ["apache-2.0"],
    "HuggingFaceTB/SmolLM2-1.7B-Instruct": ["apache-2.0"],
    "TinyLlama/TinyLlama-1.1B-Chat-v1.0": ["apache-2.0"],
    "openai/gpt-oss-20b": ["apache-2.0"],
    "nvidia/Llama-3.1-Nemotron-Nano-8B-v1": ["nvidia-open-model-license", "llama3.1"],
}

USE_POLICIES = {
    "CohereForAI/c4ai-command-r-v01": ["c4ai-aup"],
    "openai/gpt-oss-20b": ["gpt-oss-usage-policy"],
}

# (osaid, mof_class) the code must derive: OSI's validation passed Pythia, OLMo and Amber;
# the Model Openness Tool lists them at Class I, IBM Granite at III, Llama 3.1, Mistral 7B,
# Phi and Falcon at no class.
EXPECTED_GRADES = {
    "EleutherAI/pythia-1.4b": ("pass", "I"),
    "allenai/OLMo-2-1124-7B-Instruct": ("pass", "I"),
    "LLM360/Amber": ("pass", "I"),
    "ibm-granite/granite-3.0-8b-instruct": ("fail", "III"),
    "meta-llama/Llama-3.1-8B-Instruct": ("fail", "none"),
    "meta-llama/Llama-3.1-405B-Instruct": ("fail", "none"),
    "mistralai/Mistral-7B-Instruct-v0.3": ("fail", "none"),
    "microsoft/Phi-3-mini-4k-instruct": ("fail", "none"),
    "tiiuae/falcon-7b-instruct": ("fail", "none"),
}

IMAGE_INPUT = {"meta-llama/Llama-3.2-11B-Vision-Instruct",
               "meta-llama/Llama-4-Scout-17B-16E-Instruct", "google/gemma-3-27b-it"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def derived(kb: KnowledgeBase, model: ModelProfile) -> Openness:
    """The grade exactly as `advisor models` and the engine derive it."""
    known = [lid for lid in model.licenses if lid in kb.licenses]
    weights_open = (all(kb.licenses[lid].osi_approved for lid in known)
                    if len(known) == len(model.licenses) else None)
    return grade(model.openness, weights_license_open=weights_open)


def test_model_files_have_no_problems() -> None:
    _, problems = check_profiles([PROFILES_DIR])
    mine = [p.one_line() for p in problems if Path(p.file).parent.resolve() == MODELS_DIR.resolve()]
    assert mine == []


def test_every_model_file_declares_the_family_schema() -> None:
    files = sorted(MODELS_DIR.glob("*.yaml"))
    assert len(files) >= 20
    for path in files:
        assert path.read_text(encoding="utf-8").startswith("schema: advisor.model-family/1\n"), path


@pytest.mark.parametrize("repo_id", sorted(REQUIRED))
def test_required_id_resolves_case_insensitively(kb: KnowledgeBase, repo_id: str) -> None:
    for spelling in (repo_id, repo_id.lower(), repo_id.upper(), f"  {repo_id} "):
        model = kb.find_model(spelling)
        assert model is not None, spelling
        assert model.id == repo_id                       # the Hub's exact spelling is kept


@pytest.mark.parametrize("repo_id", sorted(REQUIRED))
def test_licenses_match_and_have_profiles(kb: KnowledgeBase, repo_id: str) -> None:
    model = kb.find_model(repo_id)
    assert list(model.licenses) == REQUIRED[repo_id]
    for lid in model.licenses:
        assert lid in kb.licenses, f"{repo_id}: no license profile {lid!r}"


def test_every_profiled_model_has_licenses_with_profiles(kb: KnowledgeBase) -> None:
    missing = [(m.id, lid) for m in kb.models.values() for lid in m.licenses
               if lid not in kb.licenses]
    assert missing == []


def test_use_policies_are_attached_and_exist(kb: KnowledgeBase) -> None:
    for repo_id, policies in USE_POLICIES.items():
        assert list(kb.find_model(repo_id).use_policies) == policies
    for model in kb.models.values():
        for pid in model.use_policies:
            assert pid in kb.use_policies, f"{model.id}: no use policy {pid!r}"


@pytest.mark.parametrize("repo_id", sorted(REQUIRED))
def test_all_17_components_with_evidence(kb: KnowledgeBase, repo_id: str) -> None:
    model = kb.find_model(repo_id)
    assert set(model.openness) == set(COMPONENT_TYPES)
    for cid, component in model.openness.items():
        assert component.status in COMPONENT_STATUSES, (repo_id, cid)
        assert component.evidence and component.evidence.startswith("https://"), (repo_id, cid)
        if component.status in ("open", "restricted"):
            assert component.license, f"{repo_id} {cid}: released without a license named"


def test_open_components_use_a_license_open_for_their_type(kb: KnowledgeBase) -> None:
    """A component typed `open` must survive the code's license check, or say `restricted`."""
    wrong = [(m.id, cid, c.license) for m in kb.models.values()
             for cid, c in m.openness.items()
             if c.status == "open" and effective_status(cid, c) != "open"]
    assert wrong == []


@pytest.mark.parametrize("repo_id", sorted(EXPECTED_GRADES))
def test_derived_grades(kb: KnowledgeBase, repo_id: str) -> None:
    openness = derived(kb, kb.find_model(repo_id))
    assert (openness.osaid, openness.mof_class) == EXPECTED_GRADES[repo_id], openness.reasons


def test_restrictive_weight_licenses_never_pass_osaid(kb: KnowledgeBase) -> None:
    for model in kb.models.values():
        if not all(kb.licenses[lid].osi_approved for lid in model.licenses):
            assert derived(kb, model).osaid == "fail", model.id
            assert model.openness["model_parameters_final"].status != "open", model.id


def test_models_command_reports_the_same_grades(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_id = {m["id"]: m for m in doc["models"]}
    assert set(REQUIRED) <= set(by_id)
    for repo_id, (osaid, mof) in EXPECTED_GRADES.items():
        assert (by_id[repo_id]["openness"]["osaid"], by_id[repo_id]["openness"]["mof_class"]) == (osaid, mof)


@pytest.mark.parametrize("repo_id", sorted(REQUIRED))
def test_basic_facts(kb: KnowledgeBase, repo_id: str) -> None:
    model = kb.find_model(repo_id)
    assert model.parameters and 1e8 <= model.parameters <= 1e12
    assert model.training_tokens is None or 1e11 <= model.training_tokens <= 1e14
    assert model.context_length and model.context_length >= 2048
    assert model.released and dt.date.fromisoformat(model.released) <= dt.date(2026, 11, 23)
    assert model.sources and all(s.url.startswith("https://") for s in model.sources)
    assert all(repo.count("/") == 1 for repo in model.gguf_repos)
    assert model.vendor and model.family


def test_modalities(kb: KnowledgeBase) -> None:
    for repo_id in REQUIRED:
        takes_images = "image_input" in kb.find_model(repo_id).modalities
        assert takes_images == (repo_id in IMAGE_INPUT), repo_id
    assert kb.find_model("google/gemma-3-1b-it").modalities == ("text",)
    assert "code" in kb.find_model("bigcode/starcoder2-3b").modalities


def test_meta_and_google_repos_are_gated(kb: KnowledgeBase) -> None:
    for repo_id in REQUIRED:
        if repo_id.startswith(("meta-llama/", "google/")):
            assert kb.find_model(repo_id).gated, repo_id


def test_training_compute_of_known_large_runs(kb: KnowledgeBase) -> None:
    """6 x N x D: Llama 3.1 405B is above the AI Act's 1e25 FLOP presumption, SmolLM2 far below."""
    big = kb.find_model("meta-llama/Llama-3.1-405B-Instruct")
    small = kb.find_model("HuggingFaceTB/SmolLM2-135M-Instruct")
    assert 6 * big.parameters * big.training_tokens > 1e25
    assert 6 * small.parameters * small.training_tokens < 1e22


def test_missing_component_is_caught(tmp_path: Path) -> None:
    """The 17-component check can fail: a family file without one component is seen."""
    text = (MODELS_DIR / "pythia.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "research_paper:" not in line]
    (tmp_path / "pythia.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    kb, _ = check_profiles([tmp_path])      # (it also reports the absent license profiles)
    model = kb.find_model("EleutherAI/pythia-1.4b")
    assert "research_paper" not in model.openness
    assert set(model.openness) != set(COMPONENT_TYPES)
    # without its research paper the suite drops from Class I to Class II
    assert grade(model.openness, weights_license_open=True).mof_class == "II"
