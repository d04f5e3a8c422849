"""Issue 13 in the app: mark candidates, compare them side by side, export the comparison.

The comparisons run the two real small models (SmolLM2 135M, Gemma 3 270M) found on disk
the way the app finds files (the pip package and LM Studio's folder), on a two-prompt suite
the user picks as a file; a crashing GGUF (a real file llama.cpp aborts on) shows its
error while the others still run. The snapshot feeds a fixed comparison through the
screen's own event queue, so its figures do not depend on the machine's speed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Select

from advisor.tui.screens.candidates import CandidatesScreen
from advisor.tui.messages import CandidateDone, CandidateStarted, RunFinished
from advisor.tui.screens.compare import CompareScreen
from advisor.tui.widgets.suites import SUITE_FILE
from advisor.tui.screens.confirm import Confirm
from advisor.tui.screens.export import ExportScreen
from advisor.tui.screens.file_prompt import FilePrompt
from advisor.tui.settings import LocalModel
from tests.tui.conftest import settings, wait_for

SMOL = "HuggingFaceTB/SmolLM2-135M-Instruct"
GEMMA = "google/gemma-3-270m"                   # the test file is the base model's build
GEMMA_IT = "google/gemma-3-270m-it"
LLAMA = "meta-llama/Llama-3.2-1B-Instruct"
TWO_PROMPTS = """\
schema: advisor.suite/1
name: two-prompts
description: Two quick prompts for the app's comparison test.
defaults:
  max_tokens: 12
prompts:
  - id: capital-france
    prompt: What is the capital of France? Answer with one word.
    checks:
      contains: Paris
  - id: add-two-two
    prompt: What is 2 + 2? Answer with a number.
    checks:
      contains: "4"
"""


def text_of(widget: Any) -> str:
    return str(widget.render())


def notices(app: Any) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def row_index(screen: CandidatesScreen, model_id: str) -> int:
    return next(i for i, r in enumerate(screen._shown) if r.model_id == model_id)


async def mark(pilot: Any, screen: CandidatesScreen, *model_ids: str) -> None:
    """Highlight each model's row and press space, as a person would."""
    table = screen.query_one("#candidates", DataTable)
    for model_id in model_ids:
        table.move_cursor(row=row_index(screen, model_id), animate=False)
        await pilot.pause()
        await pilot.press("space")


def model_cell(screen: CandidatesScreen, model_id: str) -> str:
    table = screen.query_one("#candidates", DataTable)
    keys = [str(c.key.value) for c in table.ordered_columns]
    return str(table.get_row_at(row_index(screen, model_id))[keys.index("model")])


async def pick_suite_file(pilot: Any, screen: CompareScreen, path: Path) -> None:
    """Choose "a suite file…" in the suite list, type the path, press enter."""
    screen.query_one("#compare-suite", Select).value = SUITE_FILE
    assert await wait_for(pilot, lambda: isinstance(pilot.app.screen, FilePrompt))
    await pilot.press(*str(path), "enter")
    assert await wait_for(pilot, lambda: pilot.app.screen is screen)
    assert screen.query_one("#compare-suite", Select).value == str(path)


def table_rows(screen: CompareScreen) -> tuple[list[str], list[list[str]]]:
    table = screen.query_one("#compare-table", DataTable)
    keys = [str(c.key.value) for c in table.ordered_columns]
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return keys, rows


