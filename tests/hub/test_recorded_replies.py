"""The Hub's own replies (tests/fixtures/hub_recorded/) driven through the commands that
use them: assess, hub info, ggufs, pull and profiles draft.

Each reply is served by the stand-in as the model-info answer of its repo, so
huggingface_hub parses the real bytes; what the stand-in adds (files, resolve answers)
carries the real shapes too (Xet and rate-limit headers, 429s).
"""

from __future__ import annotations

import hashlib
import json
import time

import pytest

from tests.fixtures.hub_server import HubFile, serve_hub
from tests.fixtures.recorded import recorded, recorded_repo
from tests.hub.conftest import run_cli

LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
BERT = "google-bert/bert-base-uncased"
GEMMA = "ggml-org/gemma-3-1b-it-GGUF"
OSS = "openai/gpt-oss-20b"
EU_ANSWERS = "organization: {domicile: DE}\ndeployment: {regions: [DE]}\n"


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "eu.yaml"
    path.write_text(EU_ANSWERS)
    return str(path)


def _json(proc) -> dict:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_kept_reply_names_where_it_came_from():
    from tests.fixtures.recorded import RECORDED

    for path in sorted(RECORDED.glob("*.json")):
        reply = json.loads(path.read_text())
        prov = reply["provenance"]
        assert isinstance(prov["recorded"], bool), path.name
        assert prov.get("repository") or prov.get("source"), path.name
        if prov["recorded"] and prov.get("repository"):
            assert len(prov["commit"]) == 40 and prov["path"], path.name


def test_gated_safetensors_repo_states_its_parameters(tmp_path):
    """The recorded Llama 3.1 reply: gated manual, safetensors BF16 8,030,261,248."""
    with serve_hub({LLAMA: recorded_repo("llama-3.1-8b-instruct", gated="manual")}) as hub:
        doc = _json(run_cli(["hub", "info", LLAMA, "--json"], hub.env(tmp_path)))
        facts = doc["facts"]
        assert facts["gated"] == "manual" and facts["license_tag"] == "llama3.1"
        assert facts["parameters"] == 8_030_261_248 and facts["parameters_basis"] == "safetensors"
        assert facts["architecture"] == "llama" and facts["context_length"] is None
        text = run_cli(["hub", "info", LLAMA], hub.env(tmp_path))
        assert "8.03B parameters (safetensors), context unknown" in text.stdout
        assert "size unknown" in text.stdout and "0.00 GiB" not in text.stdout
        draft = run_cli(["profiles", "draft", LLAMA], hub.env(tmp_path))
        assert draft.returncode == 0, draft.stderr
        assert "parameters: 8030000000.0" in draft.stdout


def test_unprofiled_safetensors_repo_is_assessed_with_the_hubs_parameters(tmp_path, answers):
    with serve_hub({BERT: recorded_repo("bert-base-uncased")}) as hub:
        doc = _json(run_cli(["assess", "--models", BERT, "--answers", answers, "--json"],
                            hub.env(tmp_path)))
        (candidate,) = doc["candidates"]
        assert candidate["parameters"] == 110_106_428
        info = _json(run_cli(["hub", "info", BERT, "--json"], hub.env(tmp_path)))
        assert info["facts"]["architecture"] == "bert"


def test_packed_mxfp4_parameters_are_unpacked(tmp_path, answers):
    """11,956,805,184 stored elements are 20,914,757,184 weights: U8 holds two MXFP4
    weights a byte and one scale per 32."""
    with serve_hub({OSS: recorded_repo("gpt-oss-20b-mxfp4")}) as hub:
        doc = _json(run_cli(["hub", "info", OSS, "--json"], hub.env(tmp_path)))
        assert doc["facts"]["parameters"] == pytest.approx(20_914_757_184, rel=1e-9)
        assert "MXFP4" in doc["facts"]["parameters_basis"]
        assessed = _json(run_cli(["assess", "--models", OSS, "--answers", answers, "--json"],
                                 hub.env(tmp_path)))
        assert assessed["candidates"][0]["parameters"] == pytest.approx(20.9e9, rel=0.01)
        draft = run_cli(["profiles", "draft", OSS], hub.env(tmp_path))
        assert "parameters: 20900000000.0" in draft.stdout, draft.stdout


def test_gguf_repo_reply_gives_parameters_and_context(tmp_path):
    """The recorded gguf object: total 999,885,952, gemma3, context 32768; its siblings
    carry no sizes, so sizes and fits read unknown, never 0 B and never 'fits'."""
    with serve_hub({GEMMA: recorded_repo("gemma-3-1b-it-gguf")}) as hub:
        env = hub.env(tmp_path)
        facts = _json(run_cli(["hub", "info", GEMMA, "--json"], env))["facts"]
        assert (facts["parameters"], facts["context_length"], facts["architecture"]) == \
            (999_885_952, 32768, "gemma3")
        draft = run_cli(["profiles", "draft", GEMMA], env)
        assert draft.returncode == 0, draft.stderr
        assert "parameters: 1000000000.0" in draft.stdout and "context_length: 32768" in draft.stdout
        ggufs = run_cli(["ggufs", GEMMA, "--json"], env)
        doc = _json(ggufs)
        assert doc["files"] and all(f["bytes"] is None for f in doc["files"])
        assert all(f["fit"] is None and f["estimate"]["total_bytes"] is None
                   for f in doc["files"]), doc["files"]
        rows = run_cli(["ggufs", GEMMA], env).stdout.splitlines()[2:5]
        assert rows and all("unknown" in r and " 0 B" not in r and "cpu" not in r
                            for r in rows), rows


