"""The gates CI acts on, each with both outcomes: `assess --fail-on`, unknown `--models`
ids (`--allow-unknown`), `record` for a blocked or unknown model (`--accept`), and
`pull --answers` (`--force`, an organization policy in `--profiles`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.cli import check_one_line_error, run_advisor_in
from tests.fixtures.hub_server import HubRepo, serve_hub
from tests.fixtures.tiny_gguf import write_tiny_gguf

HOSTED = """\
organization: {domicile: DE, monthly_active_users: 50000}
deployment: {regions: [DE], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant]}
"""
HUGE = """\
organization: {domicile: US, monthly_active_users: 800000000}
deployment: {regions: [US], mode: hosted_service, commercial: true}
use_case: {categories: [general_assistant]}
"""
NC_ONLY = "LGAI-EXAONE/EXAONE-3.5-2.4B-Instruct"       # research-only, non-commercial
APACHE = "Qwen/Qwen3-8B"
LLAMA_GGUF = "someone/Llama-3.2-1B-Instruct-GGUF"


def run(tmp: Path, *args: str, env: dict | None = None):
    return run_advisor_in(tmp, *args, env=env, timeout=180)


@pytest.fixture
def hosted(tmp_path: Path) -> Path:
    path = tmp_path / "hosted.yaml"
    path.write_text(HOSTED)
    return path


# ------------------------------------------------------------------ assess --fail-on

def test_fail_on_exits_1_after_printing_and_0_when_no_verdict_matches(tmp_path, hosted):
    both = f"{NC_ONLY},{APACHE}"
    failed = run(tmp_path, "assess", "--answers", hosted, "--models", both, "--json",
                 "--fail-on", "blocked")
    assert failed.returncode == 1, failed.stderr
    doc = json.loads(failed.stdout)                       # the result is printed as usual
    assert {c["model"]: c["verdict"] for c in doc["candidates"]}[NC_ONLY] == "blocked"
    assert f"--fail-on blocked: 1 model is blocked: {NC_ONLY}" in failed.stderr
    passed = run(tmp_path, "assess", "--answers", hosted, "--models", APACHE,
                 "--fail-on", "blocked,unknown")
    assert passed.returncode == 0, passed.stderr
    assert APACHE in passed.stdout
    conditional = run(tmp_path, "assess", "--answers", hosted, "--models", APACHE, "--json",
                      "--fail-on", "conditional")
    (candidate,) = json.loads(conditional.stdout)["candidates"]
    assert candidate["verdict"] == "conditional"            # the EU's Art. 50 duties
    assert conditional.returncode == 1, conditional.stderr


def test_fail_on_rejects_a_verdict_it_does_not_know(tmp_path, hosted):
    proc = run(tmp_path, "assess", "--answers", hosted, "--fail-on", "blocked,allowed")
    check_one_line_error(proc, "--fail-on", "unknown verdict 'allowed'")


def test_a_mistyped_model_id_is_exit_2_with_the_closest_profiled_ids(tmp_path, hosted):
    proc = run(tmp_path, "assess", "--answers", hosted, "--models", "qwen/qwen3-8c")
    line = check_one_line_error(proc, "--models", "qwen/qwen3-8c",
                                "neither profiled nor found on the Hub", "did you mean")
    assert "Qwen/Qwen3-8B" in line and "HF_HUB_OFFLINE" in line
    allowed = run(tmp_path, "assess", "--answers", hosted, "--models", "qwen/qwen3-8c",
                  "--allow-unknown", "--json", "--fail-on", "unknown")
    assert allowed.returncode == 1, allowed.stderr          # assessed, and unknown
    assert json.loads(allowed.stdout)["candidates"][0]["verdict"] == "unknown"
    kept = run(tmp_path, "assess", "--answers", hosted, "--models", "qwen/qwen3-8c",
               "--allow-unknown")
    assert kept.returncode == 0 and "UNKNOWN" in kept.stdout, kept.stderr


def test_an_id_the_hub_has_passes_and_one_it_lacks_is_exit_2(tmp_path, hosted):
    gguf = write_tiny_gguf(tmp_path / "w-Q8_0.gguf")
    repos = {"someone/Widget": HubRepo(files={"w-Q8_0.gguf": gguf},
                                       card_data={"license": "apache-2.0"})}
    with serve_hub(repos) as hub:
        env = {**hub.env(tmp_path), "HF_HUB_OFFLINE": "0"}
        found = run_advisor_in(tmp_path, "assess", "--answers", str(hosted), "--models",
                               "someone/Widget", "--json", env=env)
        missing = run_advisor_in(tmp_path, "assess", "--answers", str(hosted), "--models",
                                 "someone/Widgte", env=env)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["candidates"][0]["licenses"] == ["apache-2.0"]
    check_one_line_error(missing, "someone/Widgte", "no such repository on the Hub")


# ------------------------------------------------------------------ record --accept

def test_record_refuses_a_blocked_model_unless_an_exception_is_accepted(tmp_path, hosted):
    out = tmp_path / "out"
    refused = run(tmp_path, "record", "--answers", hosted, "--model", NC_ONLY, "--out", out)
    line = check_one_line_error(refused, NC_ONLY, "is blocked", "commercial_use",
                                "--accept", status=1)
    assert "nothing written" in line
    assert not out.exists() or not any(out.iterdir())
    no_decider = run(tmp_path, "record", "--answers", hosted, "--model", NC_ONLY, "--out", out,
                     "--accept", "pilot")
    check_one_line_error(no_decider, "--accept", "--decider")
    accepted = run(tmp_path, "record", "--answers", hosted, "--model", NC_ONLY, "--out", out,
                   "--format", "md,json", "--accept", "A six-week pilot; LG's written "
                   "permission is being negotiated", "--decider", "Ana Ruiz (CTO)")
    assert accepted.returncode == 0, accepted.stderr
    assert "carries the exception" in accepted.stderr
    data = json.loads(next(out.glob("*.json")).read_text())
    exception = data["exception"]
    assert exception["verdict"] == "blocked" and exception["accepted_by"] == ["Ana Ruiz (CTO)"]
    assert exception["reason"].startswith("A six-week pilot")
    assert {f["code"] for f in exception["findings"]} >= {"commercial_use"}
    text = next(out.glob("*.md")).read_text()
    assert "**Exception accepted** by Ana Ruiz (CTO)" in text
    assert "Reason given: A six-week pilot" in text and "* Overridden: " in text


def test_record_of_a_usable_model_needs_no_exception(tmp_path, hosted):
    out = tmp_path / "out"
    proc = run(tmp_path, "record", "--answers", hosted, "--model", APACHE, "--out", out,
               "--format", "json", "--accept", "not needed", "--decider", "Ana")
    assert proc.returncode == 0, proc.stderr
    assert "--accept ignored" in proc.stderr
    assert json.loads(next(out.glob("*.json")).read_text())["exception"] is None


def test_record_refuses_an_unknown_model(tmp_path, hosted):
    refused = run(tmp_path, "record", "--answers", hosted, "--model", "someone/not-profiled",
                  "--out", tmp_path / "o")
    check_one_line_error(refused, "someone/not-profiled is unknown", "unknown_model", status=1)


# ------------------------------------------------------------------ pull --answers

@pytest.fixture(scope="module")
def llama_hub(tmp_path_factory):
    gguf = write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "Llama-3.2-1B-Instruct-F32.gguf")
    repos = {
        "meta-llama/Llama-3.2-1B-Instruct": HubRepo(
            files={"config.json": b"{}"}, card_data={"license": "llama3.2"}),
        LLAMA_GGUF: HubRepo(
            files={gguf.name: gguf},
            card_data={"license": "llama3.2", "base_model": "meta-llama/Llama-3.2-1B-Instruct"},
            tags=["gguf", "base_model:quantized:meta-llama/Llama-3.2-1B-Instruct"]),
    }
    with serve_hub(repos) as hub:
        yield hub


def online(hub, tmp_path: Path) -> dict:
    return {**hub.env(tmp_path), "HF_HUB_OFFLINE": None}


def _cached(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "hf_home").rglob("*.gguf")]


def test_pull_refuses_what_the_answers_block_and_force_overrides(llama_hub, tmp_path):
    answers = tmp_path / "huge.yaml"
    answers.write_text(HUGE)
    env = online(llama_hub, tmp_path)
    refused = run_advisor_in(tmp_path, "pull", LLAMA_GGUF, "--answers", answers, env=env)
    line = check_one_line_error(refused, LLAMA_GGUF, "is blocked for these answers",
                                "--force", status=1)
    assert "700" in line or "monthly active users" in line, line      # the finding, named
    assert _cached(tmp_path) == []
    forced = run_advisor_in(tmp_path, "pull", LLAMA_GGUF, "--answers", answers, "--force",
                            env=env)
    assert forced.returncode == 0, forced.stderr
    assert "--force: pulling although" in forced.stderr
    assert Path(forced.stdout.strip().splitlines()[-1]).is_file()


def test_pull_lets_through_what_the_answers_allow(llama_hub, tmp_path, hosted):
    proc = run_advisor_in(tmp_path, "pull", LLAMA_GGUF, "--answers", hosted,
                          env=online(llama_hub, tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip().splitlines()[-1]).is_file()


def test_pull_applies_the_organizations_policy(llama_hub, tmp_path, hosted):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "acme.yaml").write_text(
        "schema: advisor.policy/1\nid: acme\ntitle: ACME AI policy\nchecked: 2026-11-01\n"
        "rules:\n  - code: organization_policy\n    severity: block\n"
        "    when: {license_osi_approved: false}\n"
        "    message: ACME adopts only models under OSI-approved licenses.\n"
        "    source: {section: '2.1', url: 'https://intranet.acme.example/ai-policy'}\n")
    proc = run_advisor_in(tmp_path, "pull", LLAMA_GGUF, "--answers", hosted, "--profiles",
                          policies, env=online(llama_hub, tmp_path))
    check_one_line_error(proc, "organization_policy", "ACME adopts only", status=1)
    assert _cached(tmp_path) == []
