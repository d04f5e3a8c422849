"""User profiles that replace shipped ids are announced; duplicates and non-finite numbers
are errors (issue 14 item 2).

    pytest tests/knowledge/test_overrides.py -q
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.knowledge import load_knowledge
from advisor.knowledge.load import check_profiles, profile_dirs
from advisor.config import PROFILES_DIR

EMPTY_EU = """\
schema: advisor.jurisdiction/1
id: EU
title: A redefined EU
members: [MT]
checked: 2026-11-23
"""

SOCIAL_SCORING = """\
organization: {domicile: DE}
deployment: {regions: [DE], mode: hosted_service, commercial: true}
use_case: {categories: [social_scoring]}
"""

MIT_AGAIN = (PROFILES_DIR / "licenses" / "mit.yaml").read_text(encoding="utf-8")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_replaced_id_is_listed_with_file_and_hash(tmp_path: Path) -> None:
    eu = _write(tmp_path, "eu.yaml", EMPTY_EU)
    mit = _write(tmp_path, "sub/mit.yaml", MIT_AGAIN + "# mine\n")
    kb = load_knowledge([tmp_path])
    got = {(o.kind, o.id): o for o in kb.overrides}
    assert set(got) == {("jurisdiction", "EU"), ("license", "mit")}
    assert got["jurisdiction", "EU"].file == str(eu)
    assert got["jurisdiction", "EU"].sha256 == hashlib.sha256(eu.read_bytes()).hexdigest()
    assert got["jurisdiction", "EU"].replaced_file == str(PROFILES_DIR / "jurisdictions" / "eu.yaml")
    assert got["license", "mit"].file == str(mit)
    assert any("'mit'" in n and str(mit) in n for n in kb.override_notes())


def test_shipped_profiles_alone_override_nothing(kb) -> None:
    assert kb.overrides == ()


def test_assess_announces_the_override_on_stderr_and_in_notes(tmp_path: Path, run_advisor) -> None:
    profiles = tmp_path / "mine"
    eu = _write(profiles, "eu.yaml", EMPTY_EU)
    answers = _write(tmp_path, "answers.yaml", SOCIAL_SCORING)
    proc = run_advisor("assess", "--answers", str(answers), "--models", "Qwen/Qwen3-8B",
                       "--profiles", str(profiles), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    sha = hashlib.sha256(eu.read_bytes()).hexdigest()
    notes = [n for n in doc["notes"] if "override" in n]
    assert len(notes) == 1 and "'EU'" in notes[0] and str(eu) in notes[0] and sha in notes[0]
    assert "'EU'" in proc.stderr and str(eu) in proc.stderr
    # without the user's EU the ban on social scoring decides
    plain = run_advisor("assess", "--answers", str(answers), "--models", "Qwen/Qwen3-8B", "--json")
    assert json.loads(plain.stdout)["candidates"][0]["verdict"] == "blocked"
    assert not [n for n in json.loads(plain.stdout)["notes"] if "override" in n]
    assert "override" not in plain.stderr


def test_models_command_announces_too(tmp_path: Path, run_advisor) -> None:
    _write(tmp_path, "mit.yaml", MIT_AGAIN)
    proc = run_advisor("models", "--json", "--profiles", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "license 'mit'" in proc.stderr


FAMILY = """\
schema: advisor.model-family/1
family: Mine
vendor: Me
models:
  - id: me/model-a
    licenses: [mit]
  - id: me/model-b
    licenses: [mit]
  - id: Me/Model-A
    licenses: [mit]
"""


def test_duplicate_model_ids_in_one_directory_are_an_error(tmp_path: Path,
                                                           assert_one_line_error, run_advisor) -> None:
    _write(tmp_path, "mine.yaml", FAMILY)
    _, problems = check_profiles(profile_dirs([tmp_path]))
    lines = [p.one_line() for p in problems]
    assert len(lines) == 1 and "'Me/Model-A' is defined twice" in lines[0]
    assert lines[0].startswith(f"{tmp_path / 'mine.yaml'}:9: models[2].id")
    proc = run_advisor("profiles", "check", str(tmp_path))
    assert proc.returncode == 2 and "defined twice" in proc.stderr


def test_same_model_in_two_files_of_one_directory(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", FAMILY.replace("  - id: Me/Model-A\n    licenses: [mit]\n", ""))
    _write(tmp_path, "deep/b.yaml", "schema: advisor.model-family/1\nfamily: X\nvendor: Y\n"
                                    "models:\n  - id: me/model-b\n    licenses: [mit]\n")
    _, problems = check_profiles(profile_dirs([tmp_path]))
    assert [p.field for p in problems] == ["models[0].id"]
    assert "defined twice" in problems[0].message


def test_a_user_model_over_a_shipped_one_is_an_override(tmp_path: Path) -> None:
    _write(tmp_path, "qwen.yaml", "schema: advisor.model-family/1\nfamily: X\nvendor: Y\n"
                                  "models:\n  - id: qwen/qwen3-8b\n    licenses: [mit]\n")
    kb = load_knowledge([tmp_path])
    assert [(o.kind, o.id) for o in kb.overrides] == [("model", "qwen/qwen3-8b")]


RULE = """\
schema: advisor.policy/1
id: acme
title: ACME
checked: 2026-11-23
rules:
  - code: organization_policy
    severity: block
    when: {{mau_over: {value}}}
    message: Too big.
