"""Hosted API models (``access: api``): the loader's checks, the two predicates, the
assessment (closed openness, fit ``hosted``) and the commands that refuse such an id.

A user profile directory written per test stands for a provider: a terms-of-service
license with a few rules and one API model, next to one downloadable model of the same
vendor under the same terms (so every rule can be seen both firing and staying quiet).

    pytest tests/knowledge/test_api_models.py -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.answers import load_answers
from advisor.assessment import assess
from advisor.knowledge.load import check_profiles
from advisor.knowledge.load.walk import build_knowledge
from advisor.knowledge.predicates import Facts, PredicateError, compile_when, holds
from advisor.config import PROFILES_DIR
from advisor.machine.hardware import simulated_hardware
from advisor.tui.rows import arrange, candidate_rows
from advisor.vocab import FIT_RANK

API_ID = "acme-api/acme-1"
WEIGHTS_ID = "acme/acme-open-1"
KEY_ENV = "ACME_API_KEY"

LICENSE = """\
schema: advisor.license/1
id: acme-terms
title: Acme API Terms
osi_approved: false
url: https://acme.example/terms
checked: 2026-12-02
rules:
  - code: no_competing_models
    severity: block
    when: {distill_outputs: true, access_in: [api]}
    message: Outputs of the hosted service may not be used to develop competing models.
    source: {section: "3.2", url: "https://acme.example/terms"}
  - code: provider_terms
    severity: condition
    when: {api_provider_in: [ACME]}
    message: The service is run by Acme under its business terms.
    obligation: Accept Acme's business terms.
    source: {section: "1", url: "https://acme.example/terms"}
  - code: weights_notice
    severity: info
    when: {access_in: [weights]}
    message: Keep the notice with the weights.
    source: {section: "4", url: "https://acme.example/terms"}
"""

FAMILY = """\
schema: advisor.model-family/1
family: Acme API
vendor: Acme
checked: 2026-12-02
defaults:
  access: api
  api:
    provider: Acme
    base_url: {base_url}
    key_env: {key_env}
    docs: https://acme.example/models
  licenses: [acme-terms]
  modalities: [text]
models:
  - id: {model_id}
    api: {{model: {api_model}}}
    released: 2026-01-01
"""

WEIGHTS_FAMILY = f"""\
schema: advisor.model-family/1
family: Acme Open
vendor: Acme
checked: 2026-12-02
models:
  - id: {WEIGHTS_ID}
    licenses: [acme-terms]
    parameters: 1.0e9
    openness:
      model_parameters_final: {{status: open, license: Apache-2.0}}
