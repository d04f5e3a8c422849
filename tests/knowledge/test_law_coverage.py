"""Unknown law is not "no law" (issue 9 §1), embargoed places, openness levels (§6).

Through the real loader and engine with the shipped knowledge base.

    pytest tests/knowledge/test_law_coverage.py -q
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.assessment.coverage import is_place_law
from advisor.regions import ISO_ALPHA2, SUBDIVISIONS

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"       # Apache-2.0
LLAMA = "meta-llama/Llama-3.2-1B-Instruct"


def answers(domicile: str = "DE", regions: list[str] | None = None, mode: str = "internal",
            commercial: bool = False, uc: str = "coding", openness: str = "any",
            data: str = "none"):
    """Answers about places (no personal data unless ``data`` says so: the data law has
    its own tests)."""
    return parse_answers(yaml.safe_dump({
        "organization": {"domicile": domicile, "monthly_active_users": 10},
        "deployment": {"regions": regions or [domicile], "mode": mode, "commercial": commercial},
        "use_case": {"categories": [uc]},
        "data": {"categories": [data]},
        "needs": {"openness": openness},
    }), "a.yaml")


def law_codes(kb) -> frozenset[str]:
    return frozenset(c for jid, j in kb.jurisdictions.items() if is_place_law(jid, j)
                     for c in j.members)


def unprofiled(kb) -> list[str]:
    covered = law_codes(kb)
    return sorted(c for c in ISO_ALPHA2 | set(SUBDIVISIONS) if c not in covered)


def not_assessed(candidate, code: str) -> list:
    return [f for f in candidate.findings if f.origin == "engine" and f.code == "review"
            and (f"({code}) was not assessed" in f.message
                 or f"law of {code} was not assessed" in f.message)]


def test_a_profiled_place_with_nothing_to_say_is_allowed(kb) -> None:
    c = assess(answers(mode="research", uc="research"), kb, model_ids=[SMOL]).candidates[0]
    assert c.verdict == "allowed", [(f.code, f.message) for f in c.findings]
    nigeria = assess(answers(regions=["DE", "NG"], mode="research", uc="research"), kb,
                     model_ids=[SMOL]).candidates[0]
    assert nigeria.verdict == "conditional"


@pytest.mark.parametrize("where", ["region", "domicile"])
def test_an_unprofiled_country_is_a_review_condition(kb, where: str) -> None:
    a = answers(regions=["DE", "NG"]) if where == "region" else answers(domicile="NG")
    result = assess(a, kb, model_ids=[SMOL])
    c = result.candidates[0]
    found = not_assessed(c, "NG")
    assert len(found) == 1 and found[0].severity == "condition", c.findings
    assert c.verdict == "conditional"
    assert found[0].source.url and found[0].source.section
    assert "NG" in result.to_dict()["coverage"]["not_assessed"]


def test_a_named_state_without_a_profile_names_it(kb) -> None:
    result = assess(answers(domicile="US-AK"), kb, model_ids=[SMOL])
    found = not_assessed(result.candidates[0], "US-AK")
    assert found and "Alaska" in found[0].message
    assert "national law of the United States (US) was assessed" in found[0].message
    assert "US" in result.to_dict()["coverage"]["assessed"]


def test_a_plain_us_lists_the_states_it_did_not_assess(kb) -> None:
    result = assess(answers(domicile="US"), kb, model_ids=[SMOL])
    cov = result.to_dict()["coverage"]
    assert set(cov) >= {"assessed", "not_assessed", "subdivisions_not_assessed"}
    assert "US-CA" in cov["assessed"] and "US-AK" in cov["subdivisions_not_assessed"]["US"]
    assert "US-CA" not in cov["subdivisions_not_assessed"]["US"]
    note = [f for f in result.candidates[0].findings if f.origin == "engine"
            and "stands for all its states" in f.message]
    assert note and note[0].severity == "info" and "California (US-CA)" in note[0].message


def test_every_unprofiled_code_is_never_allowed(kb) -> None:
    """Each ISO code (and subdivision) without a profile, as region and as domicile."""
    codes = unprofiled(kb)
    assert "NG" in codes and "US-AK" in codes and "JP" not in codes
    for code in codes:
        for a in (answers(regions=["DE", code]), answers(domicile=code)):
            c = assess(a, kb, model_ids=[SMOL]).candidates[0]
            assert c.verdict != "allowed", code
            assert not_assessed(c, code), code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_no_model_is_allowed_on_unexamined_ground(kb, data) -> None:
    """For any unprofiled place, as domicile or region, with any mode and use case, no
    shipped model comes out `allowed`."""
    code = data.draw(st.sampled_from(unprofiled(kb)))
    as_domicile = data.draw(st.booleans())
    mode = data.draw(st.sampled_from(["internal", "hosted_service", "on_device", "on_prem",
                                      "research"]))
    uc = data.draw(st.sampled_from(sorted(kb.use_cases)))
    a = answers(domicile=code, mode=mode, uc=uc) if as_domicile else \
        answers(regions=["DE", code], mode=mode, uc=uc)
    result = assess(a, kb)
    assert len(result.candidates) == len(kb.models)
    allowed = [c.model for c in result.candidates if c.verdict == "allowed"]
    assert not allowed, (code, as_domicile, mode, uc, allowed[:3])


def test_every_block_and_condition_cites_url_and_section(kb) -> None:
    for a in (answers(domicile="US", regions=["US", "IR", "NG"], mode="hosted_service",
                      commercial=True, uc="financial_advice", openness="open_license"),
              answers(domicile="KR", regions=["KR", "UA"], uc="image_generation",
                      openness="osaid")):
        result = assess(a, kb, model_ids=[*list(kb.models)[:40], "nobody/not-profiled"])
        for c in result.candidates:
            for f in c.findings:
                if f.severity != "info":
                    assert f.source.url and f.source.section, (c.model, f.code, f.origin)
    unknown = assess(answers(), kb, model_ids=["nobody/not-profiled"]).candidates[0]
    assert unknown.verdict == "unknown"
    f = next(f for f in unknown.findings if f.code == "unknown_model")
    assert f.source.url == "profiles/README.md#unknown_model" and f.source.section


def _sanction(candidate, section: str):
    return [f for f in candidate.findings if f.origin == "jurisdiction:sanctions-us"
            and section in (f.source.section or "")]


def test_embargoed_region_blocks_a_us_company_for_every_license(kb) -> None:
    result = assess(answers(domicile="US", regions=["US", "UA-43"], mode="hosted_service"), kb)
    assert all(c.verdict == "blocked" for c in result.candidates)
    assert all(_sanction(c, "EO 13685 Sec") for c in result.candidates)


def test_a_bare_ukraine_makes_the_crimea_embargo_a_named_condition(kb) -> None:
    c = assess(answers(domicile="US", regions=["UA"], mode="hosted_service"), kb,
               model_ids=[SMOL]).candidates[0]
    crimea = _sanction(c, "EO 13685 Sec")
    assert len(crimea) == 1 and crimea[0].severity == "condition"
    assert "Crimea" in crimea[0].message and "(UA-43)" in crimea[0].message
    assert c.verdict == "conditional"


def test_a_state_rule_reaches_a_plain_us_as_a_condition_naming_the_state(kb) -> None:
    c = assess(answers(domicile="US", mode="hosted_service", commercial=True,
                       uc="customer_support"), kb, model_ids=[SMOL]).candidates[0]
    bot = [f for f in c.findings if f.origin == "jurisdiction:US-CA" and "17940" in
           (f.source.section or "")]
    assert bot and bot[0].message.startswith("If you serve users in") and "California" in \
        bot[0].message
    direct = assess(answers(domicile="US-CA", mode="hosted_service", commercial=True,
                            uc="customer_support"), kb, model_ids=[SMOL]).candidates[0]
    bot = [f for f in direct.findings if f.origin == "jurisdiction:US-CA"
           and "17940" in (f.source.section or "")]
    assert bot and not bot[0].message.startswith("If you serve users in")


def _openness(kb, model: str, level: str):
    c = assess(answers(openness=level), kb, model_ids=[model]).candidates[0]
    return [f for f in c.findings if f.code == "openness"]


def test_openness_levels_mean_what_they_say(kb) -> None:
    assert not _openness(kb, LLAMA, "open_weights")          # downloadable, any license
    blocked = _openness(kb, LLAMA, "open_license")
    assert [f.severity for f in blocked] == ["block"] and "OSI" in blocked[0].message
    assert blocked[0].source.url.startswith("profiles/README.md#")
    assert not _openness(kb, SMOL, "open_license")


def test_jurisdictions_command_lists_the_map(run_advisor) -> None:
    proc = run_advisor("jurisdictions", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    items = {j["id"]: j for j in doc["jurisdictions"]}
    for jid in ("EU", "US", "US-CA", "KR", "CA-QC", "sanctions-us", "sanctions-eu"):
        assert jid in items, jid
    for item in items.values():
        assert item["title"] and item["members"] and item["checked"]
        assert item["kind"] in ("law", "sanctions", "topic") and item["rules"] >= 1
    assert "UA-43" in items["sanctions-us"]["members"]
    assert items["EU-GDPR"]["kind"] == "topic" and items["EU"]["kind"] == "law"
    assert set(items["EU"]["members"]) <= set(items["EU-GDPR"]["members"])   # shared members
    table = run_advisor("jurisdictions", env={"COLUMNS": "80"})
    assert table.returncode == 0 and "US-CA" in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()) <= 80    # ids whole, titles clipped
