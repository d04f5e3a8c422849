"""``advisor compare --api`` and ``advisor smoke --api``: a hosted API model of a user's
profiles, whose ``base_url`` is a llama_cpp.server on 127.0.0.1 serving SmolLM2 (no
network), compared with the same model run locally from its GGUF.

The key variable the profile names holds the server's key; ADVISOR_ENDPOINT_KEY holds a
wrong one, so a run that passes proves the profile's variable was used, and neither
value may appear in any output.

    pytest tests/smoke/test_compare_api.py -q
"""

from __future__ import annotations

import json

import pytest

from tests.knowledge.test_api_models import API_ID, KEY_ENV, write_api_profiles
from tests.smoke.conftest import ROOT
from tests.smoke.test_endpoint import KEY, server  # noqa: F401 - the server fixture

EXAMPLE_ANSWERS = ROOT / "assets" / "examples" / "eu-saas.yaml"
WRONG_KEY = "sk-wrong-shared-key-000"


@pytest.fixture(scope="module")
def api_profiles(server, tmp_path_factory):  # noqa: F811 - the imported fixture
    """A profile directory whose hosted model ``acme-api/acme-1`` is the local server's
    "smollm"."""
    return write_api_profiles(tmp_path_factory.mktemp("api-profiles"),
                              base_url=server + "/v1", api_model="smollm")


def _env() -> dict[str, str]:
    return {KEY_ENV: KEY, "ADVISOR_ENDPOINT_KEY": WRONG_KEY, "OPENAI_API_KEY": WRONG_KEY}


def _no_keys(proc) -> None:
    for secret in (KEY, WRONG_KEY):
        assert secret not in proc.stdout + proc.stderr


def test_compare_an_api_model_with_a_local_gguf(api_profiles, server, smollm,  # noqa: F811
                                                tiny_suite, run_advisor):
    proc = run_advisor("compare", "--api", API_ID, "--gguf", str(smollm), "--suite",
                       str(tiny_suite), "--threads", "1", "--answers", str(EXAMPLE_ANSWERS),
                       "--profiles", str(api_profiles), "--json", env=_env(), timeout=600)
    _no_keys(proc)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "advisor.comparison/1"
    local, hosted = doc["candidates"]              # GGUFs first, hosted API models last
    assert local["model"] == smollm.name and local["runner"] == "llama.cpp"
    assert hosted["model"] == API_ID and hosted["profile"] == API_ID
    assert hosted["name"] == "smollm"              # the model name the API took
    assert (hosted["backend"], hosted["runner"]) == ("endpoint", "endpoint")
    assert hosted["source"] == server + "/v1/chat/completions"
    assert hosted["origin"] == server
    assert hosted["error"] is None, hosted["error"]
    assert hosted["checks_total"] == local["checks_total"] > 0     # the same suite
    assert hosted["checks_passed"] == hosted["checks_total"] and hosted["passed"]
    assert hosted["ttft_seconds"] > 0 and hosted["peak_rss_bytes"] is None
    assert hosted["verifiable"] is False and hosted["verify_note"]
    # Assessed directly under its profile: the Acme terms' provider condition makes it
    # conditional (eu-saas: commercial, no distillation).
    assert hosted["verdict"] == "conditional" and hosted["vendor"] == "Acme"
    assert hosted["obligations"] >= 1
    assert local["vendor"] and local["vendor"] != "Acme"
    assert {doc["chosen"], doc["fallback"]} == {local["model"], hosted["model"]}


def test_compare_api_table_names_the_profile(api_profiles, tiny_suite,  # noqa: F811
                                             run_advisor):
    proc = run_advisor("compare", "--api", API_ID, "--suite", str(tiny_suite), "--profiles",
                       str(api_profiles), env={**_env(), "COLUMNS": "80"}, timeout=300)
    _no_keys(proc)
    assert proc.returncode == 0, proc.stderr
    assert API_ID in proc.stdout
    assert all(len(line) <= 80 for line in proc.stdout.splitlines()), proc.stdout


def test_smoke_an_api_model(api_profiles, server, tiny_suite, run_advisor):  # noqa: F811
    proc = run_advisor("smoke", "--api", API_ID, "--suite", str(tiny_suite), "--profiles",
                       str(api_profiles), "--json", env=_env(), timeout=300)
    _no_keys(proc)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert (doc["model"], doc["backend"], doc["passed"]) == ("smollm", "endpoint", True)
    assert doc["endpoint"] == server + "/v1/chat/completions"


def test_the_wrong_key_in_the_profiles_variable_fails_without_showing_it(
        api_profiles, tiny_suite, run_advisor, assert_one_line_error):
    env = {**_env(), KEY_ENV: WRONG_KEY, "ADVISOR_ENDPOINT_KEY": KEY}
    proc = run_advisor("compare", "--api", API_ID, "--suite", str(tiny_suite), "--profiles",
                       str(api_profiles), "--json", env=env, timeout=300)
    _no_keys(proc)
    assert_one_line_error(proc, "1 of 1 candidates could not run", API_ID, "HTTP 401",
                          status=1)
    row = json.loads(proc.stdout)["candidates"][0]
    assert row["model"] == API_ID and row["profile"] == API_ID and "401" in row["error"]


def test_a_plain_endpoint_serving_a_hosted_model_is_assessed_under_its_profile(tmp_path):
    from advisor.smoke.builds import profile_for
    from advisor.knowledge.load.walk import build_knowledge
    from advisor.config import PROFILES_DIR
    from advisor.smoke.compare import Candidate

    kb, problems = build_knowledge([PROFILES_DIR, write_api_profiles(
        tmp_path, base_url="https://api.acme.example/v1", api_model="zephyr-large-20261201")])
    assert problems == []
    for url in ("https://api.acme.example/v1", "https://api.acme.example/v1/",
                "https://api.acme.example/v1/chat/completions"):
        candidate = Candidate(endpoint=url, model="zephyr-large-20261201")
        assert profile_for(candidate, kb) == API_ID
    # The same name elsewhere, or another name at the same URL: not that profile.
    for url, name in (("https://other.example/v1", "zephyr-large-20261201"),
                      ("https://api.acme.example/v1", "zephyr-small")):
        assert profile_for(Candidate(endpoint=url, model=name), kb) != API_ID
