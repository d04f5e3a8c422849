"""Compare: the marked models side by side, one suite, the same settings.

Each marked model gets a line saying how it will run (a GGUF build on this machine, a
hosted API model, or skipped with the reason: :mod:`advisor.smoke.plan`). ``s`` runs the
suite on each in turn in a thread worker; its events reach the screen through a
:class:`~advisor.tui.widgets.runfeed.RunFeed` as the app's messages (as on the smoke
screen), so every candidate's line shows its progress. The result is a table with the
CLI's columns, the chosen model and a fallback from another vendor; ``e`` exports a
record with the comparison attached.

    Example (not run)::

        app.push_screen(CompareScreen(["HuggingFaceTB/SmolLM2-135M-Instruct",
                                       "google/gemma-3-270m-it"]))
"""

from __future__ import annotations


from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Footer, Header, Label, ListView, Select, Static
from textual.worker import Worker

from advisor.smoke.compare import CandidateRow, Comparison, CompareSettings
from advisor.smoke.control import RunControl
from advisor.smoke.plan import GGUF, Plan, plan_for, plan_for_file, run_plans
from advisor.text import clean
from advisor.tui.messages import (CandidateDone, CandidateStarted, ChildSpawned, ModelLoaded,
                                  PromptDone, PromptStarted, RunCancelled, RunFailed,
                                  RunFinished, TokensArrived)
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.screens.file_prompt import OpensGGUF
from advisor.tui.settings import LocalModel
from advisor.tui.widgets.comparison import (ComparisonResults, PlanLine, finished_text,
                                           ready_text, settings_text)
from advisor.tui.widgets.runfeed import RunFeed
from advisor.tui.widgets.suites import SuitePicker

GPU_PLANS = (("GPU auto", "auto"), ("GPU on", "on"), ("GPU off", "off"))


