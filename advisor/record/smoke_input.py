"""A smoke result read as a record's input (``advisor record --smoke FILE``): every field
the record shows must have the shape and length it should, or the file is refused (exit 2,
naming the field) before anything of it reaches a record.

    >>> smoke_problem({"passed": True, "prompts": [{"id": "a\\n## Decision Outcome"}]})
    'prompts[0].id: must be one line (it holds a line break)'
"""

from __future__ import annotations

from typing import Any

from advisor.knowledge.ids import repo_id_problem
from advisor.record.shape import (NAME, PATH, SHORT, figure_problem, name_problem,
                                  scalar_problem, text_problem)
from advisor.text import is_sha256

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
        if value is not None and not is_sha256(value):
            return f"{where}{key}: must be 64 hex digits or null"
    return figure_problem(data, where, numbers=_NUMBERS, counts=_COUNTS)


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
    if (problem := figure_problem(prompt, f"{where}.", numbers=_PROMPT_NUMBERS)):
        return problem
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
    None. The rest of a superset is kept as it is, never shown in the Markdown."""
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
