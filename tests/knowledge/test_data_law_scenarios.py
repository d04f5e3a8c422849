"""The law that follows the data and audience answers, driven through the real engine.

Each scenario names one rule of the data-law profiles (the topic jurisdictions and the API
providers' data terms) with answer sets that trigger it and answer sets that must not;
rules that ask about the model also name a model for which the same answers stay quiet.
A coverage test fails when one of these rules has no scenario.

    pytest tests/knowledge/test_data_law_scenarios.py -q
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.assessment.result import Candidate, Finding
from advisor.knowledge import KnowledgeBase

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"      # Apache-2.0, run locally
OPENAI = "openai-api/gpt-5.1"                      # a hosted API model (OpenAI)
GEMINI = "gemini-api/gemini-3.8-flash"             # a hosted API model (Google)
# The profiles whose every rule needs a scenario here: origin -> the kind of profile.
OWNED = {
    "jurisdiction:EU-GDPR": "jurisdiction", "jurisdiction:UK-GDPR": "jurisdiction",
    "jurisdiction:EU-DSA": "jurisdiction", "jurisdiction:US-HIPAA": "jurisdiction",
    "jurisdiction:US-COPPA": "jurisdiction", "jurisdiction:US-CA-PRIVACY": "jurisdiction",
    "jurisdiction:US-STATE-MINORS": "jurisdiction", "jurisdiction:KR-PIPA": "jurisdiction",
    "jurisdiction:BR-LGPD": "jurisdiction", "jurisdiction:CN-PIPL": "jurisdiction",
    "jurisdiction:JP-APPI": "jurisdiction", "jurisdiction:CA-PIPEDA": "jurisdiction",
    "jurisdiction:CA-QC-LAW25": "jurisdiction",
    "use-policy:openai-data-terms": "use_policy", "use-policy:gemini-data-terms": "use_policy",
}


def answers_text(domicile: str = "DE", regions: list[str] | None = None,
                 mode: str = "hosted_service", commercial: bool = True,
                 uc: tuple[str, ...] = ("general_assistant",), fine_tune: bool = False,
                 mau: int = 1000, data: tuple[str, ...] = ("personal",),
                 audience: tuple[Any, ...] = ("consumers",),
                 revenue: float | None = None) -> str:
    """A complete answers file (nothing assumed); regions default to the domicile."""
    return yaml.safe_dump({
        "organization": {"domicile": domicile, "monthly_active_users": mau,
                         "annual_revenue_usd": revenue},
        "deployment": {"regions": regions or [domicile], "mode": mode, "commercial": commercial},
        "use_case": {"categories": list(uc)},
        "data": {"categories": list(data)},
        "audience": list(audience),
        "needs": {"fine_tune": fine_tune},
    })


def A(**kw: Any) -> dict:
    return kw


@dataclass(frozen=True)
class Scenario:
    origin: str                # "jurisdiction:EU-GDPR", "use-policy:openai-data-terms"
    section: str               # a piece of the rule's source section that picks one rule
    severity: str              # as the finding shows it
    fires: tuple[dict, ...]
    quiet: tuple[dict, ...]
    model: str = SMOL
    quiet_model: str | None = None   # a model for which the first firing answers stay quiet

    @property
    def name(self) -> str:
        return f"{self.origin}:{self.section}"


def S(origin: str, section: str, severity: str, fires, quiet, **kw) -> Scenario:
    return Scenario(origin, section, severity, tuple(fires), tuple(quiet), **kw)


EU = "jurisdiction:EU-GDPR"
UK = "jurisdiction:UK-GDPR"
CAL = "jurisdiction:US-CA-PRIVACY"
STATES = "jurisdiction:US-STATE-MINORS"

SCENARIOS: list[Scenario] = [
    # ------------------------------------------------------------------ GDPR (EU, EEA)
    S(EU, "Art. 6(1), 13(1)", "condition",
      [A(), A(domicile="US", regions=["US", "NO"])],
      [A(data=("public_only",)), A(domicile="US", regions=["US"]), A(data=("none",))]),
    S(EU, "Art. 9(1)", "condition",
      [A(uc=("summarization",), data=("health",)), A(uc=("medical_advice",)),
       A(audience=("patients",)), A(domicile="IS", data=("genetic",))],
      [A(), A(domicile="US", data=("health",)), A(data=("financial",))]),
    S(EU, "Art. 22, 13(2)(f)", "condition",
      [A(uc=("credit_scoring",)), A(uc=("employment_decisions",), mode="internal")],
      [A(uc=("summarization",)), A(domicile="US", uc=("credit_scoring",))]),
    S(EU, "Art. 35(1)", "condition",
      [A(data=("health",)), A(audience=("consumers", {"minors": 13})), A(mau=5_000_000),
       A(fine_tune=True), A(uc=("employment_decisions",)), A(data=("financial",))],
      [A(), A(data=("none",), mau=5_000_000), A(domicile="US", data=("health",))]),
    S(EU, "Art. 5(1)(b), 6(4)", "condition",
      [A(fine_tune=True), A(uc=("customer_support",), data=("public_only",), fine_tune=True)],
      [A(), A(data=("public_only",), fine_tune=True)]),
    S(EU, "Art. 8(1)", "condition",
      [A(audience=("consumers", {"minors": 13})), A(audience=("minors",))],
      [A(audience=({"minors": 16},)), A(audience=("minors",), mode="internal"),
       A(audience=("minors",), data=("none",))]),
    S(EU, "Art. 28(1), 28(3)", "condition",
      [A(), A(domicile="US", regions=["US", "FR"], data=("health",))],
      [A(data=("public_only",)), A(domicile="US")], model=OPENAI, quiet_model=SMOL),
    S(EU, "Chapter V", "condition",
      [A(), A(domicile="FR", data=("children",))],
      [A(data=("none",)), A(domicile="JP")], model=GEMINI, quiet_model=SMOL),
    S("jurisdiction:EU-DSA", "Art. 28(1)-(3)", "condition",
      [A(audience=("consumers", "minors")), A(mode="on_device", audience=({"minors": 8},))],
      [A(), A(audience=("minors",), mode="internal"), A(domicile="GB", audience=("minors",))]),
    # ------------------------------------------------------------------ UK GDPR
    S(UK, "UK GDPR Art. 6(1), 13, 14", "condition",
      [A(domicile="GB")], [A(domicile="GB", data=("none",)), A()]),
    S(UK, "UK GDPR Art. 9(1), 9(2)", "condition",
      [A(domicile="GB", data=("biometric",)), A(domicile="GB", uc=("biometric_identification",))],
      [A(domicile="GB"), A(data=("biometric",))]),
    S(UK, "UK GDPR Art. 35(1)", "condition",
      [A(domicile="GB", uc=("medical_advice",)), A(domicile="GB", audience=("employees",))],
      [A(domicile="GB"), A(domicile="GB", data=("public_only",), mau=9_000_000)]),
    S(UK, "UK GDPR Art. 5(1)(b)", "condition",
      [A(domicile="GB", fine_tune=True)], [A(domicile="GB"), A(fine_tune=True, domicile="US")]),
    S(UK, "UK GDPR Art. 8(1)", "condition",
      [A(domicile="GB", audience=({"minors": 12},)), A(domicile="GB", audience=("minors",))],
      [A(domicile="GB", audience=({"minors": 13},)), A(audience=({"minors": 12},))]),
    S(UK, "DPA 2018 s. 123", "condition",
      [A(domicile="GB", audience=({"minors": 16},))],
      [A(domicile="GB"), A(domicile="GB", audience=("minors",), mode="internal")]),
    S(UK, "UK GDPR Art. 28(1)", "condition",
      [A(domicile="GB")], [A(domicile="GB", data=("public_only",))],
      model=OPENAI, quiet_model=SMOL),
    S(UK, "UK GDPR Chapter V", "condition",
      [A(domicile="US", regions=["GB"])], [A(domicile="US")], model=GEMINI, quiet_model=SMOL),
    # ------------------------------------------------------------------ United States
    S("jurisdiction:US-HIPAA", "164.308(a)(1)(ii)(A)", "condition",
      [A(domicile="US", uc=("summarization",), data=("health",)),
       A(domicile="US-CA", uc=("medical_advice",)), A(domicile="US", audience=("patients",))],
      [A(domicile="US"), A(uc=("summarization",), data=("health",)),
       A(domicile="US", audience=("patients",), data=("none",))]),
    S("jurisdiction:US-HIPAA", "164.502(e)(1)-(2)", "condition",
      [A(domicile="US", data=("health",))], [A(domicile="US")],
      model=OPENAI, quiet_model=SMOL),
    S("jurisdiction:US-COPPA", "312.5(a)", "condition",
      [A(domicile="US", audience=("minors",)), A(domicile="US-NY", audience=({"minors": 9},))],
      [A(domicile="US", audience=({"minors": 13},)), A(domicile="US"),
       A(domicile="US", audience=("minors",), mode="internal")]),
    S(CAL, "56.10(a)", "condition",
      [A(domicile="US-CA", data=("health",)), A(domicile="US", uc=("medical_advice",))],
      [A(domicile="US-TX", data=("health",)), A(domicile="US-CA")]),
    S(CAL, "1798.140(d)(1)", "condition",
      [A(domicile="US-CA"), A(domicile="US-CA", revenue=30_000_000)],
      [A(domicile="US-CA", revenue=10_000_000), A(domicile="US-CA", commercial=False),
       A(domicile="US-CA", data=("public_only",))]),
    S(CAL, "1798.121(a)", "condition",
      [A(domicile="US-CA", data=("financial",)), A(domicile="US-CA", data=("genetic",))],
      [A(domicile="US-CA"), A(domicile="US-CA", data=("health",), revenue=1_000_000)]),
    S(CAL, "1798.120(c)-(d)", "condition",
      [A(domicile="US-CA", audience=({"minors": 14},)), A(domicile="US-CA", audience=("minors",))],
      [A(domicile="US-CA", audience=({"minors": 16},)), A(domicile="US-CA")]),
    S(CAL, "11 CCR 7200(a)", "condition",
      [A(domicile="US-CA", uc=("employment_decisions",)),
       A(domicile="US-CA", uc=("credit_scoring",), revenue=50_000_000)],
      [A(domicile="US-CA", uc=("summarization",)),
       A(domicile="US-CA", uc=("employment_decisions",), revenue=2_000_000)]),
    S(STATES, "42-529a", "condition",
      [A(domicile="US-CT", audience=("minors",)), A(domicile="US", audience=({"minors": 15},))],
      [A(domicile="US-CT"), A(domicile="US-NY", audience=("minors",)),
       A(domicile="US-CT", audience=("minors",), mode="internal")]),
    S(STATES, "6-1-1308.5", "condition",
      [A(domicile="US-CO", audience=("minors",))],
      [A(domicile="US-CO"), A(domicile="US-CT", audience=("minors",))]),
    S(STATES, "899-ff", "condition",
      [A(domicile="US-NY", audience=({"minors": 13},))],
      [A(domicile="US-NY"), A(domicile="US-NY", audience=("minors",), data=("none",))]),
    S(STATES, "87-1301", "condition",
      [A(domicile="US-NE", audience=("minors",)),
       A(domicile="US-NE", audience=("minors",), revenue=40_000_000)],
      [A(domicile="US-NE", audience=("minors",), revenue=3_000_000), A(domicile="US-NE")]),
    # ------------------------------------------------------------------ Asia, Americas
    S("jurisdiction:KR-PIPA", "Art. 22-2", "condition",
      [A(domicile="KR", audience=({"minors": 12},)), A(domicile="KR", audience=("minors",))],
      [A(domicile="KR", audience=({"minors": 14},)), A(domicile="KR")]),
    S("jurisdiction:KR-PIPA", "Art. 23(1)-(2)", "condition",
      [A(domicile="KR", data=("health",))], [A(domicile="KR"), A(data=("health",))]),
    S("jurisdiction:BR-LGPD", "Art. 5(II), 11", "condition",
      [A(domicile="BR", data=("biometric",))], [A(domicile="BR"), A(data=("biometric",))]),
    S("jurisdiction:BR-LGPD", "Art. 14", "condition",
      [A(domicile="BR", audience=("minors",)), A(domicile="BR", data=("children",))],
      [A(domicile="BR"), A(domicile="BR", audience=("minors",), data=("none",))]),
    S("jurisdiction:CN-PIPL", "Arts. 28, 29", "condition",
      [A(domicile="CN", data=("financial",)), A(domicile="CN", uc=("medical_advice",))],
      [A(domicile="CN"), A(data=("financial",))]),
    S("jurisdiction:CN-PIPL", "Arts. 28, 31", "condition",
      [A(domicile="CN", audience=({"minors": 10},)), A(domicile="CN", data=("children",))],
      [A(domicile="CN", audience=({"minors": 15},)), A(domicile="CN")]),
    S("jurisdiction:JP-APPI", "20(2)", "condition",
      [A(domicile="JP", data=("health",))], [A(domicile="JP"), A(data=("health",))]),
    S("jurisdiction:CA-PIPEDA", "4.3.4", "condition",
      [A(domicile="CA", data=("health",)), A(domicile="CA-QC", data=("children",)),
       A(domicile="CA", audience=("minors",))],
      [A(domicile="CA"), A(domicile="CA", data=("health",), commercial=False)]),
    S("jurisdiction:CA-QC-LAW25", "s. 4.1", "condition",
      [A(domicile="CA-QC", audience=({"minors": 12},))],
      [A(domicile="CA-QC", audience=({"minors": 14},)), A(domicile="CA-ON",
                                                        audience=({"minors": 12},))]),
    S("jurisdiction:CA-QC-LAW25", "s. 17", "condition",
      [A(domicile="CA-QC")], [A(domicile="CA-QC", data=("public_only",)), A(domicile="CA-ON")],
      model=OPENAI, quiet_model=SMOL),
    # ------------------------------------------------------------------ API providers
    S("use-policy:openai-data-terms", "5.4", "condition",
      [A(domicile="US", data=("health",)), A(domicile="DE", regions=["DE", "US"],
                                             uc=("medical_advice",))],
      [A(domicile="US"), A(data=("health",))], model=OPENAI, quiet_model=SMOL),
    S("use-policy:openai-data-terms", "Regulatory standards", "condition",
      [A(domicile="US", audience=({"minors": 10},))],
      [A(domicile="US", audience=({"minors": 14},))], model=OPENAI, quiet_model=GEMINI),
    S("use-policy:openai-data-terms", "Data retention controls", "info",
      [A(data=("health",)), A(domicile="US", data=("financial",))],
      [A(), A(data=("public_only",))], model=OPENAI, quiet_model=SMOL),
    S("use-policy:gemini-data-terms", "HIPAA (API Prohibitions);", "block",
      [A(domicile="US", data=("health",)), A(domicile="US-TX", audience=("patients",))],
      [A(domicile="US"), A(data=("health",)),
       A(domicile="US", data=("health",), mode="research", commercial=False)],
      model=GEMINI, quiet_model=OPENAI),
    S("use-policy:gemini-data-terms", "research use", "condition",
      [A(domicile="US", uc=("medical_advice",), mode="research", commercial=False)],
      [A(domicile="US", mode="research", commercial=False),
       A(domicile="US", data=("health",))], model=GEMINI, quiet_model=SMOL),
    S("use-policy:gemini-data-terms", "Age Requirements", "block",
      [A(audience=("consumers", {"minors": 16})), A(domicile="US", audience=({"minors": 9},))],
      [A(), A(audience=("minors",), mode="internal")], model=GEMINI, quiet_model=OPENAI),
]


def _candidate(kb: KnowledgeBase, model: str, answers: dict) -> Candidate:
    parsed = parse_answers(answers_text(**answers), "scenario.yaml")
    candidate = assess(parsed, kb, model_ids=[model]).candidates[0]
    assert candidate.basis == "profile", f"{model} is not profiled"
    return candidate


def _matching(findings, sc: Scenario) -> list[Finding]:
    return [f for f in findings if f.origin == sc.origin and sc.section in (f.source.section or "")]


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda sc: sc.name)
def test_rule_fires_and_stays_quiet(sc: Scenario, kb: KnowledgeBase) -> None:
    for answers in sc.fires:
        found = _matching(_candidate(kb, sc.model, answers).findings, sc)
        assert len(found) == 1, f"{sc.name} should fire once for {answers}: {found}"
        assert found[0].severity == sc.severity, (sc.name, answers, found[0].severity)
        assert found[0].source.url and found[0].source.section and found[0].message.strip()
    for answers in sc.quiet:
        assert not _matching(_candidate(kb, sc.model, answers).findings, sc), \
            f"{sc.name} should not fire for {answers}"
    if sc.quiet_model:
        assert not _matching(_candidate(kb, sc.quiet_model, sc.fires[0]).findings, sc), \
            f"{sc.name} should not fire for model {sc.quiet_model}"


def _owned_rules(kb: KnowledgeBase):
    for origin in OWNED:
        kind, pid = origin.split(":", 1)
        profile = kb.jurisdictions.get(pid) if kind == "jurisdiction" else kb.use_policies.get(pid)
        assert profile is not None, f"{origin} is not loaded"
        yield origin, profile


def test_every_data_law_rule_has_exactly_one_scenario(kb: KnowledgeBase) -> None:
    for origin, profile in _owned_rules(kb):
        for index, rule in enumerate(profile.rules):
            covering = [sc for sc in SCENARIOS if sc.origin == origin
                        and sc.section in (rule.source.section or "")]
            assert len(covering) == 1, (origin, index, rule.source.section, len(covering))


def test_every_data_law_rule_quotes_and_dates_its_source(kb: KnowledgeBase) -> None:
    """Every rule carries its source, date checked and in-force date; a rule without a
    quote is unconfirmed; an unconfirmed one names the secondary source, or says in its
    file why not (the quote-less OpenAI guidance)."""
    for origin, profile in _owned_rules(kb):
        for rule in profile.rules:
            where = (origin, rule.source.section)
            assert rule.source.url and rule.source.section and rule.in_force, where
            assert rule.source.checked == "2026-12-07", where
            assert rule.quote or not rule.confirmed, where
            for url in (rule.source.copy, rule.source.secondary):
                assert url is None or url.startswith(("https://", "http://")), where


def test_topic_profiles_do_not_count_as_the_places_law(kb: KnowledgeBase) -> None:
    """A place only a topic profile lists (Connecticut here) keeps its law-not-assessed
    review; the topic profile still applies and is listed as assessed."""
    parsed = parse_answers(answers_text(domicile="US-CT", audience=("minors",)), "a.yaml")
    result = assess(parsed, kb, model_ids=[SMOL])
    assert "US-CT" in result.coverage["not_assessed"]
    assert "US-STATE-MINORS" in result.coverage["assessed"]
    findings = result.candidates[0].findings
    assert any(f.code == "review" and "Connecticut" in f.message for f in findings)
    assert _matching(findings, SCENARIOS[[s.section for s in SCENARIOS].index("42-529a")])


def test_an_unanswered_minors_age_is_worded_as_a_condition(kb: KnowledgeBase) -> None:
    """minors without an age: the under-13 rule holds, says "If any user is under 13",
    and a block that rests on an age becomes a condition."""
    young = _candidate(kb, SMOL, A(domicile="US", audience=("minors",)))
    coppa = [f for f in young.findings if f.origin == "jurisdiction:US-COPPA"]
    assert coppa and coppa[0].message.startswith("If any user is under 13:")
    aged = _candidate(kb, SMOL, A(domicile="US", audience=({"minors": 8},)))
    coppa = [f for f in aged.findings if f.origin == "jurisdiction:US-COPPA"]
    assert coppa and not coppa[0].message.startswith("If any user")


def test_bare_us_region_names_the_state(kb: KnowledgeBase) -> None:
    found = _candidate(kb, SMOL, A(domicile="US", data=("health",))).findings
    cmia = [f for f in found if f.origin == CAL and "56.10" in (f.source.section or "")]
    assert cmia and "California (US-CA)" in cmia[0].message


def test_data_rules_of_the_deployment_ask_nothing_about_the_model(kb: KnowledgeBase) -> None:
    """The split deployment_duties / model_verdict rests on it: a topic jurisdiction rule
    uses model facts only when it is about a hosted API provider (access_in: [api])."""
    from advisor.knowledge.predicates import uses_model_facts

    for origin, profile in _owned_rules(kb):
        if not origin.startswith("jurisdiction:"):
            continue
        for rule in profile.rules:
            per_model = uses_model_facts(rule.when)
            assert per_model == ("access_in" in rule.when), (origin, rule.source.section)
