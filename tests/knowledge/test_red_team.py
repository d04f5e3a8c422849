"""Red-team scenarios: answers where a careless reading of a license gives the wrong verdict.

Each test runs the real path (``parse_answers`` -> ``load_knowledge`` -> ``assess``) on the
shipped profiles and names the clause it relies on. A wrong ``allowed`` is the worst bug
this product can have, a wrong ``blocked`` the second worst, so each test pins the
verdict and the finding (code, severity, origin) that decides it.

    pytest tests/knowledge/test_red_team.py -q
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from advisor.answers import parse_answers
from advisor.assessment import Candidate, assess
from advisor.knowledge import KnowledgeBase, load_knowledge
from advisor.knowledge.hubfacts import HubFacts

BASE: dict[str, Any] = {
    "organization": {"domicile": "US", "monthly_active_users": 1000},
    "deployment": {"regions": ["US"], "mode": "internal", "commercial": True},
    "use_case": {"categories": ["general_assistant"], "modalities": ["text"]},
    "needs": {"fine_tune": False, "distill_outputs": False, "redistribute_weights": False,
              "openness": "any"},
    # The license red team: no personal data, so data-protection law stays out of the way
    # (the data answers' law has its own tests: test_data_law_scenarios, test_data_decisions).
    "data": {"categories": ["none"]},
}
RESEARCH = {"deployment": {"mode": "research", "commercial": False}}
EU_COMPANY = {"organization": {"domicile": "DE"}, "deployment": {"regions": ["DE"]}}
ALL_USE_CASES = (
    "general_assistant", "coding", "content_generation", "summarization", "customer_support",
    "education_tutoring", "education_assessment", "medical_advice", "legal_advice",
    "financial_advice", "employment_decisions", "credit_scoring", "insurance_pricing",
    "biometric_identification", "emotion_recognition_workplace", "social_scoring",
    "law_enforcement", "migration_border", "justice_administration", "critical_infrastructure",
    "military_defense", "weapons_development", "research",
)
AUP_EU_CLAUSE = "Acceptable Use Policy, multimodal-model clause (after §5)"
AUP_EU_END_USERS = "Acceptable Use Policy, multimodal-model clause (end users)"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _answers(*overrides: Mapping[str, Any]):
    data: dict[str, Any] = BASE
    for over in overrides:
        data = _merge(data, over)
    return parse_answers(yaml.safe_dump(data, sort_keys=False), "red-team.yaml")


def _assess(kb: KnowledgeBase, model: str, *overrides: Mapping[str, Any],
            hub: HubFacts | None = None) -> Candidate:
    result = assess(_answers(*overrides), kb, model_ids=[model],
                    hub_facts={model: hub} if hub else None)
    assert len(result.candidates) == 1
    return result.candidates[0]


def _has(c: Candidate, code: str, severity: str, origin: str | None = None,
         section: str | None = None) -> bool:
    return any(f.code == code and f.severity == severity
               and (origin is None or f.origin == origin)
               and (section is None or f.source.section == section) for f in c.findings)


def _none(c: Candidate, code: str, origin: str | None = None, section: str | None = None) -> bool:
    return not any(f.code == code and (origin is None or f.origin == origin)
                   and (section is None or f.source.section == section) for f in c.findings)


def _show(c: Candidate) -> str:
    return f"{c.model}: {c.verdict}\n" + "\n".join(
        f"  {f.severity:9} {f.code:20} {f.origin:36} @{f.source.section}" for f in c.findings)


# --------------------------------------------------------------------------- research mode
# A company answering mode "research" must never get "allowed" under a research-only or
# non-commercial license: the license's own definition decides, not the label.

def test_mrl_research_mode_is_conditional_on_research_purposes(kb):
    """MRL-0.1 §9 "Research Purposes": unconnected to any business; employees using it for
    their employer's work are excluded."""
    c = _assess(kb, "mistralai/Mistral-Large-Instruct-2407", RESEARCH)
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "research_only", "condition", "license:mrl", "9"), _show(c)


