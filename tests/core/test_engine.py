"""The engine against a small knowledge base written for the test."""

from __future__ import annotations

import textwrap

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.knowledge.hubfacts import HubFacts
from advisor.knowledge.load.walk import build_knowledge

OPEN = {c: {"status": "open", "license": "Apache-2.0", "evidence": "https://example.org/c"}
        for c in ("model_architecture", "model_parameters_final", "model_card", "data_card",
                  "technical_report", "evaluation_results", "training_code", "inference_code",
                  "evaluation_code", "evaluation_data", "datasets", "data_preprocessing_code",
                  "model_parameters_intermediate", "research_paper")}

FILES = {
    "use-cases.yaml": """
        schema: advisor.use-cases/1
        use_cases:
          - {id: general_assistant, title: Assistant}
          - {id: military_defense, title: Military}
          - {id: medical_advice, title: Medical}
          - {id: social_scoring, title: Social scoring}
          - {id: research, title: Research}
    """,
    "licenses/open.yaml": """
        schema: advisor.license/1
        id: open-1
        title: Open License
        hf_license: [open-1]
        osi_approved: true
        url: https://example.org/open
        checked: 2026-11-23
        rules:
          - code: notice
            severity: info
            message: Keep the notice.
            obligation: Keep the license text.
            source: {section: "4", url: https://example.org/open}
    """,
    "licenses/restrictive.yaml": """
        schema: advisor.license/1
        id: restrictive-1
        title: Restrictive License
        hf_license: [other]
        hf_license_names: [restrictive]
        url: https://example.org/r
        checked: 2026-11-23
        use_policies: [r-aup]
        rules:
          - code: user_threshold
            severity: block
            when: {mau_over: 700000000}
            message: Above 700M MAU a separate license is needed.
            source: {section: "2", url: https://example.org/r}
          - code: domicile_exclusion
            severity: block
            when: {domicile_in: [EU], model_modalities_any: [image_input]}
            message: Not granted to EU-domiciled companies for multimodal models.
            source: {section: AUP, url: https://example.org/r}
          - code: attribution
            severity: condition
            when: {any: [{third_party_access: true}, {distributes: true}]}
            message: Display "Built with R".
            obligation: Display "Built with R".
            source: {section: 1.b.i, url: https://example.org/r}
          - code: termination
            severity: info
            message: Suing the licensor ends the license.
            confirmed: false
            source: {section: "5", url: https://example.org/r}
    """,
    "use-policies/r-aup.yaml": """
        schema: advisor.use-policy/1
        id: r-aup
        title: R Acceptable Use Policy
        url: https://example.org/aup
        checked: 2026-11-23
        prohibitions:
          - {use_cases: [military_defense], severity: block, section: "1.a", text: Military use.,
             quote: "Military, warfare, nuclear industries or applications.",
             copy: "https://example.org/copies/aup.md"}
          - {use_cases: [medical_advice], severity: condition, section: "1.c", text: Unlicensed practice.}
    """,
    "jurisdictions/eu.yaml": """
        schema: advisor.jurisdiction/1
        id: EU
        title: European Union
        members: [DE, FR, IT]
        checked: 2026-11-23
        rules:
          - code: prohibited_practice
            severity: block
            when: {use_cases_any: [social_scoring]}
            message: Social scoring is prohibited.
            source: {section: Art. 5(1)(c), url: https://eur-lex.europa.eu/eli/reg/2024/1689/oj}
    """,
    # The US is profiled (with no rules) so that US answers are assessed ground; an
    # unprofiled place gives a review condition (tests/core/test_coverage.py).
    "jurisdictions/us.yaml": """
        schema: advisor.jurisdiction/1
        id: US
        title: United States
        members: [US]
        checked: 2026-11-23
    """,
    "models/family.yaml": f"""
        schema: advisor.model-family/1
        family: Test
        vendor: Tester
        checked: 2026-11-23
        models:
          - id: test/open-model
            licenses: [open-1]
            openness: {OPEN!r}
          - id: test/restricted-text
            licenses: [restrictive-1]
          - id: test/restricted-vision
            licenses: [restrictive-1]
            modalities: [text, image_input]
    """.replace("'", '"'),
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("profiles")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    kb, problems = build_knowledge([root])
    assert not problems, [p.one_line() for p in problems]
    return kb


def answers(**sections) -> object:
    org = sections.pop("org", "{domicile: US, monthly_active_users: 1000}")
    lines = [f"organization: {org}"] + [f"{k}: {v}" for k, v in sections.items()]
    return parse_answers("\n".join(lines) + "\n",
                         use_case_ids={"general_assistant", "military_defense", "medical_advice",
                                       "social_scoring", "research"})


def verdict(kb, model, a) -> tuple[str, set[str]]:
    c = assess(a, kb, model_ids=[model]).candidates[0]
    return c.verdict, {f.code for f in c.findings}


def test_open_model_for_internal_use_is_allowed(kb):
    a = answers(deployment="{regions: [US], mode: internal}")
    c = assess(a, kb, model_ids=["TEST/OPEN-MODEL"]).candidates[0]
    assert c.verdict == "allowed"
    assert c.model == "test/open-model"
    assert c.obligations == ("Keep the license text.",)
    assert (c.openness.osaid, c.openness.mof_class) == ("pass", "I")


def test_threshold_blocks_above_and_not_below(kb):
    big = answers(org="{domicile: US, monthly_active_users: 800000000}",
                  deployment="{regions: [US], mode: internal}")
    small = answers(deployment="{regions: [US], mode: internal}")
    assert verdict(kb, "test/restricted-text", big)[0] == "blocked"
    assert "user_threshold" not in verdict(kb, "test/restricted-text", small)[1]


def test_domicile_exclusion_touches_only_multimodal_models(kb):
    eu = answers(org="{domicile: DE}", deployment="{regions: [US], mode: internal}")
    assert verdict(kb, "test/restricted-vision", eu)[0] == "blocked"
    assert "domicile_exclusion" not in verdict(kb, "test/restricted-text", eu)[1]
    us = answers(deployment="{regions: [DE], mode: internal}")
    assert "domicile_exclusion" not in verdict(kb, "test/restricted-vision", us)[1]


def test_use_policy_block_and_condition(kb):
    mil = answers(use_case="{categories: [military_defense]}", deployment="{regions: [US]}")
    med = answers(use_case="{categories: [medical_advice]}", deployment="{regions: [US]}")
    assert verdict(kb, "test/restricted-text", mil)[0] == "blocked"
    v, codes = verdict(kb, "test/restricted-text", med)
    assert v == "conditional" and "use_policy" in codes


def test_a_prohibition_carries_its_quote_and_the_copy_read(kb):
    mil = answers(use_case="{categories: [military_defense]}", deployment="{regions: [US]}")
    c = assess(mil, kb, model_ids=["test/restricted-text"]).candidates[0]
    found = next(f.to_dict() for f in c.findings if f.origin == "use-policy:r-aup")
    assert found["quote"] == "Military, warfare, nuclear industries or applications."
    assert found["source"]["copy"] == "https://example.org/copies/aup.md"
    assert found["source"]["url"] == "https://example.org/aup"
    assert found["message"] == "R Acceptable Use Policy prohibits: Military use."


def test_unconfirmed_info_becomes_a_review_condition(kb):
    a = answers(deployment="{regions: [US], mode: internal}")
    c = assess(a, kb, model_ids=["test/restricted-text"]).candidates[0]
    term = next(f for f in c.findings if f.code == "termination")
    assert term.severity == "condition" and not term.confirmed
    assert c.verdict == "conditional"


def test_jurisdiction_rules_apply_only_in_scope(kb):
    inside = answers(use_case="{categories: [social_scoring]}", deployment="{regions: [FR]}")
    outside = answers(use_case="{categories: [social_scoring]}", deployment="{regions: [US]}")
    assert verdict(kb, "test/open-model", inside)[0] == "blocked"
    assert verdict(kb, "test/open-model", outside)[0] == "allowed"


def test_osaid_requirement_blocks_failing_models(kb):
    a = answers(needs="{openness: osaid}", deployment="{regions: [US], mode: internal}")
    assert verdict(kb, "test/restricted-text", a)[0] == "blocked"
    assert verdict(kb, "test/open-model", a)[0] == "allowed"


def test_unknown_model_is_never_allowed(kb):
    a = answers(deployment="{regions: [US], mode: internal}")
    assert verdict(kb, "nobody/nothing", a)[0] == "unknown"
    hub = {"nobody/nothing": HubFacts(repo_id="nobody/nothing", license_tag="wtfpl-9")}
    assert assess(a, kb, ["nobody/nothing"], hub).candidates[0].verdict == "unknown"


def test_hub_repo_inherits_from_its_profiled_base(kb):
    a = answers(org="{domicile: US, monthly_active_users: 900000000}",
                deployment="{regions: [US], mode: internal}")
    quant = HubFacts(repo_id="someone/restricted-text-GGUF", license_tag="open-1",
                     base_models=["test/restricted-text"],
                     base_chain=[HubFacts(repo_id="test/restricted-text")])
    c = assess(a, kb, ["someone/restricted-text-GGUF"], {quant.repo_id: quant}).candidates[0]
    assert c.verdict == "blocked" and c.based_on == "test/restricted-text"
    assert c.licenses == ("restrictive-1", "open-1")   # the base's terms bind the derivative
    review = [f for f in c.findings if f.code == "review"]
    assert review and "base model" in review[0].message


def test_hub_pipeline_tag_marks_an_unprofiled_vision_model(kb):
    a = answers(org="{domicile: DE}", deployment="{regions: [US], mode: internal}")
    vision = HubFacts(repo_id="x/vision", license_tag="other", license_name="restrictive",
                      pipeline_tag="image-text-to-text")
    c = assess(a, kb, ["x/vision"], {"x/vision": vision}).candidates[0]
    assert c.verdict == "blocked"
    assert any(f.code == "domicile_exclusion" for f in c.findings)


def test_unprofiled_base_license_still_binds(kb):
    a = answers(org="{domicile: US, monthly_active_users: 900000000}",
                deployment="{regions: [US], mode: internal}")
    repack = HubFacts(repo_id="x/repack", license_tag="open-1", base_models=["y/base"],
                      base_chain=[HubFacts(repo_id="y/base", license_tag="other",
                                           license_name="restrictive")])
    c = assess(a, kb, ["x/repack"], {"x/repack": repack}).candidates[0]
    assert set(c.licenses) == {"open-1", "restrictive-1"}
    assert c.verdict == "blocked"


def test_law_applies_to_unidentified_models(kb):
    a = answers(use_case="{categories: [social_scoring]}", deployment="{regions: [FR]}")
    c = assess(a, kb, ["nobody/nothing"]).candidates[0]
    assert c.verdict == "blocked"
    assert {f.code for f in c.findings} >= {"unknown_model", "prohibited_practice"}


def test_unprofiled_hub_repo_with_known_license_needs_review(kb):
    a = answers(deployment="{regions: [US], mode: internal}")
    hub = HubFacts(repo_id="x/y", license_tag="open-1")
    c = assess(a, kb, ["x/y"], {"x/y": hub}).candidates[0]
    assert c.verdict == "conditional" and c.licenses == ("open-1",)


def test_candidates_are_sorted_worst_first_and_json_matches_contract(kb):
    a = answers(org="{domicile: DE}", use_case="{categories: [military_defense]}",
                deployment="{regions: [US]}")
    result = assess(a, kb)
    verdicts = [c.verdict for c in result.candidates]
    assert verdicts == sorted(verdicts, key=["blocked", "unknown", "conditional", "allowed"].index)
    doc = result.to_dict()
    assert doc["schema"] == "advisor.assessment/1"
    cand = doc["candidates"][0]
    assert set(cand) >= {"model", "license", "verdict", "findings", "obligations", "openness"}
    finding = cand["findings"][0]
    assert set(finding) >= {"severity", "code", "message", "source"}
    assert set(finding["source"]) >= {"title", "section", "url"}
    assert set(cand["openness"]) >= {"osaid", "mof_class", "components"}


def test_assessment_is_deterministic(kb):
    a = answers(org="{domicile: DE}", deployment="{regions: [EU, US]}")
    assert assess(a, kb).to_dict() == assess(a, kb).to_dict()


def test_loader_reports_file_line_and_field(tmp_path):
    bad = tmp_path / "licenses" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(textwrap.dedent("""\
        schema: advisor.license/1
        id: bad
        title: Bad
        url: https://example.org
        checked: 2026-11-23
        rules:
          - code: notice
            severity: blok
            message: x
            source: {url: https://example.org}
          - code: thing
            severity: info
            when: {color: red}
            message: x
            source: {url: https://example.org}
    """))
    (tmp_path / "models.yaml").write_text(
        "schema: advisor.model-family/1\nfamily: F\nvendor: V\nmodels:\n  - id: a/b\n    licenses: [ghost]\n")
    _, problems = build_knowledge([tmp_path])
    lines = [p.one_line() for p in problems]
    assert any(l.endswith("bad.yaml:8: rules[0].severity: 'blok' is not one of block, condition, info")
               for l in lines), lines
    assert any("models.yaml:6" in l and "'ghost'" in l for l in lines), lines
