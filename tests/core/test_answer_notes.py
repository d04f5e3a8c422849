"""Defaults are never silent, inferred data is said, and numbers read as the app takes them.

    pytest tests/core/test_answer_notes.py -q
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.counts import ACCEPTED_FORMS, parse_amount, parse_count
from advisor.errors import InputError
from advisor.record import build_record
from advisor.record.markdown import render_markdown

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"
FULL = """\
organization: {domicile: DE, monthly_active_users: 1000}
deployment: {regions: [DE], mode: internal, commercial: true}
data: {categories: [personal]}
audience: [employees]
"""


def test_every_assumed_key_is_named_with_its_value_in_the_notes(kb) -> None:
    answers = parse_answers("organization: {domicile: DE}\n", "a.yaml")
    notes = assess(answers, kb, model_ids=[SMOL]).notes
    assumed = [n for n in notes if n.startswith("assumed, not answered:")]
    assert len(assumed) == 1
    for part in ("organization.monthly_active_users = 2,000,000",
                 "deployment.regions = DE, FR, US", "deployment.mode = hosted_service",
                 "deployment.commercial = true", "data.categories = personal",
                 "audience = consumers"):
        assert part in assumed[0], part


def test_a_complete_answers_file_assumes_nothing(kb) -> None:
    notes = assess(parse_answers(FULL, "a.yaml"), kb, model_ids=[SMOL]).notes
    assert not [n for n in notes if n.startswith(("assumed", "inferred"))]


def test_inferred_data_is_said_and_applied(kb) -> None:
    answers = parse_answers(FULL + "use_case: {categories: [medical_advice]}\n", "a.yaml")
    result = assess(answers, kb, model_ids=[SMOL])
    inferred = [n for n in result.notes if n.startswith("inferred:")]
    assert inferred and "health (from use case medical_advice)" in inferred[0]
    art9 = [f for f in result.candidates[0].findings
            if f.origin == "jurisdiction:EU-GDPR" and "Art. 9" in (f.source.section or "")]
    assert art9, "health data inferred from medical advice must bring GDPR Art. 9"


def test_patients_imply_health_data_only_when_personal_data_is_processed(kb) -> None:
    with_data = parse_answers(FULL.replace("[employees]", "[patients]"), "a.yaml")
    assert any("health (from audience patients)" in n
               for n in assess(with_data, kb, model_ids=[SMOL]).notes)
    without = parse_answers(FULL.replace("[employees]", "[patients]")
                            .replace("[personal]", "[none]"), "a.yaml")
    assert not any(n.startswith("inferred") for n in assess(without, kb, model_ids=[SMOL]).notes)


def test_cli_says_assumed_once_on_stderr_and_in_json(tmp_path, run_advisor) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("organization: {domicile: DE}\n")
    proc = run_advisor("assess", "--answers", str(answers), "--models", SMOL, "--json")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "assumed, not answered" in line]
    assert len(lines) == 1 and lines[0].startswith("advisor: note: ")
    assert any(n.startswith("assumed, not answered") for n in json.loads(proc.stdout)["notes"])


def test_markdown_record_says_assumed(kb) -> None:
    answers = parse_answers("organization: {domicile: DE}\n", "a.yaml")
    record = build_record(answers, kb, SMOL, today=dt.date(2026, 12, 7))
    text = render_markdown(record)
    assert "**Assumed, not answered**" in text
    assert "`organization.monthly_active_users`" in text and "`audience`" in text
    assert "2,000,000 monthly active users (assumed)" in text
    complete = render_markdown(build_record(parse_answers(FULL, "a.yaml"), kb, SMOL,
                                            today=dt.date(2026, 12, 7)))
    assert "Assumed, not answered" not in complete
    assert "(as declared)" in complete and "its users: employees" in complete


@pytest.mark.parametrize("written, value", [("2m", 2_000_000), ("'2,000,000'", 2_000_000),
                                            ("3e6", 3_000_000), ("50k", 50_000),
                                            ("2000000.0", 2_000_000), ("1.5b", 1_500_000_000)])
def test_users_take_the_forms_the_app_takes(written: str, value: int) -> None:
    answers = parse_answers(f"organization: {{domicile: DE, monthly_active_users: {written}}}\n",
                            "a.yaml")
    assert answers.organization.monthly_active_users == value


@pytest.mark.parametrize("written, value", [("2.5m", 2_500_000), ("'26,625,001'", 26_625_001),
                                            ("3e6", 3_000_000), ("1500.5", 1500.5)])
def test_revenue_takes_the_same_forms(written: str, value: float) -> None:
    answers = parse_answers(f"organization: {{domicile: DE, annual_revenue_usd: {written}}}\n",
                            "a.yaml")
    assert answers.organization.annual_revenue_usd == value


@pytest.mark.parametrize("field, written", [("monthly_active_users", "lots"),
                                            ("monthly_active_users", "2.5"),
                                            ("annual_revenue_usd", "a lot")])
def test_a_bad_number_names_the_field_and_the_accepted_forms(field: str, written: str) -> None:
    with pytest.raises(InputError) as err:
        parse_answers(f"organization: {{domicile: DE, {field}: '{written}'}}\n", "a.yaml")
    text = str(err.value)
    assert f"organization.{field}" in text and "\n" not in text
    assert "2m" in text or "whole" in text


def test_one_reader_for_the_app_and_the_file() -> None:
    from advisor.tui import formdata

    assert formdata.parse_count is parse_count
    assert parse_amount("26,625,000") == 26_625_000
    assert "3e6" in ACCEPTED_FORMS