def test_qwen_research_license_research_mode_is_conditional(kb):
    """Qwen Research License §1 "Non-Commercial", §2(a): research or evaluation only."""
    c = _assess(kb, "Qwen/Qwen2.5-3B-Instruct", RESEARCH)
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "research_only", "condition", "license:qwen-research", "2(a)"), _show(c)


def test_cc_by_nc_research_mode_is_not_allowed(kb):
    """CC BY-NC 4.0 §1(i): NonCommercial = not directed towards commercial advantage; a
    company's R&D usually is, so research mode alone proves nothing."""
    c = _assess(kb, "CohereForAI/c4ai-command-r-v01", RESEARCH)
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "commercial_use", "condition", "license:cc-by-nc-4.0", "1(i)"), _show(c)


def test_mnpl_research_mode_keeps_the_non_production_duty(kb):
    """MNPL-0.1 §3.2, §9: testing and evaluation only in Non-Production Environments."""
    c = _assess(kb, "mistralai/Codestral-22B-v0.1", RESEARCH)
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "non_production", "condition", "license:mnpl", "9"), _show(c)
    assert _none(c, "non_production", section="3.2"), _show(c)


def test_mnpl_business_evaluation_is_conditional_but_commercial_supply_is_blocked(kb):
    """MNPL-0.1 §9: "internal evaluation" is a Non-Production use, also for a business;
    §3.2: supplying the model "in the course of a commercial activity" is barred."""
    c = _assess(kb, "mistralai/Codestral-22B-v0.1", {"deployment": {"mode": "research"}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "commercial_use", "condition", "license:mnpl", "3.2, 9"), _show(c)
    c = _assess(kb, "mistralai/Codestral-22B-v0.1", {"deployment": {"mode": "research"}},
                {"needs": {"redistribute_weights": True}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "redistribution", "block", "license:mnpl", "3.2"), _show(c)


def test_research_use_case_does_not_stand_in_for_research_mode(kb):
    """MRL-0.1 §3.2: the deployment mode decides; a "research" use-case category run
    internally by a business is still outside Research Purposes."""
    c = _assess(kb, "mistralai/Ministral-8B-Instruct-2410",
                {"use_case": {"categories": ["research"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "research_only", "block", "license:mrl", "3.2, 4.2, 9"), _show(c)
    assert _has(c, "commercial_use", "block", "license:mrl", "3.2, 9"), _show(c)


def test_apache_research_mode_is_allowed_without_regional_rules(kb):
    """Apache-2.0 §2-4: no field-of-use limit; in the EU, AI Act Art. 2(6) exempts
    research, so only info findings remain."""
    c = _assess(kb, "Qwen/Qwen3-8B", RESEARCH,
                {"organization": {"domicile": "DE"}, "deployment": {"regions": ["EU"]}})
    assert c.verdict == "allowed", _show(c)
    assert all(f.severity == "info" for f in c.findings), _show(c)


# --------------------------------------------------------------------------- free but not research

@pytest.mark.parametrize("model, code, origin", [
    ("mistralai/Mistral-Large-Instruct-2407", "research_only", "license:mrl"),
    ("Qwen/Qwen2.5-3B-Instruct", "research_only", "license:qwen-research"),
    ("mistralai/Codestral-22B-v0.1", "hosted_service", "license:mnpl"),
])
def test_free_hosted_service_is_blocked_under_research_licenses(kb, model, code, origin):
    """MRL §3.2, Qwen Research §1, MNPL §3.2: a hosted service is outside research or
    non-production use even when nothing is charged (commercial: false)."""
    c = _assess(kb, model, {"deployment": {"mode": "hosted_service", "commercial": False}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, code, "block", origin), _show(c)


def test_free_hosted_service_under_cc_by_nc_is_a_condition_not_a_block(kb):
    """CC BY-NC 4.0 §2(a)(1): a truly NonCommercial service (a non-profit's) is granted;
    the user's commercial: false is checked as a condition, never silently allowed."""
    c = _assess(kb, "CohereForAI/c4ai-command-r-v01",
                {"deployment": {"mode": "hosted_service", "commercial": False}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "commercial_use", "condition", "license:cc-by-nc-4.0", "1(i)"), _show(c)
    assert _none(c, "commercial_use", section="2(a)(1)"), _show(c)


def test_cc_by_nc_commercial_is_blocked(kb):
    """CC BY-NC 4.0 §2(a)(1): commercial use is not granted."""
    c = _assess(kb, "CohereForAI/c4ai-command-r-v01")
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "commercial_use", "block", "license:cc-by-nc-4.0", "2(a)(1)"), _show(c)


# --------------------------------------------------------------------------- user thresholds

@pytest.mark.parametrize("mau, blocked", [(700_000_000, False), (700_000_001, True)])
def test_llama_threshold_is_strictly_greater_than_700m(kb, mau, blocked):
    """Llama 3.1 §2: "greater than 700 million monthly active users"."""
    c = _assess(kb, "meta-llama/Llama-3.1-8B-Instruct",
                {"organization": {"monthly_active_users": mau}})
    assert (c.verdict == "blocked") is blocked, _show(c)
    assert _has(c, "user_threshold", "block", "license:llama3.1", "2") is blocked, _show(c)


@pytest.mark.parametrize("model, origin", [
    ("Qwen/Qwen1.5-7B-Chat", "license:tongyi-qianwen"),
    ("Qwen/Qwen2.5-72B-Instruct", "license:qwen"),
])
def test_qwen_100m_threshold_blocks_commercial_use(kb, model, origin):
    """Tongyi Qianwen License §4 / Qwen License §4: commercial use with more than 100
    million monthly active users needs a license from Alibaba Cloud."""
    over = _assess(kb, model, {"organization": {"monthly_active_users": 100_000_001}})
    assert over.verdict == "blocked", _show(over)
    assert _has(over, "user_threshold", "block", origin, "4"), _show(over)
    at = _assess(kb, model, {"organization": {"monthly_active_users": 100_000_000}})
    assert at.verdict != "blocked", _show(at)


def test_nemotron_carries_the_llama_threshold_too(kb):
    """NVIDIA Open Model License + Llama 3.1 §2: a Llama-based Nemotron is under both."""
    c = _assess(kb, "nvidia/Llama-3.1-Nemotron-Nano-8B-v1",
                {"organization": {"monthly_active_users": 800_000_000}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "user_threshold", "block", "license:llama3.1", "2"), _show(c)
    assert any(f.origin == "license:nvidia-open-model-license" for f in c.findings), _show(c)


def test_nemotron_fine_tune_warns_about_guardrails(kb):
    """NVIDIA Open Model License §2.1: rights end if guardrails are bypassed."""
    c = _assess(kb, "nvidia/Llama-3.1-Nemotron-Nano-8B-v1", {"needs": {"fine_tune": True}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "termination", "condition", "license:nvidia-open-model-license", "2.1")


# --------------------------------------------------------------------------- EU clauses (Llama)

def test_llama_3_2_text_model_is_licensed_to_an_eu_company(kb):
    """Llama 3.2 AUP: the EU exclusion covers only the multimodal models."""
    c = _assess(kb, "meta-llama/Llama-3.2-1B-Instruct",
                {"organization": {"domicile": "FR"}, "deployment": {"regions": ["EU"]}})
    assert c.verdict == "conditional", _show(c)
    assert _none(c, "domicile_exclusion"), _show(c)


def test_llama_3_2_vision_is_blocked_for_an_eu_company_even_in_research(kb):
    """Llama 3.2 AUP: §1(a) rights are not granted to a company with its principal place of
    business in the EU; the clause has no research exception."""
    for over in ({}, RESEARCH):
        c = _assess(kb, "meta-llama/Llama-3.2-11B-Vision-Instruct", EU_COMPANY, over)
        assert c.verdict == "blocked", _show(c)
        assert _has(c, "domicile_exclusion", "block", "license:llama3.2", AUP_EU_CLAUSE)


def test_eu_end_users_of_a_us_service_on_llama_3_2_vision_are_exempt(kb):
    """Llama 3.2 AUP: "This restriction does not apply to end users of a product or service
    that incorporates any such multimodal models"."""
    c = _assess(kb, "meta-llama/Llama-3.2-11B-Vision-Instruct",
                {"deployment": {"regions": ["US", "EU"], "mode": "hosted_service"}})
    assert c.verdict == "conditional", _show(c)
    assert _none(c, "domicile_exclusion"), _show(c)


def test_llama_3_2_vision_delivered_on_prem_to_eu_customers_needs_review(kb):
    """Llama 3.2 AUP: a customer that receives the weights is a licensee, not an end user."""
    c = _assess(kb, "meta-llama/Llama-3.2-11B-Vision-Instruct",
                {"deployment": {"regions": ["US", "FR"], "mode": "on_prem"}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "domicile_exclusion", "condition", "license:llama3.2", AUP_EU_END_USERS)


def test_llama_3_2_vision_for_an_eea_non_eu_company_is_not_excluded(kb):
    """Llama 3.2 AUP names the European Union only; Norway is EEA but not EU."""
    c = _assess(kb, "meta-llama/Llama-3.2-11B-Vision-Instruct",
                {"organization": {"domicile": "NO"}, "deployment": {"regions": ["NO"]}})
    assert c.verdict != "blocked", _show(c)
    assert _none(c, "domicile_exclusion"), _show(c)


def test_llama_4_is_blocked_for_an_eu_company(kb):
    """Llama 4 AUP: every Llama 4 model is multimodal, so the EU clause always applies."""
    c = _assess(kb, "meta-llama/Llama-4-Scout-17B-16E-Instruct",
                {"organization": {"domicile": "IE"}, "deployment": {"regions": ["IE"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "domicile_exclusion", "block", "license:llama4", AUP_EU_CLAUSE)


def test_llama_4_for_a_us_company_serving_the_eu_is_not_blocked(kb):
    """Llama 4 AUP: EU end users of a product are outside the restriction."""
    c = _assess(kb, "meta-llama/Llama-4-Scout-17B-16E-Instruct",
                {"deployment": {"regions": ["US", "EU"], "mode": "hosted_service"}})
    assert c.verdict == "conditional", _show(c)
    assert _none(c, "domicile_exclusion"), _show(c)


# --------------------------------------------------------------------------- outputs to train models

@pytest.mark.parametrize("model, origin", [
    ("meta-llama/Llama-2-7b-chat-hf", "license:llama2"),
    ("meta-llama/Meta-Llama-3-8B-Instruct", "license:llama3"),
])
def test_llama_2_and_3_forbid_training_on_outputs(kb, model, origin):
    """Llama 2 / Llama 3 §1.b.v: no output may improve any other large language model."""
    c = _assess(kb, model, {"needs": {"distill_outputs": True}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "output_training", "block", origin, "1.b.v"), _show(c)


def test_llama_3_1_internal_distillation_needs_no_naming(kb):
    """Llama 3.1 §1.b.i: outputs may train other models; naming binds only a model
    "which is distributed or made available". The AUP duty (§1.b.iv) keeps it conditional."""
    c = _assess(kb, "meta-llama/Llama-3.1-8B-Instruct", {"needs": {"distill_outputs": True}})
    assert c.verdict == "conditional", _show(c)
    assert {f.code for f in c.findings if f.severity == "condition"
            and not f.origin.startswith("jurisdiction:")} == {"use_policy"}, _show(c)
    assert _has(c, "output_training", "info", "license:llama3.1"), _show(c)
    assert _none(c, "naming"), _show(c)


def test_llama_3_3_distilled_model_offered_as_a_service_must_be_named_llama(kb):
    """Llama 3.3 §1.b.i: a model trained on outputs and made available starts with "Llama"."""
    c = _assess(kb, "meta-llama/Llama-3.3-70B-Instruct",
                {"needs": {"distill_outputs": True}, "deployment": {"mode": "hosted_service"}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "naming", "condition", "license:llama3.3", "1.b.i"), _show(c)


def test_gemma_distillation_makes_a_model_derivative(kb):
    """Gemma Terms §1.1(e): a model trained on Gemma outputs to perform like Gemma is a
    Model Derivative under the terms."""
    c = _assess(kb, "google/gemma-3-1b-it", {"needs": {"distill_outputs": True}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "output_training", "condition", "license:gemma", "1.1(e), 3.3"), _show(c)


def test_tongyi_qianwen_forbids_training_on_outputs(kb):
    """Tongyi Qianwen License §5(b): outputs may not improve any other LLM."""
    c = _assess(kb, "Qwen/Qwen1.5-7B-Chat", {"needs": {"distill_outputs": True}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "output_training", "block", "license:tongyi-qianwen", "5.b"), _show(c)


def test_r1_distill_llama_carries_llama_3_1_terms(kb):
    """DeepSeek-R1-Distill-Llama-8B: MIT for DeepSeek's part, Llama 3.1 for the base; the
    Llama 3.1 AUP (§2.a military) therefore binds it."""
    c = _assess(kb, "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
                {"use_case": {"categories": ["military_defense"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "use_policy", "block", "use-policy:llama3.1-aup", "2.a"), _show(c)
    d = _assess(kb, "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", {"deployment": {"mode": "on_device"}})
    assert _has(d, "attribution", "condition", "license:llama3.1", "1.b.i"), _show(d)


# --------------------------------------------------------------------------- hosting and distribution

def test_falcon_180b_hosting_use_is_a_condition_and_internal_use_is_not_hosting(kb):
    """Falcon-180B TII License §9.1/§9.3: "Hosting Use" (shared instances or managed
    services in an inference or fine-tuning API form) is not licensed; §9.2: applications
    using the model in the background are not Hosting Use. A hosted product is therefore
    conditional on not being an API offer, never allowed outright; internal use and
    on-prem delivery are not Hosting Use at all."""
    hosted = _assess(kb, "tiiuae/falcon-180B-chat", {"deployment": {"mode": "hosted_service"}})
    assert hosted.verdict == "conditional", _show(hosted)
    assert _has(hosted, "hosted_service", "condition", "license:falcon-180b", "9"), _show(hosted)
    for mode in ("internal", "on_prem"):
        c = _assess(kb, "tiiuae/falcon-180B-chat", {"deployment": {"mode": mode}})
        assert c.verdict == "conditional", _show(c)
        assert _none(c, "hosted_service"), _show(c)


@pytest.mark.parametrize("model, code, origin", [
    ("meta-llama/Llama-3.2-1B-Instruct", "attribution", "license:llama3.2"),
    ("google/gemma-3-1b-it", "pass_on_restrictions", "license:gemma"),
    ("bigcode/starcoder2-3b", "pass_on_restrictions", "license:bigcode-openrail-m"),
    ("deepseek-ai/DeepSeek-V3", "pass_on_restrictions", "license:deepseek"),
])
def test_on_device_distribution_triggers_pass_on_and_attribution(kb, model, code, origin):
    """Llama §1.b.i "Built with Llama"; Gemma §3.1, OpenRAIL-M III, DeepSeek §4(a): use
    restrictions travel with every copy shipped on a device."""
    internal = _assess(kb, model)
    assert _none(internal, code, origin), _show(internal)
    c = _assess(kb, model, {"deployment": {"mode": "on_device"}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, code, "condition", origin), _show(c)


def test_apache_on_device_with_fine_tune_is_allowed(kb):
    """Apache-2.0 §4: license copy, notices and change marks are notice duties only."""
    c = _assess(kb, "Qwen/Qwen3-8B", {"deployment": {"mode": "on_device"},
                                     "needs": {"fine_tune": True}})
    # Conditional only through US state law (issue 9): the license adds no condition.
    assert c.verdict == "conditional", _show(c)
    assert all(f.origin.startswith("jurisdiction:US-") for f in c.findings
               if f.severity == "condition"), _show(c)
    assert _has(c, "modification", "info", "license:apache-2.0"), _show(c)


# --------------------------------------------------------------------------- use policies

def test_bloom_medical_advice_is_blocked(kb):
    """BigScience RAIL 1.0 Attachment A (l): no medical advice or interpretation of results."""
    c = _assess(kb, "bigscience/bloom", {"use_case": {"categories": ["medical_advice"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "use_policy", "block", "use-policy:bloom-rail-use-restrictions",
                "Attachment A (l)"), _show(c)


def test_deepseek_v3_military_use_is_blocked(kb):
    """DeepSeek License Attachment A.2: "For military use in any way"."""
    c = _assess(kb, "deepseek-ai/DeepSeek-V3", {"use_case": {"categories": ["military_defense"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "use_policy", "block", "use-policy:deepseek-use-restrictions",
                "Attachment A.2"), _show(c)


def test_llama_critical_infrastructure_is_blocked_everywhere(kb):
    """Llama 3.2 AUP 2.d: operation of critical infrastructure is prohibited."""
    c = _assess(kb, "meta-llama/Llama-3.2-3B-Instruct",
                {"use_case": {"categories": ["critical_infrastructure"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "use_policy", "block", "use-policy:llama3.2-aup", "2.d"), _show(c)


def test_unconfirmed_facts_never_yield_allowed(kb):
    """README: a fact seen only in a secondary source never produces `allowed`
    (Qwen License notice §3 is unconfirmed, so it is reported as a condition)."""
    c = _assess(kb, "Qwen/Qwen2.5-72B-Instruct")
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "notice", "condition", "license:qwen", "3"), _show(c)


# --------------------------------------------------------------------------- openness

@pytest.mark.parametrize("model", ["openai/gpt-oss-20b", "Qwen/Qwen3-8B",
                                   "mistralai/Mistral-7B-Instruct-v0.3",
                                   "meta-llama/Llama-3.1-8B-Instruct"])
def test_osaid_required_blocks_closed_data_models(kb, model):
    """OSAID 1.0: data information and training code are required; Apache weights alone
    do not make a model Open Source AI."""
    c = _assess(kb, model, {"needs": {"openness": "osaid"}})
    assert c.openness.osaid == "fail"
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "openness", "block", "engine"), _show(c)


def test_osaid_required_allows_a_fully_open_model(kb):
    """OSAID 1.0: OLMo 2 releases data, code and weights under open terms (OSI's own list)."""
    c = _assess(kb, "allenai/OLMo-2-1124-7B-Instruct", {"needs": {"openness": "osaid"}})
    assert c.openness.osaid == "pass"
    assert c.verdict == "allowed", _show(c)


# --------------------------------------------------------------------------- EU AI Act and law

def test_employment_decisions_in_the_eu_are_high_risk_never_allowed(kb):
    """AI Act Annex III point 4: recruiting and worker decisions are high-risk."""
    c = _assess(kb, "Qwen/Qwen3-8B", EU_COMPANY, {"use_case": {"categories": ["employment_decisions"]}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "high_risk", "condition", "jurisdiction:EU"), _show(c)


def test_social_scoring_is_blocked_in_the_eu_only(kb):
    """AI Act Art. 5(1)(c): social scoring is prohibited where the Act applies; a US-only
    deployment by a US company is outside it."""
    eu = _assess(kb, "Qwen/Qwen3-8B", EU_COMPANY, {"use_case": {"categories": ["social_scoring"]}})
    assert eu.verdict == "blocked", _show(eu)
    assert _has(eu, "prohibited_practice", "block", "jurisdiction:EU"), _show(eu)
    us = _assess(kb, "Qwen/Qwen3-8B", {"use_case": {"categories": ["social_scoring"]}})
    assert us.verdict != "blocked", _show(us)
    assert _none(us, "prohibited_practice"), _show(us)


def test_eu_end_users_bring_the_ai_act_to_a_us_company(kb):
    """AI Act Art. 2(1)(c): output used in the Union brings a third-country deployer in."""
    c = _assess(kb, "Qwen/Qwen3-8B", {"deployment": {"regions": ["US", "FR"]},
                                     "use_case": {"categories": ["social_scoring"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "prohibited_practice", "block", "jurisdiction:EU"), _show(c)


def test_emotion_recognition_at_work_is_blocked_in_the_eu(kb):
    """AI Act Art. 5(1)(f): emotion recognition in the workplace is prohibited."""
    c = _assess(kb, "microsoft/phi-4", EU_COMPANY,
                {"use_case": {"categories": ["emotion_recognition_workplace"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "prohibited_practice", "block", "jurisdiction:EU"), _show(c)


# --------------------------------------------------------------------------- unknowns and Hub repos

def test_unknown_repo_is_unknown_never_allowed(kb):
    """CONTRACT §3: a model that cannot be identified is `unknown`."""
    c = _assess(kb, "nobody/mystery-model-7b")
    assert c.verdict == "unknown", _show(c)
    assert _has(c, "unknown_model", "condition", "engine"), _show(c)


def test_hub_repo_with_unrecognised_license_is_unknown(kb):
    """CONTRACT §3: an unrecognized license is `unknown`."""
    hub = HubFacts(repo_id="someone/custom-lm", license_tag="other", license_name="custom-eula")
    c = _assess(kb, "someone/custom-lm", hub=hub)
    assert c.verdict == "unknown", _show(c)
    assert _has(c, "unknown_license", "condition", "engine"), _show(c)


def test_fine_tune_of_llama_vision_inherits_the_eu_exclusion(kb):
    """Llama 3.2 §1.b.i: derivatives carry the license; its EU clause follows the base."""
    base = HubFacts(repo_id="meta-llama/Llama-3.2-11B-Vision-Instruct", license_tag="llama3.2")
    hub = HubFacts(repo_id="acme/vision-ft", license_tag="llama3.2",
                   base_models=[base.repo_id], base_chain=[base])
    c = _assess(kb, "acme/vision-ft", EU_COMPANY, hub=hub)
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "domicile_exclusion", "block", "license:llama3.2", AUP_EU_CLAUSE)


def test_relicensed_llama_fine_tune_keeps_the_llama_threshold(kb):
    """Llama 3.1 §1.b.i, §2: a card saying apache-2.0 cannot lift Meta's terms."""
    base = HubFacts(repo_id="meta-llama/Llama-3.1-8B-Instruct", license_tag="llama3.1")
    hub = HubFacts(repo_id="x/llama-apache", license_tag="apache-2.0", base_chain=[base])
    c = _assess(kb, "x/llama-apache", {"organization": {"monthly_active_users": 900_000_000}},
                hub=hub)
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "user_threshold", "block", "license:llama3.1", "2"), _show(c)
    assert _has(c, "review", "condition", "engine"), _show(c)


# --------------------------------------------------------------------------- stress

def test_every_use_case_at_once_blocks_every_model_without_crashing(kb):
    """All CONTRACT §2 use cases together for an EU company: social scoring (AI Act
    Art. 5(1)(c)) alone blocks every profiled model."""
    answers = _answers(EU_COMPANY, {"use_case": {"categories": list(ALL_USE_CASES)}})
    result = assess(answers, kb)
    assert len(result.candidates) == len(kb.models)
    bad = [c.model for c in result.candidates if c.verdict != "blocked"]
    assert bad == []
    assert result.to_dict()["candidates"][0]["verdict"] == "blocked"


# --------------------------------------------------------------------------- more edges

def test_llama_3_2_vision_shipped_on_devices_to_eu_users_is_not_excluded(kb):
    """Llama 3.2 AUP: people using a product that incorporates the model are end users."""
    c = _assess(kb, "meta-llama/Llama-3.2-11B-Vision-Instruct",
                {"deployment": {"regions": ["US", "EU"], "mode": "on_device"}})
    assert c.verdict == "conditional", _show(c)
    assert _none(c, "domicile_exclusion"), _show(c)
    assert _has(c, "attribution", "condition", "license:llama3.2", "1.b.i"), _show(c)


def test_gemma_vision_model_has_no_eu_exclusion(kb):
    """Gemma Terms of Use: no domicile clause; a multimodal Gemma is licensed in the EU."""
    c = _assess(kb, "google/gemma-3-27b-it", EU_COMPANY)
    assert c.verdict == "conditional", _show(c)
    assert _none(c, "domicile_exclusion"), _show(c)


def test_bloom_chat_assistant_must_disclaim_machine_text(kb):
    """BigScience RAIL 1.0 Attachment A (e): content "in any context (e.g. ... chatbots)"
    must be disclaimed as machine generated."""
    c = _assess(kb, "bigscience/bloom", {"deployment": {"mode": "hosted_service"}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "use_policy", "condition", "use-policy:bloom-rail-use-restrictions",
                "Attachment A (e)"), _show(c)


def test_starcoder2_social_scoring_is_blocked_even_in_the_us(kb):
    """BigCode OpenRAIL-M Attachment A (j): no discrimination based on social behaviour."""
    c = _assess(kb, "bigcode/starcoder2-3b", {"use_case": {"categories": ["social_scoring"]}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "use_policy", "block", "use-policy:bigcode-openrail-m-use-restrictions",
                "Attachment A (j)"), _show(c)


def test_deepseek_v3_distillation_is_a_condition_and_r1_mit_is_free(kb):
    """DeepSeek License §1 "Derivatives" include models trained on outputs (restrictions
    follow them); DeepSeek-R1 is MIT and allows distillation."""
    v3 = _assess(kb, "deepseek-ai/DeepSeek-V3", {"needs": {"distill_outputs": True}})
    assert v3.verdict == "conditional", _show(v3)
    assert _has(v3, "output_training", "condition", "license:deepseek", "1, 6"), _show(v3)
    r1 = _assess(kb, "deepseek-ai/DeepSeek-R1", {"needs": {"distill_outputs": True}})
    assert r1.verdict == "allowed", _show(r1)


def test_cc_by_nc_internal_non_commercial_use_is_conditional(kb):
    """CC BY-NC 4.0 §1(i): a non-profit's own internal use is NonCommercial; blocking it
    would send the user elsewhere for no reason, allowing it unchecked would be worse."""
    c = _assess(kb, "CohereForAI/c4ai-command-r-v01", {"deployment": {"commercial": False}})
    assert c.verdict == "conditional", _show(c)
    assert _has(c, "commercial_use", "condition", "license:cc-by-nc-4.0", "1(i)"), _show(c)


def test_cohere_synthetic_data_for_commercial_models_is_blocked(kb):
    """C4AI acceptable use policy: no synthetic data for commercial models or products."""
    c = _assess(kb, "CohereForAI/c4ai-command-r-v01", {"needs": {"distill_outputs": True}})
    assert c.verdict == "blocked", _show(c)
    assert _has(c, "output_training", "block", "use-policy:c4ai-aup"), _show(c)


def test_llama_2_hosted_service_has_no_built_with_duty(kb):
    """Llama 2 §1.b: only the Notice file; "Built with" arrived with Llama 3."""
    c = _assess(kb, "meta-llama/Llama-2-7b-chat-hf", {"deployment": {"mode": "hosted_service"}})
    assert _none(c, "attribution"), _show(c)
    assert c.verdict == "conditional", _show(c)   # the AUP duty of §1.b.iv only
    assert {f.code for f in c.findings if f.severity == "condition"
            and not f.origin.startswith("jurisdiction:")} == {"use_policy"}, _show(c)


def test_eu_prohibitions_yield_to_research_mode_but_licenses_do_not(kb):
    """AI Act Art. 2(6): research is outside the Act; DeepSeek Attachment A.9 still bans
    discrimination by social behaviour whatever the purpose."""
    c = _assess(kb, "deepseek-ai/DeepSeek-V3", EU_COMPANY, RESEARCH,
                {"use_case": {"categories": ["social_scoring"]}})
    assert c.verdict == "blocked", _show(c)
    assert _none(c, "prohibited_practice"), _show(c)
    assert _has(c, "use_policy", "block", "use-policy:deepseek-use-restrictions",
                "Attachment A.9"), _show(c)
