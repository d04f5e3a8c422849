"""A hostile OpenAI-compatible server on 127.0.0.1 (issue 23, items 1 and 5): keys go only
where the user tied them, and a flooding, dripping or crawling stream cannot hold a run
past ``--timeout`` or grow without bound.

The server's every loop is bounded (it stops by itself, whatever the client does); a
test asserts the run ended while the server was still trickling, a condition, not a time.
"""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from advisor.smoke.keys import key_plan
from tests.smoke.conftest import assert_one_line, run_cli

KEY = "sk-advisor-endpoint-0123456789"
OPENAI = "sk-openai-must-stay-home-0123456789"


def _chunk(text: str) -> bytes:
    return f"data: {json.dumps({'choices': [{'delta': {'content': text}}]})}\n\n".encode()


class _Hostile(http.server.BaseHTTPRequestHandler):
    """``/ok``: one chunk; ``/flood``: chunks just under 1 MiB, 40 of them; ``/drip``: a byte every
    0.25 s, 400 of them; ``/crawl``: a token every 0.5 s, 200 of them; ``/slow-head``: the
    status line a byte every 0.25 s. ``server.seen`` keeps each Authorization header,
    ``server.sent`` the bytes written, ``server.finished`` the paths that ran to their end."""

    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:                  # the client hung up, as it should
            return False
        self.server.sent[self.path] += len(data)
        return True

    def do_POST(self):
        self.server.seen.append(self.headers.get("Authorization"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("/v1/")[0]
        self.path = path
        self.server.sent.setdefault(path, 0)
        if path == "/slow-head":
            for byte in b"HTTP/1.1 200 OK\r\n" * 30:
                if not self._write(bytes([byte])):
                    return
                time.sleep(0.25)
            self.server.finished.add(path)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        steps = {"/flood": (40, 0.0), "/drip": (400, 0.25), "/crawl": (200, 0.5)}
        count, pause = steps.get(path, (0, 0.0))
        if path == "/drip":
            self._write(b"data: ")
        for _ in range(count):
            data = (_chunk("x" * ((1 << 20) - 256)) if path == "/flood" else
                    b"x" if path == "/drip" else _chunk("tok "))
            if not self._write(data):
                return
            time.sleep(pause)
        if path == "/ok":
            self._write(_chunk("hello"))
        self._write(b"data: [DONE]\n\n")
        self.server.finished.add(path)


@pytest.fixture
def hostile():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    server.seen, server.sent, server.finished = [], {}, set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------- keys (item 1)

def test_openai_api_key_never_goes_to_an_endpoint_the_user_named(hostile, tiny_suite):
    url, server = hostile
    result = run_cli("--endpoint", url + "/ok", "--model", "m", "--suite", str(tiny_suite),
                     env={"OPENAI_API_KEY": OPENAI, "ADVISOR_ENDPOINT_KEY": None})
    assert result.code == 0, result.stderr
    assert server.seen == [None]
    assert f"no API key is sent to {url}" in result.stderr
    assert OPENAI not in result.stdout + result.stderr


def test_the_advisor_key_goes_to_the_endpoint_and_is_named(hostile, tiny_suite):
    url, server = hostile
    result = run_cli("--endpoint", url + "/ok", "--model", "m", "--suite", str(tiny_suite),
                     env={"OPENAI_API_KEY": OPENAI, "ADVISOR_ENDPOINT_KEY": KEY})
    assert result.code == 0, result.stderr
    assert server.seen == [f"Bearer {KEY}"]
    assert f"the key in ADVISOR_ENDPOINT_KEY is sent to {url}" in result.stderr


def test_key_env_ties_one_variable_to_one_endpoint(hostile, tiny_suite):
    url, server = hostile
    result = run_cli("--endpoint", url + "/ok", "--model", "m", "--suite", str(tiny_suite),
                     "--key-env", "MY_SERVER_KEY",
                     env={"MY_SERVER_KEY": KEY, "ADVISOR_ENDPOINT_KEY": "sk-other-0123456789"})
    assert result.code == 0, result.stderr
    assert server.seen == [f"Bearer {KEY}"]
    assert f"the key in MY_SERVER_KEY is sent to {url}" in result.stderr


def test_the_key_plan_has_no_fallback():
    env = {"OPENAI_API_KEY": OPENAI, "GEMINI_API_KEY": "g" * 20}
    assert key_plan("https://evil.example/v1", None, environ=env).variable is None
    tied = key_plan("https://evil.example/v1", "MY_KEY", environ={**env,
                                                                  "ADVISOR_ENDPOINT_KEY": KEY})
    assert tied.variable is None and "MY_KEY is not set" in tied.note()


# ------------------------------------------------------------------- bounds (item 5)

def test_a_flood_is_cut_at_the_answer_bound(hostile, tiny_suite):
    url, server = hostile
    result = run_cli("--endpoint", url + "/flood", "--model", "m", "--suite", str(tiny_suite))
    assert result.code == 1
    assert "sent more than 8 MiB for prompt" in assert_one_line(result)
    assert "/flood" not in server.finished and server.sent["/flood"] < 40 << 20


@pytest.mark.parametrize("path, message", [
    ("/drip", "did not finish prompt"),             # a byte every 0.25 s inside one line
    ("/crawl", "did not finish prompt"),            # a token every 0.5 s
    ("/slow-head", "did not answer within 2 s"),    # the status line itself trickles
])
def test_slow_progress_cannot_hold_a_prompt_past_the_timeout(hostile, tiny_suite, path,
                                                             message):
    url, server = hostile
    result = run_cli("--endpoint", url + path, "--model", "m", "--suite", str(tiny_suite),
                     "--timeout", "2")
    assert result.code == 1
    line = assert_one_line(result)
    assert message in line and ("within 2 s" in line)
    assert path not in server.finished           # the server was still trickling
