"""The TUI's view of the smoke runner (``advisor.smoke``) and of pulls (``advisor.hub.pull``).

Both run in worker threads; events and progress travel through callbacks.

    >>> result = run_smoke(Path("model.gguf"), "general", on_event=print, cancel=threading.Event())
    >>> result["passed"]
    True
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Cancelled(Exception):
    """The user pressed cancel."""


def suites() -> list[str]:
    try:
        from advisor.smoke.suites import shipped_suites

        return shipped_suites()
    except Exception:  # noqa: BLE001
        return ["general"]


def default_suite(categories: Any) -> str:
    try:
        from advisor.smoke.suites import suite_for_use_cases

        return suite_for_use_cases(categories)
    except Exception:  # noqa: BLE001
        return "general"


def _runner() -> Callable[..., Any]:
    try:
        from advisor.smoke import runner as module  # type: ignore[attr-defined]
    except ImportError as exc:
        raise RuntimeError("the smoke runner is not available in this build") from exc
    for name in ("run_smoke", "run_suite", "run"):
        func = getattr(module, name, None)
        if callable(func):
            return func
    raise RuntimeError("the smoke runner is not available in this build")


def run_smoke(path: Path, suite: str, *, on_event: Callable[[Any], None],
              cancel: threading.Event, gpu: str = "auto") -> dict[str, Any]:
    """Run ``suite`` on the GGUF at ``path``; returns the result as a dict (CONTRACT §5)."""
    func = _runner()
    params = inspect.signature(func).parameters
    kwargs: dict[str, Any] = {}
    for name, value in (("suite", suite), ("on_event", on_event), ("callback", on_event),
                        ("events", on_event), ("cancel", cancel), ("cancel_event", cancel),
                        ("gpu", gpu)):
        if name in params:
            kwargs[name] = value
    first = next(iter(params))
    if first in ("gguf", "path", "model_path", "gguf_path"):
        result = func(path, **kwargs)
    else:
        result = func(gguf=path, **kwargs)
    if cancel.is_set():
        raise Cancelled()
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def pull(repo: str, filename: str, *, progress: Callable[[int, int | None], None],
         cancel: threading.Event, expected_sha256: str | None = None) -> Path:
    """Download into the HF cache; ``progress(done, total)``; cancel leaves a resumable part."""
    from advisor.hub.pull import pull_file

    def report(done: int, total: int | None) -> None:
        if cancel.is_set():
            raise Cancelled()
        progress(done, total)

    return Path(pull_file(repo, filename, expected_sha256=expected_sha256, progress=report))
