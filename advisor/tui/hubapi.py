"""The TUI's view of the Hub adapter (``advisor.hub``): facts, GGUF builds, pulls.

Thin glue so the screens never depend on the adapter's exact return types; each
function runs in a worker thread and raises ``Exception`` with a one-line message.

    >>> builds = list_builds("bartowski/Llama-3.2-1B-Instruct-GGUF", HardwareSpec(16, 0))
    >>> builds[0].quant, builds[0].fit
    ('Q4_K_M', 'cpu')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text

from advisor.tui.rows import HardwareSpec, fit_for_bytes

OFFLINE_HINTS = ("offline", "cannot be reached", "connect", "network", "resolve", "timed out",
                 "unreachable", "name or service")


@dataclass(frozen=True)
class GGUFBuild:
    """One GGUF file of a repository with its memory estimate and fit."""

    repo: str
    filename: str
    quant: str | None
    bytes: int | None
    total_bytes: int | None
    fit: str


def looks_offline(message: str) -> bool:
    lowered = message.lower()
    return any(hint in lowered for hint in OFFLINE_HINTS)


def fetch_facts(repo_id: str) -> Any:
    """HubFacts for ``repo_id`` with its base chain (OperationError on failure)."""
    from advisor.hub.client import fetch_hub_facts

    return fetch_hub_facts(repo_id)


def facts_text(facts: Any) -> Text:
    """A readable block of what the Hub says."""
    text = Text()

    def line(label: str, value: Any) -> None:
        if value in (None, "", [], False):
            return
        text.append(f"{label:>14}  ", style="bold")
        text.append(f"{value}\n")

    line("Repository", facts.repo_id)
    line("Revision", (facts.sha or "")[:12] or None)
    license_value = facts.license_tag
    if facts.license_name:
        license_value = f"{facts.license_tag} ({facts.license_name})"
    line("License tag", license_value)
    line("License link", facts.license_link)
    line("Gated", "yes" if facts.gated is True else facts.gated)
    line("Pipeline", facts.pipeline_tag)
    line("Library", facts.library_name)
    line("Last modified", facts.last_modified)
    if facts.base_models:
        relation = f" ({facts.base_relation})" if facts.base_relation else ""
        line("Base model", ", ".join(facts.base_models) + relation)
    for depth, base in enumerate(facts.base_chain, 1):
        line(f"base {depth}", f"{base.repo_id} · license {base.license_tag or '?'}")
    if facts.tags:
        line("Tags", ", ".join(facts.tags[:12]) + (" …" if len(facts.tags) > 12 else ""))
    return text


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _lister() -> Callable[..., Any]:
    try:
        from advisor.hub import ggufs as module  # type: ignore[attr-defined]
    except ImportError as exc:
        raise RuntimeError("GGUF listing is not available in this build") from exc
    for name in ("list_ggufs", "gguf_files", "list_gguf_files", "ggufs"):
        func = getattr(module, name, None)
        if callable(func):
            return func
    raise RuntimeError("GGUF listing is not available in this build")


def list_builds(repo: str, hardware: HardwareSpec, n_ctx: int = 4096) -> list[GGUFBuild]:
    """GGUF files of ``repo`` with estimate and fit for ``hardware``."""
    func = _lister()
    items = func(repo, n_ctx=n_ctx)
    if isinstance(items, dict):
        items = items.get("files", items.get("ggufs", []))
    builds = []
    for item in items:
        data = item.to_dict() if hasattr(item, "to_dict") else item
        estimate = _attr(data, "estimate") or {}
        total = _attr(estimate, "total_bytes")
        size = _attr(data, "bytes", "size")
        fit = fit_for_bytes(total, hardware) if total else "?"
        builds.append(GGUFBuild(repo=repo, filename=str(_attr(data, "filename", "name")),
                                quant=_attr(data, "quant"), bytes=size, total_bytes=total,
                                fit=fit))
    return builds


def pull_file(repo: str, filename: str, progress: Callable[[int, int | None], None],
              cancelled: Callable[[], bool]) -> Path:
    """Download one file into the HF cache with progress; returns the local path."""
    from advisor.hub import pull as pull_module  # type: ignore[attr-defined]

    for name in ("pull_file", "pull", "download"):
        func = getattr(pull_module, name, None)
        if callable(func):
            break
    else:  # pragma: no cover - depends on the hub engineer's API
        raise RuntimeError("pulling is not available in this build")
    result = func(repo, filename=filename, progress=progress, cancelled=cancelled)
    path = _attr(result, "path") if not isinstance(result, (str, Path)) else result
    return Path(path)
