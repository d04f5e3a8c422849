"""Run a suite against an OpenAI-compatible server (streaming chat completions over HTTP).

Standard library only (urllib). Which key goes where is decided in one place,
:mod:`advisor.smoke.keys` (the variable tied to this endpoint, else ``ADVISOR_ENDPOINT_KEY``,
else none). Every prompt is bounded: at most ``timeout`` seconds of wall-clock time however
slowly the server trickles (:class:`advisor.smoke.transport.Deadline`), at most
MAX_ANSWER_BYTES of stream, lines of at most MAX_LINE_BYTES. Metrics follow the local
runner: time to the first content chunk, decode speed after it, tokens from ``usage``
when the server sends it, counted chunks otherwise.

    >>> chat_url("http://127.0.0.1:8000")
    'http://127.0.0.1:8000/v1/chat/completions'

    Example (not run)::

        result = run_endpoint(SmokeSpec(endpoint="http://127.0.0.1:8000", model="smollm"),
                              load_suite("general"), None)
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from advisor.errors import InputError, OperationError
from advisor.smoke.keys import key_plan
from advisor.smoke.transport import Deadline, open_request
from advisor.urls import public_url
from advisor.smoke.result import (DONE, LOAD_DONE, PROMPT_DONE, PROMPT_START, TOKEN,
                                  EventCallback, SmokeResult, emit)
from advisor.smoke.suites import PromptSpec, Suite

MAX_LINE_BYTES = 1 << 20      # one event-stream line; a chunk is a few hundred bytes
MAX_ANSWER_BYTES = 8 << 20    # one prompt's whole stream, far above any max_tokens asked


_VERSION_SEGMENT = re.compile(r"v[0-9]+[a-z0-9]*")


def chat_url(endpoint: str) -> str:
    """The chat-completions URL for a base URL, a versioned base URL or the full URL.

    ``chat_url("http://h:8000")`` -> ``http://h:8000/v1/chat/completions``;
    ``chat_url("https://generativelanguage.googleapis.com/v1beta/openai/")`` ->
    ``.../v1beta/openai/chat/completions`` (a version segment anywhere in the path means
    the base URL is complete)."""
    parsed = urllib.parse.urlsplit(endpoint.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(None, f"not an http(s) URL: {public_url(endpoint)!r}",
                         field="--endpoint")
    path = parsed.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        versioned = any(_VERSION_SEGMENT.fullmatch(part) for part in path.split("/"))
        path = path + ("/chat/completions" if versioned else "/v1/chat/completions")
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, ""))


def _request(url: str, body: dict[str, Any], key_env: str | None = None
             ) -> urllib.request.Request:
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    key = key_plan(url, key_env).key()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return urllib.request.Request(url, data=json.dumps(body).encode("utf-8"),
                                  headers=headers, method="POST")


def _http_error_text(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read(4096).decode("utf-8", "replace")
        data = json.loads(raw)
        err = data.get("error", data) if isinstance(data, dict) else data
        text = err.get("message", raw) if isinstance(err, dict) else str(err)
    except (ValueError, OSError, AttributeError):
        text = exc.reason if isinstance(exc.reason, str) else ""
    text = " ".join(str(text).split())
    return text[:200]


def _open(url: str, body: dict[str, Any], timeout: float, key_env: str | None = None):
    """POST with streaming; retries once without ``stream_options`` for servers that
    reject it. Raises OperationError with one line on failure."""
    shown = public_url(url)
    for attempt in (0, 1):
        try:
            return open_request(_request(url, body, key_env), timeout=timeout)
        except urllib.error.HTTPError as exc:
            if attempt == 0 and exc.code in (400, 422) and "stream_options" in body:
                body = {k: v for k, v in body.items() if k != "stream_options"}
                continue
            raise OperationError(f"endpoint {shown} answered HTTP {exc.code}: "
                                 f"{_http_error_text(exc)}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason if not isinstance(exc.reason, Exception) else (
                exc.reason.strerror or str(exc.reason))
            raise OperationError(f"endpoint {shown} unreachable: {reason}") from None
        except (TimeoutError, socket.timeout):
            raise OperationError(f"endpoint {shown} did not answer within {timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise OperationError(f"endpoint {shown} unreachable: {exc.strerror or exc}") from None
        except http.client.HTTPException as exc:
            raise OperationError(f"endpoint {shown} did not answer in HTTP: "
                                 f"{type(exc).__name__}") from None
    raise AssertionError("unreachable")


def _lines(response, url: str, prompt_id: str):
    """The response's lines, each at most MAX_LINE_BYTES and all together at most
    MAX_ANSWER_BYTES: an endless line or a flood is an error, not a buffer that grows
    until memory runs out."""
    total = 0
    while True:
        raw = response.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES:
            raise OperationError(f"endpoint {public_url(url)} sent a line longer than "
                                 f"{MAX_LINE_BYTES >> 20} MiB; not an event stream")
        total += len(raw)
        if total > MAX_ANSWER_BYTES:
            raise OperationError(f"endpoint {public_url(url)} sent more than "
                                 f"{MAX_ANSWER_BYTES >> 20} MiB for prompt {prompt_id}; "
                                 "stopped reading")
        yield raw


def _chunks(response, url: str, prompt_id: str):
    """The JSON objects of the event stream's ``data:`` lines, up to ``[DONE]``."""
    for raw in _lines(response, url, prompt_id):
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            chunk = json.loads(payload)
        except ValueError:
            continue
        if isinstance(chunk, dict):
            yield chunk