@pytest.fixture
def models_on_disk(tmp_path: Path, monkeypatch: Any) -> Path:
    """SmolLM2 from its pip package (found as the demo model) and Gemma 3 270M in LM
    Studio's folder under a temporary HOME; an empty HF cache, so no other file on this
    machine can be a better build."""
    import huggingface_hub.constants

    from tests.fixtures.gemma import gemma_path
    from tests.fixtures.smollm import smollm_path

    smollm_path()                                   # installed, or say how
    home = tmp_path / "home"
    folder = home / ".lmstudio" / "models" / "google" / "gemma-3-270m-GGUF"
    folder.mkdir(parents=True)
    os.symlink(gemma_path(), folder / gemma_path().name)
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.delenv("LLAMA_CACHE", raising=False)
    monkeypatch.delenv("OLLAMA_MODELS", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    try:
        import huggingface_hub.utils._cache_manager as manager
        monkeypatch.setattr(manager, "HF_HUB_CACHE", str(cache), raising=False)
    except ImportError:
        pass
    suite = tmp_path / "two-prompts.yaml"
    suite.write_text(TWO_PROMPTS)
    return suite


# -- marking -------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_space_marks_rows_through_sorting_and_filtering(fixture_kb: Any,
                                                              make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        screen = app.screen
        assert isinstance(screen, CandidatesScreen)
        await pilot.press("x")                      # every model, those left out too
        ids = [r.model_id for r in screen._shown]
        assert "marked" not in text_of(screen.query_one("#counts"))
        await mark(pilot, screen, ids[0], ids[-1])
        assert screen.marked == [ids[0], ids[-1]]
        assert "2 marked" in text_of(screen.query_one("#counts"))
        await pilot.press("s", "s")                 # re-sorted: the marks stay on the models
        assert [r.model_id for r in screen._shown] != ids
        assert model_cell(screen, ids[0]).startswith("●")
        assert model_cell(screen, ids[-1]).startswith("●")
        assert not model_cell(screen, ids[1]).startswith("●")
        await pilot.press("s")                      # back to the recommended order
        await pilot.press("x")                      # filtered: hidden marks still count
        hidden = [m for m in screen.marked if m not in {r.model_id for r in screen._shown}]
        assert hidden
        assert f"{len(hidden)} hidden" in text_of(screen.query_one("#counts"))
        await pilot.press("x")
        await mark(pilot, screen, ids[-1])             # space again unmarks
        assert screen.marked == [ids[0]]
        assert "1 marked" in text_of(screen.query_one("#counts"))
        table = screen.query_one("#candidates", DataTable)
        table.move_cursor(row=row_index(screen, ids[1]), animate=False)
        await pilot.pause()
        await pilot.press("v")                         # one marked: the highlighted joins
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert app.screen.model_ids == [ids[0], ids[1]]
        assert "Fewer than two marked" in notices(app)
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))


