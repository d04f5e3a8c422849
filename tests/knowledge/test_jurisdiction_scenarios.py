"""Every jurisdiction rule, driven through the real loader and engine.

Each scenario names one rule (jurisdiction, finding code, a piece of its source
section) with answer sets that must trigger it and answer sets that must not: the same
use case served outside the jurisdiction, or the one answer that takes it out of scope.
A coverage test fails when a shipped rule has no scenario.

    pytest tests/knowledge/test_jurisdiction_scenarios.py -q
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from advisor.answers import CORE_USE_CASES, load_answers, parse_answers
from advisor.assessment import assess
from advisor.assessment.result import Finding
from advisor.knowledge import KnowledgeBase, load_knowledge
from advisor.smoke.suites import shipped_suites

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assets" / "examples"
SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"      # Apache-2.0: no license findings interfere
OPENAI = "openai-api/gpt-5.1"                      # a hosted API model (rules with access_in)
OWNED = ("EU", "US", "UK", "CN", "EEA-EFTA",        # the jurisdiction profiles tested here
         "US-CA", "US-CO", "US-IL", "US-NY", "US-TX", "US-UT", "KR", "JP", "BR", "CA", "CA-QC",
         "IN", "CH", "SG", "AU", "sanctions-us", "sanctions-eu", "sanctions-uk")
CHECKED = ("2026-11-23", "2026-12-01", "2026-12-07")  # the dates the profiles were read
SUITES = set(shipped_suites())          # a use case names only suites that ship
BIG = "<systemic>"                                 # placeholder: a profiled model over 1e25 FLOP


def answers_text(domicile: str = "DE", regions: list[str] | None = None,
                 mode: str = "hosted_service", commercial: bool = True,
                 uc: tuple[str, ...] = ("general_assistant",), fine_tune: bool = False,
                 redistribute: bool = False, mau: int = 1000,
                 modalities: tuple[str, ...] = ("text",), data: tuple[str, ...] | None = None,
                 audience: tuple | None = None) -> str:
    """An answers file as YAML text; regions default to the domicile alone, data and
    audience to the answers' defaults (personal data, consumers) unless given."""
    answers = {
        "organization": {"domicile": domicile, "monthly_active_users": mau},
        "deployment": {"regions": regions or [domicile], "mode": mode,
                       "commercial": commercial},
        "use_case": {"categories": list(uc), "modalities": list(modalities)},
        "needs": {"fine_tune": fine_tune, "redistribute_weights": redistribute},
    }
    if data is not None:
        answers["data"] = {"categories": list(data)}
    if audience is not None:
        answers["audience"] = list(audience)
    return yaml.safe_dump(answers)


def A(**kw) -> dict:
    return kw


@dataclass(frozen=True)
class Scenario:
    jurisdiction: str          # the jurisdiction id; findings carry origin "jurisdiction:<id>"
    code: str
    section: str               # a piece of the rule's source section that picks one rule
    severity: str              # as the finding shows it (an unconfirmed info becomes condition)
    fires: tuple[dict, ...]
    quiet: tuple[dict, ...]
    model: str = SMOL
    quiet_model: str | None = None   # a model for which the same answers must not fire

    @property
    def name(self) -> str:
        return f"{self.jurisdiction}:{self.code}:{self.section}"


def S(jurisdiction, code, section, severity, fires, quiet, **kw) -> Scenario:
    return Scenario(jurisdiction, code, section, severity, tuple(fires), tuple(quiet), **kw)


US_ONLY = A(domicile="US")
DE_ONLY = A(domicile="DE")

