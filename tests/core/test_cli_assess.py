"""`advisor assess` as a user runs it: a real process, the shipped profiles."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fixtures.cli import clean_env

EXAMPLE = """\
organization: {domicile: DE, monthly_active_users: 2000000}
deployment: {regions: [EU, US], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant]}
"""


@pytest.fixture
def answers_file(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(EXAMPLE)
    return path


def test_json_is_one_document_with_every_profiled_model(answers_file, run_advisor):
    proc = run_advisor("assess", "--answers", str(answers_file), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "advisor.assessment/1"
    assert doc["answers"]["deployment"]["regions"][0] == "AT"
    models = {c["model"] for c in doc["candidates"]}
    assert "meta-llama/Llama-3.2-1B-Instruct" in models and len(models) >= 44
    assert {c["verdict"] for c in doc["candidates"]} <= {"allowed", "conditional", "blocked", "unknown"}


def test_models_are_matched_case_insensitively(answers_file, run_advisor):
    proc = run_advisor("assess", "--answers", str(answers_file), "--json",
                   "--models", "META-LLAMA/llama-3.2-1b-instruct,qwen/qwen3-8b")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted(c["model"] for c in doc["candidates"]) == [
        "Qwen/Qwen3-8B", "meta-llama/Llama-3.2-1B-Instruct"]


def test_readable_table_lists_worst_first(answers_file, run_advisor):
    proc = run_advisor("assess", "--answers", str(answers_file))
    assert proc.returncode == 0, proc.stderr
    lines = [l for l in proc.stdout.splitlines() if l.split()[:1] and l.split()[0] in
             ("BLOCKED", "UNKNOWN", "CONDITIONAL", "ALLOWED")]
    order = ["BLOCKED", "UNKNOWN", "CONDITIONAL", "ALLOWED"]
    ranks = [order.index(l.split()[0]) for l in lines]
    assert ranks == sorted(ranks) and len(lines) >= 44


@pytest.mark.parametrize("content, fragment", [
    ("organization: {domicile: DE}\ndeployment: {mode: cloud}\n", "answers.yaml:2: deployment.mode"),
    ("organization: [\n", "YAML syntax error"),
    ("deployment: {mode: internal}\n", "organization.domicile: is required"),
    ("organization: {domicile: DE}\nuse_case: {categories: [astrology]}\n", "unknown use case"),
])
def test_bad_answers_exit_2_with_one_line(tmp_path, content, fragment, run_advisor,
                                          assert_one_line_error):
    path = tmp_path / "answers.yaml"
    path.write_text(content)
    proc = run_advisor("assess", "--answers", str(path))
    assert proc.stdout == ""
    assert_one_line_error(proc, fragment, status=2)


def test_missing_answers_file_exit_2(tmp_path, run_advisor, assert_one_line_error):
    proc = run_advisor("assess", "--answers", str(tmp_path / "none.yaml"))
    assert_one_line_error(proc, "none.yaml", "no such file", status=2)


def test_assess_imports_neither_textual_nor_llama_cpp(tmp_path, answers_file):
    code = ("import sys; from advisor.cli import main; main(['assess', '--answers', %r, '--json']);"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'llama_cpp')];"
            "sys.stderr.write('IMPORTED:' + ','.join(bad))") % str(answers_file)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=clean_env(tmp_path), timeout=120)
    assert "IMPORTED:" in proc.stderr
    assert proc.stderr.split("IMPORTED:")[1].strip() == ""


def test_user_policy_takes_part_in_the_verdict(tmp_path, answers_file, run_advisor):
    policy = tmp_path / "policies" / "acme.yaml"
    policy.parent.mkdir()
    policy.write_text(
        "schema: advisor.policy/1\nid: acme\ntitle: ACME policy\nrules:\n"
        "  - code: organization_policy\n    severity: block\n"
        "    when: {license_osi_approved: false}\n"
        "    message: ACME uses only OSI-approved licenses.\n"
        "    source: {section: '2.1'}\n")
    proc = run_advisor("assess", "--answers", str(answers_file), "--json", "--profiles",
                   str(tmp_path / "policies"), "--models",
                   "meta-llama/Llama-3.1-8B-Instruct,HuggingFaceTB/SmolLM2-135M-Instruct")
    assert proc.returncode == 0, proc.stderr
    doc = {c["model"]: c for c in json.loads(proc.stdout)["candidates"]}
    assert doc["meta-llama/Llama-3.1-8B-Instruct"]["verdict"] == "blocked"
    assert any(f["code"] == "organization_policy"
               for f in doc["meta-llama/Llama-3.1-8B-Instruct"]["findings"])
    assert doc["HuggingFaceTB/SmolLM2-135M-Instruct"]["verdict"] != "blocked"


def test_profiles_check_reports_problems_with_line(tmp_path, run_advisor):
    bad = tmp_path / "lic.yaml"
    bad.write_text("schema: advisor.license/1\nid: x\ntitle: X\nurl: https://x.org\n"
                   "checked: 2026-11-23\nrules:\n  - code: notice\n    severity: sometimes\n"
                   "    message: m\n    source: {url: https://x.org}\n")
    proc = run_advisor("profiles", "check", str(tmp_path))
    assert proc.returncode == 2
    assert f"{bad}:8: rules[0].severity" in proc.stderr
