"""Export: pick formats and a folder, preview the Markdown record, write the files.

A comparison (``advisor.comparison/1``, from the compare screen) is offered to the record
with a checkbox, ticked when the comparison was handed over. The options weighed are the
models marked on the candidates screen, else the comparison's, else the recommendation's.
The Duties tab lists every duty once; ``o`` and ``w`` set the owner and the "when" of the
highlighted duty's kind (as ``record --owner`` and ``--when`` do). A blocked or unknown
model is written only with an exception reason and a decider (as ``record --accept``):

    Example (not run)::

        app.push_screen(ExportScreen("google/gemma-3-270m-it", comparison=doc))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (Button, Checkbox, DataTable, Footer, Header, Input, Label, Markdown,
                             Static, TabbedContent, TabPane)
from textual.worker import Worker, WorkerState

from advisor.errors import AdvisorError, TargetExists
from advisor.text import clean, clip, escape_markup
from advisor.tui.screens.base import AdvisorScreen

FORMAT_LABELS = (("md", "Markdown"), ("json", "JSON"), ("cdx", "CycloneDX 1.6"),
                 ("spdx", "SPDX 3.0"))
DEFAULT_FORMATS = ("md", "json", "cdx")


class ExportScreen(AdvisorScreen):
    """Write the decision record for one model."""

    BINDINGS = [
        Binding("ctrl+s", "write", "Write record", priority=True, id="export.write"),
        Binding("d", "duties", "Duties", id="export.duties",
                tooltip="every duty once, with its owner and when"),
        Binding("o", "owner", "Owner", show=False, id="export.owner",
                tooltip="the highlighted duty's owner: engineering, legal or product (for "
                "every duty of its kind)"),
        Binding("w", "when", "When", show=False, id="export.when",
                tooltip="when the highlighted duty's kind is done: before launch, on each "
                "release or yearly"),
        Binding("escape", "back", "Back", id="export.back"),
    ]
    # A refused write (the file exists, the folder is not writable) is said in the status
    # line, with what to change; a record that cannot be built goes to the error modal.
    FAILURES_IN_PLACE: ClassVar[frozenset[str]] = frozenset({"record-write"})

    def __init__(self, model_id: str, comparison: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._model_id = model_id
        self.record: Any = None
        self.written: list[Path] = []
        self.attached = comparison is not None   # handed over: offered ticked
        self.comparison = comparison
        self.owners: dict[str, str] = {}          # finding code -> role, set with o
        self.whens: dict[str, str] = {}           # finding code -> when, set with w
        self.problem: str | None = None           # why the record cannot be written now

    def _offered(self) -> dict[str, Any] | None:
        """The comparison this screen offers: the one handed over, else the app's last."""
        if self.comparison is None:
            self.comparison = self.app.state.comparison
        return self.comparison

    def model_id(self) -> str:
        return self._model_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="export-form"):
            with Horizontal(classes="export-row"):
                yield Label("Formats", classes="export-label")
                for fmt, label in FORMAT_LABELS:
                    yield Checkbox(label, value=fmt in DEFAULT_FORMATS, id=f"fmt-{fmt}",
                                   compact=True)
            with Horizontal(classes="export-row"):
                yield Label("Folder", classes="export-label")
                yield Input(str(self.app.settings.work_dir / "decisions"), id="out-dir",
                            compact=True)
            with Horizontal(classes="export-row"):
                yield Label("", classes="export-label")
                yield Checkbox("Overwrite existing files", id="force", compact=True)
                yield Button("Write record", id="write", variant="primary", compact=True)
            with Horizontal(classes="export-row"):
                yield Label("Deciders", classes="export-label")
                yield Input(placeholder="who decides, comma-separated", id="deciders",
                            compact=True)
            with Horizontal(classes="export-row"):
                yield Label("Rationale", classes="export-label")
                yield Input(placeholder="why this model (goes into the record)",
                            id="rationale", compact=True)
            with Horizontal(classes="export-row", id="exception-row"):
                yield Label("Exception", classes="export-label")
                yield Input(placeholder="why adopt it although the answers block it (needs a "
                            "decider)", id="exception", compact=True)
            offered = self._offered()
            if offered is not None:
                with Horizontal(classes="export-row"):
                    yield Label("Compare", classes="export-label")
                    yield Checkbox(Text(comparison_label(offered)),
                                   value=self._tick_default(),
                                   id="with-comparison", compact=True)
            yield Static("", id="export-smoke")
            yield Static("", id="export-status")
        with TabbedContent(id="export-tabs"):
            with TabPane("Preview (Markdown)", id="tab-preview"):
                with VerticalScroll(id="preview-box"):
                    yield Markdown("", id="preview")
            with TabPane("Duties: owner and when", id="tab-duties"):
                yield Static("o sets the owner and w the when of the highlighted duty, for every "
                             "duty of its kind; the record is rebuilt.", id="duties-hint")
                yield DataTable(id="duties", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Export · {self._model_id}"
        self.query_one("#exception-row").display = False
        table = self.query_one("#duties", DataTable)
        for label, key in (("#", "n"), ("Owner", "owner"), ("When", "when"), ("Kind", "kind"),
                           ("Duty", "text")):
            table.add_column(label, key=key)
        smoke = self.app.state.smoke_results.get(self._model_id.lower())
        if smoke is not None:
            verdict = "passed" if smoke.get("passed") else "failed"
            self.query_one("#export-smoke", Static).update(Text(
                f"Smoke test ({clean(smoke.get('model', '?'))}): {verdict}; included in the "
                "record."))
        elif self._offered() is not None and self._tick_default() and \
                self._compared():
            self.query_one("#export-smoke", Static).update(Text(
                "No separate smoke test of this model; the comparison ran a build of it "
                "(its figures go in with the comparison).", style="dim"))
        else:
            others = [run for run in self.app.state.smoke_runs if run.result]
            hint = (" (the smoke tests run so far were of other models' files)" if others
                    else " (t on the candidates screen runs one)")
            self.query_one("#export-smoke", Static).update(Text(
                f"No smoke test of a build of this model yet{hint}; the record says so.",
                style="dim"))
        self.query_one("#export-status", Static).update("Building the record…")
        self.build()

    def _tick_default(self) -> bool:
        """Ticked when handed over, or when this model is one of the candidates compared."""
        return self.attached or self._compared()

    def _compared(self) -> bool:
        """Whether this model is one of the offered comparison's candidates."""
        doc = self.comparison or {}
        return any(str(row.get("profile") or "").lower() == self._model_id.lower()
                   for row in doc.get("candidates") or [] if isinstance(row, dict))

    def with_comparison(self) -> dict[str, Any] | None:
        """The comparison to put in the record (None when not offered or unticked)."""
        boxes = self.query("#with-comparison")
        if not boxes or not boxes.first(Checkbox).value:
            return None
        return self.comparison

    @on(Checkbox.Changed, "#with-comparison")
    def _comparison_toggled(self) -> None:
        self.record = None
        self.query_one("#export-status", Static).update("Building the record…")
        self.build()

    def deciders(self) -> list[str]:
        text = self.query_one("#deciders", Input).value
        return [part.strip() for part in text.split(",") if part.strip()]

    def rationale(self) -> str:
        return self.query_one("#rationale", Input).value.strip()

    def exception_reason(self) -> str:
        return self.query_one("#exception", Input).value.strip()

    def considered(self) -> list[str] | None:
        """The models marked on the candidates screen, other than this one (None: none)."""
        from advisor.tui.screens.candidates import CandidatesScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, CandidatesScreen):
                marked = [m for m in screen.marked if m.lower() != self._model_id.lower()]
                return marked or None
        return None

    @on(Input.Changed, "#deciders")
    @on(Input.Changed, "#rationale")
    @on(Input.Changed, "#exception")
    def _decision_changed(self) -> None:
        """The record carries who decided and why: rebuild it (a worker, latest wins)."""
        self.record = None
        self.build()

    def formats(self) -> list[str]:
        return [fmt for fmt, _ in FORMAT_LABELS
                if self.query_one(f"#fmt-{fmt}", Checkbox).value]

    def build(self) -> None:
        """Rebuild the record from the form (in a worker; the latest build wins)."""
        app = self.app
        state = app.state
        self._build_job(dict(
            answers=state.answers, kb=state.kb, model_id=self._model_id,
            smoke=state.smoke_results.get(self._model_id.lower()),
            hub_facts=state.hub_facts.get(self._model_id), today=app.settings.record_date,
            decision_makers=self.deciders(), rationale=self.rationale(),
            accept=self.exception_reason() or None, consider=self.considered(),
            hardware=app.hardware,                    # the answers' override, else this machine
            owners=dict(self.owners), whens=dict(self.whens),
            **({"comparison": c} if (c := self.with_comparison()) is not None else {})))

    @work(thread=True, exclusive=True, group="record", exit_on_error=False,
          description="The record could not be built")
    def _build_job(self, inputs: dict[str, Any]) -> tuple[Any, str]:
        from advisor.record import build_record, render

        record = build_record(**inputs)
        return record, render(record, "md")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.SUCCESS and worker.group == "record":
            self._built(*worker.result)
        elif event.state is WorkerState.SUCCESS and worker.group == "record-write":
            self._written(worker.result)
        elif event.state is WorkerState.ERROR and worker.group == "record":
            self._failed(f"The record could not be built: {worker.error}")
        elif event.state is WorkerState.ERROR and worker.group == "record-write":
            error = worker.error
            self._write_failed(str(error) if isinstance(error, AdvisorError)
                               else f"{type(error).__name__}: {error}",
                               isinstance(error, TargetExists))

    def _problem_of(self, record: Any) -> str | None:
        """Why ``record`` must not be written yet: a comparison that chose another model,
        or a blocked or unknown model without an exception and a decider."""
        from advisor.record.build import refusal
        from advisor.record.comparison import choice_conflict

        conflict = choice_conflict(record.data.get("comparison"), record.model)
        if conflict:
            return f"{conflict} (or untick Compare)"
        refused = refusal(record)
        if refused:
            return (f"{refused}. To adopt it anyway, give the reason under Exception and a "
                    "decider: the record carries the exception")
        return None

    def _fill_duties(self, record: Any) -> None:
        table = self.query_one("#duties", DataTable)
        row = table.cursor_row
        table.clear()
        for i, duty in enumerate(record.data.get("duties") or [], start=1):
            kind = "must do" if duty["kind"] == "must" else f"only if {duty.get('trigger')}"
            table.add_row(str(i), duty["owner"], duty["when"], Text(clip(clean(kind), 32)),
                          Text(clean(duty["text"])), key=str(i))
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def highlighted_duty(self) -> dict[str, Any] | None:
        duties = (self.record.data.get("duties") or []) if self.record is not None else []
        table = self.query_one("#duties", DataTable)
        if not duties or not table.row_count:
            return None
        return duties[min(max(table.cursor_row, 0), len(duties) - 1)]

    def _cycle(self, target: dict[str, str], field: str, values: tuple[str, ...]) -> None:
        duty = self.highlighted_duty()
        if duty is None:
            self.notify("No duty to set yet: the Duties tab lists them once the record is built",
                        severity="warning")
            return
        now = target.get(duty["code"], duty[field])
        target[duty["code"]] = values[(values.index(now) + 1) % len(values)] \
            if now in values else values[0]
        self.query_one("#export-tabs", TabbedContent).active = "tab-duties"
        self.notify(clean(f"{field} of every {duty['code']} duty: {target[duty['code']]}"),
                    markup=False)
        self.record = None
        self.build()

    def action_duties(self) -> None:
        """d: the Duties tab, its table focused (o and w then act on the highlighted row)."""
        self.query_one("#export-tabs", TabbedContent).active = "tab-duties"
        self.query_one("#duties", DataTable).focus()

    def action_owner(self) -> None:
        from advisor.record.duties import ROLES

        self._cycle(self.owners, "owner", ROLES)

    def action_when(self) -> None:
        from advisor.record.duties import WHENS

        self._cycle(self.whens, "when", WHENS)

    def _built(self, record: Any, markdown: str) -> None:
        from advisor.assessment.gates import REFUSED

        self.record = record
        self.problem = self._problem_of(record)
        self.query_one("#exception-row").display = record.chosen["verdict"] in REFUSED
        self.query_one("#preview", Markdown).update(front_matter_as_code(markdown))
        self._fill_duties(record)
        if self.problem:
            self.query_one("#export-status", Static).update(Text(f"✗ {clean(self.problem)}",
                                                                 style="bold"))
            return
        self.query_one("#export-status", Static).update(Text(
            f"Ready: files will be named {clean(record.filename('md').rsplit('.', 1)[0])}.*"))

    def _failed(self, message: str) -> None:
        """The app's error modal says it too."""
        self.query_one("#export-status", Static).update(f"[b $error]✗[/] {escape_markup(message)}")

    @on(Button.Pressed, "#write")
    @on(Input.Submitted, "#out-dir")
    def action_write(self) -> None:
        if self.record is None:
            self.notify("The record is still being built", severity="warning")
            return
        if self.problem:
            self.notify(clean(self.problem), title="Not written", severity="error", timeout=10,
                        markup=False)
            return
        formats = self.formats()
        if not formats:
            self.notify("Tick at least one format", severity="error")
            return
        folder = self.query_one("#out-dir", Input).value.strip()
        if not folder:
            self.notify("Give a folder", severity="error")
            return
        self.write(Path(folder).expanduser(), formats, self.query_one("#force", Checkbox).value)

    @work(thread=True, exclusive=True, group="record-write", exit_on_error=False,
          description="Not written")
    def write(self, folder: Path, formats: list[str], force: bool) -> list[Path]:
        from advisor.record import write_record

        return write_record(self.record, folder, formats, force=force)

    def _written(self, paths: list[Path]) -> None:
        self.written = list(paths)
        names = "\n".join(f"  ✓ {escape_markup(p)}" for p in paths)
        self.query_one("#export-status", Static).update(f"[b $success]Written:[/]\n{names}")
        self.notify(f"{len(paths)} file(s) written to {clean(paths[0].parent)}",
                    title="Record written", markup=False)

    def _write_failed(self, message: str, exists: bool = False) -> None:
        hint = " (tick Overwrite to replace)" if exists else ""
        self.query_one("#export-status", Static).update(
            f"[b $error]✗[/] {escape_markup(message)}{hint}")
        self.notify(clean(message) + hint, title="Not written", severity="error", timeout=10,
                    markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()


def comparison_label(doc: dict[str, Any]) -> str:
    """'Include the comparison: 2 models, chosen SmolLM2-135M-Instruct' (plain text)."""
    rows = [r for r in doc.get("candidates") or [] if isinstance(r, dict)]
    chosen = next((r.get("profile") for r in rows if r.get("model") == doc.get("chosen")),
                  None) or doc.get("chosen")
    what = f", chosen {str(chosen).split('/')[-1]}" if chosen else ""
    return clean(f"Include the comparison: {len(rows)} model{'s' if len(rows) != 1 else ''}"
                 f"{what}")


def front_matter_as_code(markdown: str) -> str:
    """Show a leading YAML front matter block as a code block (Markdown has none)."""
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.find("\n---\n", 4)
    if end < 0:
        return markdown
    return "```yaml\n" + markdown[4:end + 1] + "```\n" + markdown[end + 5:]