class CompareScreen(OpensGGUF, AdvisorScreen):
    """Run one suite over the marked models and show them side by side; ``o`` adds any
    GGUF file as its own line (like ``advisor compare --gguf PATH``)."""

    OPEN_TITLE = "GGUF file to compare"
    BUSY = "A comparison is running; open a file when it ends"

    BINDINGS = [
        Binding("s", "start", "Run", id="compare.run"),
        Binding("c", "cancel", "Cancel", id="compare.cancel"),
        Binding("b", "cycle_build", "Build", id="compare.build"),
        Binding("e", "export", "Export", id="compare.export"),
        Binding("o", "open_file", "Open GGUF", id="compare.open-file"),
        Binding("escape", "back", "Back", id="compare.back"),
    ]

    def __init__(self, model_ids: list[str]) -> None:
        super().__init__()
        self.model_ids = list(dict.fromkeys(model_ids))
        self.plans: list[Plan] = []
        self.control = RunControl()
        self.running = False
        self.comparison: Comparison | None = None   # the last one (finished or cancelled)
        self.cancelled = False
        self._runnable: list[Plan] = []
        self._done: dict[int, int] = {}        # candidate index -> prompts finished
        self._prompts = 0
        self._live = ""
        self._width = 0

    def model_id(self) -> str | None:
        """The model a record would be for: the comparison's choice, else the first marked."""
        chosen = self.comparison.chosen_profile if self.comparison is not None else None
        return chosen or (self.model_ids[0] if self.model_ids else None)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-bar"):
            yield Label("Suite", classes="bar-label")
            yield SuitePicker(self.app.answers.use_case.categories,
                              self.app.kb.use_cases if self.app.kb else {},
                              id="compare-suite", files=True)
            yield Select(GPU_PLANS, id="compare-gpu", allow_blank=False, compact=True,
                         value="auto")
            yield Button("Run ▶", id="compare-run", variant="primary", compact=True)
            yield Button("Cancel", id="compare-cancel", variant="error", compact=True,
                         disabled=True)
        yield Static("", id="compare-settings")
        yield ListView(id="plan")
        yield Static("", id="compare-progress")
        yield Static("", id="compare-live")
        yield ComparisonResults(id="compare-results")
        yield RunFeed(id="compare-feed")
        yield Footer()

    @property
    def feed(self) -> RunFeed:
        return self.query_one(RunFeed)

    def on_mount(self) -> None:
        count = len(self.model_ids)
        self.sub_title = f"Compare · {count} model{'s' if count != 1 else ''}"
        settings = self.app.settings
        if settings.local_models is None:
            from advisor.tui.settings import discover_local_models

            settings.local_models = discover_local_models()
        local = tuple(settings.local_models)
        self.plans = [plan_for(m, self.app.kb, local) for m in self.model_ids]
        plan_view = self.query_one("#plan", ListView)
        plan_view.extend(PlanLine(i, p) for i, p in enumerate(self.plans))
        plan_view.index = 0
        self.query_one("#compare-results").display = False
        self._describe_settings()
        self._say_ready()
        self._layout_table()
        plan_view.focus()

    def _file_opened(self, model: LocalModel) -> None:
        plan = plan_for_file(model.path, self.app.kb)
        self.plans.append(plan)
        self.query_one("#plan", ListView).append(PlanLine(len(self.plans) - 1, plan))
        self._say_ready()

    def _say_ready(self) -> None:
        self._progress(ready_text(self.plans))

    def _settings(self) -> CompareSettings:
        from advisor.smoke.runner import default_threads

        gpu = str(self.query_one("#compare-gpu", Select).value)
        return CompareSettings(gpu=gpu, threads=default_threads())

    @on(Select.Changed, "#compare-gpu")
    @on(Select.Changed, "#compare-suite")
    def _describe_settings(self) -> None:
        from advisor.smoke.suites import suite_description

        name = self.suite_name()
        self.query_one("#compare-settings", Static).update(settings_text(
            self._settings(), name, suite_description(name), self.app.machine.describe(),
            max(self.app.size.width - 2, 20)))

    def suite_name(self) -> str:
        return self.query_one(SuitePicker).suite_name

    @on(SuitePicker.FileWanted)
    def _ask_suite_file(self, message: SuitePicker.FileWanted) -> None:
        from advisor.tui.screens.file_prompt import FilePrompt

        self.app.push_screen(FilePrompt("Suite file (YAML)", "", save=False),
                             message.picker.file_given)

    def _layout_table(self) -> None:
        self._width = self.app.size.width
        self.query_one(ComparisonResults).lay_out(self._width)
        if self.comparison is not None:
            self._show_result(self.comparison)

    def on_resize(self) -> None:
        if self.app.size.width != self._width:
            self._layout_table()
            self._describe_settings()

    def _progress(self, message: str | Text, style: str = "") -> None:
        text = message if isinstance(message, Text) else Text(message, style=style)
        self.query_one("#compare-progress", Static).update(text)

    def _line(self, runnable_index: int) -> PlanLine:
        """The line of the runnable plan ``runnable_index`` (the candidate's index)."""
        plan = self._runnable[runnable_index]
        return list(self.query(PlanLine))[next(i for i, p in enumerate(self.plans)
                                               if p is plan)]

    def _where(self, index: int) -> str:
        plan = self._runnable[index]
        return f"{index + 1}/{len(self._runnable)} {clean(plan.model_id.split('/')[-1])}"

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
        if plan.kind != GGUF or len(plan.builds) < 2:
            self.notify("This model has one way to run here; nothing to cycle",
                        severity="information")
            return
        self.plans[index] = plan.cycled()
        list(self.query(PlanLine))[index].show(self.plans[index])

    @on(Button.Pressed, "#compare-run")
    def action_start(self) -> None:
        from advisor.errors import AdvisorError
        from advisor.smoke.suites import load_suite

        if self.running:
            self.notify("The comparison is already running; c cancels it", severity="warning")
            return
        runnable = [p for p in self.plans if p.runnable]
        if not runnable:
            self.notify("Nothing to run: see each line for what is missing", severity="error")
            return
        suite = self.suite_name()
        try:
            self._prompts = len(load_suite(suite).prompts)
        except AdvisorError as exc:
            self.notify(clean(exc), title="Suite", severity="error", markup=False)
            return
        assessed = {p.model_id: self.app.candidate(p.model_id) for p in runnable}
        self._runnable, self._done = runnable, {}
        self.comparison, self.cancelled, self._live = None, False, ""
        self.query_one("#compare-live", Static).update("")
        self.query_one("#compare-results").display = False
        for line in self.query(PlanLine):
            line.show(line.plan, "waiting" if line.plan.runnable else "", "dim")
        self.control = RunControl()
        self._set_running(True)
        self._progress(f"Starting: {len(runnable)} candidates, suite {clean(suite)}…")
        self.run_job(runnable, suite, self._settings(), assessed, self.control)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.query_one("#compare-run", Button).disabled = running
        self.query_one("#compare-cancel", Button).disabled = not running
        self.query_one("#compare-suite", Select).disabled = running
        self.query_one("#compare-gpu", Select).disabled = running

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False,
          description="Comparison failed")
    def run_job(self, plans: list[Plan], suite: str, settings: CompareSettings,
                assessed: dict, control: RunControl) -> Comparison:
        """The comparison, or it raises (Cancelled, with the finished rows, on cancel)."""
        feed = self.feed

        def progress(index: int, _plan: Plan, row: CandidateRow | None) -> None:
            feed.put(CandidateStarted(index) if row is None else CandidateDone(index, row))

        return run_plans(plans, suite, settings, assessed=assessed.get, control=control,
                         on_progress=progress, on_event=feed.event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The run ended: after the events still queued, its result, cancel or failure."""
        if event.worker.group == "compare":
            self.feed.ended(event.worker, event.state)

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
            self.control.cancel()
            self._progress("Cancelling…", "yellow")

    # -- the run's messages, on the UI thread ------------------------------------------------------
    @on(CandidateStarted)
    def _candidate_started(self, message: CandidateStarted) -> None:
        self._done[message.index] = 0
        self._line(message.index).show(progress="starting…", style="cyan")
        self._progress(f"{self._where(message.index)}: starting…", "cyan")
        self._live = ""

    @on(CandidateDone)
    def _candidate_done(self, message: CandidateDone) -> None:
        self._line(message.index).finished(message.row)

    @on(ChildSpawned)
    def _spawned(self, message: ChildSpawned) -> None:
        self._line(message.index).show(progress="loading…", style="cyan")
        self._progress(f"{self._where(message.index)}: loading the model…", "cyan")

    @on(ModelLoaded)
    def _loaded(self, message: ModelLoaded) -> None:
        self._progress(f"{self._where(message.index)}: loaded · backend "
                       f"{clean(message.info.get('backend', '?'))}", "cyan")

    @on(PromptStarted)
    def _prompt_started(self, message: PromptStarted) -> None:
        what = f"prompt {self._done.get(message.index, 0) + 1}/{self._prompts}"
        self._line(message.index).show(progress=f"running {what}", style="cyan")
        self._progress(f"{self._where(message.index)}: {what} ({clean(message.prompt_id)})",
                       "cyan")
        self._live = ""

    @on(TokensArrived)
    def _tokens(self, message: TokensArrived) -> None:
        """The running prompt's latest output, one line (the model's text, made plain)."""
        self._live = (self._live + message.text)[-400:]
        tail = " ".join(clean(self._live, newlines=False).split())
        room = max(self.app.size.width - 6, 10)
        self.query_one("#compare-live", Static).update(
            Text("» " + tail[-room:], style="dim", no_wrap=True, overflow="ellipsis"))

    @on(PromptDone)
    def _prompt_done(self, message: PromptDone) -> None:
        self._done[message.index] = self._done.get(message.index, 0) + 1

    @on(RunFinished)
    def _finished(self, message: RunFinished) -> None:
        comparison: Comparison = message.result
        self._end(comparison)
        self._progress(finished_text(comparison))
        self.notify("Comparison finished", title="Compare")
        self.app.state.comparison = comparison.to_dict()

    @on(RunCancelled)
    def _cancelled(self, message: RunCancelled) -> None:
        self.cancelled = True
        self._end(message.partial)
        for line in self.query(PlanLine):
            if line.unfinished:
                line.show(progress="cancelled", style="yellow")
        kept = len(message.partial.candidates) if message.partial is not None else 0
        self._progress(f"Cancelled. {kept} finished candidate(s) kept; s runs again.",
                       "yellow")
        self.notify("Comparison cancelled", severity="warning")

    @on(RunFailed)
    def _failed(self, message: RunFailed) -> None:
        """The app's error modal says what failed; the progress line keeps it."""
        self._end(None)
        error = message.error
        self._progress(Text.assemble(("✗ ", "bold red"),
                                     clean(f"{type(error).__name__}: {error}")))

    def _end(self, comparison: Comparison | None) -> None:
        self._set_running(False)
        self.query_one("#compare-live", Static).update("")
        self.comparison = comparison
        if comparison is not None:
            self._show_result(comparison)

    def _show_result(self, comparison: Comparison) -> None:
        self.query_one(ComparisonResults).show(
            comparison, [p.model_id for p in self._runnable], self.plans)

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
