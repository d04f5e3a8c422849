"""Compare: the marked models side by side, one suite, the same settings.

Each marked model gets a line saying how it will run (a GGUF build on this machine, a
hosted API model, or skipped with the reason). ``s`` runs the suite on each in turn in a
worker thread; its events land in a queue the UI drains 20 times a second (as on the
smoke screen), so every candidate's line shows its progress. The result is a table with
the CLI's columns, the chosen model and a fallback from another vendor; ``e`` exports a
record with the comparison attached.

    Example (not run)::

        app.push_screen(CompareScreen(["HuggingFaceTB/SmolLM2-135M-Instruct",
                                       "google/gemma-3-270m-it"]))
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Label, ListItem, ListView, Select, Static

from advisor.text import clean
from advisor.tui import compareapi, smokeapi
from advisor.tui.compareapi import Plan
from advisor.tui.rows import display_ids
from advisor.tui.screens.candidates import clip
from advisor.vocab import SHORT_VERDICT

SUITE_FILE = "\x00suite-file"          # the Select option that asks for a suite YAML
GPU_PLANS = (("GPU auto", "auto"), ("GPU on", "on"), ("GPU off", "off"))

# (label, key, width); the model column takes what is left. At 80 columns the columns in
# DROP_ORDER go first, so the ones that decide (checks, speed, verdict) stay.
COLUMNS = (("model", "model", 0), ("backend", "backend", 8), ("pass", "pass", 4),
           ("checks", "checks", 6), ("ttft s", "ttft", 6), ("pp t/s", "pps", 6),
           ("t/s", "tps", 6), ("RSS", "rss", 6), ("verdict", "verdict", 7),
           ("obl.", "obl", 4))
DROP_ORDER = ("pps", "backend", "ttft", "rss")
MODEL_MIN, MODEL_MAX = 20, 40
VERDICT_COLOUR = {"allowed": "bold green", "conditional": "bold yellow",
                  "unknown": "bold magenta", "blocked": "bold red"}


def result_layout(total: int) -> list[tuple[str, str, int]]:
    """Columns and widths for a result table ``total`` cells wide (2 of padding per
    column, 2 for a scroll bar): columns drop in DROP_ORDER until the model gets MODEL_MIN.

    >>> [k for _, k, _ in result_layout(78)]
    ['model', 'pass', 'checks', 'ttft', 'tps', 'rss', 'verdict', 'obl']
    """
    columns = list(COLUMNS)
    drops = list(DROP_ORDER)

    def room(cols: list[tuple[str, str, int]]) -> int:
        return total - sum(w for _, _, w in cols) - 2 * len(cols) - 2

    while room(columns) < MODEL_MIN and drops:
        gone = drops.pop(0)
        columns = [c for c in columns if c[1] != gone]
    model = max(MODEL_MIN, min(MODEL_MAX, room(columns)))
    return [(label, key, model if key == "model" else width) for label, key, width in columns]


def _num(value: Any, spec: str, unit: str = "") -> str:
    return "--" if value is None else f"{value:{spec}}{unit}"


def row_cells(row: Any, label: str) -> dict[str, Any]:
    """The cells of one comparison row, keyed like COLUMNS (outside text made plain)."""
    verdict = (row.assessment or {}).get("verdict")
    short, style = SHORT_VERDICT.get(verdict, "--"), VERDICT_COLOUR.get(verdict, "dim")
    obligations = (row.assessment or {}).get("obligations")
    failed = row.error is not None
    return {
        "model": clean(label), "backend": clean(row.backend or "--"),
        "pass": Text("--", style="dim") if failed else (
            Text("yes", style="green") if row.passed else Text("no", style="red")),
        "checks": "--" if failed else f"{row.checks_passed}/{row.checks_total}",
        "ttft": _num(row.ttft_seconds, ".2f"), "pps": _num(row.prompt_tokens_per_second, ".0f"),
        "tps": _num(row.tokens_per_second, ".1f"),
        "rss": _num(row.peak_rss_bytes and row.peak_rss_bytes / 2**20, ".0f", "M"),
        "verdict": Text(short, style=style),
        "obl": Text(_num(obligations, "d"), justify="right"),
    }


class PlanLine(ListItem):
    """One marked model: how it runs, then its progress."""

    def __init__(self, index: int, plan: Plan) -> None:
        super().__init__(classes="plan-line")
        self.index, self.plan = index, plan
        self.progress = "waiting" if plan.runnable else ""
        self.style_name = "dim"

    def compose(self) -> ComposeResult:
        yield Static(self.text(), classes="plan-text")

    def text(self) -> Text:
        text = Text()
        text.append(f"{self.index + 1} ", style="bold")
        text.append(clean(self.plan.model_id), style="bold" if self.plan.runnable else "dim")
        how = clean(self.plan.describe())
        text.append(f"\n  {how}", style="" if self.plan.runnable else "yellow")
        if self.progress:
            text.append(f" · {self.progress}", style=self.style_name)
        return text

    def show(self, plan: Plan | None = None, progress: str | None = None,
             style: str = "dim") -> None:
        if plan is not None:
            self.plan = plan
        if progress is not None:
            self.progress, self.style_name = progress, style
        if self.is_mounted:
            self.query_one(".plan-text", Static).update(self.text())


class CompareScreen(Screen[None]):
    """Run one suite over the marked models and show them side by side."""

    BINDINGS = [
        Binding("s", "start", "Run"),
        Binding("c", "cancel", "Cancel"),
        Binding("b", "cycle_build", "Build"),
        Binding("e", "export", "Export"),
        Binding("o", "open_file", "Open GGUF"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, model_ids: list[str]) -> None:
        super().__init__()
        self.model_ids = list(dict.fromkeys(model_ids))
        self.plans: list[Plan] = []
        self.events: deque[tuple[str, Any]] = deque()
        self.cancel_event = threading.Event()
        self.running = False
        self.comparison: Any = None            # the last Comparison (finished or cancelled)
        self.cancelled = False
        self._runnable: list[Plan] = []
        self._done: dict[int, int] = {}        # candidate index -> prompts finished
        self._prompts = 0
        self._live = ""
        self._child_pid: int | None = None
        self._suites: list[tuple[str, str]] = []

    def model_id(self) -> str | None:
        """The model a record would be for: the comparison's choice, else the first marked."""
        return compareapi.chosen_model(self.comparison) or (
            self.model_ids[0] if self.model_ids else None)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-bar"):
            yield Label("Suite", classes="bar-label")
            names = smokeapi.suites() or ["general"]
            wanted = smokeapi.default_suite(self.app.answers.use_case.categories,
                                           getattr(self.app.kb, "use_cases", None))
            self._suites = [(n, n) for n in names] + [("a suite file…", SUITE_FILE)]
            yield Select(self._suites, id="compare-suite", allow_blank=False, compact=True,
                         value=wanted if wanted in names else names[0])
            yield Select(GPU_PLANS, id="compare-gpu", allow_blank=False, compact=True,
                         value="auto")
            yield Button("Run ▶", id="compare-run", variant="primary", compact=True)
            yield Button("Cancel", id="compare-cancel", variant="error", compact=True,
                         disabled=True)
        yield Static("", id="compare-settings")
        yield ListView(id="plan")
        yield Static("", id="compare-progress")
        yield Static("", id="compare-live")
        with VerticalScroll(id="compare-results"):
            yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True,
                            show_cursor=False)
            yield Static("", id="compare-choice")
            yield Static("", id="compare-problems")
        yield Footer()

    def on_mount(self) -> None:
        count = len(self.model_ids)
        self.sub_title = f"Compare · {count} model{'s' if count != 1 else ''}"
        settings = self.app.settings
        if settings.local_models is None:
            from advisor.tui.settings import discover_local_models

            settings.local_models = discover_local_models()
        local = tuple(settings.local_models)
        self.plans = [compareapi.plan_for(m, self.app.kb, local) for m in self.model_ids]
        plan_view = self.query_one("#plan", ListView)
        plan_view.extend(PlanLine(i, p) for i, p in enumerate(self.plans))
        plan_view.index = 0
        self.query_one("#compare-results").display = False
        self._describe_settings()
        self._say_ready()
        self._layout_table()
        plan_view.focus()
        self.set_interval(0.05, self._drain)

    def action_open_file(self) -> None:
        """Add any GGUF path as its own line (like ``advisor compare --gguf PATH``)."""
        from advisor.tui.screens.file_prompt import ask_for_gguf

        if self.running:
            self.notify("A comparison is running; open a file when it ends", severity="warning")
            return
        ask_for_gguf(self, "GGUF file to compare", self._file_opened)

    def _file_opened(self, model: Any) -> None:
        plan = compareapi.plan_for_file(model.path, self.app.kb)
        self.plans.append(plan)
        self.query_one("#plan", ListView).append(PlanLine(len(self.plans) - 1, plan))
        self._say_ready()

    def _say_ready(self) -> None:
        runnable = sum(p.runnable for p in self.plans)
        skipped = len(self.plans) - runnable
        if runnable == 0:
            self._progress("Nothing to run: no marked model has a build on this machine or "
                           "a key set (see each line).", "yellow")
            return
        note = f" ({skipped} skipped)" if skipped else ""
        self._progress(f"{runnable} to run{note}. s runs the suite on each in turn.", "")

    def _settings(self) -> Any:
        from advisor.smoke.compare import CompareSettings
        from advisor.smoke.runner import default_threads

        gpu = str(self.query_one("#compare-gpu", Select).value)
        return CompareSettings(gpu=gpu, threads=default_threads())

    @on(Select.Changed, "#compare-gpu")
    def _describe_settings(self) -> None:
        s = self._settings()
        machine = self.app.machine.describe() if hasattr(self.app.machine, "describe") else ""
        name = self.suite_name()
        about = smokeapi.suite_description(name)
        room = max(self.app.size.width - 2, 20)
        first = clip(f"Suite {clean(name)}" + (f": {clean(about)}" if about else ""), room)
        threads = f"{s.threads} thread{'s' if s.threads != 1 else ''}"
        second = clip(f"Every candidate: n_ctx {s.n_ctx}, {threads}, GPU {s.gpu}, "
                      f"seed {s.seed}" + (f" · {clean(machine)}" if machine else ""), room)
        text = Text(f"{first}\n{second}", style="dim")
        self.query_one("#compare-settings", Static).update(text)

    def suite_name(self) -> str:
        value = self.query_one("#compare-suite", Select).value
        return "general" if value in (Select.NULL, None, SUITE_FILE) else str(value)

    @on(Select.Changed, "#compare-suite")
    def _suite_changed(self, event: Select.Changed) -> None:
        if event.value != SUITE_FILE:
            self._describe_settings()
            return
        from advisor.tui.screens.file_prompt import FilePrompt

        self.app.push_screen(FilePrompt("Suite file (YAML)", "", save=False), self._suite_file)

    def _suite_file(self, answer: tuple[str, bool] | None) -> None:
        select = self.query_one("#compare-suite", Select)
        if not answer:
            select.value = self._suites[0][1]
            return
        from pathlib import Path

        from advisor.errors import AdvisorError
        from advisor.smoke.suites import load_suite

        path = str(Path(answer[0]).expanduser())
        try:
            load_suite(path)
        except AdvisorError as exc:
            self.notify(clean(exc), title="Not a suite", severity="error", markup=False,
                        timeout=10)
            select.value = self._suites[0][1]
            return
        option = (clean(Path(path).name), path)
        if option not in self._suites:
            self._suites.insert(len(self._suites) - 1, option)
            select.set_options(self._suites)
        select.value = path
        self._describe_settings()

    def _layout_table(self) -> None:
        table = self.query_one("#compare-table", DataTable)
        table.clear(columns=True)
        self._columns = result_layout(max(self.app.size.width - 2, 40))
        for label, key, width in self._columns:
            table.add_column(label, key=key, width=width)
        self._width = self.app.size.width
        if self.comparison is not None:
            self._fill_table(self.comparison)

    def on_resize(self) -> None:
        if self.app.size.width != getattr(self, "_width", None):
            self._layout_table()
            self._describe_settings()

    def _progress(self, message: str | Text, style: str = "") -> None:
        text = message if isinstance(message, Text) else Text(message, style=style)
        self.query_one("#compare-progress", Static).update(text)

    def _line(self, plan_index: int) -> PlanLine:
        return list(self.query(PlanLine))[plan_index]

    def _plan_index(self, runnable_index: int) -> int:
        plan = self._runnable[runnable_index]
        return next(i for i, p in enumerate(self.plans) if p is plan)

    # -- actions -------------------------------------------------------------------------------
    def action_cycle_build(self) -> None:
        """b: the next build on this machine of the highlighted model."""
        if self.running:
            self.notify("Not while the comparison runs", severity="warning")
            return
        if not self.plans:
            return
        index = self.query_one("#plan", ListView).index or 0
        plan = self.plans[index]
        if plan.kind != compareapi.GGUF or len(plan.builds) < 2:
            self.notify("This model has one way to run here; nothing to cycle",
                        severity="information")
            return
        self.plans[index] = plan.cycled()
        self._line(index).show(self.plans[index])

    @on(Button.Pressed, "#compare-run")
    def action_start(self) -> None:
        if self.running:
            self.notify("The comparison is already running; c cancels it", severity="warning")
            return
        runnable = [p for p in self.plans if p.runnable]
        if not runnable:
            self.notify("Nothing to run: see each line for what is missing", severity="error")
            return
        from advisor.errors import AdvisorError
        from advisor.smoke.suites import load_suite

        suite = str(self.query_one("#compare-suite", Select).value)
        try:
            self._prompts = len(load_suite(suite).prompts)
        except AdvisorError as exc:
            self.notify(clean(exc), title="Suite", severity="error", markup=False)
            return
        verdicts = {p.model_id.lower(): compareapi.verdict_of(self.app.candidate(p.model_id))
                    for p in runnable}
        self._runnable = runnable
        self._done = {}
        self.comparison = None
        self.cancelled = False
        self._live = ""
        self.query_one("#compare-live", Static).update("")
        self.query_one("#compare-results").display = False
        for i, plan in enumerate(self.plans):
            self._line(i).show(plan, "waiting" if plan.runnable else "", "dim")
        self.cancel_event = threading.Event()
        self.running = True
        self._set_running(True)
        self._progress(f"Starting: {len(runnable)} candidates, suite {clean(suite)}…")
        self.run_job(runnable, suite, self._settings(), verdicts, self.cancel_event)

    def _set_running(self, running: bool) -> None:
        self.query_one("#compare-run", Button).disabled = running
        self.query_one("#compare-cancel", Button).disabled = not running
        self.query_one("#compare-suite", Select).disabled = running
        self.query_one("#compare-gpu", Select).disabled = running

    @work(thread=True, exclusive=True, group="compare")
    def run_job(self, plans: list[Plan], suite: str, settings: Any, verdicts: dict[str, Any],
                cancel: threading.Event) -> None:
        try:
            comparison = compareapi.run_compare(
                plans, suite, settings, verdicts=verdicts, cancel=cancel,
                on_progress=lambda i, plan, row: self.events.append(("progress", (i, row))),
                on_event=self._on_event)
            self.events.append(("finished", comparison))
        except smokeapi.Cancelled as exc:
            self.events.append(("cancelled", getattr(exc, "partial", None)))
        except Exception as exc:  # noqa: BLE001 - the screen stays up and says why
            self.events.append(("error", f"{type(exc).__name__}: {exc}"))

    def _on_event(self, index: int, event: Any) -> None:
        """On the worker thread: queue only (the child's pid is kept at once, for cancel)."""
        kind, data = getattr(event, "kind", "?"), getattr(event, "data", {})
        if kind == "spawned":
            self._child_pid = data.get("pid")
        if kind in ("spawned", "load_done", "prompt_start", "token", "prompt_done"):
            self.events.append((kind, (index, data)))

    @on(Button.Pressed, "#compare-cancel")
    def action_cancel(self) -> None:
        """c: asks, then stops the running candidate; the finished ones stay."""
        if not self.running:
            return
        from advisor.tui.screens.confirm import Confirm

        self.app.push_screen(Confirm(
            "Cancel the comparison?", "The candidate running now is stopped; the ones that "
            "finished stay in the table.", yes="Stop it", no="Keep running"),
            lambda yes: self._stop() if yes else None)

    def _stop(self) -> None:
        if self.running:
            self.cancel_event.set()
            compareapi.stop_child(self._child_pid)
            self._progress("Cancelling…", "yellow")

    # -- events, on the UI thread ------------------------------------------------------------------
    def _drain(self) -> None:
        budget, live = 2000, False
        while self.events and budget:
            budget -= 1
            kind, data = self.events.popleft()
            if kind == "token":
                live = self._ev_token(data) or live
                continue
            getattr(self, f"_ev_{kind}")(data)
        if live:
            self._show_live()

    def _where(self, index: int) -> str:
        plan = self._runnable[index]
        return f"{index + 1}/{len(self._runnable)} {clean(plan.model_id.split('/')[-1])}"

    def _ev_progress(self, data: tuple[int, Any]) -> None:
        index, row = data
        line = self._line(self._plan_index(index))
        if row is None:
            self._done[index] = 0
            line.show(progress="starting…", style="cyan")
            self._progress(f"{self._where(index)}: starting…", "cyan")
            self._live = ""
            return
        if row.error:
            line.show(progress=f"✗ could not run: {clean(row.error)}", style="red")
        else:
            speed = _num(row.tokens_per_second, ".1f")
            mark = "✓" if row.passed else "!"
            line.show(progress=f"{mark} {row.checks_passed}/{row.checks_total} checks · "
                               f"{speed} t/s", style="green" if row.passed else "yellow")

    def _ev_spawned(self, data: tuple[int, dict]) -> None:
        index, info = data
        self._child_pid = info.get("pid")
        self._line(self._plan_index(index)).show(progress="loading…", style="cyan")
        self._progress(f"{self._where(index)}: loading the model…", "cyan")

    def _ev_load_done(self, data: tuple[int, dict]) -> None:
        index, info = data
        self._progress(f"{self._where(index)}: loaded · backend "
                       f"{clean(info.get('backend', '?'))}", "cyan")

    def _ev_prompt_start(self, data: tuple[int, dict]) -> None:
        index, info = data
        number = self._done.get(index, 0) + 1
        what = f"prompt {number}/{self._prompts}"
        self._line(self._plan_index(index)).show(progress=f"running {what}", style="cyan")
        self._progress(f"{self._where(index)}: {what} ({clean(info.get('id', '?'))})", "cyan")
        self._live = ""

    def _ev_token(self, data: tuple[int, dict]) -> bool:
        self._live = (self._live + str(data[1].get("text", "")))[-400:]
        return True

    def _show_live(self) -> None:
        """The running prompt's latest output, one line (the model's text, made plain)."""
        tail = " ".join(clean(self._live, newlines=False).split())
        room = max(self.app.size.width - 6, 10)
        self.query_one("#compare-live", Static).update(
            Text("» " + tail[-room:], style="dim", no_wrap=True, overflow="ellipsis"))

    def _ev_prompt_done(self, data: tuple[int, dict]) -> None:
        index, _info = data
        self._done[index] = self._done.get(index, 0) + 1

    def _ev_finished(self, comparison: Any) -> None:
        self._end(comparison)
        chosen = compareapi.chosen_model(comparison)
        failed = sum(1 for r in comparison.candidates if r.error)
        if chosen:
            ran = len(comparison.candidates) - failed
            self._progress(Text.assemble(("Done: ", "bold green"),
                                         f"{ran} of {len(comparison.candidates)} ran"
                                         + (f", {failed} could not" if failed else "")
                                         + ". e exports a record with the comparison."))
        else:
            self._progress("Done, but no candidate could be chosen (see below).", "yellow")
        self.notify("Comparison finished", title="Compare")
        self.app.comparison = comparison.to_dict()

    def _ev_cancelled(self, partial: Any) -> None:
        self.cancelled = True
        self._end(partial)
        for i, plan in enumerate(self.plans):
            line = self._line(i)
            if plan.runnable and line.progress and \
                    not line.progress.startswith(("✓", "✗", "!")):
                line.show(progress="cancelled", style="yellow")
        kept = len(partial.candidates) if partial is not None else 0
        self._progress(f"Cancelled. {kept} finished candidate(s) kept; s runs again.",
                       "yellow")
        self.notify("Comparison cancelled", severity="warning")

    def _ev_error(self, message: str) -> None:
        self._end(None)
        self._progress(Text.assemble(("✗ ", "bold red"), clean(message)))
        self.notify(clean(message), title="Comparison failed", severity="error", timeout=10,
                    markup=False)

    def _end(self, comparison: Any) -> None:
        self.running = False
        self._child_pid = None
        self._set_running(False)
        self.query_one("#compare-live", Static).update("")
        self.comparison = comparison
        if comparison is not None:
            self._fill_table(comparison)

    # -- the result -----------------------------------------------------------------------------
    def labels(self) -> list[str]:
        """Per row of the comparison: the label of the model it is (told apart)."""
        width = next(w for _, k, w in self._columns if k == "model")
        ids = [p.model_id for p in self._runnable]
        shown = display_ids(ids, width)
        return [shown[m] for m in ids]

    def _fill_table(self, comparison: Any) -> None:
        table = self.query_one("#compare-table", DataTable)
        table.clear()
        labels = self.labels()
        for i, row in enumerate(comparison.candidates):
            cells = row_cells(row, labels[i] if i < len(labels) else row.model)
            table.add_row(*(cells[key] for _, key, _ in self._columns), key=str(i))
        table.styles.height = len(comparison.candidates) + 1
        self.query_one("#compare-results").display = True
        self.query_one("#compare-choice", Static).update(choice_text(comparison))
        self.query_one("#compare-problems", Static).update(
            problems_text(comparison, self.plans))

    # -- navigation --------------------------------------------------------------------------------
    def action_export(self) -> None:
        """e: the export screen with this comparison attached, its choice preselected."""
        if self.running:
            self.notify("Wait for the comparison to finish (or c cancels it)",
                        severity="warning")
            return
        if self.cancelled:
            self.notify("The comparison was cancelled before the end; s runs it again, "
                        "then e exports it", severity="warning")
            return
        if self.comparison is None or not self.comparison.candidates:
            self.notify("Run the comparison first (s)", severity="warning")
            return
        self.app.action_export(self.model_id(), comparison=self.comparison.to_dict())

    def action_back(self) -> None:
        if not self.running:
            self.app.pop_screen()
            return
        from advisor.tui.screens.confirm import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self._stop()
                self.app.pop_screen()

        self.app.push_screen(Confirm("Stop the comparison?", "Going back stops the "
                                     "comparison; its results so far are dropped.",
                                     yes="Stop and go back", no="Stay"), answered)


