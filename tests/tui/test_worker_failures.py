"""A worker that raises never ends the app: the app's one handler says the error in a
notification titled with what failed, and the screen that started it resets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Static

from advisor.tui.screens.candidates import CandidatesScreen
from advisor.tui.screens.smoke import SmokeScreen
from advisor.tui.settings import LocalModel
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio


async def test_a_failed_smoke_run_is_said_and_the_app_keeps_running(
        fixture_kb: Any, make_app: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a GGUF file at all\n" * 64)
    app = make_app(fixture_kb, local_models=(LocalModel("broken file", broken),))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))
        await pilot.press("t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SmokeScreen))
        screen = app.screen
        await pilot.press("s", "y")
        assert await wait_for(pilot, lambda: any(n.title == "Smoke test failed"
                                                 for n in app._notifications), timeout=60)
        failed = next(n for n in app._notifications if n.title == "Smoke test failed")
        assert failed.severity == "error" and "broken.gguf" in str(failed.message)
        assert await wait_for(pilot, lambda: not screen.running)
        assert app.is_running and app.screen is screen
        assert "✗" in str(screen.query_one("#smoke-status", Static).render())
        assert not screen.query_one("#run", Button).disabled          # ready to run again
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))
