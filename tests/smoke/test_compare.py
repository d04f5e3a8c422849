"""``advisor compare``: SmolLM2 and Gemma 3 270M side by side, locally and through two
``llama_cpp.server`` processes on 127.0.0.1 standing for two providers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fixtures.cli import clean_env
from tests.fixtures.gemma import gemma_path
from tests.smoke.conftest import ROOT
from tests.smoke.test_endpoint import KEY, free_port, stop_server, wait_for_server

EXAMPLE_ANSWERS = ROOT / "assets" / "examples" / "eu-saas.yaml"
COLUMNS = ("model", "backend", "passed", "checks_passed", "checks_total", "ttft_seconds",
           "prompt_tokens_per_second", "tokens_per_second", "peak_rss_bytes", "error")


@pytest.fixture(scope="module")
def gemma():
    return gemma_path()


@pytest.fixture(scope="module")
def local_run(smollm, gemma, tmp_path_factory):
    """One ``--json`` comparison of the two real models, shared by the local tests."""
    from tests.fixtures.cli import run_advisor_in

    home = tmp_path_factory.mktemp("compare-home")
    return run_advisor_in(home, "compare", "--gguf", str(smollm), "--gguf", str(gemma),
                          "--suite", "general", "--threads", "1", "--answers",
                          str(EXAMPLE_ANSWERS), "--json", timeout=600)


def _serve(model, alias, folder, *extra):
    port = free_port()
    log_path = folder / f"{alias}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "smoke" / "serve_llama.py"), "--model",
             str(model), "--model_alias", alias, "--host", "127.0.0.1", "--port", str(port),
             "--n_ctx", "2048", "--n_threads", "1", "--seed", "0", "--api_key", KEY, *extra],
            stdout=log, stderr=subprocess.STDOUT, env=clean_env(folder), cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    return proc, url, log_path


@pytest.fixture(scope="module")
def two_providers(smollm, gemma, tmp_path_factory):
    """Two llama_cpp.server processes: SmolLM2 as "smollm", Gemma 3 as "gemma" (the
    server's own Gemma format: without it, it falls back to llama-2's and Gemma says
    nothing)."""
    folder = tmp_path_factory.mktemp("providers")
    servers = [_serve(smollm, "smollm", folder), _serve(gemma, "gemma", folder, "--chat_format", "gemma")]
    try:
        for proc, url, log_path in servers:
            wait_for_server(proc, url, log_path)
        yield [url for _, url, _ in servers]
    finally:
        for proc, _, _ in servers:
            stop_server(proc)


def _every_column_ran(row, suite_checks, *, prompt_counts=True):
    for column in COLUMNS:
        assert column in row, column
    assert row["error"] is None
    assert row["checks_total"] == suite_checks
    assert 0 < row["checks_passed"] <= row["checks_total"]
    assert row["passed"] is (row["checks_passed"] == row["checks_total"])
    assert row["ttft_seconds"] > 0
    if prompt_counts:
        assert row["prompt_tokens_per_second"] > 0
    else:       # llama_cpp.server's stream carries no usage: no prompt count, no guess
        assert row["prompt_tokens_per_second"] is None
    assert row["tokens_per_second"] > 0


def _suite_checks():
    """The general suite's checks as ``advisor smoke`` counts them (same suite, same checks)."""
    from advisor.smoke.checks import run_checks
    from advisor.smoke.suites import load_suite

    return sum(len(run_checks(p.checks, "", completion_tokens=0, total_seconds=0.0))
               for p in load_suite("general").prompts)


def test_local_comparison_fills_every_column(local_run, smollm, gemma):
    assert local_run.returncode == 0, local_run.stderr
    doc = json.loads(local_run.stdout)
    assert doc["schema"] == "advisor.comparison/1" and doc["suite"] == "general"
    assert [r["model"] for r in doc["candidates"]] == [smollm.name, gemma.name]
    assert doc["settings"]["threads"] == 1 and doc["settings"]["seed"] == 0
    for row in doc["candidates"]:
        _every_column_ran(row, _suite_checks())
        assert row["backend"] in ("cpu", "cuda", "metal", "vulkan")
        assert row["peak_rss_bytes"] > 50 * 2**20
    smol, gem = doc["candidates"]
    assert gem["peak_rss_bytes"] > smol["peak_rss_bytes"]        # 270M over 135M