SCENARIOS: list[Scenario] = [
    # ------------------------------------------------------------------ EU: Art. 5
    S("EU", "prohibited_practice", "Art. 5(1)(c)", "block",
      [A(uc=("social_scoring",)), A(domicile="US", regions=["FR"], uc=("social_scoring",))],
      [A(domicile="US", uc=("social_scoring",)), A(uc=("social_scoring",), mode="research"),
       A(uc=("general_assistant",))]),
    S("EU", "prohibited_practice", "Art. 5(1)(f)", "block",
      [A(uc=("emotion_recognition_workplace",), mode="internal")],
      [A(domicile="US", uc=("emotion_recognition_workplace",)),
       A(uc=("emotion_recognition_workplace",), mode="research")]),
    S("EU", "prohibited_practice", "Art. 5(1)(e)", "condition",
      [A(uc=("biometric_identification",))],
      [A(domicile="US", uc=("biometric_identification",)), A(uc=("law_enforcement",))]),
    S("EU", "prohibited_practice", "Art. 5(1)(h)", "condition",
      [A(uc=("biometric_identification", "law_enforcement"), mode="on_prem")],
      [A(uc=("biometric_identification",)), A(uc=("law_enforcement",)),
       A(domicile="US", uc=("biometric_identification", "law_enforcement"))]),
    S("EU", "prohibited_practice", "non-consensual intimate content", "condition",
      [A(uc=("image_generation",)), A(uc=("content_generation",), modalities=("text", "image_output")),
       A(domicile="US", regions=["US", "FR"], uc=("image_generation",))],
      [A(uc=("content_generation",)), A(domicile="US", uc=("image_generation",)),
       A(uc=("image_generation",), mode="research")]),
    S("EU", "prohibited_practice", "Art. 5(1)(d)", "condition",
      [A(uc=("law_enforcement",))],
      [A(domicile="US", uc=("law_enforcement",)), A(uc=("justice_administration",))]),
    # ------------------------------------------------------------------ EU: Annex III
    *[S("EU", "high_risk", f"Annex III point {point}", "condition",
        [A(uc=(uc,)), A(domicile="US", regions=["US", "IE"], uc=(uc,))],
        [A(domicile="US", uc=(uc,)), A(uc=(uc,), mode="research"), A(uc=("coding",))])
      for point, uc in [("1", "biometric_identification"), ("2", "critical_infrastructure"),
                        ("3", "education_assessment"), ("4", "employment_decisions"),
                        ("5(b)", "credit_scoring"), ("5(c)", "insurance_pricing"),
                        ("6", "law_enforcement"), ("7", "migration_border"),
                        ("8", "justice_administration")]],
    S("EU", "high_risk", "amending Art. 113", "condition",
      [A(uc=("credit_scoring",)), A(uc=("employment_decisions",), mode="internal")],
      [A(domicile="US", uc=("credit_scoring",)), A(uc=("general_assistant",)),
       A(uc=("education_tutoring",))]),
    S("EU", "high_risk", "Art. 6(1)", "condition",
      [A(uc=("medical_advice",))],
      [A(domicile="US", uc=("medical_advice",)), A(uc=("medical_advice",), mode="research")]),
    # ------------------------------------------------------------------ EU: Art. 50
    # Art. 50(1): characters, RAG chat and agents talk to people; a translation or an
    # extraction pipeline does not.
    S("EU", "transparency", "Art. 50(1)", "condition",
      [A(uc=("customer_support",)), A(uc=("general_assistant",), mode="internal"),
       A(domicile="US", regions=["US", "EU"], uc=("education_tutoring",)),
       A(uc=("coding",), mode="internal"), A(uc=("games_entertainment",)),
       A(uc=("retrieval_search",), mode="internal"), A(uc=("agents_tools",))],
      [A(domicile="US", uc=("customer_support",)), A(uc=("customer_support",), mode="research"),
       A(uc=("content_generation",)), A(uc=("summarization",)), A(uc=("translation",)),
       A(uc=("data_extraction",)), A(domicile="US", uc=("games_entertainment",))]),
    # Art. 50(2): characters' lines, RAG answers and agents' messages are synthetic text; a
    # faithful translation or an extraction does not substantially alter the input.
    S("EU", "transparency", "Art. 50(2)", "condition",
      [A(uc=("content_generation",)), A(uc=("general_assistant",)), A(uc=("coding",)),
       A(uc=("summarization",), mode="internal"), A(uc=("image_generation",)),
       A(uc=("games_entertainment",), mode="on_device"), A(uc=("retrieval_search",)),
       A(uc=("agents_tools",), mode="internal")],
      [A(domicile="US", uc=("content_generation",)), A(uc=("credit_scoring",)),
       A(uc=("content_generation",), mode="research"), A(uc=("translation",)),
       A(uc=("data_extraction",), mode="internal")]),
    S("EU", "transparency", "Art. 50(3)", "condition",
      [A(uc=("emotion_recognition_workplace",), mode="internal"),
       A(uc=("biometric_identification",))],
      [A(uc=("general_assistant",)), A(domicile="US", uc=("biometric_identification",)),
       A(uc=("biometric_identification",), mode="research")]),
    S("EU", "transparency", "Art. 50(4) first", "condition",
      [A(uc=("image_generation",)), A(uc=("content_generation",), modalities=("text", "image_output"))],
      [A(uc=("content_generation",)), A(domicile="US", uc=("image_generation",)),
       A(uc=("image_generation",), mode="research")]),
    S("EU", "transparency", "Art. 50(4) second", "condition",
      [A(uc=("content_generation",))],
      [A(uc=("content_generation",), mode="internal"), A(uc=("general_assistant",)),
       A(domicile="US", uc=("content_generation",))]),
    # ------------------------------------------------------------------ EU: sector law
    S("EU", "sector_authorisation", "Annex I Section A point (5)", "condition",
      [A(uc=("financial_advice",))],
      [A(uc=("financial_advice",), mode="internal"), A(domicile="US", uc=("financial_advice",)),
       A(uc=("legal_advice",))]),
    S("EU", "sector_authorisation", "Annex VIII Rule 11", "condition",
      [A(uc=("medical_advice",)), A(uc=("medical_advice",), mode="internal")],
      [A(uc=("medical_advice",), mode="research"), A(domicile="US", uc=("medical_advice",))]),
    S("EU", "sector_authorisation", "RDG", "condition",
      [A(uc=("legal_advice",))],
      [A(uc=("legal_advice",), mode="internal"), A(domicile="US", uc=("legal_advice",))]),
    S("EU", "high_risk", "Art. 25(1)(b)", "condition",
      [A(uc=("employment_decisions",), fine_tune=True)],
      [A(uc=("employment_decisions",)), A(uc=("coding",), fine_tune=True),
       A(domicile="US", uc=("employment_decisions",), fine_tune=True)]),
    # ------------------------------------------------------------------ EU: GPAI
    S("EU", "gpai_provider", "points 59-63", "condition",
      [A(fine_tune=True, mode="internal"), A(fine_tune=True)],
      [A(fine_tune=False), A(domicile="US", fine_tune=True), A(fine_tune=True, mode="research")]),
    S("EU", "gpai_provider", "Art. 53(1)(c)", "condition",
      [A(fine_tune=True), A(fine_tune=True, mode="on_device"),
       A(fine_tune=True, mode="internal", redistribute=True)],
      [A(fine_tune=True, mode="internal"), A(fine_tune=False, redistribute=True),
       A(domicile="US", fine_tune=True)]),
    S("EU", "gpai_provider", "Art. 53(1)(a)", "condition",
      [A(fine_tune=True), A(fine_tune=True, mode="on_prem")],
      # Apache-2.0 weights released publicly: the Art. 53(2) exemption takes over.
      [A(fine_tune=True, redistribute=True), A(fine_tune=True, mode="internal"),
       A(domicile="US", fine_tune=True)]),
    S("EU", "open_source_exemption", "Art. 53(2)", "info",
      [A(fine_tune=True, redistribute=True), A(fine_tune=True, mode="internal", redistribute=True)],
      [A(fine_tune=True), A(fine_tune=False, redistribute=True),
       A(domicile="US", fine_tune=True, redistribute=True)],
      quiet_model=BIG),
    S("EU", "gpai_provider", "Art. 51(2)", "condition",
      [A(fine_tune=True), A(fine_tune=True, mode="internal")],
      [A(fine_tune=False), A(domicile="US", fine_tune=True), A(fine_tune=True, mode="research")],
      model=BIG, quiet_model=SMOL),
    # ------------------------------------------------------------------ EU: scope, export, GDPR
    S("EU", "review", "Art. 2(3)", "info",
      [A(uc=("military_defense",))],
      [A(domicile="US", uc=("military_defense",)), A(uc=("weapons_development",))]),
    S("EU", "review", "Art. 2(6)", "info",
      [A(mode="research", commercial=False)],
      [A(mode="internal"), A(domicile="US", mode="research")]),
    S("EU", "export_control", "Annex I", "condition",
      [A(uc=("weapons_development",)), A(uc=("military_defense",))],
      [A(domicile="US", uc=("weapons_development",)), A(uc=("coding",))]),
    # ------------------------------------------------------------------ US
    S("US", "review", "Part 1", "info",
      [US_ONLY, A(domicile="DE", regions=["DE", "US"])],
      [DE_ONLY, A(domicile="GB", regions=["GB", "CA"])]),
    S("US", "sector_authorisation", "§ 203(a)", "condition",
      [A(domicile="US", uc=("financial_advice",))],
      [A(uc=("financial_advice",)), A(domicile="US", uc=("financial_advice",), mode="internal")]),
    S("US", "sector_authorisation", "360j(o)", "condition",
      [A(domicile="US", uc=("medical_advice",))],
      [A(uc=("medical_advice",)), A(domicile="US", uc=("medical_advice",), mode="research")]),
    S("US", "sector_authorisation", "Model Rule 5.5", "condition",
      [A(domicile="US", uc=("legal_advice",))],
      [A(domicile="US", uc=("legal_advice",), mode="internal"), A(uc=("legal_advice",))]),
    # ------------------------------------------------------------------ US states: a plain US
    # reaches them as conditions naming the state; a state code as written.
    # SB 26-189 lists education, employment, housing, lending, insurance, health care and
    # government services, not legal services (its official summary; the act's text was
    # not reachable): legal advice no longer fires.
    S("US-CO", "high_risk", "SB 26-189", "condition",   # unconfirmed: always a condition
      [A(domicile="US", uc=("employment_decisions",)),
       A(domicile="DE", regions=["US-CO"], uc=("credit_scoring",))],
      [A(uc=("credit_scoring",)), A(domicile="US", uc=("credit_scoring",), mode="research"),
       A(domicile="US", uc=("general_assistant",)), A(domicile="US-CA", uc=("credit_scoring",)),
       A(domicile="US-CO", uc=("legal_advice",))]),
    S("US-NY", "high_risk", "20-870", "condition",
      [A(domicile="US", uc=("employment_decisions",)),
       A(domicile="US-NY", uc=("employment_decisions",))],
      [A(uc=("employment_decisions",)), A(domicile="US", uc=("credit_scoring",)),
       A(domicile="US-TX", uc=("employment_decisions",))]),
    S("US-IL", "high_risk", "2-102(L)", "condition",
      [A(domicile="US", uc=("employment_decisions",), mode="internal"),
       A(domicile="US-IL", uc=("employment_decisions",))],
      [A(uc=("employment_decisions",)),
       A(domicile="US", uc=("employment_decisions",), mode="research")]),
    S("US-IL", "data_protection", "740 ILCS", "condition",     # the biometric data answer,
      [A(domicile="US", uc=("biometric_identification",))],      # implied by this use case
      [A(uc=("biometric_identification",)), A(domicile="US", uc=("medical_advice",))]),
    S("US-CA", "transparency", "3110", "condition",
      [A(domicile="US", fine_tune=True),
       A(domicile="DE", regions=["DE", "US-CA"], fine_tune=True, mode="on_device")],
      [A(domicile="US"), A(domicile="US", fine_tune=True, mode="internal"),
       A(domicile="US-TX", fine_tune=True)]),
    S("US-CA", "transparency", "22757", "condition",
      [A(domicile="US-CA", uc=("image_generation",), mau=2_000_000)],
      [A(domicile="US-CA", uc=("image_generation",)),
       A(domicile="US-CA", uc=("content_generation",), mau=2_000_000),
       A(domicile="US-CA", uc=("image_generation",), mau=2_000_000, mode="internal")]),
    S("US-CA", "transparency", "17940", "condition",
      [A(domicile="US-CA", uc=("customer_support",)), A(domicile="US"),
       A(domicile="US-CA", uc=("games_entertainment",)), A(domicile="US-CA", uc=("agents_tools",))],
      [A(domicile="US-CA", commercial=False), A(domicile="US-CA", mode="internal"),
       A(domicile="US-CA", uc=("coding",)), A(domicile="US-CA", uc=("translation",))]),
    S("US-UT", "transparency", "13-77-103", "condition",
      [A(domicile="US-UT"), A(domicile="US", uc=("customer_support",)),
       A(domicile="US-UT", uc=("retrieval_search",)), A(domicile="US-UT", uc=("games_entertainment",))],
      [A(domicile="US-UT", mode="internal"), A(domicile="US-UT", uc=("coding",)),
       A(domicile="US-UT", uc=("data_extraction",))]),
    # §§ 552.052-552.057 (HB 149) forbid acting with a prohibited intent and put no duty
    # on a lawful private deployer: an info, not a condition.
    S("US-TX", "prohibited_practice", "551-554", "info",
      [A(domicile="US-TX"), A(domicile="US")],
      [A(domicile="US-TX", mode="internal"), A(domicile="US-CA")]),
    S("US-TX", "transparency", "552.051", "condition",
      [A(domicile="US-TX", uc=("medical_advice",))],
      [A(domicile="US-TX"), A(domicile="US-TX", uc=("medical_advice",), mode="research")]),
    S("US-TX", "data_protection", "503.001", "condition",
      [A(domicile="US-TX", uc=("biometric_identification",))],
      [A(domicile="US-TX", uc=("medical_advice",))]),
    S("US", "hosted_service", "Sec. 3(a), 4(3)", "condition",       # TAKE IT DOWN Act
      [A(domicile="US", uc=("image_generation",)),
       A(domicile="DE", regions=["DE", "US"], uc=("content_generation",),
         modalities=("text", "image_output"))],
      [A(domicile="US", uc=("image_generation",), mode="internal"),
       A(domicile="US", uc=("general_assistant",)), A(uc=("image_generation",))]),
    S("US", "high_risk", "1002.9", "condition",
      [A(domicile="US", uc=("credit_scoring",))],
      [A(uc=("credit_scoring",)), A(domicile="US", uc=("insurance_pricing",))]),
    S("US", "export_control", "22 CFR", "condition",
      [A(domicile="US", uc=("military_defense",)), A(domicile="US", uc=("weapons_development",))],
      [A(uc=("weapons_development",)), A(domicile="US", uc=("coding",))]),
    S("US", "review", "Section 5", "info",
      [A(domicile="US"), A(domicile="US", mode="on_device")],
      [DE_ONLY, A(domicile="US", mode="internal"), A(domicile="US", commercial=False)]),
    S("US", "review", "45(n)", "condition",
      [A(domicile="US", uc=("social_scoring",)), A(domicile="DE", regions=["US"], uc=("social_scoring",))],
      [A(domicile="DE", uc=("social_scoring",)), A(domicile="US", uc=("coding",))]),
    # ------------------------------------------------------------------ UK
    S("UK", "review", "five cross-sectoral", "info",
      [A(domicile="GB"), A(domicile="US", regions=["US", "UK"])],
      [DE_ONLY, US_ONLY]),
    S("UK", "data_protection", "DUAA 2025 s. 80", "condition",
      [A(domicile="GB", uc=("credit_scoring",)), A(domicile="GB", uc=("education_assessment",))],
      [A(uc=("credit_scoring",)), A(domicile="GB", uc=("customer_support",))]),
    S("UK", "review", "ss. 13, 19", "condition",
      [A(domicile="GB", uc=("employment_decisions",))],
      [A(uc=("employment_decisions",)),
       A(domicile="GB", uc=("employment_decisions",), mode="research")]),
    S("UK", "export_control", "Schedules 2 and 3", "condition",
      [A(domicile="GB", uc=("weapons_development",))],
      [A(uc=("weapons_development",)), A(domicile="GB", uc=("research",))]),
    S("UK", "sector_authorisation", "s. 19", "condition",
      [A(domicile="GB", uc=("financial_advice",))],
      [A(domicile="GB", uc=("financial_advice",), mode="internal"), A(uc=("financial_advice",))]),
    S("UK", "sector_authorisation", "regs. 2, 19, 21", "condition",
      [A(domicile="GB", uc=("medical_advice",))],
      [A(uc=("medical_advice",)), A(domicile="GB", uc=("medical_advice",), mode="research")]),
    S("UK", "sector_authorisation", "ss. 12, 13, 14", "condition",
      [A(domicile="GB", uc=("legal_advice",))],
      [A(domicile="GB", uc=("legal_advice",), mode="internal"), A(uc=("legal_advice",))]),
    # ------------------------------------------------------------------ CN
    # Art. 10 (minors' over-reliance) reads the audience answer, not the use case.
    S("CN", "review", "Art. 10", "condition",
      [A(domicile="CN", audience=("minors",)),
       A(domicile="US", regions=["CN"], uc=("coding",), audience=("consumers", {"minors": 15}))],
      [A(domicile="CN", uc=("education_tutoring",)), A(domicile="CN", mode="internal",
                                                        audience=("minors",)),
       A(domicile="CN", regions=["US"], audience=("minors",))]),
    S("CN", "hosted_service", "Arts. 2, 4, 7", "condition",
      [A(domicile="US", regions=["CN"]), A(domicile="CN", mode="on_device")],
      [A(domicile="CN", regions=["US"]), A(domicile="CN", mode="internal"),
       A(domicile="US", regions=["US", "HK"])]),
    S("CN", "transparency", "Deep Synthesis Provisions", "condition",
      [A(domicile="CN"), A(domicile="DE", regions=["DE", "CN"], uc=("content_generation",))],
      [A(domicile="CN", regions=["US"]), A(domicile="CN", mode="on_prem"), DE_ONLY]),
    S("CN", "review", "Art. 2", "info",
      [A(domicile="CN", mode="internal"), A(domicile="CN", mode="research")],
      [A(domicile="CN"), A(mode="internal")]),
    # Automated decisions only: sensitive data (biometric, health) is CN-PIPL's.
    S("CN", "data_protection", "Arts. 24, 55(2)", "condition",
      [A(domicile="CN", uc=("credit_scoring",), mode="internal"),
       A(domicile="DE", regions=["CN"], uc=("education_assessment",))],
      [A(uc=("credit_scoring",)), A(domicile="CN", uc=("coding",)),
       A(domicile="CN", uc=("biometric_identification",)), A(domicile="CN", uc=("medical_advice",))]),
    # Anthropomorphic AI measures (second-hand): companions and characters offered to the
    # Chinese public, and minors among their users.
    S("CN", "transparency", "Anthropomorphic Measures Arts. 2", "condition",
      [A(domicile="CN", uc=("games_entertainment",)),
       A(domicile="US", regions=["CN"], uc=("games_entertainment",), mode="on_device")],
      [A(domicile="CN", uc=("customer_support",)), A(domicile="CN", uc=("games_entertainment",),
                                                     mode="internal"),
       A(domicile="CN", regions=["US"], uc=("games_entertainment",))]),
    S("CN", "prohibited_practice", "Anthropomorphic Measures Art. 14", "condition",
      [A(domicile="CN", uc=("games_entertainment",), audience=("minors",)),
       A(domicile="CN", uc=("games_entertainment",), audience=("consumers", {"minors": 16}))],
      [A(domicile="CN", uc=("games_entertainment",)),
       A(domicile="CN", uc=("education_tutoring",), audience=("minors",))]),
    S("CN", "data_protection", "Arts. 3, 38, 53", "condition",
      [A(domicile="US", regions=["US", "CN"]), A(domicile="DE", regions=["CN"], mode="on_prem")],
      [A(domicile="CN"), A(domicile="US", regions=["CN"], mode="internal"), US_ONLY]),
    # ------------------------------------------------------------------ EEA EFTA
    S("EEA-EFTA", "review", "EEA Agreement Annex XI", "condition",
      [A(domicile="NO"), A(domicile="US", regions=["US", "IS"]),
       A(domicile="DE", regions=["EEA"])],
      [A(domicile="DE", regions=["EU"]), US_ONLY, A(domicile="NO", mode="research")]),
    # ------------------------------------------------------------------ Asia-Pacific, Americas
    S("KR", "transparency", "Art. 31(1)", "condition",
      [A(domicile="KR"), A(domicile="US", regions=["KR"], uc=("coding",)),
       A(domicile="KR", uc=("translation",)), A(domicile="KR", uc=("data_extraction",)),
       A(domicile="KR", uc=("games_entertainment",))],
      [A(domicile="KR", mode="internal"), A(domicile="KR", uc=("credit_scoring",)), A(domicile="JP"),
       A(domicile="KR", uc=("translation",), mode="internal")]),
    S("KR", "transparency", "Art. 31(3)", "condition",
      [A(domicile="KR", uc=("image_generation",))],
      [A(domicile="KR"), A(domicile="KR", uc=("image_generation",), mode="internal")]),
    S("KR", "high_risk", "Arts. 33, 34", "condition",
      [A(domicile="KR", uc=("employment_decisions",), mode="internal")],
      [A(domicile="KR"), A(domicile="KR", uc=("employment_decisions",), mode="research")]),
    S("KR", "review", "Art. 36", "condition",
      [A(domicile="US", regions=["KR"])],
      [A(domicile="KR"), A(domicile="US", regions=["KR"], mode="internal")]),
    S("KR", "data_protection", "Art. 37-2", "condition",
      [A(domicile="KR", uc=("credit_scoring",))], [A(domicile="KR")]),
    S("JP", "review", "Arts. 1, 7", "info",
      [A(domicile="JP")], [A(domicile="JP", mode="internal")]),
    S("JP", "data_protection", "Arts. 16(2), 17(1)", "condition",
      [A(domicile="JP"), A(domicile="US", regions=["JP"], mode="internal", uc=("coding",))],
      [A(domicile="JP", data=("none",)), A(domicile="JP", data=("public_only",)),
       A(domicile="KR")]),
    S("JP", "data_protection", "Art. 28(1)-(3)", "condition",
      [A(domicile="JP"), A(domicile="JP", data=("employee",), mode="internal")],
      [A(domicile="JP", data=("none",)), A(domicile="US")], model=OPENAI, quiet_model=SMOL),
    S("BR", "data_protection", "Art. 20", "condition",
      [A(domicile="BR", uc=("credit_scoring",))], [A(domicile="BR")]),
    S("BR", "review", "Chamber of Deputies", "condition",
      [A(domicile="BR")], [A(domicile="BR", mode="internal"), A(domicile="BR", mode="research")]),
    # PIPEDA: personal information in commercial activity, internal use included.
    S("CA", "data_protection", "Principles 4.2", "condition",
      [A(domicile="CA"), A(domicile="CA", mode="internal")],
      [A(domicile="CA", mode="research", commercial=False), A(domicile="CA", data=("none",)),
       A(domicile="CA", data=("public_only",))]),
    S("CA-QC", "data_protection", "s. 12.1", "condition",
      [A(domicile="CA-QC", uc=("credit_scoring",)), A(domicile="CA", uc=("employment_decisions",))],
      [A(domicile="CA-QC"), A(domicile="CA-ON", uc=("credit_scoring",))]),
    S("IN", "data_protection", "ss. 4-6", "condition",
      [A(domicile="IN"), A(domicile="IN", mode="internal")],
      [A(domicile="IN", mode="research", commercial=False), A(domicile="IN", data=("public_only",))]),
    S("IN", "data_protection", "ss. 2(f), 9", "condition",
      [A(domicile="IN", audience=({"minors": 17},)),
       A(domicile="IN", data=("children",), audience=("employees",))],
      [A(domicile="IN"), A(domicile="IN", audience=("minors",), data=("none",))]),
    S("IN", "transparency", "Rule 3", "condition",
      [A(domicile="IN", uc=("image_generation",))], [A(domicile="IN")]),
    S("CH", "data_protection", "Art. 21;", "condition",
      [A(domicile="CH", uc=("credit_scoring",))], [A(domicile="CH")]),
    S("CH", "review", "press release", "info",
      [A(domicile="CH")], [A(domicile="CH", mode="internal")]),
    S("SG", "data_protection", "ss. 13-20", "condition",
      [A(domicile="SG")], [A(domicile="SG", mode="internal")]),
    S("AU", "data_protection", "APP 1.7", "condition",
      [A(domicile="AU", uc=("credit_scoring",))], [A(domicile="AU")]),
    # ------------------------------------------------------------------ sanctions: US
    S("sanctions-us", "export_control", "515.578", "block",
      [A(domicile="US", regions=["US", "CU"])],
      [A(domicile="DE", regions=["DE", "CU"]), A(domicile="US")]),
    S("sanctions-us", "export_control", "560.540", "block",
      [A(domicile="US-CA", regions=["IR"])],
      [A(domicile="GB", regions=["IR"]), A(domicile="US", regions=["US", "CU"])]),
    S("sanctions-us", "export_control", "31 CFR 510.206", "block",
      [A(domicile="US", regions=["KP"])], [A(domicile="US", regions=["KR"])]),
    S("sanctions-us", "export_control", "EO 13685 Sec", "block",
      [A(domicile="US", regions=["UA-43"]), A(domicile="US", regions=["UA-40"])],
      [A(domicile="US", regions=["UA-14"]), A(domicile="DE", regions=["UA-43"])]),
    S("sanctions-us", "export_control", "EO 14065 Sec. 1(a)(iii)", "block",
      [A(domicile="US", regions=["UA-14"]), A(domicile="US", regions=["UA-09"])],
      [A(domicile="US", regions=["UA-23"]), A(domicile="US", regions=["UA-43"])]),
    S("sanctions-us", "export_control", "other regions of Ukraine", "condition",
      [A(domicile="US", regions=["UA-23"]), A(domicile="US", regions=["UA-65"])],
      [A(domicile="US", regions=["UA-14"]), A(domicile="DE", regions=["UA-23"])]),
    S("sanctions-us", "export_control", "Determination of 12 June 2024", "condition",
      [A(domicile="US", regions=["RU"])],
      [A(domicile="DE", regions=["RU"]), A(domicile="US", regions=["BY"])]),
    S("sanctions-us", "export_control", "746.8", "condition",
      [A(domicile="US", regions=["BY"])], [A(domicile="US", regions=["RU"])]),
    S("sanctions-us", "export_control", "Sec. 3(a)", "condition",
      [A(domicile="US", regions=["SY"]), A(domicile="DE", regions=["SY"])],
      [A(domicile="US"), A(domicile="US", regions=["IR"])]),
    S("sanctions-us", "export_control", "EO 14065 Sec. 1(a)(iv)", "condition",
      [A(domicile="DE", regions=["DE", "IR"]), A(domicile="CH", regions=["CU"])],
      [A(domicile="US", regions=["IR"]), A(domicile="DE", regions=["RU"])]),
    # ------------------------------------------------------------------ sanctions: EU
    # Art. 5n(1)(g) bans AI model services and 5n(1)(e) IT consultancy for Russian legal
    # persons, with exceptions the answers cannot settle: a condition that says so.
    S("sanctions-eu", "export_control", "Annex XXXIX", "condition",
      [A(domicile="DE", regions=["RU"], mode="on_prem")],
      [A(domicile="DE", regions=["RU"]), A(domicile="US", regions=["RU"], mode="on_prem")]),
    S("sanctions-eu", "export_control", "Art. 2 (dual-use", "condition",
      [A(domicile="DE", regions=["RU"]), A(domicile="FR", regions=["FR", "RU"], mode="internal")],
      [A(domicile="DE", regions=["RU"], mode="on_prem"), A(domicile="US", regions=["RU"])]),
    S("sanctions-eu", "export_control", "Art. 1a et seq", "condition",
      [A(domicile="DE", regions=["BY"])], [A(domicile="US", regions=["BY"])]),
    S("sanctions-eu", "export_control", "Art. 2a-2d", "condition",
      [A(domicile="DE", regions=["UA-43"])], [A(domicile="DE", regions=["UA-14"])]),
    S("sanctions-eu", "export_control", "Art. 2-6", "condition",
      [A(domicile="DE", regions=["UA-65"])], [A(domicile="DE", regions=["UA-43"])]),
    S("sanctions-eu", "export_control", "Reg. 267/2012 Art", "condition",
      [A(domicile="DE", regions=["IR"])], [A(domicile="US", regions=["IR"])]),
    S("sanctions-eu", "export_control", "Art. 3-34", "condition",
      [A(domicile="DE", regions=["KP"])], [A(domicile="DE", regions=["KR"])]),
    S("sanctions-eu", "export_control", "Art. 13 (scope", "condition",
      [A(domicile="US", regions=["FR", "RU"])],
      [A(domicile="US", regions=["RU"]), A(domicile="DE", regions=["FR", "RU"])]),
    # ------------------------------------------------------------------ sanctions: UK
    S("sanctions-uk", "export_control", "Chapter 4C", "condition",
      [A(domicile="GB", regions=["RU"]), A(domicile="GB", regions=["UA-43"])],
      [A(domicile="DE", regions=["RU"])]),
    S("sanctions-uk", "export_control", "Parts 2-5", "condition",
      [A(domicile="GB", regions=["BY"])], [A(domicile="GB", regions=["RU"])]),
    S("sanctions-uk", "export_control", "SI 2019/461", "condition",
      [A(domicile="GB", regions=["IR"]), A(domicile="GB", regions=["KP"])],
      [A(domicile="US", regions=["IR"])]),
]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def big_model(kb: KnowledgeBase) -> str:
    """A profiled model whose training compute exceeds the Art. 51(2) presumption."""
    over = sorted(m.id for m in kb.models.values()
                  if m.training_flop is not None and m.training_flop > 1e25)
    assert over, "no profiled model has more than 1e25 training FLOP"
    return over[0]


