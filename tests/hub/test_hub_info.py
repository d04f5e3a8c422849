"""``advisor hub info`` prints the Hub facts and the assessment of the repo."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.hub_server import serve_hub
from tests.hub.conftest import run_cli, standard_repos


@pytest.fixture(scope="module")
def hub(tiny_path, sparse_path, smollm):
    with serve_hub(standard_repos(tiny_path, sparse_path, smollm)) as server:
        yield server


def test_hub_info_json_has_facts_and_assessment(hub, tmp_path):
    r = run_cli(["hub", "info", "someone/Llama-3.2-1B-Instruct-GGUF", "--json"], hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["facts"]["base_chain"][0]["repo_id"] == "meta-llama/Llama-3.2-1B-Instruct"
    assert doc["assessment"]["model"].lower() == "someone/llama-3.2-1b-instruct-gguf"
    assert doc["assessment"]["verdict"] in ("blocked", "conditional", "allowed", "unknown")
    # apache-2.0 declared on a quantization of a Llama 3.2 model: never plainly allowed
    assert doc["assessment"]["verdict"] != "allowed"


def test_hub_info_human_output(hub, tmp_path):
    r = run_cli(["hub", "info", "someone/Llama-3.2-1B-Instruct-GGUF"], hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "meta-llama/Llama-3.2-1B-Instruct" in r.stdout and "verdict" in r.stdout


def test_hub_info_missing_repo(hub, tmp_path):
    r = run_cli(["hub", "info", "nobody/nothing"], hub.env(tmp_path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "nobody/nothing" in r.stderr


def test_hub_info_lists_files_with_lfs_hashes(hub, tmp_path, smollm):
    import hashlib

    r = run_cli(["hub", "info", "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", "--json"],
                hub.env(tmp_path))
    assert r.returncode == 0, r.stderr
    (f,) = json.loads(r.stdout)["files"]
    assert f["bytes"] == smollm.stat().st_size
    assert f["sha256"] == hashlib.sha256(smollm.read_bytes()).hexdigest()
