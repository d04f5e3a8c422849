"""``advisor smoke --endpoint``: against llama-cpp-python's own server on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from advisor.smoke.endpoint import chat_url
from tests.fixtures.cli import clean_env
from tests.smoke.conftest import ROOT, assert_one_line, run_cli, run_main

KEY = "sk-test-0123456789abcdef"
KEY_ENV = {"ADVISOR_ENDPOINT_KEY": KEY}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_START_LIMIT = 240      # seconds: a bound for a wedged server (inside pytest-timeout)


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by a test: terminate, then kill if it lingers."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_server(proc: subprocess.Popen, url: str, log_path: Path) -> None:
    """Return once ``url`` answers ``/v1/models``; fail with the server's log when the
    process exits or SERVER_START_LIMIT passes (never yield a server that is not up)."""
    deadline = time.monotonic() + SERVER_START_LIMIT
    request = urllib.request.Request(url + "/v1/models",
                                     headers={"Authorization": f"Bearer {KEY}"})
    while True:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n"
                        + log_path.read_text(errors="replace")[-4000:])
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"llama_cpp.server did not answer {url} within {SERVER_START_LIMIT} s:\n"
                        + log_path.read_text(errors="replace")[-4000:])
        try:
            proc.wait(timeout=0.2)      # between tries; returns at once if the server dies
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture(scope="module")
def server(smollm, tmp_path_factory):
    """llama_cpp.server serving SmolLM2 as "smollm", with an API key."""
    port = free_port()
    folder = tmp_path_factory.mktemp("server")
    log_path = folder / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "smoke" / "serve_llama.py"), "--model",
             str(smollm), "--model_alias", "smollm", "--host", "127.0.0.1", "--port", str(port),
             "--n_ctx", "2048", "--n_threads", "1", "--seed", "0", "--api_key", KEY],
            stdout=log, stderr=subprocess.STDOUT, env=clean_env(folder), cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(proc, url, log_path)
        yield url
    finally:
        stop_server(proc)


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
    # a version segment anywhere in the path: the base URL is complete (Gemini's, Ollama's)
    assert (chat_url("https://generativelanguage.googleapis.com/v1beta/openai/")
            == "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions")
    assert chat_url("http://h:11434/v1") == "http://h:11434/v1/chat/completions"
    assert chat_url("http://h/proxy") == "http://h/proxy/v1/chat/completions"
    result = run_main(capsys, "--endpoint", "ftp://h", "--model", "m")
    assert result.code == 2 and "not an http(s) URL" in assert_one_line(result)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A fake endpoint: ``/redirect`` points at ``server.target``, ``/endless`` streams one
    line that never ends, anything else answers a one-chunk event stream. Every request's
    Authorization header is kept in ``server.seen``."""

    def log_message(self, *args):
        pass

    def _answer(self):
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization")))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.server.bodies.append(json.loads(self.rfile.read(length)))
        if self.path.startswith("/redirect"):
            self.send_response(int(self.path.split("/")[2]))      # /redirect/302/v1/...
            self.send_header("Location", self.server.target + "/v1/chat/completions")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.path.startswith("/endless"):
            try:
                self.wfile.write(b"data: ")
                for _ in range(64):                      # 64 MiB, no newline
                    self.wfile.write(b"x" * (1 << 20))
            except OSError:                              # the client hung up: as it should
                pass
            return
        chunk = {"choices": [{"delta": {"content": "hello"}, "finish_reason": "stop"}]}
        self.wfile.write(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode())

    do_GET = do_POST = _answer


@pytest.fixture
def fake_endpoint():
    """Factory: ``fake_endpoint() -> (url, server)``; two of them run on two ports."""
    servers = []

    def start():
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        server.seen, server.bodies, server.target = [], [], ""
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_api_key_never_follows_a_redirect_to_another_origin(fake_endpoint, tiny_suite, code):
    other_url, other = fake_endpoint()
    first_url, first = fake_endpoint()
    first.target = other_url                              # same host, another port
    result = run_cli("--endpoint", f"{first_url}/redirect/{code}", "--model", "m", "--suite",
                     str(tiny_suite), env=KEY_ENV)
    assert first.seen and first.seen[0][2] == f"Bearer {KEY}"   # the key went where asked
    assert other.seen == []                                      # and nowhere else
    assert result.code == 1
    line = assert_one_line(result)
    assert "redirected to another origin" in line and other_url in line
    assert KEY not in result.stdout + result.stderr


