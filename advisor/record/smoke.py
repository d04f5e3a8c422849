"""Read the facts a record needs from an ``advisor smoke --json`` result (any superset).

    >>> summary = smoke_summary({"passed": True, "prompts": [{"id": "a", "passed": True,
    ...                          "ttft_seconds": 0.1, "tokens_per_second": 50.0}]})
    >>> summary.pass_rate, summary.mean_tokens_per_second
    (1.0, 50.0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from advisor.knowledge.matching import FileClues
from advisor.text import is_sha256



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
    sha = str(sha).lower() if is_sha256(sha) else None
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


def smoke_clues(smoke: dict[str, Any]) -> FileClues:
    """What tells which model the smoke result (or a file description ``{"repo": ...,
    "path": ...}``) ran (:mod:`advisor.knowledge.matching`): its repo and file names.

    >>> smoke_clues({"path": "/m/SmolLM2-135M-Instruct.Q4_1.gguf", "repo": "a/b-GGUF"})
    FileClues(repo='a/b-gguf', names=('smollm2135minstructq41gguf', 'bgguf'))
    """
    gguf = smoke_gguf(smoke) or {}
    return FileClues.of(repo=gguf.get("repo") or smoke.get("repo"), path=gguf.get("file"),
                        names=[os.path.basename(str(n)) for n in
                               (gguf.get("path"), smoke.get("model")) if n])
