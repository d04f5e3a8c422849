"""Suites: shipped ones validate; a bad suite is refused with file:line (exit 2)."""

from __future__ import annotations

import pytest

from advisor.errors import InputError
from advisor.smoke.suites import (DEFAULT_CHECKS, load_suite, parse_suite, shipped_suites,
                                  suite_for_use_cases)
from tests.smoke.conftest import assert_one_line, run_cli

USE_CASE_SUITES = {"general", "coding", "summarization", "extraction", "multilingual", "refusal",
                   "support", "dialogue"}


def test_every_use_case_has_a_shipped_suite_that_validates():
    assert USE_CASE_SUITES <= set(shipped_suites())
    for name in shipped_suites():
        suite = load_suite(name, validate=True)
        assert suite.name == name
        assert suite.prompts
        for prompt in suite.prompts:
            # each prompt checks something about its content, beyond the defaults
            assert set(prompt.checks) - set(DEFAULT_CHECKS), (name, prompt.id)


def test_defaults_merge_and_prompt_keys_win():
    suite = parse_suite(
        "name: s\ndefaults:\n  max_tokens: 10\n  system: Be brief.\n"
        "  checks: {min_tokens: 2}\nprompts:\n"
        "  - id: a\n    prompt: hi\n    checks: {contains: x}\n"
        "  - id: b\n    prompt: yo\n    max_tokens: 5\n    system: null\n"
        "    checks: {min_tokens: 0}\n", "s.yaml")
    a, b = suite.prompts
    assert a.max_tokens == 10 and b.max_tokens == 5
    assert a.messages[0] == {"role": "system", "content": "Be brief."}
    assert [m["role"] for m in b.messages] == ["user"]
    assert a.checks["min_tokens"] == 2 and a.checks["contains"] == "x"
    assert b.checks["min_tokens"] == 0
    assert a.checks["max_latency_seconds"] == DEFAULT_CHECKS["max_latency_seconds"]


@pytest.mark.parametrize("text, line, words", [
    ("name: s\nprompts:\n  - id: a\n    prompt: hi\n    checks:\n      contain: x\n",
     6, "unknown key 'contain'"),
    ("name: s\nprompts:\n  - id: a\n    prompt: hi\n    max_tokens: lots\n", 5, "not of type"),
    ("name: s\nprompts:\n  - id: a\n    prompt: hi\n  - id: a\n    prompt: yo\n", 5,
     "duplicate prompt id 'a'"),
    ("name: s\nprompts:\n  - id: a\n    prompt: hi\n    checks: {regex: '(unclosed'}\n", 5,
     "bad regex"),
    ("name: s\nprompts:\n  - id: a\n", 3, "prompt"),
    ("name: s\nprompts: [\n", 3, "YAML syntax error"),
])
def test_bad_suite_names_file_and_line(text, line, words):
    with pytest.raises(InputError) as info:
        parse_suite(text, "bad.yaml")
    assert info.value.line == line, str(info.value)
    assert words in str(info.value)
    assert str(info.value).startswith(f"bad.yaml:{line}: ")


@pytest.mark.parametrize("setting, line, field, words", [
    ("defaults:\n  repeat: 21\n", 3, "defaults.repeat", "greater than the maximum of 20"),
    ("defaults:\n  repeat: 0\n", 3, "defaults.repeat", "less than the minimum of 1"),
    ("defaults:\n  repeat: 2.5\n", 3, "defaults.repeat", "not of type 'integer'"),
    ("defaults:\n  temperature: 2.5\n", 3, "defaults.temperature", "maximum of 2"),
    ("defaults:\n  temperature: -0.1\n", 3, "defaults.temperature", "minimum of 0"),
    ("defaults:\n  top_p: 0\n", 3, "defaults.top_p", "less than or equal to the minimum"),
    ("defaults:\n  top_p: 1.5\n", 3, "defaults.top_p", "maximum of 1"),
    ("defaults:\n  temperature: hot\n", 3, "defaults.temperature", "not of type 'number'"),
])
def test_bad_sampling_settings_name_file_line_and_key(setting, line, field, words):
    text = "name: s\n" + setting + "prompts:\n  - id: a\n    prompt: hi\n"
    with pytest.raises(InputError) as info:
        parse_suite(text, "bad.yaml")
    message = str(info.value)
    assert message.startswith(f"bad.yaml:{line}: ") and field in message and words in message
    assert "\n" not in message


