"""The Hub renames what was asked (issue 23, item 7): a reply whose ``id`` names another
repo, a shipped model above all, must not pass for it. The stand-in Hub on 127.0.0.1
answers for ``evil/m`` with the id of a profiled Llama under apache-2.0, or with an id
without ``/``; every command keeps the id asked and says the Hub answered for another."""

from __future__ import annotations

import json

import pytest

from advisor.hub.facts import reply_id
from tests.fixtures.hub_server import HubRepo
from tests.hub.conftest import run_cli

ASKED = "evil/m"
SHIPPED = "meta-llama/Llama-3.1-8B-Instruct"


@pytest.fixture
def renaming_hub(hub_server, tmp_path):
    """A Hub whose reply for evil/m names another repo: ``renaming_hub(reply_id) -> env``."""
    def start(replied: str) -> dict:
        repo = HubRepo(card_data={"license": "apache-2.0"}, info_overrides={"id": replied})
        return hub_server({ASKED: repo}).env(tmp_path)
    return start


@pytest.mark.parametrize("replied", [SHIPPED, "noslash", "x\u202e/y\x1b[2J"])
def test_hub_info_keeps_the_id_asked(renaming_hub, tmp_path, replied):
    env = renaming_hub(replied)
    proc = run_cli(["hub", "info", ASKED, "--json"], env)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["repo_id"] == doc["facts"]["repo_id"] == ASKED
    assert doc["profile"] is None and doc["assessment"]["model"] == ASKED
    assert "\x1b" not in proc.stdout + proc.stderr and "\u202e" not in proc.stderr
    notes = [ln for ln in proc.stderr.splitlines() if "the Hub answered for" in ln]
    assert len(notes) == 1 and ASKED in notes[0]


def test_assess_never_credits_the_reply_to_a_shipped_profile(renaming_hub, tmp_path):
    env = renaming_hub(SHIPPED)
    answers = tmp_path / "answers.yaml"
    answers.write_text("organization: {domicile: DE, monthly_active_users: 900000000}\n"
                       "deployment: {regions: [DE], mode: hosted_service}\n", encoding="utf-8")
    proc = run_cli(["assess", "--answers", str(answers), "--models", ASKED, "--json"], env)
    assert proc.returncode == 0, proc.stderr
    (candidate,) = json.loads(proc.stdout)["candidates"]
    assert candidate["model"] == ASKED
    assert candidate["model"] != SHIPPED and "llama" not in " ".join(candidate["licenses"])
    assert f"the Hub answered for {SHIPPED}" in proc.stderr


def test_profiles_draft_writes_the_id_asked(renaming_hub, tmp_path):
    env = renaming_hub(SHIPPED)
    out = tmp_path / "draft.yaml"
    proc = run_cli(["profiles", "draft", ASKED, "--out", str(out)], env)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert f"id: {ASKED}" in text and SHIPPED not in text.split("base_model")[0]
    assert f"the Hub answered for {SHIPPED}" in proc.stderr


def test_profiles_draft_of_an_id_without_owner_is_a_clean_exit_2(hub_server, tmp_path):
    env = hub_server({"gpt2": HubRepo(card_data={"license": "mit"})}).env(tmp_path)
    proc = run_cli(["profiles", "draft", "gpt2"], env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "owner/name" in proc.stderr


def test_only_a_difference_of_case_takes_the_hubs_spelling():
    assert reply_id("qwen/qwen3-8b", "Qwen/Qwen3-8B") == ("Qwen/Qwen3-8B", None)
    assert reply_id(ASKED, SHIPPED) == (ASKED, SHIPPED)
    assert reply_id("gpt2", "openai-community/gpt2") == ("gpt2", "openai-community/gpt2")
