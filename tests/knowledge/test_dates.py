"""Dates: a rule whose provision applies from a later date says so and cannot block yet.

The assessment takes "today" only as an input (`assess(..., today=...)`); the commands
pass the current date. Both sides are tested with a user's `--profiles` directory whose
rules apply from yesterday and from tomorrow, never by editing shipped dates.

    pytest tests/knowledge/test_dates.py -q
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from advisor.answers import parse_answers
from advisor.assessment import assess
from advisor.knowledge import load_knowledge

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"      # Apache-2.0: no license findings interfere
ORIGIN = "jurisdiction:TEST-DATES"
ANSWERS = {
    "organization": {"domicile": "NG", "monthly_active_users": 10},
    "deployment": {"regions": ["NG"], "mode": "hosted_service", "commercial": True},
    "use_case": {"categories": ["coding"]},
}


def _rule(section: str, in_force: dt.date) -> dict:
    return {"code": "prohibited_practice", "severity": "block",
            "when": {"use_cases_any": ["coding"]},
            "message": f"Coding assistants are banned ({section}).",
            "quote": "No coding assistant shall be offered.",
            "in_force": in_force.isoformat(),
            "source": {"section": section, "url": "https://law.example/act"}}


def _profiles(tmp_path: Path, today: dt.date) -> Path:
    """A jurisdiction for Nigeria with one rule in force since yesterday and one that
    applies from tomorrow."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "dates.yaml").write_text(yaml.safe_dump({
        "schema": "advisor.jurisdiction/1", "id": "TEST-DATES", "title": "Dated test law",
        "members": ["NG"], "checked": today.isoformat(),
        "rules": [_rule("s. 1 (yesterday)", today - dt.timedelta(days=1)),
                  _rule("s. 2 (tomorrow)", today + dt.timedelta(days=1))],
    }))
    return folder


def _by_section(findings: list[dict]) -> dict[str, dict]:
    return {f["source"]["section"]: f for f in findings if f.get("origin") == ORIGIN}


def test_engine_dates_rules_against_the_today_it_is_given(tmp_path: Path) -> None:
    day = dt.date(2030, 6, 15)
    kb = load_knowledge([_profiles(tmp_path, day)])
    answers = parse_answers(yaml.safe_dump(ANSWERS), "a.yaml")
    result = assess(answers, kb, model_ids=[SMOL], today=day.isoformat())
    found = _by_section([f.to_dict() for f in result.candidates[0].findings])
    before, after = found["s. 1 (yesterday)"], found["s. 2 (tomorrow)"]
    assert before["severity"] == "block" and "upcoming" not in before
    assert before["message"] == "Coding assistants are banned (s. 1 (yesterday))."
    assert before["in_force"] == "2030-06-14" and before["quote"]
    assert after["severity"] == "condition" and after["upcoming"] is True
    assert after["message"] == ("From 2030-06-16 (not yet in force): Coding assistants are "
                                "banned (s. 2 (tomorrow)).")
    assert after["in_force"] == "2030-06-16"
    assert result.to_dict()["today"] == "2030-06-15"
    assert result.candidates[0].verdict == "blocked"      # by the rule already in force


def test_a_day_later_the_upcoming_rule_applies_as_written(tmp_path: Path) -> None:
    kb = load_knowledge([_profiles(tmp_path, dt.date(2030, 6, 15))])
    answers = parse_answers(yaml.safe_dump(ANSWERS), "a.yaml")
    found = _by_section([f.to_dict() for f in assess(answers, kb, model_ids=[SMOL],
                                                     today="2030-06-16").candidates[0].findings])
    assert found["s. 2 (tomorrow)"]["severity"] == "block"
    assert "upcoming" not in found["s. 2 (tomorrow)"]
    assert not found["s. 2 (tomorrow)"]["message"].startswith("From ")


def test_without_today_no_date_is_compared(tmp_path: Path) -> None:
    kb = load_knowledge([_profiles(tmp_path, dt.date(2030, 6, 15))])
    answers = parse_answers(yaml.safe_dump(ANSWERS), "a.yaml")
    result = assess(answers, kb, model_ids=[SMOL])
    found = _by_section([f.to_dict() for f in result.candidates[0].findings])
    assert {f["severity"] for f in found.values()} == {"block"}
    assert "today" not in result.to_dict()


def test_a_bad_today_is_refused(tmp_path: Path) -> None:
    kb = load_knowledge([_profiles(tmp_path, dt.date(2030, 6, 15))])
    answers = parse_answers(yaml.safe_dump(ANSWERS), "a.yaml")
    with pytest.raises(ValueError):
        assess(answers, kb, model_ids=[SMOL], today="15/06/2030")


def test_the_assess_command_passes_the_current_date(run_advisor, tmp_path: Path) -> None:
    today = dt.datetime.now(dt.timezone.utc).date()
    profiles = _profiles(tmp_path, today)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(ANSWERS))
    proc = run_advisor("assess", "--answers", str(answers), "--profiles", str(profiles),
                       "--models", SMOL, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    tomorrow_iso = (today + dt.timedelta(days=1)).isoformat()
    assert doc["today"] in (today.isoformat(), tomorrow_iso)    # the clock, at the edge
    found = _by_section(doc["candidates"][0]["findings"])
    assert found["s. 1 (yesterday)"]["severity"] == "block"
    assert "upcoming" not in found["s. 1 (yesterday)"]
    tomorrow = found["s. 2 (tomorrow)"]
    if doc["today"] == tomorrow_iso:                 # the run crossed midnight (UTC)
        assert tomorrow["severity"] == "block" and "upcoming" not in tomorrow
    else:
        assert tomorrow["severity"] == "condition" and tomorrow["upcoming"] is True
        assert tomorrow["message"].startswith(f"From {tomorrow_iso} (not yet in force): ")


def test_a_record_is_dated_by_its_own_date(tmp_path: Path) -> None:
    from advisor.record import build_record

    day = dt.date(2030, 6, 15)
    kb = load_knowledge([_profiles(tmp_path, day)])
    answers = parse_answers(yaml.safe_dump(ANSWERS), "a.yaml")
    record = build_record(answers, kb, SMOL, today=day)
    assert record.data["date"] == "2030-06-15"
    found = _by_section(record.data["chosen"]["findings"])
    assert found["s. 2 (tomorrow)"]["upcoming"] is True
    assert found["s. 2 (tomorrow)"]["in_force"] == "2030-06-16"
    later = build_record(answers, kb, SMOL, today=dt.date(2030, 6, 16))
    assert "upcoming" not in _by_section(later.data["chosen"]["findings"])["s. 2 (tomorrow)"]