def _matching(findings: tuple[Finding, ...], sc: Scenario) -> list[Finding]:
    origin = f"jurisdiction:{sc.jurisdiction}"
    return [f for f in findings if f.origin == origin and f.code == sc.code
            and sc.section in (f.source.section or "")]


def _findings(kb: KnowledgeBase, model: str, answers: dict) -> tuple[Finding, ...]:
    parsed = parse_answers(answers_text(**answers), "scenario.yaml")
    candidate = assess(parsed, kb, model_ids=[model]).candidates[0]
    assert candidate.basis == "profile", f"{model} is not profiled: {candidate.findings}"
    return candidate.findings


def _model(name: str | None, big: str) -> str | None:
    return big if name == BIG else name


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda sc: sc.name)
def test_rule_fires_and_stays_quiet(sc: Scenario, kb: KnowledgeBase, big_model: str) -> None:
    model = _model(sc.model, big_model)
    for answers in sc.fires:
        found = _matching(_findings(kb, model, answers), sc)
        assert len(found) == 1, f"{sc.name} should fire once for {answers}: {found}"
        assert found[0].severity == sc.severity
        assert found[0].source.url and found[0].source.url.startswith(("https://", "http://"))
        assert found[0].message.strip()
    for answers in sc.quiet:
        found = _matching(_findings(kb, model, answers), sc)
        assert not found, f"{sc.name} should not fire for {answers}"
    quiet_model = _model(sc.quiet_model, big_model)
    if quiet_model:
        found = _matching(_findings(kb, quiet_model, sc.fires[0]), sc)
        assert not found, f"{sc.name} should not fire for model {quiet_model}"


