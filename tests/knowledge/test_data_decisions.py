"""Three decisions people bring to the advisor, and a property over every data answer.

- A US hospital summarising clinical notes gets HIPAA (and, in California, CMIA)
  conditions; a hosted API needs a BAA, and Gemini, which offers none, is blocked.
- A Berlin support bot that reads and fine-tunes on customer tickets gets the GDPR's
  conditions, plus Art. 28 and transfers when the candidate is a hosted API.
- A mobile game with 30 million players including children gets children's privacy law.
- Property: for every data category and audience, no model is `allowed` while a duty the
  answers trigger is missing from its findings (the duties written here from the law,
  not read back from the rules).

    pytest tests/knowledge/test_data_decisions.py -q
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.answers import AUDIENCES, DATA_CATEGORIES, MODES, parse_answers
from advisor.assessment import assess
from advisor.assessment.result import Candidate
from advisor.knowledge import KnowledgeBase, load_knowledge

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"
OPENAI = "openai-api/gpt-5.1"
GEMINI = "gemini-api/gemini-3.8-flash"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _assess(kb: KnowledgeBase, answers: dict, models: list[str]) -> dict[str, Candidate]:
    parsed = parse_answers(yaml.safe_dump(answers), "decision.yaml")
    return {c.model: c for c in assess(parsed, kb, model_ids=models).candidates}


def _origins(candidate: Candidate, severity: str | None = None) -> set[str]:
    return {f.origin for f in candidate.findings if severity is None or f.severity == severity}


HOSPITAL = {
    "organization": {"domicile": "US-CA", "monthly_active_users": 4000,
                     "annual_revenue_usd": 900_000_000},
    "deployment": {"regions": ["US-CA"], "mode": "internal", "commercial": True},
    "use_case": {"categories": ["summarization"]},
    "data": {"categories": ["health"]},
    "audience": ["employees"],
}


def test_hospital_summarising_clinical_notes(kb: KnowledgeBase) -> None:
    result = _assess(kb, HOSPITAL, [SMOL, OPENAI, GEMINI])
    local = result[SMOL]
    conditions = _origins(local, "condition")
    assert {"jurisdiction:US-HIPAA", "jurisdiction:US-CA-PRIVACY"} <= conditions
    hipaa = [f for f in local.findings if f.origin == "jurisdiction:US-HIPAA"]
    assert [f.source.section for f in hipaa] == ["45 CFR 164.308(a)(1)(ii)(A), 164.306(a), 164.502(a)-(b)"]
    assert any("56.10" in (f.source.section or "") for f in local.findings)
    assert local.verdict == "conditional"
    # No FDA device condition: summarising notes is not medical advice.
    assert not any("360j" in (f.source.section or "") for f in local.findings)
    # A hosted API makes the provider a business associate: a BAA first.
    openai = result[OPENAI]
    baa = [f for f in openai.findings if f.origin == "jurisdiction:US-HIPAA"
           and "164.502(e)" in (f.source.section or "")]
    assert baa and baa[0].severity == "condition"
    assert "use-policy:openai-data-terms" in _origins(openai, "condition")
    # Google offers no BAA for the Gemini API: blocked.
    assert "use-policy:gemini-data-terms" in _origins(result[GEMINI], "block")
    assert result[GEMINI].verdict == "blocked"


BERLIN = {
    "organization": {"domicile": "DE", "monthly_active_users": 40_000},
    "deployment": {"regions": ["DE"], "mode": "hosted_service", "commercial": True},
    "use_case": {"categories": ["customer_support"]},
    "data": {"categories": ["personal"]},
    "audience": ["consumers"],
    "needs": {"fine_tune": True},
}


def test_berlin_support_bot_fine_tuning_on_tickets(kb: KnowledgeBase) -> None:
    result = _assess(kb, BERLIN, [SMOL, OPENAI])
    sections = {f.source.section for f in result[SMOL].findings
                if f.origin == "jurisdiction:EU-GDPR"}
    assert {"Art. 6(1), 13(1), 14", "Art. 35(1), 35(3), 36",
            "Art. 5(1)(b), 6(4), 13(3)"} <= sections
    assert not any("Art. 28" in s or "Chapter V" in s for s in sections)
    assert result[SMOL].verdict == "conditional"
    api_sections = {f.source.section for f in result[OPENAI].findings
                    if f.origin == "jurisdiction:EU-GDPR"}
    assert {"Art. 28(1), 28(3)", "Chapter V: Art. 44, 45, 46(1), 46(2)(c)"} <= api_sections


GAME = {
    "organization": {"domicile": "US", "monthly_active_users": 30_000_000},
    "deployment": {"regions": ["US", "EU", "GB"], "mode": "hosted_service", "commercial": True},
    "use_case": {"categories": ["games_entertainment"]},
    "data": {"categories": ["personal"]},
    "audience": ["consumers", "minors"],
}


def test_mobile_game_with_children(kb: KnowledgeBase) -> None:
    result = _assess(kb, GAME, [SMOL, GEMINI])
    local = result[SMOL]
    origins = _origins(local, "condition")
    assert {"jurisdiction:US-COPPA", "jurisdiction:EU-DSA", "jurisdiction:US-STATE-MINORS",
            "jurisdiction:UK-GDPR", "jurisdiction:EU-GDPR"} <= origins
    coppa = next(f for f in local.findings if f.origin == "jurisdiction:US-COPPA")
    assert coppa.message.startswith("If any user is under 13:")
    states = [f.message for f in local.findings if f.origin == "jurisdiction:US-STATE-MINORS"]
    assert any("Connecticut (US-CT)" in m for m in states)
    assert any("Art. 8(1)" in (f.source.section or "") for f in local.findings
               if f.origin == "jurisdiction:EU-GDPR")
    assert result[GEMINI].verdict == "blocked"      # Gemini's terms exclude under-18 apps


# ---------------------------------------------------------------------- property

PLACES = ("DE", "FR", "GB", "US", "US-CA", "US-TX", "KR", "BR", "CN", "JP", "CA", "CA-QC", "CH")
EEA = {"DE", "FR"}
USES = ("general_assistant", "summarization", "medical_advice", "coding", "customer_support",
        "games_entertainment", "biometric_identification")
PERSONAL = set(DATA_CATEGORIES) - {"none", "public_only"}


def _expected_duties(place: str, data: set[str], audience: list[Any], use: str, mode: str,
                     commercial: bool) -> set[str]:
    """The origins whose duty the law imposes on these answers, written from the statutes
    (not from the rules): personal data in the EEA -> GDPR; PHI in the US -> HIPAA; a
    child under 13 on a US online service -> COPPA; sensitive data in Korea, Brazil,
    China -> their sensitive-data rules."""
    groups = {a if isinstance(a, str) else "minors" for a in audience}
    ages = [a["minors"] for a in audience if isinstance(a, dict)]
    health = "health" in data or use == "medical_advice" or \
        ("patients" in groups and bool(data & PERSONAL))
    biometric = "biometric" in data or use == "biometric_identification"
    personal = bool(data & PERSONAL) or health or biometric or use == "customer_support"
    special = health or biometric or bool(data & {"special_category", "genetic"})
    third_party = mode in ("hosted_service", "on_device", "on_prem")
    out = set()
    if personal and place in EEA:
        out.add("jurisdiction:EU-GDPR")
    if personal and place == "GB":
        out.add("jurisdiction:UK-GDPR")
    if health and place.startswith("US"):
        out.add("jurisdiction:US-HIPAA")
    if ("minors" in groups and personal and third_party and place.startswith("US")
            and (not ages or ages[0] < 13)):
        out.add("jurisdiction:US-COPPA")
    if special and place == "KR":
        out.add("jurisdiction:KR-PIPA")
    if special and place == "BR":
        out.add("jurisdiction:BR-LGPD")
    if (special or "financial" in data) and place == "CN":
        out.add("jurisdiction:CN-PIPL")
    if (special or "financial" in data or "children" in data) and commercial \
            and place in ("CA", "CA-QC"):
        out.add("jurisdiction:CA-PIPEDA")
    return out


audiences = st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=3, unique=True).flatmap(
    lambda groups: st.tuples(*[
        st.one_of(st.just(g), st.integers(0, 17).map(lambda age: {"minors": age}))
        if g == "minors" else st.just(g) for g in groups]).map(list))
data_answers = st.one_of(
    st.sampled_from([["none"], ["public_only"]]),
    st.lists(st.sampled_from(sorted(PERSONAL)), min_size=1, max_size=3, unique=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=st.sampled_from(PLACES), data=data_answers, audience=audiences,
       use=st.sampled_from(USES), mode=st.sampled_from(MODES), commercial=st.booleans(),
       model=st.sampled_from([SMOL, OPENAI, GEMINI]))
def test_no_model_is_allowed_while_a_triggered_duty_is_missing(
        place, data, audience, use, mode, commercial, model) -> None:
    kb = _KB.get("kb") or _KB.setdefault("kb", load_knowledge())
    answers = {
        "organization": {"domicile": place, "monthly_active_users": 500},
        "deployment": {"regions": [place], "mode": mode, "commercial": commercial},
        "use_case": {"categories": [use]},
        "data": {"categories": data},
        "audience": audience,
    }
    candidate = _assess(kb, answers, [model])[model]
    expected = _expected_duties(place, set(data), audience, use, mode, commercial)
    missing = expected - _origins(candidate)
    assert not missing, f"{answers}: duties missing from the findings: {missing}"
    if expected:
        assert candidate.verdict != "allowed", answers


_KB: dict[str, KnowledgeBase] = {}
