"""Screenshots of every screen at 100x30, and of the screens that carry the verdict at
80x24 and 120x40 (pytest-textual-snapshot).

Deterministic by construction: the small knowledge base under tests/tui/profiles,
16 GiB RAM and no GPU, offline, a fixed record date and fixed local-model list; each run
in its own temporary folder (shown as the relative ``decisions``), and the timed offline
notice dismissed before the picture, so a slow start cannot change it.
Regenerate with ``pytest tests/tui --snapshot-update`` after a deliberate change, and read
the new pictures before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from advisor.tui.app import AdvisorApp
from advisor.tui.settings import LocalModel
import pytest

from tests.tui.conftest import settings, wait_for

SIZE = (100, 30)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
DEMO = LocalModel("local demo model (SmolLM2-135M-Instruct.Q4_1.gguf)",
                  Path("/nonexistent/SmolLM2-135M-Instruct.Q4_1.gguf"))


def steady(*keys: str) -> Any:
    """run_before: press ``keys``, then stop every input's cursor blinking (a blink
    phase would make the screenshot depend on timing)."""
    async def run(pilot: Any) -> None:
        await quiet(pilot)
        if keys:
            await pilot.press(*keys)
        await pilot.pause()
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    return run


async def quiet(pilot: Any) -> None:
    """Dismiss the offline notice (it leaves on a timer: a picture must not race it)."""
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.fixture(autouse=True)
def own_folder(tmp_path: Path, monkeypatch: Any) -> None:
    """Each snapshot runs in its own temporary folder; the app sees it as ``.``."""
    monkeypatch.chdir(tmp_path)


def app_for(kb: Any, **overrides: Any) -> AdvisorApp:
    overrides.setdefault("local_models", (DEMO,))
    return AdvisorApp(settings(Path("."), **overrides), kb=kb)


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


async def export_built(pilot: Any) -> None:
    await quiet(pilot)
    await pilot.press("ctrl+n", "e")
    assert await wait_for(pilot, lambda: getattr(pilot.app.screen, "record", None)
                          is not None)
    await steady()(pilot)


def test_export(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE, run_before=export_built)


@SIZES
def test_candidates_at(snap_compare: Any, fixture_kb: Any, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=size,
                        run_before=steady("ctrl+n"))


@SIZES
def test_detail_findings_scrolled_to_the_end(snap_compare: Any, fixture_kb: Any,
                                             size: tuple[int, int]) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=size,
                        run_before=steady("ctrl+n", "slash", *"70b", "enter", "enter",
                                          "end"))


@SIZES
def test_export_at(snap_compare: Any, fixture_kb: Any, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=size, run_before=export_built)


def test_help(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=SIZE,
                        run_before=steady("ctrl+n", "f1"))


# The recommendation's table (issue 19): the models left out with their reason, the
# deployment's duties, the filters.
@SIZES
def test_candidates_with_the_models_left_out(snap_compare: Any, fixture_kb: Any,
                                             size: tuple[int, int]) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=size,
                        run_before=steady("ctrl+n", "x"))


def test_duties_of_the_deployment(snap_compare: Any, fixture_kb: Any) -> None:
    from advisor.answers import parse_answers

    answers = parse_answers("organization: {domicile: DE}\ndeployment: {regions: [DE, JP]}\n",
                            use_case_ids=tuple(fixture_kb.use_cases))
    app = AdvisorApp(settings(Path("."), local_models=(DEMO,)), kb=fixture_kb, answers=answers)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady("ctrl+n", "d"))


def test_filters(snap_compare: Any, fixture_kb: Any) -> None:
    assert snap_compare(app_for(fixture_kb), terminal_size=(80, 24),
                        run_before=steady("ctrl+n", "f"))