def test_every_owned_rule_has_a_scenario(kb: KnowledgeBase) -> None:
    """A rule added to an owned jurisdiction without a scenario fails here."""
    for jid in OWNED:
        assert jid in kb.jurisdictions, f"jurisdiction {jid} is not loaded"
        for index, rule in enumerate(kb.jurisdictions[jid].rules):
            covering = [sc for sc in SCENARIOS if sc.jurisdiction == jid and sc.code == rule.code
                        and sc.section in (rule.source.section or "")]
            assert len(covering) == 1, (
                f"{jid} rule {index} ({rule.code}, {rule.source.section}) has "
                f"{len(covering)} scenarios")


def test_scenario_sections_pick_one_rule(kb: KnowledgeBase) -> None:
    for sc in SCENARIOS:
        rules = [r for r in kb.jurisdictions[sc.jurisdiction].rules
                 if r.code == sc.code and sc.section in (r.source.section or "")]
        assert len(rules) == 1, f"{sc.name} matches {len(rules)} rules"


def test_owned_rules_cite_primary_text_and_date(kb: KnowledgeBase) -> None:
    for jid in OWNED:
        for rule in kb.jurisdictions[jid].rules:
            assert rule.source.url and rule.source.section, (jid, rule.code)
            assert rule.source.checked in CHECKED, (jid, rule.code, rule.source.checked)


