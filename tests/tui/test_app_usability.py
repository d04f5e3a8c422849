"""The app as a person uses it, pressed through the pilot: every finding reachable at
80x24, a smoke result tied to the file that ran, ids told apart, the ranking explained,
fields validated in words, markup that never crashes a screen, preferences kept, keys
that fit the footer, offline GGUF files, what-if answers, crash survival, overrides and
modalities shown. Each failed on the code before its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, SelectionList, Static

from advisor.answers import MODALITIES, parse_answers
from advisor.tui.formtext import MODALITY_LABELS
from advisor.tui.screens.candidates import CandidatesScreen
from advisor.tui.screens.confirm import Confirm
from advisor.tui.screens.detail import DetailScreen
from advisor.tui.screens.export import ExportScreen
from advisor.tui.screens.interview import InterviewScreen
from advisor.tui.screens.smoke import SmokeScreen
from advisor.tui.settings import LocalModel
from advisor.tui.widgets.findings import FindingItem
from tests.fixtures.hostile_gguf import write_shaped_gguf
from tests.fixtures.tiny_gguf import write_tiny_gguf
from tests.tui.conftest import wait_for

pytestmark = pytest.mark.anyio
LLAMA = "meta-llama/Llama-3.2-1B-Instruct"
OLMO = "allenai/OLMo-2-1124-7B-Instruct"


def text_of(widget: Any) -> str:
    return str(widget.render())


def notices(app: Any) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def answers(kb: Any, text: str) -> Any:
    return parse_answers(text, use_case_ids=tuple(kb.use_cases))


DEFAULT = ("organization: {domicile: DE, monthly_active_users: 2000000}\n"
           "deployment: {regions: [DE, FR, US], mode: hosted_service}\n")


# 1. -------------------------------------------------------------------------------------
async def test_1_every_finding_of_llama_is_reachable_at_80x24(shipped_kb: Any,
                                                               make_app: Any) -> None:
    app = make_app(shipped_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_open_model(LLAMA)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        box = screen.query_one("#findings-box", VerticalScroll)
        assert await wait_for(pilot, lambda: bool(box.query(FindingItem)))
        codes = [item.finding.code for item in box.query(FindingItem)]
        assert {"user_threshold", "governing_law", "termination"} & set(codes) or \
            {"governing_law", "termination"} <= set(codes)
        assert box.max_scroll_y > 0                  # more findings than fit: it scrolls
        await pilot.press("pagedown")
        assert box.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
        last = list(box.query(FindingItem))[-1]
        assert last.virtual_region.bottom <= box.scroll_y + box.size.height + 1
        await pilot.press("home")
        await pilot.pause()
        assert box.scroll_y == 0
        # the mouse wheel scrolls too
        await pilot.pause()
        assert box.allow_vertical_scroll


# 2. -------------------------------------------------------------------------------------
async def test_2_a_smoke_result_belongs_to_the_file_that_ran(shipped_kb: Any, make_app: Any,
                                                              tmp_path: Path) -> None:
    """OLMo highlighted, t, s on another model's file: asked first; the result counts for the
    models the file is a build of, and OLMo's record does not claim it."""
    tiny = write_tiny_gguf(tmp_path / "SmolLM2-135M-Instruct-tiny.gguf")
    local = LocalModel("tiny stand-in", tiny, repo="HuggingFaceTB/SmolLM2-135M-Instruct")
    app = make_app(shipped_kb, local_models=(local,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = app.screen
        index = next(i for i, r in enumerate(screen._shown) if r.model_id == OLMO)
        screen.query_one(DataTable).move_cursor(row=index, animate=False)
        await pilot.press("t")
        smoke = app.screen
        assert isinstance(smoke, SmokeScreen) and smoke.model_id() == OLMO
        await pilot.press("s")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "not a build of " + OLMO in text_of(app.screen.query_one("#confirm-body"))
        await pilot.press("n")                       # no: nothing runs
        assert await wait_for(pilot, lambda: app.screen is smoke)
        assert not smoke.running
        await pilot.press("s", "y")
        assert await wait_for(pilot, lambda: smoke.result is not None, timeout=120)
        assert OLMO.lower() not in app.state.smoke_results
        assert app.state.smoke_results["huggingfacetb/smollm2-135m-instruct"] is smoke.result
        await pilot.press("e")
        export = app.screen
        assert isinstance(export, ExportScreen) and export.model_id() == OLMO
        assert await wait_for(pilot, lambda: export.record is not None)
        assert export.record.smoke is None
        markdown = export.query_one("#preview").source
        assert "Smoke test: not run." in markdown and "passed the smoke test" not in markdown


# 3. -------------------------------------------------------------------------------------
async def test_3_ids_told_apart_and_mof_visible_at_80_and_width_used_at_200(
        shipped_kb: Any, make_app: Any) -> None:
    for width, height in ((80, 24), (200, 50)):
        app = make_app(shipped_kb, answers=answers(shipped_kb, DEFAULT),
                       answers_path=Path("answers.yaml"))
        async with app.run_test(size=(width, height)) as pilot:
            await pilot.pause()
            screen = app.screen
            table = screen.query_one("#candidates", DataTable)
            keys = [str(c.key.value) for c in table.ordered_columns]
            assert "mof" in keys and "reason" in keys
            used = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert used <= table.size.width              # no sideways scroll
            model = keys.index("model")
            labels = [str(table.get_row_at(i)[model]) for i in range(table.row_count)]
            assert len(set(labels)) == len(labels)      # every id told apart
            assert all(len(label) <= table.columns[table.ordered_columns[model].key].width
                       for label in labels)
            if width == 200:
                pane = screen.query_one("#preview-pane")
                assert pane.display and used + pane.size.width >= width - 6
                assert "license" in keys
                lic_width = table.columns[table.ordered_columns[keys.index("license")].key].width
                assert lic_width >= 30
                for i, row in enumerate(screen._shown):
                    if len(row.license) <= lic_width:          # whole where it fits
                        assert str(table.get_row_at(i)[keys.index("license")]) == row.license


# 4. -------------------------------------------------------------------------------------
async def test_4_ranking_is_explained(shipped_kb: Any, make_app: Any) -> None:
    app = make_app(shipped_kb, answers=answers(shipped_kb, DEFAULT),
                   answers_path=Path("answers.yaml"))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CandidatesScreen)
        # the recommendation's order (issue 19): ranks count up; the models left out follow
        # (x) with the reason, the better verdicts first
        assert [r.rank for r in screen._shown] == list(range(1, len(screen._shown) + 1))
        assert "recommended (s)" in text_of(screen.query_one("#counts"))
        await pilot.press("x")
        rows = screen._shown
        left = [r for r in rows if r.rank is None]
        assert left and rows[-len(left):] == left and all(r.excluded for r in left)
        table = screen.query_one(DataTable)
        cols = [str(c.key.value) for c in table.ordered_columns]
        for i, row in enumerate(rows):
            cells = table.get_row_at(i)
            assert str(cells[cols.index("obligations")]) == str(row.obligations)
            reason = row.reason if row.rank is not None else f"out: {row.excluded}"
            assert str(cells[cols.index("reason")]).rstrip("…") in reason
        blocked = next(r for r in rows if r.verdict == "blocked")
        cand = app.candidate(blocked.model_id)
        worst = next(f for f in cand.findings if f.severity == "block")
        assert blocked.reason.startswith(worst.code.replace("_", " ")) or \
            any(blocked.reason.startswith(f.code.replace("_", " ")) for f in cand.findings
                if f.severity == "block")
        table.move_cursor(row=rows.index(blocked), animate=False)
        await pilot.pause()
        assert blocked.model_id in text_of(screen.query_one("#row-line"))
        preview = text_of(screen.query_one("#preview-text"))
        assert blocked.model_id in preview and "BLOCK" in preview


# 5. -------------------------------------------------------------------------------------
async def test_5_number_fields_validate_in_words_and_tab_keys_reach_the_next_field(
        fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await pilot.press("tab")
        assert app.focused.id == "users"

        async def users(text: str) -> tuple[str, str]:
            await pilot.press("home", "ctrl+k", *text)
            await pilot.pause()
            return (text_of(screen.query_one("#err-users")),
                    text_of(screen.query_one("#live-summary")))

        assert (await users("3m"))[0] == ""
        assert app.answers.organization.monthly_active_users == 3_000_000
        assert "3,000,000" in text_of(screen.query_one("#users-value"))
        assert (await users("3e6"))[0] == ""
        assert app.answers.organization.monthly_active_users == 3_000_000
        error, summary = await users("")
        assert "enter a number of users" in error
        assert "Monthly active users" in summary and "organization." not in summary
        assert app.answers.organization.monthly_active_users == 3_000_000   # kept, not 0
        error, _ = await users("lots")
        assert "not a number of users" in error
        error, _ = await users("1.5")
        assert "whole number" in error
        await pilot.press("home", "ctrl+k", *"5000000", "tab")
        assert app.focused.id == "revenue"                # annual revenue comes next
        await pilot.press("tab", "home", "ctrl+k", *"12")
        assert screen.query_one("#users", Input).value == "5000000"
        assert app.focused.id == "regions"
        assert screen.query_one("#regions", Input).value == "12"
        assert "deployment.regions" not in text_of(screen.query_one("#live-summary"))


# Markup in outside text and typed fields ----------------------------------------------------
async def test_markup_characters_never_crash_the_screens(fixture_kb: Any, make_app: Any,
                                                         tmp_path: Path) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for field in ("#domicile", "#users", "#regions"):
            app.screen.query_one(field, Input).focus()
            await pilot.press("end", *"[/]", "[", "b", "]")
            await pilot.pause()
        assert app.is_running and "[/]" in text_of(app.screen.query_one("#live-summary"))
        app.action_open_model("no[/]such")               # a palette id with markup
        await pilot.pause()
        assert "no[/]such" in notices(app)
        for field, value in (("#domicile", "DE"), ("#users", "5"), ("#regions", "DE")):
            app.screen.query_one(field, Input).value = value
        await pilot.pause()
        await pilot.press("ctrl+n", "slash", *"[/]")
        await pilot.pause()
        assert "No model matches" in text_of(app.screen.query_one("#status-line"))
        await pilot.press("escape", "e")
        export = app.screen
        assert await wait_for(pilot, lambda: export.record is not None)
        export.query_one("#out-dir", Input).value = str(tmp_path / "[/]x" / "[b]")
        export.query_one("#rationale", Input).value = "cheap [/] and [b]small"
        await pilot.pause()
        assert await wait_for(pilot, lambda: export.record is not None and
                              export.record.data.get("rationale") == "cheap [/] and [b]small")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: bool(export.written))
        assert "[/]x" in text_of(export.query_one("#export-status"))
        assert "cheap [/] and [b]small" in export.record.data["rationale"]
        assert app.is_running


# Expectations of users of Posting, Harlequin, lazygit, LM Studio -----------------------------
async def test_preferences_persist_in_the_config_dir(fixture_kb: Any, make_app: Any,
                                                     tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    from advisor.config import config_dir

    assert config_dir() == tmp_path / "xdg" / "advisor"
    app = make_app(fixture_kb, config_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "s")
        app.theme = "textual-light"
        await pilot.pause()
    saved = json.loads((tmp_path / "xdg" / "advisor" / "tui.json").read_text())
    assert saved["order"] == "fit"
    assert saved["theme"] == "textual-light"
    again = make_app(fixture_kb, config_dir=None)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert again.theme == "textual-light"
        assert again.screen.order == "fit"


async def test_ctrl_q_with_unsaved_answers_asks(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("home", "ctrl+k", *"FR")
        await pilot.pause()
        assert app.unsaved
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen))
        assert app.is_running
        await pilot.press("ctrl+q", "y")
    assert not app.is_running
    quiet = make_app(fixture_kb)
    async with quiet.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+q")                   # nothing changed: quits at once
    assert not quiet.is_running


async def test_footers_fit_80_columns_with_the_keys_that_matter(fixture_kb: Any,
                                                                make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        wanted = {CandidatesScreen: {"enter", "t", "e"}, DetailScreen: {"escape", "t", "y"}}
        for screen_type, keys in wanted.items():
            if screen_type is DetailScreen:
                await pilot.press("enter")
                await pilot.pause()
            assert isinstance(app.screen, screen_type)
            shown = {b.binding.key for b in app.screen.active_bindings.values()
                     if b.binding.show}
            assert keys <= {k for key in shown for k in key.split(",")}
            footer = app.screen.query_one("Footer")
            assert footer.size.width <= 80
            items = list(footer.query("FooterKey"))
            assert items and all(item.region.right <= 80 for item in items)
            assert all(item.region.y == items[0].region.y for item in items)   # one line


async def test_copy_a_finding_or_its_url(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "slash", *"70b", "enter", "enter")
        await pilot.pause()
        screen = app.screen
        first = screen.query(FindingItem).first()
        first.focus()
        await pilot.press("y")
        assert first.finding.message in app.clipboard
        await pilot.press("u")
        assert app.clipboard == first.finding.source.url
        text = text_of(first)
        url = first.finding.source.url
        assert url in text.replace("\n", "")
        assert any(url in line for line in text.splitlines())   # on one line, whole


async def test_gguf_tab_offline_lists_files_on_disk_with_their_license(
        shipped_kb: Any, make_app: Any, tmp_path: Path, monkeypatch: Any) -> None:
    home = tmp_path / "home"                 # LM Studio's layout: publisher/repo/file.gguf
    folder = home / ".lmstudio" / "models" / "HuggingFaceTB" / "SmolLM2-135M-Instruct"
    folder.mkdir(parents=True)
    write_shaped_gguf(folder / "SmolLM2-135M-Instruct-Q8_0.gguf",
                      strings={"general.name": "SmolLM2 135M Instruct",
                               "general.license": "apache-2.0"})
    monkeypatch.setenv("HOME", str(home))
    app = make_app(shipped_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        app.action_open_model("HuggingFaceTB/SmolLM2-135M-Instruct")
        await pilot.pause()
        await pilot.press("5")
        screen = app.screen
        table = screen.query_one("#gguf-table", DataTable)
        assert await wait_for(pilot, lambda: table.row_count > 0, timeout=30)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        ours = [r for r in rows if r[0] == "SmolLM2-135M-Instruct-Q8_0.gguf"]
        assert ours and "apache-2.0" in ours[0], rows
        assert "on this machine" in text_of(screen.query_one("#gguf-status"))


async def test_what_if_says_which_verdicts_changed_and_warns_on_contradictions(
        fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        while app.answers.deployment.mode != "internal":
            await pilot.press("m")
        assert "changed verdict" in notices(app) and "Community-1B-Instruct" in notices(app)
        assert app.answers.deployment.commercial is True
        while app.answers.deployment.mode != "research":
            await pilot.press("m")
        last = str(app._notifications)
        assert "research mode means non-commercial research" in notices(app).split(
            "Deployment mode: research")[-1]
        del last


async def test_smoke_screen_shows_both_speeds_threads_and_the_suite(fixture_kb: Any,
                                                                   make_app: Any) -> None:
    from tests.fixtures.smollm import smollm_path

    demo = LocalModel("local demo model", smollm_path(),
                      repo="HuggingFaceTB/SmolLM2-135M-Instruct")
    app = make_app(fixture_kb, local_models=(demo,))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", "t")
        screen = app.screen
        assert "Suite" in text_of(screen.query_one("#suite-about"))
        await pilot.press("s", "y")
        assert await wait_for(pilot, lambda: screen.result is not None, timeout=180)
        table = screen.query_one("#prompt-table", DataTable)
        labels = [str(c.label) for c in table.ordered_columns]
        assert "pp/s" in labels and "tg/s" in labels
        summary = text_of(screen.query_one("#smoke-summary"))
        assert "prompt eval" in summary and "decode" in summary and "threads" in summary
        assert "threads" in text_of(screen.query_one("#smoke-status")) or summary


async def test_the_tui_survives_a_crashing_smoke_child(fixture_kb: Any, make_app: Any,
                                                       tmp_path: Path) -> None:
    crash = write_tiny_gguf(tmp_path / "crash.gguf", byte_fallback=False)
    app = make_app(fixture_kb, local_models=(LocalModel("crashing model", crash),))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n", "t")
        screen = app.screen
        await pilot.press("s", "y")
        assert await wait_for(pilot, lambda: screen.running, timeout=10)
        assert await wait_for(pilot, lambda: not screen.running, timeout=180)
        status = text_of(screen.query_one("#smoke-status"))
        assert "crashed" in status or "failed" in status.lower()
        assert app.is_running
        await pilot.press("escape")
        assert isinstance(app.screen, CandidatesScreen)


async def test_profile_overrides_are_announced_in_the_app_and_the_record(
        make_app: Any, tmp_path: Path) -> None:
    """A user's EU without members would lift the EU bans: the app says so at launch and on
    every model's page, and the record names the file and its hash."""
    import yaml

    from advisor.knowledge import load_knowledge
    from advisor.config import PROFILES_DIR

    mine = tmp_path / "mine"
    mine.mkdir()
    eu = yaml.safe_load((PROFILES_DIR / "jurisdictions" / "eu.yaml").read_text())
    eu["members"] = ["MT"]
    (mine / "eu.yaml").write_text(yaml.safe_dump(eu, allow_unicode=True))
    kb = load_knowledge(extra_dirs=(mine,))
    assert [o.id for o in kb.overrides] == ["EU"]
    app = make_app(kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "jurisdiction EU" in notices(app) and "eu.yaml" in notices(app)
        app.action_open_model(LLAMA)
        await pilot.pause()
        head = text_of(app.screen.query_one("#detail-head"))
        assert "jurisdiction EU is replaced by your file" in head and str(mine) in head
        await pilot.press("e")
        export = app.screen
        assert await wait_for(pilot, lambda: export.record is not None)
        markdown = export.query_one("#preview").source
        assert "Replaced by the user's own profile: jurisdiction EU" in markdown
        assert kb.overrides[0].sha256 in markdown


async def test_every_modality_is_offered_and_image_output_survives_the_interview(
        fixture_kb: Any, make_app: Any) -> None:
    assert set(MODALITY_LABELS) == set(MODALITIES)
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        offered = screen.query_one("#modalities", SelectionList)
        options = [offered.get_option_at_index(i) for i in range(offered.option_count)]
        labels = {option.value: str(option.prompt) for option in options}
        assert labels["image_output"] == MODALITY_LABELS["image_output"]
        screen.fill(answers(fixture_kb, DEFAULT + "use_case: {categories: [general_assistant], "
                            "modalities: [text, image_output]}\n"))
        await pilot.pause()
        assert sorted(screen.read_answers().use_case.modalities) == ["image_output", "text"]