def test_an_endless_event_stream_line_is_bounded(fake_endpoint, tiny_suite):
    url, _ = fake_endpoint()
    result = run_cli("--endpoint", url + "/endless", "--model", "m", "--suite", str(tiny_suite))
    assert result.code == 1
    assert "sent a line longer than 1 MiB" in assert_one_line(result)


def test_fake_endpoint_answers_when_nothing_redirects(fake_endpoint, tiny_suite):
    url, server = fake_endpoint()
    result = run_cli("--endpoint", url, "--model", "m", "--suite", str(tiny_suite), env=KEY_ENV)
    assert result.code == 0, result.stderr
    assert server.seen == [("POST", "/v1/chat/completions", f"Bearer {KEY}")]


def test_sampled_repeats_reach_the_endpoint_greedy_prompts_stay_greedy(fake_endpoint, tmp_path):
    suite = tmp_path / "sampled.yaml"
    suite.write_text("name: sampled\nprompts:\n"
                     "  - {id: q, prompt: Name a colour., max_tokens: 4, repeat: 3,\n"
                     "     temperature: 0.8, top_p: 0.9, checks: {min_tokens: 1}}\n"
                     "  - {id: g, prompt: Say hi., max_tokens: 4, checks: {min_tokens: 1}}\n",
                     encoding="utf-8")
    url, server = fake_endpoint()
    result = run_cli("--endpoint", url, "--model", "m", "--suite", str(suite), "--json")
    assert result.code == 0, result.stderr
    sampled, greedy = server.bodies[:3], server.bodies[3:]
    assert [b["temperature"] for b in sampled] == [0.8] * 3
    assert [b["top_p"] for b in sampled] == [0.9] * 3
    seeds = [b["seed"] for b in sampled]
    assert seeds == list(range(seeds[0], seeds[0] + 3))      # one seed per repeat
    assert len(greedy) == 1 and greedy[0]["temperature"] == 0 and "top_p" not in greedy[0]
    prompts = json.loads(result.stdout)["prompts"]
    assert [p["sampling"]["seed"] for p in prompts[:3]] == seeds
    assert prompts[3]["sampling"] is None


def test_a_hosted_profile_shapes_the_request_for_a_reasoning_model(fake_endpoint, tmp_path):
    from tests.knowledge.test_api_models import FAMILY, KEY_ENV, write_api_profiles

    url, server = fake_endpoint()
    family = FAMILY.format(base_url=url + "/v1", key_env=KEY_ENV, model_id="acme-api/think-1",
                           api_model="think-1").replace(
        "    docs: https://acme.example/models\n",
        "    docs: https://acme.example/models\n    token_limit: max_completion_tokens\n"
        "    sampling: default_only\n").replace(
        "    api: {model: think-1}", "    api: {model: think-1, extra_body: {reasoning_effort: minimal}}")
    profiles = write_api_profiles(tmp_path / "p", family=family)
    suite = tmp_path / "sampled.yaml"
    suite.write_text("name: sampled\nprompts:\n"
                     "  - {id: q, prompt: Name a colour., max_tokens: 4, repeat: 2,\n"
                     "     temperature: 0.8, checks: {min_tokens: 1}}\n", encoding="utf-8")
    result = run_cli("--api", "acme-api/think-1", "--profiles", str(profiles), "--suite",
                     str(suite), "--json", env={KEY_ENV: KEY})
    assert result.code == 0, result.stderr
    assert len(server.bodies) == 2
    for body in server.bodies:
        assert body["model"] == "think-1" and body["max_completion_tokens"] == 4
        assert body["reasoning_effort"] == "minimal"
        assert not {"max_tokens", "temperature", "top_p", "seed"} & set(body)
    prompts = json.loads(result.stdout)["prompts"]
    assert [p["sampling"] for p in prompts] == [{"provider_default": True}] * 2
    assert server.seen[0][2] == f"Bearer {KEY}" and KEY not in result.stdout + result.stderr