def test_a_prompt_repeat_overrides_the_default_and_bounds_hold_there_too():
    suite = parse_suite("name: s\ndefaults: {repeat: 3, temperature: 0.7}\nprompts:\n"
                        "  - id: a\n    prompt: hi\n"
                        "  - id: b\n    prompt: yo\n    repeat: 1\n    temperature: 0\n",
                        "s.yaml")
    assert [p.id for p in suite.prompts] == ["a#1", "a#2", "a#3", "b"]
    assert [p.seed_offset for p in suite.prompts] == [0, 1, 2, 0]
    assert suite.prompts[0].top_p == 1.0 and suite.prompts[0].sampling(4) == {
        "temperature": 0.7, "top_p": 1.0, "seed": 4}
    assert suite.prompts[3].sampling(4) is None and "temperature" not in suite.prompts[3].to_job()
    with pytest.raises(InputError, match=r"^s\.yaml:4: .*prompts\[0\]\.repeat.*maximum of 20"):
        parse_suite("name: s\nprompts:\n  - id: a\n    repeat: 99\n    prompt: hi\n", "s.yaml")


def test_cli_refuses_an_out_of_bounds_repeat_with_exit_2(tmp_path, tiny_model):
    bad = tmp_path / "repeat.yaml"
    bad.write_text("name: r\ndefaults:\n  repeat: 50\nprompts:\n  - id: a\n    prompt: hi\n",
                   encoding="utf-8")
    result = run_cli("--gguf", str(tiny_model), "--suite", str(bad))
    assert result.code == 2
    line = assert_one_line(result)
    assert f"{bad}:3" in line and "repeat" in line and "maximum of 20" in line


def test_unknown_suite_name_lists_the_shipped_ones():
    with pytest.raises(InputError, match="shipped suites: .*general"):
        load_suite("no-such-suite")


def test_use_case_picks_a_suite(kb):
    use_cases = kb.use_cases
    assert suite_for_use_cases(["coding", "general_assistant"], use_cases) == "coding"
    assert suite_for_use_cases(["summarization"], use_cases) == "summarization"
    assert suite_for_use_cases(["customer_support"], use_cases) == "support"
    assert suite_for_use_cases(["games_entertainment"], use_cases) == "dialogue"
    assert suite_for_use_cases(["data_extraction"], use_cases) == "extraction"
    assert suite_for_use_cases(["social_scoring"], use_cases) == "refusal"
    assert suite_for_use_cases(["unheard_of"], use_cases) == "general"


def test_cli_bad_suite_file_exits_2_with_file_and_line(tmp_path, tiny_model):
    bad = tmp_path / "bad-suite.yaml"
    bad.write_text("name: mine\nprompts:\n  - id: one\n    prompt: hi\n"
                   "    checks:\n      min_tokens: -3\n", encoding="utf-8")
    result = run_cli("--gguf", str(tiny_model), "--suite", str(bad))
    assert result.code == 2
    line = assert_one_line(result)
    assert f"{bad}:6: prompts[0].checks.min_tokens:" in line


def test_cli_picks_the_suite_from_the_answers(tmp_path, run_advisor, smollm):
    import json

    answers = tmp_path / "answers.yaml"
    answers.write_text("organization: {domicile: US}\nuse_case: {categories: [summarization]}\n")
    proc = run_advisor("smoke", "--gguf", str(smollm), "--answers", str(answers), "--json",
                       "--no-hash", timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["suite"] == "summarization"
