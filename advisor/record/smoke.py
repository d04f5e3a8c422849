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

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


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