def test_answers_give_verdicts_obligations_and_a_fallback_from_another_vendor(local_run):
    doc = json.loads(local_run.stdout)
    smol, gem = doc["candidates"]
    assert smol["profile"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert gem["profile"] == "google/gemma-3-270m"
    for row in (smol, gem):
        assert row["verdict"] in ("allowed", "conditional", "unknown", "blocked")
        assert isinstance(row["obligations"], int) and row["obligations"] >= 1
    assert (smol["vendor"], gem["vendor"]) == ("Hugging Face", "Google")
    assert doc["chosen"] in (smol["model"], gem["model"])
    assert doc["fallback"] in (smol["model"], gem["model"])
    assert doc["fallback"] != doc["chosen"]


def test_two_endpoints_as_two_providers(two_providers, run_advisor):
    smol_url, gemma_url = two_providers
    proc = run_advisor("compare", "--endpoint", smol_url, "--model", "smollm",
                       "--endpoint", gemma_url, "--model", "gemma", "--suite", "general",
                       "--json", env={"ADVISOR_ENDPOINT_KEY": KEY}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert KEY not in proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    rows = doc["candidates"]
    assert [r["model"] for r in rows] == ["smollm", "gemma"]
    assert [r["source"] for r in rows] == [smol_url + "/v1/chat/completions",
                                           gemma_url + "/v1/chat/completions"]
    for row in rows:
        _every_column_ran(row, _suite_checks(), prompt_counts=False)
        assert row["backend"] == "endpoint" and row["runner"] == "endpoint"
        assert row["peak_rss_bytes"] is None


def test_each_provider_has_its_own_key_variable(two_providers, tiny_suite, run_advisor,
                                                assert_one_line_error):
    smol_url, gemma_url = two_providers
    args = ("compare", "--endpoint", smol_url, "--model", "smollm", "--endpoint", gemma_url,
            "--model", "gemma", "--suite", str(tiny_suite), "--json")
    env = {"ADVISOR_ENDPOINT_KEY": "sk-wrong-key-000", "PROVIDER_A_KEY": KEY,
           "PROVIDER_B_KEY": KEY}
    proc = run_advisor(*args, "--key-env", "PROVIDER_A_KEY", "--key-env", "PROVIDER_B_KEY",
                       env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert all(r["error"] is None for r in json.loads(proc.stdout)["candidates"])
    proc = run_advisor(*args, "--key-env", "PROVIDER_A_KEY", "--key-env", "MISSING_KEY",
                       env=env, timeout=300)
    assert_one_line_error(proc, "--key-env", "MISSING_KEY is not set", status=2)
    proc = run_advisor(*args, env=env, timeout=300)          # the wrong shared key
    assert_one_line_error(proc, "2 of 2 candidates could not run", status=1)
    assert "sk-wrong-key-000" not in proc.stdout + proc.stderr
    assert KEY not in proc.stdout + proc.stderr


def test_a_candidate_that_cannot_run_is_exit_1_with_its_error(tiny_model, tiny_suite,
                                                               run_advisor,
                                                               assert_one_line_error):
    port = free_port()           # nothing listens there
    proc = run_advisor("compare", "--gguf", str(tiny_model), "--endpoint",
                       f"http://127.0.0.1:{port}", "--model", "absent", "--suite",
                       str(tiny_suite), "--threads", "1", "--json",
                       env={"ADVISOR_ENDPOINT_KEY": KEY}, timeout=300)
    line = assert_one_line_error(proc, "1 of 2 candidates could not run", "absent", status=1)
    assert KEY not in proc.stdout + line
    tiny, absent = json.loads(proc.stdout)["candidates"]
    assert tiny["error"] is None and tiny["checks_total"] >= 1 and tiny["tokens_per_second"]
    assert absent["error"] and "unreachable" in absent["error"]
    assert absent["passed"] is False and absent["tokens_per_second"] is None


def test_table_fits_the_terminal(tiny_model, tiny_suite, run_advisor):
    proc = run_advisor("compare", "--gguf", str(tiny_model), "--gguf", str(tiny_model),
                       "--suite", str(tiny_suite), "--threads", "1",
                       env={"COLUMNS": "80"}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    header = next(line for line in lines if line.startswith("model"))
    for column in ("backend", "pass", "checks", "ttft s", "pp t/s", "t/s", "RSS"):
        assert column in header
    rows = [line for line in lines if line.startswith(f"{tiny_model.parent.name}/tiny.gguf")]
    assert len(rows) == 2 and "#2" in rows[1]        # the same file twice: two labels


@pytest.mark.parametrize("args, fragment", [
    (("--endpoint", "http://127.0.0.1:1"), "--model"),
    (("--gguf", "/nonexistent/model.gguf"), "no such file"),
    (("--endpoint", "http://user:sk-secret@127.0.0.1:1", "--model", "m"), "credentials"),
    ((), "give candidates"),
    (("--endpoint", "http://127.0.0.1:1", "--model", "m", "--key-env", "sk-abc=1"),
     "not an environment variable name"),
])
def test_bad_input_is_one_line_exit_2(args, fragment, run_advisor, assert_one_line_error):
    proc = run_advisor("compare", *args)
    line = assert_one_line_error(proc, fragment, status=2)
    assert "sk-secret" not in line + proc.stdout


def test_two_files_of_one_name_get_two_labels(tmp_path, run_advisor):
    from tests.fixtures.tiny_gguf import write_tiny_gguf

    first = write_tiny_gguf(tmp_path / "a" / "model.gguf")
    second = write_tiny_gguf(tmp_path / "b" / "model.gguf")
    suite = tmp_path / "one.yaml"
    suite.write_text("name: one\nprompts:\n  - {id: hi, prompt: Say hi., max_tokens: 2,"
                     " checks: {min_tokens: 1}}\n", encoding="utf-8")
    proc = run_advisor("compare", "--gguf", str(first), "--gguf", str(second), "--suite",
                       str(suite), "--threads", "1", "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["candidates"]
    assert [r["model"] for r in rows] == ["a/model.gguf", "b/model.gguf"]
    assert [r["source"] for r in rows] == [str(first), str(second)]


def test_files_are_hashed_for_the_record_unless_no_hash(tiny_model, tiny_suite, run_advisor):
    import hashlib

    args = ("compare", "--gguf", str(tiny_model), "--suite", str(tiny_suite), "--threads", "1",
            "--json")
    hashed = json.loads(run_advisor(*args, timeout=300).stdout)["candidates"][0]
    assert hashed["sha256"] == hashlib.sha256(tiny_model.read_bytes()).hexdigest()
    plain = run_advisor(*args, "--no-hash", timeout=300)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["candidates"][0]["sha256"] is None
