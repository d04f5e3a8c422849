"""The record legal can sign off (issue 12): every finding in words with the thresholds that
passed, governing law and termination, rejected options with their reasons, deciders and
rationale, the scope, "not legal advice" with the knowledge's dates, and no claim the user
did not make."""

from __future__ import annotations

import json
from pathlib import Path

from advisor.answers import parse_answers
from advisor.record import build_record, render
from tests.record.conftest import MODEL, advisor

SMOLLM = "HuggingFaceTB/SmolLM2-135M-Instruct"


def outcome(text: str) -> str:
    return text.split("## Decision Outcome")[1].split("### Confirmation")[0]


def test_findings_in_words_with_thresholds_law_and_termination(kb, answers):
    record = build_record(answers, kb, MODEL)
    text = render(record, "md")
    checks = record.data["threshold_checks"]
    mau = next(c for c in checks if c["predicate"] == "mau_over")
    assert mau["limit"] == 700_000_000 and mau["crossed"] is False
    assert "700 million monthly active users" in text
    assert "you declared 2,000,000; not crossed" in text
    assert "Governing law: Governed by the laws of the State of California" in text
    assert "Termination: The license ends automatically" in text
    assert "informational only (" not in text            # no list of codes
    for finding in record.chosen["findings"]:
        assert finding["message"].split(" (Not confirmed")[0][1:60] in text


def test_a_crossed_threshold_says_so(kb):
    big = parse_answers("organization: {domicile: US, monthly_active_users: 800000000}\n"
                        "deployment: {regions: [US]}\n", "a.yaml")
    record = build_record(big, kb, MODEL)
    mau = next(c for c in record.data["threshold_checks"] if c["predicate"] == "mau_over")
    assert mau["crossed"] is True and "800,000,000; crossed" in mau["text"]


def test_say_only_what_the_user_said(kb, answers):
    text = render(build_record(answers, kb, MODEL), "md")
    assert "affiliates)" not in text.split("## Decision Drivers")[0]
    assert "2,000,000 monthly active users" in text


def test_not_legal_advice_dates_and_scope(kb, answers):
    record = build_record(answers, kb, MODEL)
    text = render(record, "md")
    head = text.split("## Context and Problem Statement")[0]
    assert "not legal advice" in head
    checked = record.data["scope"]["knowledge_checked"]
    assert checked["earliest"] in head and checked["earliest"] <= checked["latest"]
    scope = record.data["scope"]
    assert [lic["id"] for lic in scope["licenses"]] == ["llama3.2"]
    assert "llama3.2-aup" in [p["id"] for p in scope["use_policies"]]
    assert "EU" in [j["id"] for j in scope["jurisdictions"]]
    assert "Scope of this assessment:" in text
    assert "Licenses assessed: Llama 3.2 Community License" in text
    assert "Places whose law was not assessed:" in text


def test_unassessed_places_are_named(kb):
    far = parse_answers("organization: {domicile: DE}\ndeployment: {regions: [DE, AQ]}\n",
                        "a.yaml")
    record = build_record(far, kb, MODEL)
    assert "AQ" in record.data["scope"]["places_not_assessed"]
    assert "Places whose law was not assessed: AQ" in render(record, "md")


def test_rejected_options_carry_the_findings_that_rejected_them(kb):
    big = parse_answers("organization: {domicile: US, monthly_active_users: 800000000}\n"
                        "deployment: {regions: [US]}\n", "a.yaml")
    record = build_record(big, kb, SMOLLM)
    blocked = [c for c in record.alternatives if c["verdict"] == "blocked"]
    text = render(record, "md")
    options = text.split("## Considered Options")[1].split("## Decision Outcome")[0]
    for alt in blocked:
        assert f"{alt['model']}: verdict blocked" in options
    if blocked:
        assert "rejected because" in options


