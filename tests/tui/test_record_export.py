"""The app's side of issue 21: the export screen edits each duty's owner and "when", takes
the marked models as the options weighed, refuses a blocked model without an exception
reason and a decider; the app's pull refuses a model the answers block unless overridden."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from advisor.answers import parse_answers
from advisor.tui.screens.confirm import Confirm
from advisor.tui.screens.export import ExportScreen
from advisor.tui.screens.smoke import SmokeScreen
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio
SIZE = (100, 30)
COMMUNITY = "acme/Community-1B-Instruct"      # test-community: blocked above 700M users
OPEN = "acme/Open-7B-Instruct"
HOSTED = ("organization: {domicile: DE, monthly_active_users: %d}\n"
          "deployment: {regions: [DE], mode: hosted_service}\n")


def answers(kb: Any, mau: int) -> Any:
    return parse_answers(HOSTED % mau, "a.yaml", use_case_ids=tuple(kb.use_cases))


def status(screen: Any) -> str:
    return str(screen.query_one("#export-status", Static).render())


async def export_of(app: Any, pilot: Any, model: str) -> ExportScreen:
    app.action_export(model)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    assert await wait_for(pilot, lambda: screen.record is not None)
    return screen


async def test_owner_and_when_are_set_per_duty_and_reach_the_record(fixture_kb: Any,
                                                                    make_app: Any,
                                                                    tmp_path: Path) -> None:
    app = make_app(fixture_kb, answers=answers(fixture_kb, 5000), work_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await export_of(app, pilot, COMMUNITY)
        duties = screen.record.data["duties"]
        attribution = next(i for i, d in enumerate(duties) if d["code"] == "attribution")
        assert duties[attribution]["owner"] == "product"
        table = screen.query_one("#duties", DataTable)
        assert table.row_count == len(duties)
        table.focus()
        table.move_cursor(row=attribution)
        await pilot.press("o")                     # product -> engineering... cycles the roles
        assert await wait_for(pilot, lambda: screen.record is not None)
        await pilot.press("w")
        assert await wait_for(pilot, lambda: screen.record is not None)
        duty = next(d for d in screen.record.data["duties"] if d["code"] == "attribution")
        assert duty["owner"] == screen.owners["attribution"] != "product"
        assert duty["when"] == screen.whens["attribution"] != "on each release"
        assert str(table.get_row_at(attribution)[1]) == duty["owner"]
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: bool(screen.written))
        data = json.loads(next(p for p in screen.written if p.suffix == ".json"
                               and not p.name.endswith(".cdx.json")).read_text())
        assert data["duty_settings"]["owners"] == {"attribution": duty["owner"]}
        assert data["considered"]["source"] in ("none", "recommendation")


async def test_a_blocked_model_needs_an_exception_and_a_decider(fixture_kb: Any, make_app: Any,
                                                               tmp_path: Path) -> None:
    app = make_app(fixture_kb, answers=answers(fixture_kb, 800_000_000), work_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await export_of(app, pilot, COMMUNITY)
        assert screen.record.chosen["verdict"] == "blocked"
        assert screen.query_one("#exception-row").display
        assert "is blocked for these answers: user_threshold" in status(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.written and not (tmp_path / "decisions").exists()
        screen.query_one("#exception", Input).value = "pilot for 3 months, license requested"
        assert await wait_for(pilot, lambda: screen.record is not None
                              and "Exception" in status(screen))
        assert screen.record.data["exception"] is None           # no decider yet: refused
        screen.query_one("#deciders", Input).value = "Ana Ruiz"
        assert await wait_for(pilot, lambda: screen.record is not None
                              and screen.record.data.get("exception") is not None)
        assert screen.problem is None
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: bool(screen.written))
        md = next(p for p in screen.written if p.suffix == ".md").read_text()
        assert "**Exception accepted** by Ana Ruiz" in md


async def test_marked_models_are_the_options_weighed(fixture_kb: Any, make_app: Any,
                                                     tmp_path: Path) -> None:
    app = make_app(fixture_kb, answers=answers(fixture_kb, 5000), work_dir=tmp_path,
                   answers_path=Path("a.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        candidates = app.screen
        candidates.marked = [OPEN, COMMUNITY]
        screen = await export_of(app, pilot, COMMUNITY)
        assert screen.record.data["considered"]["source"] == "consider"
        assert [a["model"] for a in screen.record.alternatives] == [OPEN]


async def test_the_apps_pull_refuses_what_the_answers_block_unless_overridden(
        fixture_kb: Any, make_app: Any) -> None:
    gguf = {"repo": "acme/Community-1B-Instruct-GGUF", "filename": "c-Q4_0.gguf",
            "bytes": 1000, "sha256": None}
    app = make_app(fixture_kb, answers=answers(fixture_kb, 800_000_000))
    async with app.run_test(size=SIZE) as pilot:
        app.action_smoke(COMMUNITY, gguf=gguf)
        await pilot.pause()
        smoke = app.screen
        assert isinstance(smoke, SmokeScreen)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "user_threshold: Above 700 million monthly active users" in str(
            app.screen.query_one("#confirm-body").render())
        await pilot.press("n")
        assert await wait_for(pilot, lambda: app.screen is smoke)
        assert "Not pulled: acme/Community-1B-Instruct is blocked" in str(
            smoke.query_one("#smoke-status").render())
        assert not smoke.running
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: any("Pulling although" in str(n.message)
                                                 for n in app._notifications))
        assert await wait_for(pilot, lambda: any("Offline: pulling needs the Hub" in str(n.message)
                                                 for n in app._notifications))


async def test_the_apps_pull_lets_through_what_the_answers_allow(fixture_kb: Any,
                                                                 make_app: Any) -> None:
    gguf = {"repo": "acme/Open-7B-Instruct-GGUF", "filename": "o-Q4_0.gguf", "bytes": 1000,
            "sha256": None}
    app = make_app(fixture_kb, answers=answers(fixture_kb, 800_000_000))
    async with app.run_test(size=SIZE) as pilot:
        app.action_smoke(OPEN, gguf=gguf)
        await pilot.pause()
        smoke = app.screen
        await pilot.press("s")
        assert await wait_for(pilot, lambda: any("Offline: pulling needs the Hub" in str(n.message)
                                                 for n in app._notifications))
        assert not isinstance(app.screen, Confirm) and smoke.pull_refusal() is None
