"""Hub failures arrive as named error classes (advisor.errors), mapped in one place from
huggingface_hub's and httpx's exceptions, so callers decide by class, never by message."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fixtures.hub_server import serve_hub
from tests.hub.conftest import ROOT, standard_repos

# Prints the class of the error fetch_hub_facts raises for each repo id (or "ok"), then what
# hub_facts_for warns for all of them together.
PROBE = """
import json, sys
from advisor.hub.facts import fetch_hub_facts, hub_facts_for
out = {}
for repo in sys.argv[1:]:
    try:
        fetch_hub_facts(repo)
        out[repo] = "ok"
    except Exception as exc:
        out[repo] = [type(exc).__name__, [c.__name__ for c in type(exc).__mro__], str(exc)]
out["warnings"] = hub_facts_for(sys.argv[1:])[1]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def hub(tiny_path, sparse_path, smollm):
    with serve_hub(standard_repos(tiny_path, sparse_path, smollm)) as server:
        yield server


def probe(env: dict[str, str], *repos: str) -> dict:
    r = subprocess.run([sys.executable, "-c", PROBE, *repos], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_missing_and_gated_repos_are_their_own_classes(hub, tmp_path):
    out = probe(hub.env(tmp_path), "nope/missing", "meta-llama/Llama-3.2-1B-Instruct",
                "big/Sparse-GGUF")
    name, mro, message = out["nope/missing"]
    assert name == "RepoNotFound" and "OperationError" in mro
    assert "no such repository" in message
    assert out["meta-llama/Llama-3.2-1B-Instruct"] == "ok"          # gated repos show cards
    assert out["big/Sparse-GGUF"] == "ok"
    assert len(out["warnings"]) == 1 and "nope/missing" in out["warnings"][0]


def test_an_unreachable_hub_is_asked_once(hub, tmp_path):
    out = probe(hub.env(tmp_path, HF_ENDPOINT="http://127.0.0.1:9"), "a/one", "b/two", "c/three")
    assert out["a/one"][0] == "HubUnreachable"
    assert "cannot reach the Hub" in out["a/one"][2]
    first, skipped = out["warnings"]
    assert "a/one" in first and skipped == "skipped the Hub for: b/two, c/three"


def test_a_silent_hub_times_out_as_a_kind_of_unreachable(hub, tmp_path, silent_endpoint):
    out = probe(hub.env(tmp_path, HF_ENDPOINT=silent_endpoint, ADVISOR_HUB_TIMEOUT="1"),
                "a/one", "b/two")
    name, mro, message = out["a/one"]
    assert name == "HubTimeout" and "HubUnreachable" in mro and "in time" in message
    assert out["warnings"][1] == "skipped the Hub for: b/two"


@pytest.mark.parametrize("endpoint", ["not a url", "ftp://127.0.0.1:9"])
def test_an_endpoint_that_is_not_http_is_named(hub, tmp_path, endpoint):
    out = probe(hub.env(tmp_path, HF_ENDPOINT=endpoint), "a/one")
    assert out["a/one"][0] == "HubEndpointInvalid" and "HF_ENDPOINT" in out["a/one"][2]


def test_offline_mode_answers_from_the_profiles(hub, tmp_path):
    out = probe(hub.env(tmp_path, TRANSFORMERS_OFFLINE="1"), "a/one")
    assert out["a/one"][0] == "HubOffline"
    assert out["warnings"] == ["TRANSFORMERS_OFFLINE is set: answering from the profiles only, "
                               "without the Hub"]