def test_fewer_duties_of_an_equal_alternative_is_said(kb, answers):
    """Qwen3-8B (Apache-2.0) spares Llama's attribution and use-policy duties, with the same
    verdict; a record for Llama says so, one for Qwen3-8B against Llama does not."""
    record = build_record(answers, kb, MODEL, consider=["Qwen/Qwen3-8B"])
    (alt,) = record.alternatives
    assert alt["verdict"] == record.chosen["verdict"]
    spared = [d["text"] for d in alt["duty_changes"]["lacks"] if d["kind"] == "must"]
    assert any("Built with Llama" in t for t in spared)
    assert not [d for d in alt["duty_changes"]["adds"] if d["kind"] == "must"]
    text = outcome(render(record, "md"))
    assert "note that Qwen/Qwen3-8B has the same verdict with fewer duties to do now" in text
    other = build_record(answers, kb, "Qwen/Qwen3-8B", consider=[MODEL])
    text = outcome(render(other, "md"))
    assert "no option weighed has a better verdict or fewer duties to do now" in text


def test_the_smoke_test_of_another_model_is_not_credited(kb, answers):
    smoke = {"passed": True, "model": "SmolLM2-135M-Instruct.Q4_1.gguf",
             "prompts": [{"id": "a", "passed": True, "tokens_per_second": 40.0}]}
    record = build_record(answers, kb, MODEL, smoke=smoke)
    assert record.data["smoke_of_model"] is False
    assert record.data["smoke_builds_of"] == [SMOLLM.lower()]
    text = render(record, "md")
    assert "passed the smoke test" not in outcome(text)
    own = build_record(answers, kb, SMOLLM, smoke=smoke)
    assert own.data["smoke_of_model"] is True
    assert "passed the smoke test" in outcome(render(own, "md"))


def test_cli_deciders_and_rationale(answers_file, tmp_path):
    out = tmp_path / "out"
    proc = advisor("record", "--answers", str(answers_file), "--model", MODEL,
                   "--out", str(out), "--format", "md,json", "--decider", "Ana Ruiz",
                   "--decider", "Legal: B. Chen", "--rationale",
                   "Smallest model that passes; \x1b[2J counsel agreed [/]")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(next(out.glob("*.json")).read_text())
    assert data["decision_makers"] == ["Ana Ruiz", "Legal: B. Chen"]
    assert data["rationale"].startswith("Smallest model that passes;")
    assert "\x1b" not in data["rationale"]
    text = next(out.glob("*.md")).read_text()
    assert 'decision-makers: ["Ana Ruiz", "Legal: B. Chen"]' in text
    assert "Rationale: Smallest model that passes;" in text
    assert "\x1b" not in text


def test_every_command_help_says_what_it_does(tmp_path: Path):
    for command in ("assess", "models", "profiles", "hub", "ggufs", "pull", "local", "smoke",
                    "record"):
        proc = advisor(command, "--help")
        assert proc.returncode == 0, proc.stderr
        body = proc.stdout.split("\n\n", 1)[1] if "\n\n" in proc.stdout else ""
        first = body.strip().splitlines()[0] if body.strip() else ""
        assert first and not first.startswith(("options:", "positional")), (command, first)
        assert "CONTRACT" not in proc.stdout, command


def test_cli_table_fits_the_terminal_width(answers_file):
    from advisor.knowledge import load_knowledge

    ids = [m.id for m in load_knowledge().models.values()]
    for columns in ("80", "120", "200"):
        proc = advisor("assess", "--answers", str(answers_file), env={"COLUMNS": columns})
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert max(len(line) for line in lines) <= int(columns), columns
        shown = proc.stdout
        assert all(model_id in shown for model_id in ids)        # ids never cut


def test_markdown_carries_no_control_characters_from_outside(kb, answers):
    smoke = {"passed": True, "model": "evil\x1b]0;pwned\x07.gguf", "runner": "x\x9b2J",
             "prompts": [{"id": "a\u202eb", "passed": True, "error": "\x1b[2J"}]}
    text = render(build_record(answers, kb, MODEL, smoke=smoke, rationale="ok"), "md")
    assert not any(ch in text for ch in ("\x1b", "\x07", "\x9b", "\u202e"))
