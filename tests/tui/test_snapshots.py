"""Screenshots of every screen at 100x30 (pytest-textual-snapshot).

Deterministic by construction: the small knowledge base under tests/tui/profiles,
16 GiB RAM and no GPU, offline, a fixed record date and fixed local-model list.
Regenerate with ``pytest tests/tui --snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from advisor.tui.app import AdvisorApp
from advisor.tui.settings import LocalModel
from tests.tui.conftest import SNAPSHOT_WORK_DIR, settings, wait_for

SIZE = (100, 30)
DEMO = LocalModel("local demo model (SmolLM2-135M-Instruct.Q4_1.gguf)",
                  Path("/nonexistent/SmolLM2-135M-Instruct.Q4_1.gguf"))


def steady(*keys: str) -> Any:
    """run_before: press ``keys``, then stop every input's cursor blinking (a blink
    phase would make the screenshot depend on timing)."""
    async def run(pilot: Any) -> None:
        if keys:
            await pilot.press(*keys)
        await pilot.pause()
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    return run


def app_for(kb: Any, **overrides: Any) -> AdvisorApp:
    overrides.setdefault("local_models", (DEMO,))
    return AdvisorApp(settings(SNAPSHOT_WORK_DIR, **overrides), kb=kb)


def test_interview(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE, run_before=steady())


def test_interview_validation_error(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("home", "ctrl+k", "X", "X"))


def test_candidates(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("ctrl+n"))


def test_detail_findings(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("ctrl+n", "slash", *"70b", "enter",
                                          "enter"))


def test_detail_openness(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("ctrl+n", "slash", *"open", "enter", "enter",
                                          "3"))


def test_smoke_idle(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("ctrl+n", "t"))


def test_export(snap_compare: Any, fixture_kb: Any) -> None:
    async def built(pilot: Any) -> None:
        await pilot.press("ctrl+n", "e")
        assert await wait_for(pilot, lambda: getattr(pilot.app.screen, "record", None)
                              is not None)
        await steady()(pilot)

    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE, run_before=built)


def test_help(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("ctrl+n", "f1"))