def test_eu_members_are_the_27(kb: KnowledgeBase) -> None:
    from advisor.regions import ALIASES
    assert kb.jurisdictions["EU"].members == frozenset(ALIASES["EU"])
    assert len(kb.jurisdictions["EU"].members) == 27
    assert kb.jurisdictions["EEA-EFTA"].members == frozenset({"IS", "LI", "NO"})
    assert kb.jurisdictions["EEA-EFTA"].members | kb.jurisdictions["EU"].members \
        == frozenset(ALIASES["EEA"])


def test_use_case_catalogue_is_complete(kb: KnowledgeBase) -> None:
    assert set(CORE_USE_CASES) <= set(kb.use_cases)
    for uc in kb.use_cases.values():
        assert uc.title and uc.description and uc.why, uc.id
        assert "\n" not in uc.why, f"{uc.id}: why must be one line"
        assert set(uc.suites) <= SUITES, (uc.id, uc.suites)
        # Only image generation has no smoke suite, and its `why` says so plainly.
        assert uc.suites or (uc.id == "image_generation" and "No local smoke suite" in uc.why), \
            (uc.id, uc.suites)
        assert uc.regulatory, uc.id


def test_unconfirmed_rules_never_leave_a_model_allowed(kb: KnowledgeBase) -> None:
    parsed = parse_answers(answers_text(domicile="NO", uc=("coding",), mode="internal"), "x.yaml")
    candidate = assess(parsed, kb, model_ids=[SMOL]).candidates[0]
    review = [f for f in candidate.findings if f.origin == "jurisdiction:EEA-EFTA"]
    assert review and not review[0].confirmed
    assert candidate.verdict != "allowed"