"""


def write_api_profiles(folder: Path, *, base_url: str = "http://127.0.0.1:9/v1",
                       key_env: str = KEY_ENV, model_id: str = API_ID,
                       api_model: str = "acme-1", family: str | None = None) -> Path:
    """A user profile directory with the Acme terms, the API family and one weights model:
    ``write_api_profiles(tmp_path / "p", base_url=server + "/v1")``."""
    (folder / "licenses").mkdir(parents=True, exist_ok=True)
    (folder / "models").mkdir(exist_ok=True)
    (folder / "licenses" / "acme-terms.yaml").write_text(LICENSE, encoding="utf-8")
    text = family if family is not None else FAMILY.format(
        base_url=base_url, key_env=key_env, model_id=model_id, api_model=api_model)
    (folder / "models" / "acme-api.yaml").write_text(text, encoding="utf-8")
    (folder / "models" / "acme-open.yaml").write_text(WEIGHTS_FAMILY, encoding="utf-8")
    return folder


def _answers(tmp_path: Path, **needs) -> object:
    path = tmp_path / "answers.yaml"
    lines = "".join(f"  {k}: {str(v).lower() if isinstance(v, bool) else v}\n"
                    for k, v in needs.items())
    path.write_text("organization: {domicile: DE}\ndeployment: {regions: [DE], mode: internal}\n"
                    "use_case: {categories: [general_assistant]}\n"
                    + (f"needs:\n{lines}" if lines else ""), encoding="utf-8")
    return load_answers(path)


def _kb(folder: Path):
    kb, problems = build_knowledge([PROFILES_DIR, folder])
    assert problems == [], [p.one_line() for p in problems]
    return kb


# ---------------------------------------------------------------- loading

def test_an_api_model_loads_with_its_access_and_defaults_merged(tmp_path):
    kb = _kb(write_api_profiles(tmp_path))
    model = kb.find_model(API_ID)
    assert model.access == "api" and model.hosted
    assert (model.api.provider, model.api.base_url, model.api.key_env, model.api.model,
            model.api.docs) == ("Acme", "http://127.0.0.1:9/v1", KEY_ENV, "acme-1",
                                "https://acme.example/models")
    # An API model that says nothing of its weights has them not released.
    assert model.openness["model_parameters_final"].status == "not_released"
    weights = kb.find_model(WEIGHTS_ID)
    assert (weights.access, weights.api, weights.hosted) == ("weights", None, False)


def test_a_model_api_key_overrides_the_default_per_key(tmp_path):
    family = FAMILY.format(base_url="https://api.acme.example/v1", key_env=KEY_ENV,
                           model_id=API_ID, api_model="acme-1") + (
        "  - id: acme-api/acme-eu\n"
        "    api: {model: acme-1, base_url: 'https://eu.acme.example/v1', key_env: ACME_EU_KEY}\n")
    kb = _kb(write_api_profiles(tmp_path, family=family))
    eu, one = kb.find_model("acme-api/acme-eu").api, kb.find_model(API_ID).api
    assert (eu.base_url, eu.key_env, eu.provider, eu.docs) == (
        "https://eu.acme.example/v1", "ACME_EU_KEY", "Acme", "https://acme.example/models")
    assert (one.base_url, one.key_env) == ("https://api.acme.example/v1", KEY_ENV)


def _family(defaults_api: str = "", model_extra: str = "", access: str = "api",
            model_id: str = API_ID) -> str:
    return ("schema: advisor.model-family/1\nfamily: Acme API\nvendor: Acme\n"
            "checked: 2026-12-02\ndefaults:\n"
            f"  access: {access}\n  licenses: [acme-terms]\n{defaults_api}"
            f"models:\n  - id: {model_id}\n{model_extra}")


GOOD_API = ("  api:\n    provider: Acme\n    base_url: https://api.acme.example/v1\n"
            f"    key_env: {KEY_ENV}\n")

# (family text, the problem's field, fragments of its message, its line)
BAD_FAMILIES = {
    "access not a kind": (_family(GOOD_API, "    api: {model: m}\n", access="cloud"),
                          "defaults.access", ["'cloud' is not one of weights, api"], 6),
    "api missing": (_family(), "models[0].api", ["is required when access is api"], 9),
    "api on a weights model": (
        _family(GOOD_API, "    api: {model: m}\n", access="weights", model_id="acme/w"),
        "models[0].api", ["goes only with access: api"], 14),
    "unknown api key": (_family(GOOD_API, "    api: {model: m, token: abc}\n"),
                        "models[0].api.token", ["unknown key", "provider, base_url"], 14),
    "unknown api key in defaults": (
        _family(GOOD_API + "    secret: abc\n", "    api: {model: m}\n"),
        "defaults.api.secret", ["unknown key"], 12),
    "base_url not http": (
        _family(GOOD_API.replace("https://api.acme.example/v1", "ftp://acme.example/v1"),
                "    api: {model: m}\n"),
        "defaults.api.base_url", ["must be an http(s) URL"], 10),
    "base_url with credentials": (
        _family(GOOD_API.replace("https://", "https://user:s3cr3t-pass@"),
                "    api: {model: m}\n"),
        "defaults.api.base_url", ["must not carry credentials"], 10),
    "key_env not a name": (
        _family(GOOD_API.replace(KEY_ENV, "sk-live-abcdef0123"), "    api: {model: m}\n"),
        "defaults.api.key_env", ["not an environment variable name"], 11),
    "model missing": (_family(GOOD_API, "    released: 2026-01-01\n"),
                      "models[0].api.model", ["is required when access is api"], 13),
    "model empty": (_family(GOOD_API, "    api: {model: ''}\n"),
                    "models[0].api.model", ["must be non-empty text"], 14),
    "provider missing": (
        _family(GOOD_API.replace("    provider: Acme\n", ""), "    api: {model: m}\n"),
        "models[0].api.provider", ["is required when access is api"], 13),
    "docs not a URL": (_family(GOOD_API + "    docs: see the website\n", "    api: {model: m}\n"),
                       "defaults.api.docs", ["must be an http(s) URL"], 12),
    "id not in an -api namespace": (
        _family(GOOD_API, "    api: {model: m}\n", model_id="acme/acme-1"),
        "models[0].id", ["'<provider>-api/<model>'", "never a Hub repo id"], 13),
    "gguf repos on a hosted model": (
        _family(GOOD_API, "    api: {model: m}\n    gguf_repos: [someone/acme-GGUF]\n"),
        "models[0].gguf_repos", ["must be empty for a hosted API model"], 15),
    "token_limit not a field": (_family(GOOD_API, "    api: {model: m, token_limit: tokens}\n"),
                                "models[0].api.token_limit",
                                ["must be one of max_tokens, max_completion_tokens"], 14),
    "sampling not a kind": (_family(GOOD_API, "    api: {model: m, sampling: greedy}\n"),
                            "models[0].api.sampling", ["must be one of free, default_only"], 14),
    "extra_body sets a field the advisor writes": (
        _family(GOOD_API, "    api: {model: m, extra_body: {temperature: 1}}\n"),
        "models[0].api.extra_body.temperature", ["is written by the advisor itself"], 14),
    "extra_body value not a scalar": (
        _family(GOOD_API, "    api: {model: m, extra_body: {reasoning: [x, y]}}\n"),
        "models[0].api.extra_body.reasoning", ["must be text, a number or true/false"], 14),
    "extra_body field not a name": (
        _family(GOOD_API, "    api: {model: m, extra_body: {Bad-Name: 1}}\n"),
        "models[0].api.extra_body", ["is not a request field name"], 14),
    "open weights on a hosted model": (
        _family(GOOD_API, "    api: {model: m}\n    openness:\n"
                "      model_parameters_final: {status: open, license: MIT}\n"),
        "models[0].openness.model_parameters_final.status", ["not downloadable"], 16),
}


@pytest.mark.parametrize("case", sorted(BAD_FAMILIES))
def test_each_bad_api_field_is_a_problem_naming_file_field_and_line(tmp_path, case):
    text, field, fragments, line = BAD_FAMILIES[case]
    folder = write_api_profiles(tmp_path, family=text)
    _, problems = check_profiles([folder])
    mine = [p for p in problems if p.file.endswith("acme-api.yaml")]
    assert len(mine) == 1, [p.one_line() for p in problems]
    problem = mine[0]
    assert problem.field == field, problem.one_line()
    for fragment in fragments:
        assert fragment in problem.message, problem.one_line()
    assert problem.line == line, (problem.one_line(), text.splitlines()[line - 1])
    # Nothing that may be a key is repeated in a message.
    for secret in ("s3cr3t-pass", "sk-live-abcdef0123", "abc"):
        assert secret not in problem.message


def test_a_bad_api_profile_is_exit_2_with_one_line(tmp_path, run_advisor,
                                                   assert_one_line_error):
    text = BAD_FAMILIES["key_env not a name"][0]
    folder = write_api_profiles(tmp_path / "p", family=text)
    proc = run_advisor("assess", "--answers", str(Path(PROFILES_DIR).parent / "assets" /
                                                  "examples" / "eu-saas.yaml"),
                       "--profiles", str(folder), "--json", env={"ADVISOR_NO_CACHE": "1"})
    line = assert_one_line_error(proc, "acme-api.yaml:11", "defaults.api.key_env",
                                 "not an environment variable name", status=2)
    assert "sk-live-abcdef0123" not in line + proc.stdout


# ---------------------------------------------------------------- predicates

def _facts(**model) -> Facts:
    base = dict(commercial=True, mode="internal", mau=0, domicile="DE",
                regions=frozenset({"DE"}), use_cases=frozenset({"general_assistant"}),
                modalities=frozenset({"text"}), fine_tune=False, distill_outputs=False,
                redistribute_weights=False, openness_required="any")
    return Facts(**{**base, **model})


def test_access_in_and_api_provider_in_fire_and_stay_quiet():
    api = compile_when({"access_in": ["api"]})
    weights = compile_when({"access_in": "weights"})
    acme = compile_when({"api_provider_in": ["ACME", "Other"]})
    hosted = _facts(access="api", api_provider="acme")
    local = _facts()                                   # a Hub model: weights, no provider
    assert holds(api, hosted) and not holds(api, local)
    assert holds(weights, local) and not holds(weights, hosted)
    assert holds(acme, hosted) and not holds(acme, local)
    assert not holds(acme, _facts(access="api", api_provider="openai"))


def test_access_in_refuses_an_unknown_kind():
    with pytest.raises(PredicateError) as caught:
        compile_when({"access_in": ["api", "cloud"]})
    assert caught.value.path == ("access_in", 1) and "'cloud' is not one of" in str(caught.value)


def test_the_license_rules_see_the_access(tmp_path):
    kb = _kb(write_api_profiles(tmp_path))
    plain = assess(_answers(tmp_path), kb, model_ids=[API_ID, WEIGHTS_ID])
    distill = assess(_answers(tmp_path, distill_outputs=True), kb,
                     model_ids=[API_ID, WEIGHTS_ID])

    def codes(result, model_id):
        return {f.code for f in result.candidate(model_id).findings}

    assert "provider_terms" in codes(plain, API_ID)
    assert "provider_terms" not in codes(plain, WEIGHTS_ID)
    assert "weights_notice" in codes(plain, WEIGHTS_ID)
    assert "weights_notice" not in codes(plain, API_ID)
    assert "no_competing_models" not in codes(plain, API_ID)
    assert "no_competing_models" in codes(distill, API_ID)
    assert "no_competing_models" not in codes(distill, WEIGHTS_ID)
    assert distill.candidate(API_ID).verdict == "blocked"
    assert plain.candidate(API_ID).verdict == "conditional"


# ---------------------------------------------------------------- assessment and fit

def test_open_weights_needed_blocks_an_api_model(tmp_path):
    kb = _kb(write_api_profiles(tmp_path))
    result = assess(_answers(tmp_path, openness="open_weights"), kb,
                    model_ids=[API_ID, WEIGHTS_ID])
    hosted = result.candidate(API_ID)
    assert hosted.verdict == "blocked"
    block = [f for f in hosted.findings if f.code == "openness"]
    assert block and block[0].severity == "block" and "not released" in block[0].message
    assert hosted.openness.components["model_parameters_final"] == "not_released"
    assert hosted.openness.osaid == "fail" and hosted.openness.mof_class == "none"
    assert not any(f.code == "openness" for f in result.candidate(WEIGHTS_ID).findings)


def test_fit_is_hosted_and_ranks_with_gpu(tmp_path):
    kb = _kb(write_api_profiles(tmp_path))
    result = assess(_answers(tmp_path), kb, model_ids=[API_ID, WEIGHTS_ID])
    assert result.candidate(API_ID).to_dict()["access"] == "api"
    assert result.candidate(WEIGHTS_ID).to_dict()["access"] == "weights"
    for hardware in (simulated_hardware(ram_gb=1), simulated_hardware(ram_gb=64, vram_gb=24), None):
        rows = {r.model_id: r for r in candidate_rows(result.candidates, hardware)}
        assert rows[API_ID].fit == "hosted"
        assert rows[WEIGHTS_ID].fit != "hosted"
    # From the JSON document (dicts) too.
    rows = candidate_rows(result.to_dict()["candidates"], simulated_hardware(ram_gb=1))
    assert {r.model_id: r.fit for r in rows}[API_ID] == "hosted"
    assert FIT_RANK["hosted"] == FIT_RANK["gpu"] < FIT_RANK["cpu"]
    # Equal otherwise, a hosted model comes before one that does not fit.
    small = candidate_rows(result.candidates, simulated_hardware(ram_gb=0.5))
    same = [r.__class__(**{**r.__dict__, "verdict": "allowed", "obligations": 0,
                           "blocks": 0, "conditions": 0}) for r in small]
    assert [r.fit for r in arrange(same)] == ["hosted", "too_large"]


def test_assess_json_carries_the_access(tmp_path, run_advisor):
    folder = write_api_profiles(tmp_path / "p")
    proc = run_advisor("assess", "--answers", str(Path(PROFILES_DIR).parent / "assets" /
                                                  "examples" / "eu-saas.yaml"),
                       "--profiles", str(folder), "--models", f"{API_ID},{WEIGHTS_ID}", "--json")
    assert proc.returncode == 0, proc.stderr
    by_id = {c["model"]: c for c in json.loads(proc.stdout)["candidates"]}
    assert by_id[API_ID]["access"] == "api" and by_id[WEIGHTS_ID]["access"] == "weights"
    assert by_id[API_ID]["vendor"] == "Acme"
    models = run_advisor("models", "--profiles", str(folder), "--json")
    entry = next(m for m in json.loads(models.stdout)["models"] if m["id"] == API_ID)
    assert entry["access"] == "api" and entry["api"]["key_env"] == KEY_ENV


# ---------------------------------------------------------------- commands that refuse it

REFUSALS = {
    "hub info": ("hub", "info", API_ID),
    "ggufs": ("ggufs", API_ID),
    "pull": ("pull", API_ID),
    "pull --file": ("pull", API_ID, "--file", "x.gguf"),
    "smoke --repo": ("smoke", "--repo", API_ID),
    "compare --repo": ("compare", "--repo", API_ID),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_hub_commands_refuse_an_api_id_and_say_how_to_reach_it(tmp_path, run_advisor,
                                                               assert_one_line_error, case):
    folder = write_api_profiles(tmp_path / "p")
    proc = run_advisor(*REFUSALS[case], "--profiles", str(folder),
                       env={"HF_HUB_OFFLINE": None, "HF_ENDPOINT": "http://127.0.0.1:9"})
    how = "advisor smoke --api" if case.startswith("smoke") else "advisor compare --api"
    assert_one_line_error(proc, f"{API_ID} is a hosted API model (Acme), not a Hub repo",
                          f"`{how} {API_ID}`", f"(key from {KEY_ENV})", status=2)
    assert proc.stdout == ""


def test_api_commands_refuse_what_is_not_a_hosted_model(tmp_path, run_advisor,
                                                        assert_one_line_error):
    folder = write_api_profiles(tmp_path / "p")
    env = {KEY_ENV: "sk-sentinel-7f3a9c"}
    proc = run_advisor("compare", "--api", WEIGHTS_ID, "--profiles", str(folder), env=env)
    assert_one_line_error(proc, "--api", WEIGHTS_ID, "not a hosted API model", status=2)
    proc = run_advisor("smoke", "--api", "acme-api/none", "--profiles", str(folder), env=env)
    assert_one_line_error(proc, "--api", "'acme-api/none' is not a model of the profiles",
                          status=2)
    proc = run_advisor("smoke", "--api", API_ID, "--endpoint", "http://127.0.0.1:9",
                       "--model", "m", "--profiles", str(folder), env=env)
    assert_one_line_error(proc, "--api takes the endpoint and model name from its profile",
                          status=2)


@pytest.mark.parametrize("command", ["compare", "smoke"])
def test_the_key_variable_must_be_set(tmp_path, run_advisor, assert_one_line_error, command):
    folder = write_api_profiles(tmp_path / "p")
    proc = run_advisor(command, "--api", API_ID, "--profiles", str(folder),
                       env={"ADVISOR_ENDPOINT_KEY": "sk-other-provider-1234"})
    line = assert_one_line_error(proc, "--api", f"{KEY_ENV} is not set in the environment",
                                 API_ID, status=2)
    assert "sk-other-provider-1234" not in line + proc.stdout