def _texts(chunk: dict[str, Any]):
    """(text, finish_reason) of each choice of one chunk."""
    choices = chunk.get("choices")
    for choice in choices if isinstance(choices, list) else []:
        if isinstance(choice, dict):
            delta = choice.get("delta")
            text = delta.get("content") if isinstance(delta, dict) else None
            yield (text if isinstance(text, str) else ""), choice.get("finish_reason")


def request_body(model: str, prompt: PromptSpec, seed: int, shape: Any = None
                 ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The chat-completions body for ``prompt`` and the sampling it asks for.

    ``shape`` (a hosted profile's ``api``: token_limit, sampling, extra_body) adapts it to
    models that take ``max_completion_tokens`` or only their default temperature:
    ``request_body("gpt-5", p, 0, api)[0]`` has no ``temperature``."""
    token_limit = getattr(shape, "token_limit", "max_tokens")
    default_only = getattr(shape, "sampling", "free") == "default_only"
    sampling = prompt.sampling(seed)          # None: greedy (temperature 0, the run's seed)
    body: dict[str, Any] = {
        "model": model, "messages": [dict(m) for m in prompt.messages],
        token_limit: prompt.max_tokens, "stream": True,
        "stream_options": {"include_usage": True}}
    body.update(dict(getattr(shape, "extra_body", ()) or ()))
    if default_only:
        return body, {"provider_default": True}
    body["temperature"] = sampling["temperature"] if sampling else 0
    body["seed"] = sampling["seed"] if sampling else seed
    if sampling:
        body["top_p"] = sampling["top_p"]
    return body, sampling


def stream_prompt(url: str, model: str, prompt: PromptSpec, *, timeout: float, seed: int,
                  on_token, key_env: str | None = None, shape: Any = None) -> dict[str, Any]:
    """One streaming chat completion within ``timeout`` seconds of wall-clock time, all of
    it (connecting, waiting, a slow trickle of bytes); returns ``prompt_done``-shaped data.
    ``key_env``: the variable tied to this endpoint (see :mod:`advisor.smoke.keys`);
    ``shape``: see :func:`request_body`."""
    body, sampling = request_body(model, prompt, seed, shape)
    if prompt.stop:
        body["stop"] = list(prompt.stop)
    shown = public_url(url)
    late = OperationError(f"endpoint {shown} did not finish prompt {prompt.id} within "
                          f"{timeout:g} s (--timeout)")
    with Deadline(timeout) as deadline:
        start = time.perf_counter()
        try:
            response = _open(url, body, deadline.remaining(timeout), key_env)
        except OperationError:
            if deadline.passed():
                raise OperationError(f"endpoint {shown} did not answer within {timeout:g} s"
                                     ) from None
            raise
        if response.headers.get_content_type() == "text/html":
            response.close()
            raise OperationError(f"endpoint {shown} answered with an HTML page, not an "
                                 "OpenAI-compatible chat completions stream")
        try:
            with response:
                read = _read_stream(response, url, prompt, on_token, start)
        except (TimeoutError, socket.timeout):
            if deadline.passed():
                raise late from None
            raise OperationError(f"endpoint {shown} stopped sending for {timeout:g} s "
                                 f"during prompt {prompt.id}") from None
        except (ConnectionError, OSError, http.client.HTTPException) as exc:
            if deadline.passed():
                raise late from None
            raise OperationError(f"endpoint {shown} dropped the connection during "
                                 f"prompt {prompt.id}: {exc}") from None
        if deadline.passed():              # the shut-down socket read as the stream's end
            raise late
    output, chunks, usage, finish, t_first, t_last = read
    end = time.perf_counter()
    reported = (usage or {}).get("completion_tokens")
    completion = reported if isinstance(reported, int) and reported >= 0 else chunks
    prompt_tokens = (usage or {}).get("prompt_tokens")
    prompt_tokens = prompt_tokens if isinstance(prompt_tokens, int) else None
    return {"output": output, "prompt_tokens": prompt_tokens,
            "completion_tokens": completion, "sampled_tokens": completion,
            "ttft_seconds": (t_first - start) if t_first else None,
            "decode_seconds": (t_last - t_first) if t_first else None,
            "total_seconds": end - start, "finish_reason": finish,
            "token_source": "usage" if usage else "chunks", "sampling": sampling}


def _read_stream(response, url: str, prompt: PromptSpec, on_token, start: float) -> tuple:
    """(output, chunks, usage, finish_reason, t_first, t_last) of one event stream; far
    more chunks than max_tokens asked for end it as ``length``."""
    parts: list[str] = []
    chunks, usage, finish = 0, None, None
    t_first = t_last = None
    for chunk in _chunks(response, url, prompt.id):
        if chunks > 4 * prompt.max_tokens + 64:
            finish = "length"
            break
        if isinstance(chunk.get("usage"), dict):
            usage = chunk["usage"]
        for text, reason in _texts(chunk):
            if text:
                now = time.perf_counter()
                t_first = t_first or now
                t_last = now
                chunks += 1
                parts.append(text)
                on_token(text)
            finish = str(reason or finish or "") or None
    return "".join(parts), chunks, usage, finish, t_first, t_last


def run_endpoint(spec, suite: Suite, on_event: EventCallback | None) -> SmokeResult:
    """Run ``suite`` against ``spec.endpoint`` serving ``spec.model``."""
    from advisor.smoke.result import prompt_result

    url = chat_url(spec.endpoint)
    result = SmokeResult(model=spec.model, runner="endpoint", backend="endpoint",
                         suite=suite.name, gpu_mode=None, seed=spec.seed,
                         endpoint=public_url(url))
    if spec.gguf is not None:
        from advisor.smoke.modelfile import inspect_gguf, sha256_file
        from advisor.smoke.modelfile import should_hash

        model_file = inspect_gguf(spec.gguf)
        result.model_path, result.file_bytes = str(model_file.path), model_file.size
        result.file, result.repo = model_file.path.name, spec.repo
        if should_hash(spec.hash_file, model_file.size):
            result.sha256 = sha256_file(model_file.path)
    started = time.perf_counter()
    emit(on_event, LOAD_DONE, load_seconds=None, gpu_layers=0, backend="endpoint",
         endpoint=result.endpoint)
    for prompt in suite.prompts:
        emit(on_event, PROMPT_START, id=prompt.id, prompt=prompt.user_text)
        data = stream_prompt(url, spec.model, prompt, timeout=spec.timeout, seed=spec.seed,
                             on_token=lambda text, pid=prompt.id: emit(on_event, TOKEN,
                                                                      id=pid, text=text),
                             key_env=getattr(spec, "key_env", None),
                             shape=getattr(spec, "request", None))
        pr = prompt_result(prompt, data)
        result.prompts.append(pr)
        emit(on_event, PROMPT_DONE, id=pr.id, result=pr)
    result.wall_seconds = time.perf_counter() - started
    if result.prompts and all(p.prompt_tokens is None for p in result.prompts):
        result.notes.append("the endpoint sent no usage: completion tokens are counted chunks")
    emit(on_event, DONE, result=result)
    return result