@pytest.mark.anyio
async def test_models_without_a_build_or_a_key_are_listed_as_skipped(
        shipped_kb: Any, make_app: Any, monkeypatch: Any) -> None:
    """No GGUF of Llama here, no OpenAI key set: both lines say why; nothing runs. With the
    key set the API model is included, and the key itself is never shown."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    api = next(m.id for m in shipped_kb.models.values() if getattr(m, "hosted", False)
               and m.api.key_env == "OPENAI_API_KEY")
    app = make_app(shipped_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_compare([LLAMA, api])
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        await pilot.pause()
        lines = [text_of(line) for line in screen.query(".plan-text")]
        assert "skipped: no build on this machine: pull one from the model's GGUF tab" in \
            " ".join(lines[0].split())
        assert "set OPENAI_API_KEY to include it" in lines[1]
        assert "Nothing to run" in text_of(screen.query_one("#compare-progress"))
        await pilot.press("s")
        assert not screen.running and "Nothing to run" in notices(app)
        await pilot.press("escape")
    secret = "sk-test-not-a-real-key-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    app = make_app(shipped_kb)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_compare([api])
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.pause()
        line = text_of(app.screen.query_one(".plan-text"))
        assert "API OpenAI" in line
        assert "the key in OPENAI_API_KEY is sent to https://api.openai.com" in line
        assert secret not in line and secret not in app.export_screenshot()


# -- running -------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_compare_two_real_models_and_export_the_comparison(
        shipped_kb: Any, make_app: Any, models_on_disk: Path, tmp_path: Path) -> None:
    from tests.fixtures.gemma import GEMMA_FILENAME
    from tests.fixtures.smollm import SMOLLM_FILENAME

    app = make_app(shipped_kb, local_models=None)      # found on disk, as a user's would be
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n", "x")            # the Gemma 3 270M base model is left out
        candidates = app.screen
        await mark(pilot, candidates, SMOL, GEMMA, LLAMA)
        assert "3 marked" in text_of(candidates.query_one("#counts"))
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        await pilot.pause()
        assert [p.model_id for p in screen.plans] == [SMOL, GEMMA, LLAMA]
        assert [p.kind for p in screen.plans] == ["gguf", "gguf", "skip"]
        assert screen.plans[0].build.name == SMOLLM_FILENAME
        assert screen.plans[1].build.name == GEMMA_FILENAME
        await pick_suite_file(pilot, screen, models_on_disk)
        seen: list[str] = []
        await pilot.press("s")
        assert await wait_for(pilot, lambda: screen.running, timeout=10)

        def progressed() -> bool:
            seen.append(text_of(screen.query_one("#compare-progress")))
            return not screen.running

        assert await wait_for(pilot, progressed, timeout=300)
        assert any("1/2 SmolLM2-135M-Instruct: prompt" in s for s in seen), seen[-5:]
        comparison = screen.comparison
        assert comparison is not None and not screen.cancelled
        doc = comparison.to_dict()
        assert doc["suite"] == "two-prompts"
        assert [r["model"] for r in doc["candidates"]] == [SMOLLM_FILENAME, GEMMA_FILENAME]
        assert all(r["error"] is None and r["prompts_total"] == 2 for r in doc["candidates"])

        # the table: the CLI's columns that fit 80, every cell from the comparison
        keys, rows = table_rows(screen)
        assert keys[0] == "model" and {"pass", "checks", "tps", "verdict", "obl"} <= set(keys)
        table = screen.query_one("#compare-table", DataTable)
        used = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert used <= table.size.width <= 80
        for row, cand, ran in zip(rows, doc["candidates"], comparison.candidates):
            cells = dict(zip(keys, row))
            assert cells["checks"] == f"{cand['checks_passed']}/{cand['checks_total']}"
            assert cells["pass"] == ("yes" if cand["passed"] else "no")
            assert cells["tps"] == f"{ran.tokens_per_second:.1f}"
            if "ttft" in cells:
                assert cells["ttft"] == f"{ran.ttft_seconds:.2f}"
            assert cells["verdict"] == {"conditional": "cond.", "allowed": "allowed",
                                        "blocked": "BLOCKED"}.get(cand["verdict"], "unknown")
            assert cells["obl"] == str(cand["obligations"])
            if "rss" in cells:
                assert cells["rss"].endswith("M")
        assert rows[0][0].endswith("SmolLM2-135M-Instruct") and "gemma-3-270m" in rows[1][0]
        assert doc["fallback"] is not None and doc["chosen"] != doc["fallback"]
        choice = text_of(screen.query_one("#compare-choice"))
        assert "Chosen:" in choice and "fallback:" in choice
        problems = text_of(screen.query_one("#compare-problems"))
        assert f"{LLAMA}: skipped" in problems
        lines = [text_of(line) for line in screen.query(".plan-text")]
        assert all("checks" in line for line in lines[:2]) and "skipped" in lines[2]

        # export: the comparison attached and ticked, its choice the record's model
        await pilot.press("e")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        export = app.screen
        chosen_profile = next(r["profile"] for r in doc["candidates"]
                              if r["model"] == doc["chosen"])
        assert export.model_id() == chosen_profile
        assert export.query_one("#with-comparison").value is True
        assert await wait_for(pilot, lambda: export.record is not None, timeout=60)
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: bool(export.written), timeout=30)
        record = json.loads(next(p for p in export.written
                                 if p.name.endswith(".json") and ".cdx" not in p.name
                                 ).read_text())
        stored = record["comparison"]
        assert stored["chosen"] == doc["chosen"] and stored["fallback"] == doc["fallback"]
        assert stored["fallback_vendor_differs"] is True
        assert [c["model"] for c in stored["candidates"]] == [SMOLLM_FILENAME, GEMMA_FILENAME]
        assert {f["sha256"] for f in stored["files"]} == {
            r["sha256"] for r in doc["candidates"]}

        # unticked, the record is rebuilt without it
        await pilot.click("#with-comparison")
        assert await wait_for(pilot, lambda: export.record is not None and
                              not export.query_one("#with-comparison").value, timeout=60)
        assert await wait_for(pilot, lambda: export.record is not None, timeout=60)
        assert getattr(export.record, "comparison", None) in (None, {})

        # later, from the candidates table: the last comparison is offered, ticked for a
        # model it compared, unticked for one it did not
        await pilot.press("escape", "escape")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))
        for model_id, ticked in ((GEMMA, True), (LLAMA, False)):
            table = candidates.query_one("#candidates", DataTable)
            table.move_cursor(row=row_index(candidates, model_id), animate=False)
            await pilot.pause()
            await pilot.press("e")
            assert await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.pause()
            assert app.screen.query_one("#with-comparison").value is ticked
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: isinstance(app.screen, CandidatesScreen))


@pytest.mark.anyio
async def test_a_crashing_candidate_shows_its_error_and_the_others_still_run(
        shipped_kb: Any, make_app: Any, tmp_path: Path) -> None:
    """A real GGUF that passes the header check and aborts llama.cpp, first in line."""
    from tests.fixtures.smollm import smollm_path
    from tests.fixtures.tiny_gguf import write_tiny_gguf

    crash = write_tiny_gguf(tmp_path / "gemma-3-270m-it-crash.gguf", byte_fallback=False)
    suite = tmp_path / "two-prompts.yaml"
    suite.write_text(TWO_PROMPTS)
    local = (LocalModel("crashing", crash), LocalModel("smollm", smollm_path()))
    app = make_app(shipped_kb, local_models=local)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await mark(pilot, app.screen, GEMMA_IT, SMOL)
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        await pilot.pause()
        assert screen.plans[0].build.path == crash
        await pick_suite_file(pilot, screen, suite)
        await pilot.press("s")
        assert await wait_for(pilot, lambda: screen.running, timeout=10)
        assert await wait_for(pilot, lambda: not screen.running, timeout=300)
        assert app.is_running
        rows = screen.comparison.candidates
        assert rows[0].error and ("crashed" in rows[0].error or "llama.cpp" in rows[0].error)
        assert rows[1].error is None and rows[1].prompts_total == 2
        problems = text_of(screen.query_one("#compare-problems"))
        assert "gemma-3-270m-it-crash.gguf: could not run" in problems
        first = text_of(screen.query(".plan-text").first())
        assert "✗ could not run" in first
        keys, cells = table_rows(screen)
        assert dict(zip(keys, cells[0]))["checks"] == "--"
        assert dict(zip(keys, cells[1]))["checks"] == f"{rows[1].checks_passed}/{rows[1].checks_total}"
        assert screen.comparison.chosen == rows[1].model     # the one that ran


@pytest.mark.anyio
async def test_cancel_asks_then_stops_and_keeps_what_finished(
        shipped_kb: Any, make_app: Any, tmp_path: Path) -> None:
    from tests.fixtures.smollm import smollm_path

    local = (LocalModel("smollm", smollm_path()),)
    app = make_app(shipped_kb, local_models=local)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_compare([SMOL])
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        await pilot.pause()
        screen.query_one("#compare-suite", Select).value = "general"   # ten prompts
        await pilot.press("s")
        assert await wait_for(pilot, lambda: "prompt" in text_of(
            screen.query_one("#compare-progress")), timeout=60)
        await pilot.press("escape")                             # back while running: asks
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Stop the comparison" in text_of(app.screen.query_one("#prompt-title"))
        await pilot.press("n")
        assert await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("c")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")                                  # no: it keeps running
        assert await wait_for(pilot, lambda: app.screen is screen)
        assert screen.running
        await pilot.press("c")
        assert await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        assert await wait_for(pilot, lambda: not screen.running, timeout=60)
        assert screen.cancelled
        assert "Cancelled" in text_of(screen.query_one("#compare-progress"))
        assert "cancelled" in text_of(screen.query(".plan-text").first())
        await pilot.press("e")                                   # a cancelled run: not exported
        assert "cancelled before the end" in notices(app)
        assert app.screen is screen and app.state.comparison is None
        await pilot.press("escape")                              # not running: no question
        assert await wait_for(pilot, lambda: not isinstance(app.screen, CompareScreen))


# -- the picture ---------------------------------------------------------------------------
OPEN, COMMUNITY = "acme/Open-7B-Instruct", "acme/Community-1B-Instruct"


def fixed_comparison(app: Any, plans: list[Any]) -> Any:
    """A comparison with fixed figures (what the snapshot shows), verdicts and choice real."""
    from advisor.smoke.compare import CandidateRow, Comparison, CompareSettings, choose
    from advisor.smoke.plan import row_assessment

    figures = [dict(passed=True, checks_passed=2, checks_total=2, prompts_passed=2,
                    prompts_total=2, ttft_seconds=0.21, prompt_tokens_per_second=180.0,
                    tokens_per_second=52.4, peak_rss_bytes=210 << 20),
               dict(error="llama.cpp crashed (SIGABRT) while running prompt capital-france")]
    rows = []
    for plan, values in zip(plans, figures):
        row = CandidateRow(model=plan.build.name, backend=None if "error" in values else "cpu",
                           runner="llama.cpp", source=str(plan.build.path), **values)
        row.assessment = row_assessment(plan.model_id, app.candidate(plan.model_id))
        rows.append(row)
    comparison = Comparison(suite="two-prompts", settings=CompareSettings(threads=2),
                            candidates=rows)
    choose(comparison)
    return comparison


def test_compare_result_at_80x24(snap_compare: Any, fixture_kb: Any, tmp_path: Path,
                                 monkeypatch: Any) -> None:
    from advisor.tui.app import AdvisorApp

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)          # "2 threads" on any machine
    local = (LocalModel("open", Path("/nonexistent/Open-7B-Instruct-Q4_K_M.gguf")),
             LocalModel("community", Path("/nonexistent/Community-1B-Instruct-Q8_0.gguf")),
             LocalModel("open q8", Path("/nonexistent/Open-7B-Instruct-Q8_0.gguf")))
    app = AdvisorApp(settings(Path("."), local_models=local), kb=fixture_kb)

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.press("ctrl+n")
        screen = pilot.app.screen
        await mark(pilot, screen, OPEN, COMMUNITY)
        await pilot.press("v")
        assert await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
        compare = pilot.app.screen
        await pilot.pause()
        assert compare.plans[0].build.quant == "Q8_0"        # the best quant first
        await pilot.press("b")                                 # b cycles to the next build
        assert compare.plans[0].build.quant == "Q4_K_M"
        runnable = [p for p in compare.plans if p.runnable]
        compare._runnable, compare._prompts = runnable, 2
        comparison = fixed_comparison(pilot.app, runnable)
        for i, row in enumerate(comparison.candidates):        # the screen's own event path
            compare.feed.put(CandidateStarted(i))
            compare.feed.put(CandidateDone(i, row))
        compare.feed.put(RunFinished(comparison))
        assert await wait_for(pilot, lambda: compare.comparison is comparison)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.anyio
async def test_model_output_and_errors_reach_the_screen_made_safe(fixture_kb: Any,
                                                                   make_app: Any) -> None:
    """Escape sequences and markup from a model's tokens or a crash message are shown as
    plain text; nothing raises, nothing reaches the terminal raw."""
    from advisor.smoke.compare import CandidateRow, Comparison, CompareSettings
    from advisor.smoke.result import SmokeEvent

    local = (LocalModel("open", Path("/nonexistent/Open-7B-Instruct-Q4_K_M.gguf")),)
    app = make_app(fixture_kb, local_models=local)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_compare([OPEN])
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        await pilot.pause()
        screen._runnable, screen._prompts = list(screen.plans), 1
        hostile = "\x1b]0;owned\x07[/] [link=http://x]bold[/link] \x1b[31mred\u202e"
        screen.feed.event(0, SmokeEvent("prompt_start", {"id": "p[/]1", "prompt": hostile}))
        screen.feed.event(0, SmokeEvent("token", {"id": "p[/]1", "text": hostile}))
        await pilot.pause(0.2)
        live = text_of(screen.query_one("#compare-live"))
        assert "\x1b" not in live and "\x07" not in live and "\u202e" not in live
        assert "[/]" in live                           # shown as text, not read as markup
        row = CandidateRow(model="Open-7B-Instruct-Q4_K_M.gguf", backend=None,
                           runner="llama.cpp", source="/nonexistent", error=hostile)
        screen.feed.put(CandidateDone(0, row))
        screen.feed.put(RunFinished(Comparison("s", CompareSettings(), [row])))
        assert await wait_for(pilot, lambda: screen.comparison is not None)
        await pilot.pause()
        shown = text_of(screen.query_one("#compare-problems")) + text_of(
            screen.query(".plan-text").first())
        assert "could not run" in shown and "\x1b" not in shown and "\x07" not in shown
        assert app.is_running


@pytest.mark.anyio
async def test_a_hosted_api_model_runs_beside_a_local_build(make_app: Any, tmp_path: Path,
                                                            monkeypatch: Any) -> None:
    """A user's hosted-API profile whose base URL is a llama_cpp.server on 127.0.0.1 (it
    stands for the provider), its key in the variable the profile names: it runs through
    the endpoint path beside SmolLM2 on disk; the key is never on screen or in the record."""
    import subprocess
    import sys

    from advisor.knowledge import load_knowledge
    from tests.fixtures.cli import clean_env
    from tests.fixtures.smollm import smollm_path
    from tests.knowledge.test_api_models import API_ID, write_api_profiles
    from tests.smoke.conftest import ROOT
    from tests.smoke.test_endpoint import KEY, free_port, stop_server, wait_for_server

    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "smoke" / "serve_llama.py"), "--model",
             str(smollm_path()), "--model_alias", "acme-1", "--host", "127.0.0.1", "--port",
             str(port), "--n_ctx", "2048", "--n_threads", "1", "--seed", "0", "--api_key", KEY],
            stdout=log, stderr=subprocess.STDOUT, env=clean_env(tmp_path), cwd=ROOT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_server(server, url, log_path)
        mine = write_api_profiles(tmp_path / "mine", base_url=url + "/v1",
                                  key_env="ACME_TEST_KEY")
        monkeypatch.setenv("ACME_TEST_KEY", KEY)
        monkeypatch.delenv("ADVISOR_ENDPOINT_KEY", raising=False)
        kb = load_knowledge(extra_dirs=(mine,))
        suite = tmp_path / "two-prompts.yaml"
        suite.write_text(TWO_PROMPTS)
        app = make_app(kb, local_models=(LocalModel("smollm", smollm_path()),))
        async with app.run_test(size=(80, 24)) as pilot:
            app.action_compare([API_ID, SMOL])
            assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
            screen = app.screen
            await pilot.pause()
            assert [p.kind for p in screen.plans] == ["api", "gguf"]
            assert f"API Acme · acme-1 (the key in ACME_TEST_KEY is sent to {url})" in text_of(
                screen.query(".plan-text").first())
            await pick_suite_file(pilot, screen, suite)
            await pilot.press("s")
            assert await wait_for(pilot, lambda: screen.running, timeout=10)
            assert await wait_for(pilot, lambda: not screen.running, timeout=300)
            rows = screen.comparison.candidates
            assert rows[0].error is None, rows[0].error
            assert rows[0].runner == "endpoint" and rows[0].prompts_total == 2
            assert rows[1].error is None and rows[1].runner == "llama.cpp"
            keys, cells = table_rows(screen)
            assert dict(zip(keys, cells[0]))["rss"] == "--"      # nothing local to measure
            assert KEY not in app.export_screenshot()
            await pilot.press("e")
            assert await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
            export = app.screen
            assert await wait_for(pilot, lambda: export.record is not None, timeout=60)
            await pilot.press("ctrl+s")
            assert await wait_for(pilot, lambda: bool(export.written), timeout=30)
            for path in export.written:
                assert KEY not in path.read_text()
            record = json.loads(next(p for p in export.written if p.name.endswith(".json")
                                     and ".cdx" not in p.name).read_text())
            assert [c["profile"] for c in record["comparison"]["candidates"]] == [API_ID, SMOL]
    finally:
        stop_server(server)


@pytest.mark.anyio
async def test_the_palette_marks_and_compares(fixture_kb: Any, make_app: Any) -> None:
    app = make_app(fixture_kb)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+n")
        screen = app.screen
        assert isinstance(screen, CandidatesScreen)
        ids = [r.model_id for r in screen._shown]
        await mark(pilot, screen, ids[0])
        screen.query_one("#candidates", DataTable).move_cursor(row=row_index(screen, ids[1]),
                                                               animate=False)
        for query in ("mark or unmark the highlighted", "compare the marked models"):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*list(query))
            palette = app.screen
            assert await wait_for(pilot, lambda: query in " ".join(
                str(o.prompt).lower() for o in palette.query("CommandList").first().options))
            await pilot.press("enter")
            await pilot.pause()
        assert await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        assert app.screen.model_ids == [ids[0], ids[1]]
