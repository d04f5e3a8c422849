"""Issue 22 in the app: any GGUF path can be opened for a smoke test or a comparison
(like ``--gguf``), and the GGUF tab's headings say what its columns hold, with the memory
estimate for files on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, ListView, Select

from advisor.tui.screens.compare import CompareScreen
from advisor.tui.screens.detail import HUB_COLUMNS, LOCAL_COLUMNS
from advisor.tui.screens.file_prompt import FilePrompt
from advisor.tui.screens.smoke import SmokeScreen
from tests.fixtures.tiny_gguf import write_tiny_gguf
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio
SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"


def headings(table: DataTable) -> list[str]:
    return [str(c.label) for c in table.ordered_columns]


async def open_path(pilot: Any, app: Any, path: str) -> None:
    await pilot.press("o")
    assert await wait_for(pilot, lambda: isinstance(app.screen, FilePrompt))
    app.screen.query_one("#prompt-path", Input).value = path
    await pilot.press("enter")
    assert await wait_for(pilot, lambda: not isinstance(app.screen, FilePrompt))
    await pilot.pause()


async def test_smoke_screen_opens_any_gguf_path(fixture_kb: Any, make_app: Any,
                                                tmp_path: Path) -> None:
    gguf = write_tiny_gguf(tmp_path / "somewhere" / "mine.gguf")
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "t")
        assert await wait_for(pilot, lambda: isinstance(app.screen, SmokeScreen))
        await open_path(pilot, app, str(tmp_path / "missing.gguf"))
        assert isinstance(app.screen, SmokeScreen)
        assert await wait_for(pilot, lambda: "no such file" in "\n".join(
            str(n.message) for n in app._notifications))
        await open_path(pilot, app, str(gguf))
        screen = app.screen
        source = screen.query_one("#source", Select)
        assert await wait_for(pilot, lambda: source.value == str(gguf.resolve()))
        assert any(m.path == gguf.resolve() for m in app.settings.local_models)


async def test_compare_screen_adds_an_opened_gguf_as_its_own_line(fixture_kb: Any,
                                                                   make_app: Any,
                                                                   tmp_path: Path) -> None:
    gguf = write_tiny_gguf(tmp_path / "other.gguf")
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        ids = list(fixture_kb.models)[:2]
        app.action_compare(ids)
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert await wait_for(pilot, lambda: len(screen.plans) == 2)
        before = len(screen.plans)
        await open_path(pilot, app, str(gguf))
        assert await wait_for(pilot, lambda: len(screen.plans) == before + 1)
        assert screen.plans[-1].runnable
        assert screen.plans[-1].build.path == gguf.resolve()
        assert len(screen.query_one("#plan", ListView).children) == before + 1


async def test_gguf_tab_headings_and_memory_for_files_on_disk(shipped_kb: Any, make_app: Any,
                                                              tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    home = tmp_path / "home"
    folder = home / ".lmstudio" / "models" / "HuggingFaceTB" / "SmolLM2-135M-Instruct"
    write_tiny_gguf(folder / "SmolLM2-135M-Instruct-F32.gguf", name="SmolLM2 135M Instruct")
    monkeypatch.setenv("HOME", str(home))
    app = make_app(shipped_kb)
    async with app.run_test(size=(120, 30)) as pilot:
        app.action_open_model(SMOL)
        await pilot.pause()
        await pilot.press("5")
        table = app.screen.query_one("#gguf-table", DataTable)
        assert await wait_for(pilot, lambda: table.row_count > 0, timeout=30)
        assert headings(table) == [label for label, _ in LOCAL_COLUMNS]
        assert headings(table) != [label for label, _ in HUB_COLUMNS]
        keys = [str(c.key.value) for c in table.ordered_columns]
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        ours = next(r for r in rows if r[0] == "SmolLM2-135M-Instruct-F32.gguf")
        memory = ours[keys.index("memory")]
        assert memory.endswith("MiB") and memory != "unknown", ours
