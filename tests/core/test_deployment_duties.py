"""The deployment's duties stated once, and each model's own verdict (issue 19 item 1).

A finding from a rule that asks nothing about the model binds the deployment whatever
model is picked: it is listed once in `deployment_duties` and left out of
`model_verdict`; `verdict` still counts it (CONTRACT §3).

    pytest tests/core/test_deployment_duties.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.knowledge import load_knowledge

EU_CHATBOT = """\
organization: {domicile: DE, monthly_active_users: 50000}
deployment: {regions: [DE, FR], mode: hosted_service, commercial: true}
use_case: {categories: [customer_support], modalities: [text]}
"""

# Two organization rules: one asks about the model (vendor), one does not.
POLICY = """\
schema: advisor.policy/1
id: acme
title: ACME AI policy
checked: 2026-11-23
rules:
  - code: organization_policy
    severity: condition
    when: {third_party_access: true}
    message: Every product facing customers needs a launch review.
    source: {section: "1", url: "https://intranet.acme.example/ai#1"}
  - code: organization_policy
    severity: condition
    when: {vendor_in: [Meta]}
    message: Meta models need a second review.
    source: {section: "2", url: "https://intranet.acme.example/ai#2"}
"""


def _assess(text: str, kb, models=None):
    return assess(parse_answers(text, "answers.yaml", kb.use_cases), kb, model_ids=models)


def test_an_apache_model_is_allowed_on_its_own_with_the_duties_beside_it(kb) -> None:
    result = _assess(EU_CHATBOT, kb, ["Qwen/Qwen3-8B", "meta-llama/Llama-3.3-70B-Instruct"])
    qwen = result.candidate("Qwen/Qwen3-8B")
    llama = result.candidate("meta-llama/Llama-3.3-70B-Instruct")
    assert (qwen.verdict, qwen.model_verdict) == ("conditional", "allowed")
    # Llama's own license asks for attribution: conditional on its own too.
    assert llama.model_verdict == "conditional"
    assert any(f.code == "transparency" and f.source.section.startswith("Art. 50(1)")
               for f in result.deployment_duties)
    duties = result.deployment_duties
    assert len(duties) == len({(f.code, f.message) for f in duties})


def test_every_duty_is_in_every_candidate_and_binds_the_verdict(kb) -> None:
    result = _assess(EU_CHATBOT, kb)
    duties = set(result.deployment_duties)
    assert duties
    for candidate in result.candidates:
        mine = {f for f in candidate.findings if f.deployment}
        assert mine == duties, candidate.model
        assert not duties & set(candidate.model_findings)
    for duty in duties:
        if duty.severity != "info":
            assert duty.source.url and duty.source.section, duty


def test_law_asking_about_the_model_stays_with_the_model(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(POLICY, encoding="utf-8")
    kb = load_knowledge([tmp_path])
    result = _assess(EU_CHATBOT, kb, ["Qwen/Qwen3-8B", "meta-llama/Llama-3.3-70B-Instruct"])
    messages = [f.message for f in result.deployment_duties]
    assert "Every product facing customers needs a launch review." in messages
    assert "Meta models need a second review." not in messages
    llama = result.candidate("meta-llama/Llama-3.3-70B-Instruct")
    assert any(f.message == "Meta models need a second review." for f in llama.model_findings)
    assert result.candidate("Qwen/Qwen3-8B").model_verdict == "allowed"


def test_a_place_not_assessed_is_a_duty_of_the_deployment(kb) -> None:
    text = EU_CHATBOT.replace("regions: [DE, FR]", "regions: [DE, NZ]")
    result = _assess(text, kb, ["Qwen/Qwen3-8B"])
    reviews = [f for f in result.deployment_duties if f.code == "review"]
    assert any("New Zealand" in f.message for f in reviews)
    assert result.candidates[0].model_verdict == "allowed"


def test_a_deployment_the_law_prohibits_blocks_every_verdict(kb) -> None:
    text = EU_CHATBOT.replace("customer_support", "social_scoring")
    result = _assess(text, kb)
    assert any(f.severity == "block" for f in result.deployment_duties)
    assert {c.verdict for c in result.candidates} == {"blocked"}
    # The models themselves still differ: the verdict alone would hide that.
    assert len({c.model_verdict for c in result.candidates}) > 1


def test_the_json_carries_duties_and_model_verdicts(tmp_path: Path, run_advisor) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(EU_CHATBOT, encoding="utf-8")
    proc = run_advisor("assess", "--answers", str(answers), "--json",
                       "--models", "Qwen/Qwen3-8B,google/gemma-3-27b-it")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    duties = doc["deployment_duties"]
    assert duties and all(d["deployment"] is True for d in duties)
    assert {"severity", "code", "message", "source"} <= set(duties[0])
    by_model = {c["model"]: c for c in doc["candidates"]}
    assert by_model["Qwen/Qwen3-8B"]["model_verdict"] == "allowed"
    assert by_model["Qwen/Qwen3-8B"]["verdict"] == "conditional"


@pytest.mark.parametrize("details", [False, True])
def test_the_table_states_the_duties_once_above_the_models(tmp_path: Path, run_advisor,
                                                          details: bool) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(EU_CHATBOT, encoding="utf-8")
    args = ["assess", "--answers", str(answers), "--models",
            "Qwen/Qwen3-8B,meta-llama/Llama-3.3-70B-Instruct"] + (["--details"] if details else [])
    proc = run_advisor(*args, env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("Whatever model you choose: ")
    table = text.index("MODEL VERDICT")
    art50 = [line for line in text.splitlines() if "transparency: Art. 50(1)" in line]
    assert len(art50) == 1 and text.index(art50[0]) < table
    rows = [line.split() for line in text[table:].splitlines()[2:4]]
    assert [r[:2] for r in rows] == [["CONDITIONAL", "meta-llama/Llama-3.3-70B-Instruct"],
                                     ["ALLOWED", "Qwen/Qwen3-8B"]]