"""


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_non_finite_number_in_a_rule_is_an_error(tmp_path: Path, value: str) -> None:
    path = _write(tmp_path, "acme.yaml", RULE.format(value=value))
    with pytest.raises(InputError) as caught:
        load_knowledge([tmp_path])
    assert caught.value.line == 8
    assert "rules[0].when.mau_over" in str(caught.value)
    assert "finite" in str(caught.value) and str(path) in str(caught.value)


def test_non_finite_number_nested_in_any(tmp_path: Path) -> None:
    _write(tmp_path, "acme.yaml", RULE.format(value="1").replace(
        "{mau_over: 1}", "{any: [{mau_over: 5}, {training_flop_over: .inf}]}"))
    _, problems = check_profiles(profile_dirs([tmp_path]))
    assert [p.field for p in problems] == ["rules[0].when.any[1].training_flop_over"]


def test_non_finite_model_number_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "m.yaml", "schema: advisor.model-family/1\nfamily: X\nvendor: Y\n"
                               "models:\n  - id: me/m\n    licenses: [mit]\n    parameters: .nan\n")
    _, problems = check_profiles(profile_dirs([tmp_path]))
    assert [(p.line, p.field) for p in problems] == [(7, "models[0].parameters")]


def test_osi_flag_must_agree_with_the_spdx_list(tmp_path: Path) -> None:
    _write(tmp_path, "mit.yaml", MIT_AGAIN.replace("osi_approved: true", "osi_approved: false"))
    _, problems = check_profiles(profile_dirs([tmp_path]))
    assert [p.field for p in problems] == ["osi_approved"]
    assert "SPDX License List" in problems[0].message


def test_record_names_the_overriding_file_and_hash(tmp_path: Path, run_advisor) -> None:
    profiles = tmp_path / "mine"
    eu = _write(profiles, "eu.yaml", EMPTY_EU)
    answers = _write(tmp_path, "answers.yaml", SOCIAL_SCORING)
    out = tmp_path / "rec"
    proc = run_advisor("record", "--answers", str(answers), "--model", "Qwen/Qwen3-8B",
                       "--profiles", str(profiles), "--format", "md,json", "--out", str(out),
                       "--offline")
    assert proc.returncode == 0, proc.stderr
    assert "'EU'" in proc.stderr
    sha = hashlib.sha256(eu.read_bytes()).hexdigest()
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert data["reproducibility"]["profile_overrides"] == [
        {"kind": "jurisdiction", "id": "EU", "file": str(eu), "sha256": sha,
         "replaced_file": str(PROFILES_DIR / "jurisdictions" / "eu.yaml")}]
    markdown = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "profile override" in markdown and sha in markdown


def test_override_from_a_file_named_with_escapes_is_shown_escaped(tmp_path: Path,
                                                                   run_advisor) -> None:
    profiles = tmp_path / "mine"
    _write(profiles, "eu\x1b]0;pwned\x07\u009b2J.yaml", EMPTY_EU)
    answers = _write(tmp_path, "answers.yaml", SOCIAL_SCORING)
    proc = run_advisor("assess", "--answers", str(answers), "--models", "Qwen/Qwen3-8B",
                       "--profiles", str(profiles), "--json")
    assert proc.returncode == 0, proc.stderr
    for text in (proc.stdout, proc.stderr):
        assert "\x1b" not in text and "\x07" not in text and "\u009b" not in text
    (note,) = [n for n in json.loads(proc.stdout)["notes"] if "override" in n]
    assert "eu\\x1b]0;pwned\\x07\\x9b2J.yaml" in note
