"""The TUI's view of the smoke runner (``advisor.smoke``) and of pulls (``advisor.hub.pull``).

Both run in worker threads; events and progress travel through callbacks.

    Example (not run)::

        result = run_smoke(Path("model.gguf"), "general", on_event=print, cancel=threading.Event())
        result["passed"]   # True
"""

from __future__ import annotations

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


def suite_description(name: str) -> str:
    """The suite's own one-line description ('' when it has none or cannot be read)."""
    try:
        from advisor.smoke.suites import load_suite

        return str(load_suite(name).description or "")
    except Exception:  # noqa: BLE001 - a description never breaks the screen
        return ""


def default_suite(categories: Any, use_cases: Any) -> str:
    try:
        from advisor.smoke.suites import suite_for_use_cases

        return suite_for_use_cases(categories, use_cases or {})
    except Exception:  # noqa: BLE001
        return "general"


def run_smoke(path: Path, suite: str, *, on_event: Callable[[Any], None],
              cancel: threading.Event, gpu: str = "auto") -> dict[str, Any]:
    """Run ``suite`` on the GGUF at ``path`` (llama.cpp in a child process); returns the
    result as a dict (CONTRACT §5). Cancelling stops the child at the next event, and
    :func:`stop_child` stops it at once."""
    from advisor.smoke.runner import SmokeSpec
    from advisor.smoke.runner import run_smoke as run

    def relay(event: Any) -> None:
        if cancel.is_set():
            raise Cancelled()
        on_event(event)

    try:
        result = run(SmokeSpec(gguf=Path(path), suite=suite, gpu=gpu), on_event=relay)
    except Exception:
        if cancel.is_set():
            raise Cancelled() from None
        raise
    return result.to_dict()


def stop_child(pid: int | None) -> None:
    """Terminate the smoke child process (the runner then reports it as stopped)."""
    import os
    import signal

    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass


def pull(repo: str, filename: str, *, progress: Callable[[int, int | None], None],
         cancel: threading.Event, expected_sha256: str | None = None) -> Path:
    """Download into the HF cache; ``progress(done, total)``; cancel leaves a resumable part."""
    from advisor.hub.pull import pull_file

    def report(done: int, total: int | None, final: bool = False) -> None:
        if cancel.is_set() and not final:
            raise Cancelled()
        progress(done, total)

    return Path(pull_file(repo, filename, expected_sha256=expected_sha256, progress=report))
