"""Read the facts a record needs from an ``advisor smoke --json`` result (any superset).

    >>> summary = smoke_summary({"passed": True, "prompts": [{"id": "a", "passed": True,
    ...                          "ttft_seconds": 0.1, "tokens_per_second": 50.0}]})
    >>> summary.pass_rate, summary.mean_tokens_per_second
    (1.0, 50.0)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from advisor.knowledge.ids import repo_id_problem
from advisor.record.shape import (NAME, PATH, SHORT, is_count, is_number, name_problem,
                                  scalar_problem, text_problem)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_PROMPTS = 1000
MAX_CHECKS = 100
MAX_OUTPUT = 8 << 20           # an answer, as the endpoint runner bounds it
# The fields a record shows, by the shape each must have (advisor.record.shape).
_NAMES = {"suite": NAME, "model": PATH, "runner": SHORT, "backend": SHORT, "file": NAME,
          "gpu_mode": SHORT, "llama_cpp_version": SHORT, "llama_cpp_python_version": SHORT,
          "prompt_style": SHORT, "filename": NAME}
_PATHS = ("path", "gguf_path", "model_path")
_TEXTS = ("gpu_reason", "endpoint")
_NUMBERS = ("load_seconds", "wall_seconds")
_COUNTS = ("gpu_layers", "threads", "n_ctx", "peak_rss_bytes", "vram_bytes", "file_bytes",
           "seed")
_PROMPT_NUMBERS = ("ttft_seconds", "total_seconds", "tokens_per_second",
                   "prompt_tokens_per_second")


def _field_problem(data: dict[str, Any], where: str) -> str | None:
    """The first top-level field of a smoke result that has not the shape it must."""
    for key, limit in _NAMES.items():
        if data.get(key) is not None and (problem := name_problem(data[key], limit)):
            return f"{where}{key}: {problem}"
    for key in _PATHS:
        if data.get(key) is not None and (problem := name_problem(data[key], PATH)):
            return f"{where}{key}: {problem}"
    for key in _TEXTS:
        if data.get(key) is not None and (problem := text_problem(data[key])):
            return f"{where}{key}: {problem}"
    for key in ("repo", "repo_id"):
        if data.get(key) is not None and (problem := repo_id_problem(data[key], owner=False)):
            return f"{where}{key}: {problem}"
    for key in ("sha256", "gguf_sha256", "file_sha256"):
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and _SHA256.match(value.lower())):
            return f"{where}{key}: must be 64 hex digits or null"
    for key in _NUMBERS:
        if data.get(key) is not None and not is_number(data[key]):
            return f"{where}{key}: must be a number of at least 0 or null"
    for key in _COUNTS:
        if data.get(key) is not None and not is_count(data[key]):
            return f"{where}{key}: must be a whole number of at least 0 or null"
    return None


def _hardware_problem(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return name_problem(value)
    if not isinstance(value, dict) or len(value) > 32:
        return "must be a name or an object of at most 32 settings"
    for key, item in value.items():
        problem = name_problem(key, SHORT) or scalar_problem(item, NAME)
        if problem:
            return f"{key!r}: {problem}"[:200]
    return None


def _check_problem(check: Any, where: str) -> str | None:
    if not isinstance(check, dict):
        return f"{where}: must be an object"
    if check.get("check") is not None and (problem := name_problem(check["check"], SHORT)):
        return f"{where}.check: {problem}"
    if check.get("passed") is not None and not isinstance(check["passed"], bool):
        return f"{where}.passed: must be true or false"
    expected = check.get("expected")
    items = expected if isinstance(expected, list) else [expected]
    if len(items) > 50 or any(scalar_problem(item, 500) for item in items):
        return f"{where}.expected: must be a number, true/false, null or a name (or a list of them)"
    if check.get("detail") is not None and (problem := text_problem(check["detail"])):
        return f"{where}.detail: {problem}"
    return None


def _prompt_problem(prompt: Any, where: str) -> str | None:
    if not isinstance(prompt, dict):
        return f"{where}: must be a JSON object"
    if (problem := name_problem(prompt.get("id"))):
        return f"{where}.id: {problem}"
    if prompt.get("passed") is not None and not isinstance(prompt["passed"], bool):
        return f"{where}.passed: must be true or false"
    if prompt.get("error") is not None and (problem := text_problem(prompt["error"])):
        return f"{where}.error: {problem}"
    if prompt.get("output") is not None and (problem := text_problem(prompt["output"],
                                                                      MAX_OUTPUT)):
        return f"{where}.output: {problem}"
    for key in _PROMPT_NUMBERS:
        if prompt.get(key) is not None and not is_number(prompt[key]):
            return f"{where}.{key}: must be a number of at least 0 or null"
    checks = prompt.get("checks") or []
    if not isinstance(checks, list) or len(checks) > MAX_CHECKS:
        return f"{where}.checks: must be a list of at most {MAX_CHECKS} checks"
    for index, check in enumerate(checks):
        if (problem := _check_problem(check, f"{where}.checks[{index}]")):
            return problem
    return None


def smoke_problem(data: Any) -> str | None:
    """The first way ``data`` is not a smoke result a record can carry (an object with
    ``prompts`` and ``passed``, every field it shows of the right shape and length), or
    None. The rest of a superset is kept as it is, never shown in the Markdown.

    >>> smoke_problem({"passed": True, "prompts": [{"id": "a\\n## Decision Outcome"}]})
    'prompts[0].id: must be one line (it holds a line break)'
    """
    if not isinstance(data, dict):
        return "expected a JSON object from `advisor smoke --json`"
    if not isinstance(data.get("prompts"), list) or not isinstance(data.get("passed"), bool):
        return "needs `prompts` (a list) and `passed` (true/false)"
    if len(data["prompts"]) > MAX_PROMPTS:
        return f"prompts: {len(data['prompts'])} prompts, at most {MAX_PROMPTS}"
    problem = _field_problem(data, "")
    if problem is None and isinstance(data.get("gguf"), dict):
        problem = _field_problem(data["gguf"], "gguf.")
    if problem is None and (hw := _hardware_problem(data.get("hardware"))):
        problem = f"hardware: {hw}"
    for index, prompt in enumerate(data["prompts"]):
        problem = problem or _prompt_problem(prompt, f"prompts[{index}]")
    return problem


@dataclass(frozen=True)
class SmokeSummary:
    passed: bool
    checks_passed: int
    checks_total: int
    mean_ttft_seconds: float | None
    mean_tokens_per_second: float | None
    load_seconds: float | None
    peak_rss_bytes: int | None
    backend: str | None
    gpu_layers: int | None

    @property
    def pass_rate(self) -> float:
        return self.checks_passed / self.checks_total if self.checks_total else 0.0


def _numbers(prompts: list[dict[str, Any]], key: str) -> list[float]:
    return [float(p[key]) for p in prompts
            if isinstance(p.get(key), (int, float)) and not isinstance(p.get(key), bool)]


def smoke_summary(smoke: dict[str, Any]) -> SmokeSummary:
    """Pass counts and mean speeds over the prompts of a smoke result."""
    prompts = [p for p in smoke.get("prompts") or [] if isinstance(p, dict)]
    ttft, tps = _numbers(prompts, "ttft_seconds"), _numbers(prompts, "tokens_per_second")
    load = smoke.get("load_seconds")
    rss = smoke.get("peak_rss_bytes")
    layers = smoke.get("gpu_layers")
    return SmokeSummary(
        passed=bool(smoke.get("passed")),
        checks_passed=sum(1 for p in prompts if p.get("passed") is True),
        checks_total=len(prompts),
        mean_ttft_seconds=fmean(ttft) if ttft else None,
        mean_tokens_per_second=fmean(tps) if tps else None,
        load_seconds=float(load) if isinstance(load, (int, float)) else None,
        peak_rss_bytes=int(rss) if isinstance(rss, int) else None,
        backend=str(smoke["backend"]) if smoke.get("backend") is not None else None,
        gpu_layers=int(layers) if isinstance(layers, int) else None,
    )


def _first(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = data.get(key)
        if value not in (None, ""):
            return value
    return None


def smoke_gguf(smoke: dict[str, Any]) -> dict[str, Any] | None:
    """What the smoke result says about the GGUF it ran: file, repo, path, SHA-256."""
    nested = smoke.get("gguf") if isinstance(smoke.get("gguf"), dict) else {}
    merged = {**{k: v for k, v in smoke.items() if not isinstance(v, (dict, list))}, **nested}
    path = _first(merged, "path", "gguf_path", "model_path")
    if path is None and isinstance(smoke.get("gguf"), str):
        path = smoke["gguf"]
    if path is None and str(smoke.get("model", "")).lower().endswith(".gguf"):
        path = smoke["model"]
    sha = _first(merged, "sha256", "gguf_sha256", "file_sha256")
    sha = str(sha).lower() if sha is not None else None
    if sha is not None and not _SHA256.match(sha):
        sha = None
    info = {
        "file": _first(merged, "file", "filename") or (os.path.basename(str(path)) if path else None),
        "repo": _first(merged, "repo", "repo_id"),
        "path": str(path) if path else None,
        "sha256": sha,
    }
    return info if any(v is not None for v in info.values()) else None


def smoke_environment(smoke: dict[str, Any]) -> dict[str, Any]:
    """llama.cpp build and hardware as the smoke result states them (``None`` where absent)."""
    version = _first(smoke, "llama_cpp_version", "llama_cpp_python_version")
    if version is None and isinstance(smoke.get("versions"), dict):
        version = _first(smoke["versions"], "llama_cpp", "llama_cpp_python", "llama-cpp-python")
    return {
        "llama_cpp_version": str(version) if version is not None else None,
        "hardware": smoke.get("hardware"),
        "system_info": smoke.get("system_info"),
    }


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def smoke_is_of_model(smoke: dict[str, Any], model_id: str,
                      gguf_repos: tuple[str, ...] = ()) -> bool:
    """Whether the smoke result ran a build of ``model_id``: its repo is the model's or one
    of its GGUF repos, or the file's name contains the model's name.

    >>> smoke_is_of_model({"file": "SmolLM2-135M-Instruct.Q4_1.gguf"},
    ...                   "HuggingFaceTB/SmolLM2-135M-Instruct")
    True
    """
    gguf = smoke_gguf(smoke) or {}
    repo = str(gguf.get("repo") or smoke.get("repo") or "").lower()
    if repo and repo in {r.lower() for r in (model_id, *gguf_repos)}:
        return True
    name = _squash(model_id.split("/")[-1])
    names = [gguf.get("file"), gguf.get("path"), smoke.get("model"), repo]
    return any(name and name in _squash(os.path.basename(str(n))) for n in names if n)


def builds_of(smoke: dict[str, Any], kb: Any) -> list[str]:
    """Lower-case ids of the profiled models whose build the smoke result (or a file
    description ``{"repo": ..., "path": ...}``) ran: a repo that is the model's own or one of
    its GGUF repos, else the models whose name the file name holds, longest name only (so a
    ``SmolLM2-135M-Instruct`` file is not credited to the base ``SmolLM2-135M``).

    >>> builds_of({"path": "/x/SmolLM2-135M-Instruct.Q4_1.gguf"}, kb)
    ['huggingfacetb/smollm2-135m-instruct']
    """
    models = list(getattr(kb, "models", {}).values()) if kb is not None else []
    gguf = smoke_gguf(smoke) or {}
    repo = str(gguf.get("repo") or smoke.get("repo") or "").lower()
    if repo:
        by_repo = [m.id.lower() for m in models
                   if repo in {r.lower() for r in (m.id, *getattr(m, "gguf_repos", ()))}]
        if by_repo:
            return sorted(set(by_repo))
    files = [_squash(os.path.basename(str(n))) for n in
             (gguf.get("file"), gguf.get("path"), smoke.get("model")) if n]
    named = [(len(_squash(m.id.split("/")[-1])), m.id.lower()) for m in models
             if _squash(m.id.split("/")[-1]) and
             any(_squash(m.id.split("/")[-1]) in f for f in files)]
    if not named:
        return []
    longest = max(n for n, _ in named)
    return sorted({i for n, i in named if n == longest})
