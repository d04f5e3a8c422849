"""Run a suite against an OpenAI-compatible server (streaming chat completions over HTTP).

Standard library only (urllib). The API key comes from the variable ``spec.key_env``
names (a hosted model's ``api.key_env``, compare's ``--key-env``), else from
``ADVISOR_ENDPOINT_KEY`` or ``OPENAI_API_KEY``; it is read when a request is made, never
stored, copied into the environment or printed. Metrics follow the local runner: time to the
first content chunk, decode speed after it, tokens from ``usage`` when the server sends
it, counted chunks otherwise.

    >>> chat_url("http://127.0.0.1:8000")
    'http://127.0.0.1:8000/v1/chat/completions'

    Example (not run)::

        result = run_endpoint(SmokeSpec(endpoint="http://127.0.0.1:8000", model="smollm"),
                              load_suite("general"), None)
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from advisor import config
from advisor.errors import InputError, OperationError
from advisor.smoke.result import (DONE, LOAD_DONE, PROMPT_DONE, PROMPT_START, TOKEN,
                                  EventCallback, SmokeResult, emit)
from advisor.smoke.suites import PromptSpec, Suite

MAX_LINE_BYTES = 1 << 20      # one event-stream line; a chunk is a few hundred bytes


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only within the endpoint's own origin: the API key must not
    travel to another host, port or scheme (urllib would send it along)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if _origin(target) != _origin(req.full_url):
            raise OperationError(
                f"endpoint {public_url(req.full_url)} redirected to another origin "
                f"({public_url(target)}); not following it, so the API key stays where it "
                "was meant to go: use that URL as --endpoint if you trust it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


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


def public_url(url: str) -> str:
    """``url`` without user:password, for messages."""
    parsed = urllib.parse.urlsplit(url)
    host = parsed.netloc.rsplit("@", 1)[-1]
    return urllib.parse.urlunsplit((parsed.scheme, host, parsed.path, parsed.query, ""))


def api_key(variable: str | None = None) -> str | None:
    """The key in the environment variable ``variable`` when one is named (and only
    there), else the first of ``config.ENDPOINT_KEY_VARS`` that is set: ``api_key("GEMINI_API_KEY")``."""
    for name in (variable,) if variable else config.ENDPOINT_KEY_VARS:
        value = config.secret(name)
        if value:
            return value
    return None


def _request(url: str, body: dict[str, Any], key_env: str | None = None
             ) -> urllib.request.Request:
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    key = api_key(key_env)
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
            return _OPENER.open(_request(url, body, key_env), timeout=timeout)
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
    raise AssertionError("unreachable")


def _lines(response, url: str):
    """The response's lines, each at most MAX_LINE_BYTES: an endless line (no newline
    ever) is an error, not a buffer that grows until memory runs out."""
    while True:
        raw = response.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES:
            raise OperationError(f"endpoint {public_url(url)} sent a line longer than "
                                 f"{MAX_LINE_BYTES >> 20} MiB; not an event stream")
        yield raw


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
    """One streaming chat completion; returns ``prompt_done``-shaped data. ``key_env``:
    the variable holding the key (see :func:`api_key`); ``shape``: see :func:`request_body`."""
    body, sampling = request_body(model, prompt, seed, shape)
    if prompt.stop:
        body["stop"] = list(prompt.stop)
    output, chunks, usage, finish = "", 0, None, None
    t_first = t_last = None
    start = time.perf_counter()
    response = _open(url, body, timeout, key_env)
    if response.headers.get_content_type() == "text/html":
        response.close()
        raise OperationError(f"endpoint {public_url(url)} answered with an HTML page, not an "
                             "OpenAI-compatible chat completions stream")
    try:
        with response:
            for raw in _lines(response, url):
                # No new text for `timeout` seconds (keep-alive lines do not count), or far
                # more chunks than max_tokens asked for: stop instead of waiting forever.
                if time.perf_counter() - (t_last or start) > timeout:
                    raise OperationError(f"endpoint {public_url(url)} sent no text for "
                                         f"{timeout:g} s during prompt {prompt.id}")
                if chunks > 4 * prompt.max_tokens + 64:
                    finish = "length"
                    break
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    chunk = json.loads(payload)
                except ValueError:
                    continue
                if not isinstance(chunk, dict):
                    continue
                if isinstance(chunk.get("usage"), dict):
                    usage = chunk["usage"]
                choices = chunk.get("choices")
                for choice in choices if isinstance(choices, list) else []:
                    if not isinstance(choice, dict):
                        continue
                    delta = choice.get("delta")
                    text = delta.get("content") if isinstance(delta, dict) else None
                    text = text if isinstance(text, str) else ""
                    if text:
                        now = time.perf_counter()
                        t_first = t_first or now
                        t_last = now
                        chunks += 1
                        output += text
                        on_token(text)
                    finish = str(choice.get("finish_reason") or finish or "") or None
    except (TimeoutError, socket.timeout):
        raise OperationError(f"endpoint {public_url(url)} stopped sending for {timeout:g} s "
                             f"during prompt {prompt.id}") from None
    except (ConnectionError, OSError) as exc:
        raise OperationError(f"endpoint {public_url(url)} dropped the connection during "
                             f"prompt {prompt.id}: {exc}") from None
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