# ---------------------------------------------------------------------- examples

EXAMPLE_ANSWERS = ["eu-saas.yaml", "us-startup-internal.yaml", "research-lab.yaml",
                   "hr-screening.yaml", "big-platform.yaml"]


@pytest.mark.parametrize("name", EXAMPLE_ANSWERS)
def test_example_answers_load_and_assess(name: str, kb: KnowledgeBase) -> None:
    answers = load_answers(EXAMPLES / name)
    result = assess(answers, kb, model_ids=[SMOL])
    assert result.candidates[0].verdict in ("allowed", "conditional", "blocked")
    assert result.to_dict()["answers"]["organization"]["domicile"] == answers.organization.domicile


def test_eu_saas_example(kb: KnowledgeBase) -> None:
    answers = load_answers(EXAMPLES / "eu-saas.yaml")
    assert answers.organization.domicile == "DE"
    assert answers.organization.monthly_active_users == 2_000_000
    assert "FR" in answers.deployment.regions and "US" in answers.deployment.regions
    findings = assess(answers, kb, model_ids=[SMOL]).candidates[0].findings
    codes = {(f.origin, f.code) for f in findings}
    assert ("jurisdiction:EU", "transparency") in codes
    assert ("jurisdiction:US", "review") in codes
    assert ("jurisdiction:EU", "high_risk") not in codes


