"""``advisor smoke --endpoint``: against llama-cpp-python's own server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from advisor.smoke.endpoint import chat_url
from tests.smoke.conftest import ROOT, assert_one_line, run_cli, run_main

KEY = "sk-test-0123456789abcdef"
KEY_ENV = {"ADVISOR_ENDPOINT_KEY": KEY}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(smollm, tmp_path_factory):
    """llama_cpp.server serving SmolLM2 as "smollm", with an API key."""
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "smoke" / "serve_llama.py"), "--model", str(smollm),
         "--model_alias", "smollm", "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "2048", "--n_threads", "1", "--seed", "0", "--api_key", KEY],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, Path(log.name).read_text()[-2000:]
        try:
            request = urllib.request.Request(url + "/v1/models",
                                             headers={"Authorization": f"Bearer {KEY}"})
            urllib.request.urlopen(request, timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def test_smollm_passes_the_general_suite_over_http(server):
    result = run_cli("--endpoint", server, "--model", "smollm", "--suite", "general", "--json",
                     env=KEY_ENV)
    assert result.code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["passed"] is True and doc["runner"] == "endpoint"
    assert doc["backend"] == "endpoint" and doc["model"] == "smollm"
    assert doc["endpoint"] == server + "/v1/chat/completions"
    by_id = {p["id"]: p for p in doc["prompts"]}
    assert "Paris" in by_id["capital-france"]["output"]
    for prompt in doc["prompts"]:
        assert prompt["ttft_seconds"] > 0 and prompt["completion_tokens"] >= 1
    assert KEY not in result.stdout + result.stderr


def test_live_output_streams_over_http(server, tiny_suite):
    result = run_cli("--endpoint", server + "/v1", "--model", "smollm", "--suite",
                     str(tiny_suite), env=KEY_ENV)
    assert result.code == 0, result.stderr
    assert "[hello] Say hello." in result.stdout and "PASSED" in result.stdout


def test_wrong_key_is_a_one_line_error_that_hides_the_key(server):
    result = run_cli("--endpoint", server, "--model", "smollm",
                     env={"ADVISOR_ENDPOINT_KEY": "sk-wrong-key-xyz"})
    assert result.code == 1
    line = assert_one_line(result)
    assert "HTTP 401" in line and "sk-wrong-key-xyz" not in result.stdout + result.stderr


def test_unreachable_endpoint_exits_1_with_one_line():
    port = free_port()                        # nothing listens there now
    started = time.monotonic()
    result = run_cli("--endpoint", f"http://127.0.0.1:{port}", "--model", "m", "--timeout", "5")
    assert result.code == 1
    assert "unreachable" in assert_one_line(result)
    assert time.monotonic() - started < 30


def test_silent_endpoint_times_out():
    with socket.socket() as sock:             # accepts connections, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        result = run_cli("--endpoint", url, "--model", "m", "--timeout", "1")
    assert result.code == 1
    assert "did not answer within 1 s" in assert_one_line(result)


def test_chat_url_forms(capsys):
    assert chat_url("http://h:1") == "http://h:1/v1/chat/completions"
    assert chat_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_url("https://h/api/v1/chat/completions") == "https://h/api/v1/chat/completions"
    result = run_main(capsys, "--endpoint", "ftp://h", "--model", "m")
    assert result.code == 2 and "not an http(s) URL" in assert_one_line(result)
