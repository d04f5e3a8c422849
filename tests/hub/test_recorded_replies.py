"""The Hub's own replies (tests/fixtures/hub_recorded/) driven through the commands that
use them: assess, hub info, ggufs, pull and profiles draft.

Each reply is served by the stand-in as the model-info answer of its repo, so
huggingface_hub parses the real bytes; what the stand-in adds (files, resolve answers)
carries the real shapes too (Xet and rate-limit headers, 429s).
"""

from __future__ import annotations

import hashlib
import json
import re
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
        elif prov["recorded"]:                       # a reply pasted in an issue thread
            assert prov.get("url", "").startswith("https://github.com/"), path.name


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


# The weight files of openai/gpt-oss-20b from its layout: BF16 2 bytes, MXFP4 blocks and
# scales one U8 byte each (headers left out), in three shards; original/ holds a second copy
# the Hub does not count.
OSS_WEIGHT_BYTES = 2 * 1_804_459_584 + 10_152_345_600
OSS_FILES = {**{f"model-0000{i}-of-00002.safetensors": HubFile(b"", declared_size=OSS_WEIGHT_BYTES // 3)
                for i in range(3)},
             "original/model.safetensors": HubFile(b"", declared_size=OSS_WEIGHT_BYTES),
             "config.json": HubFile(b"{}", lfs=False)}
# What the Hub's counter said over time (gpt-oss-20b-mxfp4.json names where each is from):
# weights with the scales left out (now), weights with the scales counted (Aug 2025 - Jul
# 2026), stored elements (before).
OSS_COUNTS = {"now": {"BF16": 1_804_459_584, "U8": 19_110_297_600},
              "2025": {"BF16": 1_804_459_584, "U8": 19_707_494_400},
              "stored": {"BF16": 1_804_459_584, "U8": 10_152_345_600}}


@pytest.mark.parametrize("counted, parameters, basis", [
    ("now", 20_914_757_184, "U8 counted by the Hub as MXFP4 weights"),
    ("2025", 21_511_953_984, "U8 counted by the Hub as MXFP4 weights"),
    ("stored", 20_914_757_184, "U8 read as MXFP4 (32 weights per 17 stored bytes"),
])
def test_packed_mxfp4_parameters_are_read_as_the_files_show(tmp_path, answers, counted,
                                                            parameters, basis):
    """The Hub's counter unpacks MXFP4 now, and did not before: the weight files' bytes
    (root shards, not original/) tell which count a reply carries, so it is unpacked once
    or not at all, never twice (36B was said for a 21B model)."""
    counts = OSS_COUNTS[counted]
    copy = "acme/gpt-oss-20b-copy"                  # no profile: assess asks the Hub
    repo = recorded_repo("gpt-oss-20b-mxfp4", files=OSS_FILES, body_changes={
        "id": copy, "safetensors": {"parameters": counts, "total": sum(counts.values())}})
    with serve_hub({copy: repo}) as hub:
        env = hub.env(tmp_path)
        facts = _json(run_cli(["hub", "info", copy, "--json"], env))["facts"]
        assert facts["parameters"] == pytest.approx(parameters, rel=1e-9)
        assert basis in facts["parameters_basis"] and "12.8 GiB" in facts["parameters_basis"]
        assessed = _json(run_cli(["assess", "--models", copy, "--answers", answers, "--json"],
                                 env))
        assert assessed["candidates"][0]["parameters"] == pytest.approx(parameters, rel=1e-9)
        draft = run_cli(["profiles", "draft", copy], env)
        assert f"parameters: {round(parameters, -8):.1f}" in draft.stdout, draft.stdout


def test_packed_count_without_file_sizes_is_taken_as_the_hub_states_and_said(tmp_path):
    """The kept reply lists no sizes: the Hub's count stands, and the basis says the
    packing was not checked."""
    with serve_hub({OSS: recorded_repo("gpt-oss-20b-mxfp4")}) as hub:
        facts = _json(run_cli(["hub", "info", OSS, "--json"], hub.env(tmp_path)))["facts"]
        assert facts["parameters"] == 20_914_757_184
        assert "MXFP4 packing not checked: no file sizes" in facts["parameters_basis"]


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


def _resolve_cache_shape(location: str) -> bool:
    """True when ``location`` has the recorded resolve-cache shape (resolve-307-cache.json)."""
    from urllib.parse import quote

    m = re.fullmatch(r"/api/resolve-cache/models/([^/]+/[^/]+)/([0-9a-f]{40})/([^?]+)\?(.+)", location)
    if not m:
        return False
    repo, _, name, query = m.groups()
    return re.fullmatch(re.escape(quote(f"/{repo}/resolve/", safe="")) + r"[^%]+"
                        + re.escape(quote(f"/{name}", safe="")) + r"=&etag=%22[0-9a-f]{40}%22",
                        query) is not None


def test_small_files_behind_the_resolve_cache_redirect_are_read(tmp_path):
    """The Hub answers /resolve/ for a small file with a same-host redirect to
    /api/resolve-cache/... (resolve-307-cache.json): profiles draft still reads config.json
    and the license file through it."""
    import http.client

    kept = recorded("resolve-307-cache")
    assert _resolve_cache_shape(kept["headers"]["location"])
    files = {"config.json": HubFile(b'{"model_type": "bert", "max_position_embeddings": 512}',
                                    lfs=False),
             "LICENSE": HubFile(b"Apache License 2.0\n", lfs=False),
             "README.md": HubFile(b"# bert\n", lfs=False)}
    with serve_hub({BERT: recorded_repo("bert-base-uncased", files=files)}) as hub:
        hub.resolve_cache = True
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
        conn.request("HEAD", f"/{BERT}/resolve/main/config.json")
        answer = conn.getresponse()
        assert answer.status == 307 and _resolve_cache_shape(answer.getheader("Location"))
        conn.close()
        draft = run_cli(["profiles", "draft", BERT], hub.env(tmp_path))
        assert draft.returncode == 0, draft.stderr
        assert "context_length: 512" in draft.stdout
        cached = [p for _, p, _ in hub.requests if p.startswith("/api/resolve-cache/")]
        assert any("/config.json?" in p for p in cached) and any("/LICENSE?" in p for p in cached)


def test_the_stand_ins_429_has_the_recorded_shape(tmp_path):
    """As the pasted 429 (429-rate-limited.json): the wait is named in RateLimit alone."""
    import urllib.error
    import urllib.request

    kept = recorded("429-rate-limited")
    with serve_hub({BERT: recorded_repo("bert-base-uncased")}) as hub:
        hub.rate_limited["/api/models/"] = 1
        hub.rate_limit_wait = 55
        with pytest.raises(urllib.error.HTTPError) as reply:
            urllib.request.urlopen(f"{hub.endpoint}/api/models/{BERT}", timeout=10)
    assert reply.value.code == kept["status"] == 429
    for name, value in kept["headers"].items():
        assert reply.value.headers[name] == value
    assert "retry-after" not in reply.value.headers and "retry-after" not in kept["headers"]


@pytest.mark.parametrize("retry_after", [False, True])
def test_429_is_retried_after_the_named_wait_and_said(tmp_path, retry_after):
    kept = recorded("429-rate-limited")
    assert kept["headers"]["ratelimit"].endswith("r=0;t=55")
    with serve_hub({BERT: recorded_repo("bert-base-uncased")}) as hub:
        env = hub.env(tmp_path)
        hub.rate_limit_retry_after = retry_after
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