def test_hr_screening_example_is_high_risk(kb: KnowledgeBase) -> None:
    answers = load_answers(EXAMPLES / "hr-screening.yaml")
    candidate = assess(answers, kb, model_ids=[SMOL]).candidates[0]
    high = [f for f in candidate.findings
            if f.origin == "jurisdiction:EU" and f.code == "high_risk"
            and "Annex III point 4" in (f.source.section or "")]
    assert high and high[0].severity == "condition"
    assert candidate.verdict == "conditional"
    assert any("Art. 26" in o or "inform workers" in o for o in candidate.obligations)


def test_research_lab_example_is_out_of_ai_act_scope(kb: KnowledgeBase) -> None:
    answers = load_answers(EXAMPLES / "research-lab.yaml")
    findings = assess(answers, kb, model_ids=[SMOL]).candidates[0].findings
    eu = {f.code for f in findings if f.origin == "jurisdiction:EU"}
    assert "review" in eu
    assert not eu & {"transparency", "high_risk", "gpai_provider", "prohibited_practice"}


@pytest.fixture()
def policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "acme"
    target.mkdir()
    shutil.copy(EXAMPLES / "policy-osi-only.yaml", target / "policy.yaml")
    return target


def _llama(kb: KnowledgeBase) -> str:
    ids = sorted(m.id for m in kb.models.values() if m.id.lower().startswith("meta-llama/"))
    assert ids, "no Llama model is profiled"
    return ids[0]