def choice_text(comparison: Any) -> Text:
    """'chosen: X · fallback: Y (another vendor)', or why there is none."""
    text = Text()
    chosen = compareapi.chosen_model(comparison)
    if chosen is None:
        text.append("No choice: ", style="bold yellow")
        text.append(clean(comparison.fallback_reason or "no candidate ran"))
        return text
    text.append("Chosen: ", style="bold")
    text.append(clean(chosen), style="bold green")
    fallback = compareapi.fallback_model(comparison)
    if fallback:
        text.append(" · fallback: ", style="bold")
        text.append(clean(fallback), style="bold")
        text.append(f" ({clean(comparison.fallback_reason or '')})", style="dim")
    else:
        text.append(" · no fallback: ", style="bold")
        text.append(clean(comparison.fallback_reason or ""), style="yellow")
    return text


def problems_text(comparison: Any, plans: list[Plan]) -> Text:
    """Each candidate that could not run or failed checks, with its reason; the skipped."""
    text = Text()
    for row in comparison.candidates:
        if row.error:
            text.append(f"✗ {clean(row.model)}: could not run: ", style="red")
            text.append(clean(row.error) + "\n")
        elif row.failures:
            text.append(f"! {clean(row.model)}: failed ", style="yellow")
            text.append(clean("; ".join(row.failures)) + "\n")
    for plan in plans:
        if not plan.runnable:
            text.append(f"– {clean(plan.model_id)}: skipped: ", style="dim")
            text.append(clean(plan.reason) + "\n", style="dim")
    text.rstrip()
    return text

