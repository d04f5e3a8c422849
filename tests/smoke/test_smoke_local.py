"""``advisor smoke --gguf``: real llama.cpp in a child process, real and broken models."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import psutil

from tests.fixtures.cli import clean_env
from tests.fixtures.tiny_gguf import write_tiny_gguf
from tests.smoke.conftest import (DORMANT_TEMPLATE, ROOT, assert_one_line, evil_template,
                                  run_cli, run_main)

REQUIRED = {"model", "backend", "gpu_layers", "load_seconds", "prompts", "passed",
            "peak_rss_bytes", "suite", "llama_cpp_version", "system_info", "threads", "n_ctx",
            "sha256"}
PROMPT_KEYS = {"id", "output", "passed", "checks", "ttft_seconds", "completion_tokens",
               "tokens_per_second", "prompt_tokens_per_second"}


def test_smollm_passes_the_general_suite(smollm, smollm_general):
    result = smollm_general
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert REQUIRED <= set(doc)
    assert doc["passed"] is True and doc["suite"] == "general"
    assert doc["backend"] == "cpu" and doc["gpu_layers"] == 0
    assert doc["threads"] == 1 and doc["n_ctx"] == 2048
    assert doc["llama_cpp_version"] == "0.3.36" and "CPU" in doc["system_info"]
    assert len(doc["sha256"]) == 64 and doc["file_bytes"] == smollm.stat().st_size
    assert 50 << 20 < doc["peak_rss_bytes"] < 2 << 30
    assert 0 < doc["load_seconds"] < 30
    by_id = {p["id"]: p for p in doc["prompts"]}
    assert "Paris" in by_id["capital-france"]["output"]
    assert "Tokyo" in by_id["capital-japan"]["output"]
    for prompt in doc["prompts"]:
        assert PROMPT_KEYS <= set(prompt)
        assert prompt["passed"] and prompt["checks"]
        assert prompt["completion_tokens"] >= 1 and prompt["ttft_seconds"] > 0
        if prompt["completion_tokens"] > 2:
            assert prompt["tokens_per_second"] > 0
        assert prompt["prompt_tokens_per_second"] > 0


def test_smollm_is_deterministic_and_streams_live(smollm, smollm_general):
    first = smollm_general
    live = run_cli("--gguf", str(smollm), "--no-hash", "--threads", "1")
    assert first.code == live.code == 0, live.stderr
    outputs = [p["output"] for p in json.loads(first.stdout)["prompts"]]
    for output in outputs:
        assert output in live.stdout          # tokens were printed as they came
    assert "pass contains 'Paris'" in live.stdout
    assert "PASSED: suite general" in live.stdout


def test_random_weights_model_fails_naming_prompt_and_check(tiny_model):
    result = run_cli("--gguf", str(tiny_model), "--suite", "general", "--json")
    assert result.code == 1
    doc = json.loads(result.stdout)
    assert doc["passed"] is False
    failed = {p["id"] for p in doc["prompts"] if not p["passed"]}
    assert {"capital-france", "capital-japan", "add-two-two"} <= failed
    line = assert_one_line(result)
    assert "capital-france: contains 'Paris'" in line
    assert "suite 'general' failed" in line


def test_template_injection_is_refused_before_loading(models_dir, tmp_path, capsys):
    marker = tmp_path / "pwned"
    model = write_tiny_gguf(models_dir / "evil.gguf", chat_template=evil_template(marker))
    result = run_main(capsys, "--gguf", str(model))
    assert result.code == 1
    line = assert_one_line(result)
    assert f"tokenizer.chat_template of {model}" in line
    assert "'__init__' at template line 1" in line and "--trust-template" in line
    assert "loading" not in result.stdout     # never got to spawn llama.cpp
    assert not marker.exists()


def test_trusted_injection_still_renders_sandboxed(models_dir, tmp_path, tiny_suite):
    marker = tmp_path / "pwned"
    model = write_tiny_gguf(models_dir / "evil2.gguf", chat_template=evil_template(marker))
    result = run_cli("--gguf", str(model), "--trust-template", "--suite", str(tiny_suite))
    assert result.code == 1
    line = assert_one_line(result)
    assert f"tokenizer.chat_template of {model}: the sandbox blocked it" in line
    assert not marker.exists()


def test_trusted_dormant_template_runs(models_dir, tiny_suite, capsys):
    model = write_tiny_gguf(models_dir / "dormant.gguf", chat_template=DORMANT_TEMPLATE)
    refused = run_main(capsys, "--gguf", str(model), "--suite", str(tiny_suite))
    assert refused.code == 1 and "reaches for Python internals" in refused.stderr
    trusted = run_cli("--gguf", str(model), "--suite", str(tiny_suite), "--trust-template",
                      "--json")
    assert trusted.code == 0, trusted.stderr
    doc = json.loads(trusted.stdout)
    assert doc["chat_template"] == "gguf (trusted)" and doc["passed"] is True


def test_bad_files_exit_2_with_one_line(tmp_path, tiny_model, capsys):
    missing = tmp_path / "missing.gguf"
    random_bytes = tmp_path / "random.gguf"
    random_bytes.write_bytes(bytes(range(256)) * 64)
    data = tiny_model.read_bytes()
    cut_data = tmp_path / "cut-data.gguf"
    cut_data.write_bytes(data[: len(data) // 2])
    cut_header = tmp_path / "cut-header.gguf"
    cut_header.write_bytes(data[:2000])
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    cases = {missing: "no such file", random_bytes: "not a GGUF file",
             cut_data: "truncated", cut_header: "corrupt GGUF header", empty: "empty file",
             tmp_path: "not a file"}
    for path, words in cases.items():
        result = run_main(capsys, "--gguf", str(path))
        assert result.code == 2, (path, result.stderr)
        line = assert_one_line(result)
        assert str(path) in line and words in line, line


def test_bad_arguments_exit_2(tiny_model, capsys):
    for args, words in [(["--gguf", str(tiny_model), "--suite", "nope"], "unknown suite"),
                        (["--gguf", str(tiny_model), "--ctx", "0"], "--ctx"),
                        (["--endpoint", "http://127.0.0.1:9"], "--model"),
                        ([], "--gguf PATH")]:
        result = run_main(capsys, *args)
        assert result.code == 2, result.stderr
        assert words in assert_one_line(result)


def test_crashing_model_exits_1_with_the_reason(models_dir):
    # No byte-fallback tokens: llama.cpp's tokenizer throws and aborts on '?'.
    model = write_tiny_gguf(models_dir / "crash.gguf", byte_fallback=False)
    started = time.monotonic()
    result = run_cli("--gguf", str(model), "--json")
    assert result.code == 1
    line = assert_one_line(result)
    assert "llama.cpp crashed (SIGABRT) while running prompt capital-france" in line
    assert "out_of_range" in line
    assert result.stdout == ""
    assert time.monotonic() - started < 60


def test_model_that_fails_to_load_exits_1(tmp_path, tiny_model):
    # A valid header and full-length data, but a tensor renamed: llama.cpp refuses it.
    broken = tmp_path / "renamed.gguf"
    broken.write_bytes(tiny_model.read_bytes().replace(b"output_norm.weight",
                                                       b"output_nrom.weight"))
    result = run_cli("--gguf", str(broken))
    assert result.code == 1
    line = assert_one_line(result)
    assert "llama.cpp could not load the model" in line and "output_norm" in line


def test_hanging_child_is_stopped_after_the_timeout(smollm, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "advisor", "smoke", "--gguf", str(smollm),
                             "--timeout", "2", "--no-hash"], cwd=ROOT, env=clean_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child = None
    deadline = time.monotonic() + 30
    while child is None and time.monotonic() < deadline:
        kids = psutil.Process(proc.pid).children()
        child = kids[0] if kids else None
        time.sleep(0.005)
    assert child is not None
    child.send_signal(signal.SIGSTOP)          # the child now hangs, as a wedged GPU would
    started = time.monotonic()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert time.monotonic() - started < 20
    assert "made no progress for 2 s" in err and "Traceback" not in err
    assert not psutil.pid_exists(child.pid) or child.status() == psutil.STATUS_ZOMBIE