def test_example_policy_blocks_llama(policy_dir: Path) -> None:
    kb = load_knowledge(extra_dirs=[policy_dir])
    assert "example-osi-only" in kb.policies
    answers = parse_answers(answers_text(domicile="US", mode="internal"), "a.yaml")
    llama = assess(answers, kb, model_ids=[_llama(kb)]).candidates[0]
    assert llama.verdict == "blocked"
    blocks = [f for f in llama.findings if f.code == "organization_policy" and f.severity == "block"]
    assert blocks and blocks[0].origin == "policy:example-osi-only"
    assert blocks[0].source.section == "2.1"


def test_example_policy_user_threshold_and_osi(policy_dir: Path) -> None:
    kb = load_knowledge(extra_dirs=[policy_dir])
    small = parse_answers(answers_text(domicile="US", mode="internal"), "a.yaml")
    smol = assess(small, kb, model_ids=[SMOL]).candidates[0]
    assert not [f for f in smol.findings if f.code == "organization_policy"]

    big = parse_answers(answers_text(domicile="US", mau=5_000_000), "b.yaml")
    assert big.organization.monthly_active_users == 5_000_000
    smol_big = assess(big, kb, model_ids=[SMOL]).candidates[0]
    review = [f for f in smol_big.findings if f.code == "organization_policy"]
    assert [f.severity for f in review] == ["condition"]
    assert "Get sign-off from Legal before launch." in smol_big.obligations


def test_example_policy_is_not_shipped() -> None:
    """The example policy must not bind every user: it lives outside profiles/."""
    kb = load_knowledge()
    assert "example-osi-only" not in kb.policies