def test_eu_flag_with_a_gate_blocks_and_without_one_asks_for_review(tmp_path, answers):
    card = recorded("llama-3.1-8b-instruct")["body"]["cardData"]
    flagged = {"cardData": card | {"extra_gated_eu_disallowed": True}}
    repos = {"acme/gated-eu": recorded_repo("llama-3.1-8b-instruct", body_changes={
                 **flagged, "id": "acme/gated-eu"}, gated="manual"),
             "acme/copied-card": recorded_repo("llama-3.1-8b-instruct", body_changes={
                 **flagged, "id": "acme/copied-card", "gated": False})}
    with serve_hub(repos) as hub:
        env = hub.env(tmp_path)
        gated = _json(run_cli(["assess", "--models", "acme/gated-eu", "--answers", str(answers),
                               "--json"], env))["candidates"][0]
        assert any(f["code"] == "domicile_exclusion" and f["severity"] == "block"
                   for f in gated["findings"])
        copied = _json(run_cli(["assess", "--models", "acme/copied-card", "--answers",
                                str(answers), "--json"], env))["candidates"][0]
        review = [f for f in copied["findings"] if f["code"] == "eu_flag_without_gate"]
        assert review and review[0]["severity"] == "condition"
        assert "extra_gated_eu_disallowed" in review[0]["message"]
        assert not any(f["code"] == "domicile_exclusion" and "extra_gated" in f["message"]
                       for f in copied["findings"])


def test_xet_redirect_without_lfs_entry_is_verified_by_x_linked_etag(tmp_path, tiny_path):
    """The resolve answer carries X-Xet-Hash, Link rel=xet-auth and X-Linked-Etag (as
    resolve-302-xet.json); the listing leaves out lfs, so the SHA-256 comes from the
    redirect. A wrong X-Linked-Etag deletes the download and exits 1."""
    shape = recorded("resolve-302-xet")["headers"]
    name = "tiny-F32.gguf"
    repos = {"org/xet-GGUF": recorded_repo("gemma-3-1b-it-gguf", files={name: tiny_path},
                                           listed_lfs=False),
             "org/bad-GGUF": recorded_repo("gemma-3-1b-it-gguf", listed_lfs=False, files={
                 name: HubFile(tiny_path, headers={"X-Linked-Etag": '"' + "0" * 64 + '"'})})}
    with serve_hub(repos) as hub:
        env = hub.env(tmp_path)
        head = run_cli(["hub", "info", "org/xet-GGUF", "--json"], env)
        assert _json(head)["files"][0]["sha256"] is None          # no lfs in the listing
        pulled = run_cli(["pull", "org/xet-GGUF", "--json"], env)
        doc = _json(pulled)
        assert doc["verified"] is True and "not verified" not in pulled.stderr
        assert doc["files"][0]["sha256"] == hashlib.sha256(tiny_path.read_bytes()).hexdigest()
        resolve = [h for m, p, h in hub.requests if "/resolve/" in p]
        assert resolve, hub.requests
        bad = run_cli(["pull", "org/bad-GGUF", "--json"], env)
        assert bad.returncode == 1 and "SHA-256 mismatch" in bad.stderr.splitlines()[-1]
    for key in ("X-Xet-Hash", "Link", "RateLimit"):
        assert key in shape                       # the stand-in sends each of these


def test_missing_file_is_a_missing_file_not_gating(tmp_path):
    """A listed config.json the Hub answers 404 EntryNotFound for (404-entry-not-found.json)
    is said to be missing, not blamed on a gate; a missing repo is one line, exit 1."""
    kept = recorded("404-entry-not-found")
    assert kept["headers"]["X-Error-Code"] == "EntryNotFound"
    body_changes = {"siblings": [{"rfilename": "config.json"}, {"rfilename": "README.md"}]}
    with serve_hub({BERT: recorded_repo("bert-base-uncased", body_changes=body_changes)}) as hub:
        env = hub.env(tmp_path)
        draft = run_cli(["profiles", "draft", BERT], env)
        assert draft.returncode == 0, draft.stderr
        assert "config.json is listed but the Hub has no such file" in draft.stdout
        assert "gated" not in draft.stdout.split("config.json", 1)[1].split("\n", 1)[0]
        missing = run_cli(["hub", "info", "nobody/nothing"], env)
        assert missing.returncode == 1 and "no such repository" in missing.stderr


def test_429_is_retried_after_the_named_wait_and_said(tmp_path):
    kept = recorded("429-rate-limited")
    assert kept["headers"]["RateLimit"].endswith("r=0;t=55")
    with serve_hub({BERT: recorded_repo("bert-base-uncased")}) as hub:
        env = hub.env(tmp_path)
        hub.rate_limited["/api/models/"] = 1
        started = time.monotonic()
        ok = run_cli(["hub", "info", BERT, "--json"], env)
        assert _json(ok)["facts"]["parameters"] == 110_106_428
        assert time.monotonic() - started >= 1.0          # the wait the Hub named
        assert "rate-limiting requests (429); waiting 1 s (as the Hub asks)" in ok.stderr
        hub.rate_limited["/api/models/"] = 5               # more than the retries
        failed = run_cli(["hub", "info", BERT], env)
        assert failed.returncode == 1
        assert "still rate-limiting requests (429) after 2 retries; try again in 1 s" \
            in failed.stderr.splitlines()[-1]
        hub.rate_limited["/api/models/"] = 1
        hub.rate_limit_wait = 55                            # longer than allowed: no sleep
        started = time.monotonic()
        refused = run_cli(["hub", "info", BERT], {**env, "ADVISOR_HUB_MAX_WAIT": "10"})
        assert refused.returncode == 1 and time.monotonic() - started < 30
        assert "asks to wait 55 s, more than ADVISOR_HUB_MAX_WAIT (10 s)" in refused.stderr
