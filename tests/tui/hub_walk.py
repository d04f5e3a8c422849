"""Walk detail -> GGUF builds -> pull -> smoke against a stand-in Hub, in a child process.

huggingface_hub reads HF_ENDPOINT and HF_HOME when it is imported, so this walk runs in a
fresh interpreter with the stand-in's environment (see test_hub_flow.py). It prints one
JSON document with what the screens showed.

    python -m tests.tui.hub_walk WORK_DIR
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from advisor.knowledge.load.walk import build_knowledge
from advisor.tui.app import AdvisorApp
from tests.tui.conftest import FIXTURE_PROFILES, settings, wait_for


async def walk(work_dir: Path) -> dict[str, Any]:
    kb, problems = build_knowledge([FIXTURE_PROFILES])
    assert not problems
    app = AdvisorApp(settings(work_dir, offline=False), kb=kb)
    out: dict[str, Any] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "slash", *"open", "enter", "enter")
        detail = app.screen
        table = detail.query_one("#gguf-table", DataTable)
        out["hub_loaded"] = await wait_for(
            pilot, lambda: "Repository" in str(detail.query_one("#hub-text").render())
            and table.row_count > 0, timeout=60)
        out["hub_text"] = str(detail.query_one("#hub-text").render())
        out["gguf_rows"] = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        out["hub_facts"] = sorted(app.state.hub_facts)
        await pilot.press("5", "p")
        smoke = app.screen
        out["smoke_screen"] = type(smoke).__name__
        out["source"] = str(smoke.query_one("#source").value)
        await pilot.press("s")
        out["finished"] = await wait_for(pilot, lambda: not smoke.running, timeout=120)
        bar = smoke.query_one("#pull-bar")
        out["pull_progress"] = [bar.progress, bar.total]
        out["pull_numbers"] = str(smoke.query_one("#pull-numbers").render())
        out["status"] = str(smoke.query_one("#smoke-status").render())
        out["passed"] = None if smoke.result is None else smoke.result["passed"]
        out["prompts"] = 0 if smoke.result is None else len(smoke.result["prompts"])
        out["notifications"] = [str(n.message) for n in app._notifications]
        out["running"] = app.is_running
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(walk(Path(sys.argv[1])))))
