"""The shared runner gives the CLI a clean environment and the checker is strict."""

from __future__ import annotations

import subprocess

import pytest

from tests.fixtures.cli import clean_env


def test_developer_credentials_and_caches_never_reach_the_child(monkeypatch, tmp_path):
    for key, value in {"HF_TOKEN": "hf_developerSecret", "HF_HOME": "/home/dev/.cache/hf",
                       "HF_ENDPOINT": "https://hub.example", "HUGGING_FACE_HUB_TOKEN": "x",
                       "HF_HUB_OFFLINE": "0", "ADVISOR_ENDPOINT_KEY": "sk-dev"}.items():
        monkeypatch.setenv(key, value)
    env = clean_env(tmp_path)
    assert env["HF_HUB_OFFLINE"] == "1"
    assert env["HF_HOME"] == str(tmp_path / "hf_home") and env["HOME"] == str(tmp_path / "home")
    assert not {"HF_TOKEN", "HF_ENDPOINT", "HUGGING_FACE_HUB_TOKEN", "ADVISOR_ENDPOINT_KEY"} & set(env)
    online = clean_env(tmp_path, {"HF_HUB_OFFLINE": None, "HF_TOKEN": "hf_test"})
    assert "HF_HUB_OFFLINE" not in online and online["HF_TOKEN"] == "hf_test"


def test_runner_runs_the_cli_offline(run_advisor, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    proc = run_advisor("hub", "info", "Qwen/Qwen3-8B")
    assert proc.returncode == 1 and "HF_HUB_OFFLINE is set" in proc.stderr, proc.stderr


def test_one_line_checker_refuses_tracebacks_and_wrong_status(assert_one_line_error):
    ok = subprocess.CompletedProcess([], 2, "", "advisor: a.yaml: line 3: bad\n")
    assert assert_one_line_error(ok, "a.yaml", "line 3") == "advisor: a.yaml: line 3: bad"
    for proc in (subprocess.CompletedProcess([], 1, "", "advisor: a.yaml: bad\n"),
                 subprocess.CompletedProcess([], 2, "", "Traceback (most recent call last)\n"),
                 subprocess.CompletedProcess([], 2, "", "advisor: one\nadvisor: two\n")):
        with pytest.raises(AssertionError):
            assert_one_line_error(proc, "a.yaml")


def test_kb_is_the_shipped_knowledge_base(kb):
    assert "qwen/qwen3-8b" in kb.models and "bigscience/bloom" in kb.models  # keys are lower-case
