"""Export: pick formats and a folder, preview the Markdown record, write the files.

A comparison (``advisor.comparison/1``, from the compare screen) is offered to the record
with a checkbox, ticked when the comparison was handed over:

    Example (not run)::

        app.push_screen(ExportScreen("google/gemma-3-270m-it", comparison=doc))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Markdown, Static

from advisor.errors import AdvisorError, TargetExists
from advisor.text import clean, escape_markup

FORMAT_LABELS = (("md", "Markdown (MADR 4)"), ("json", "JSON record"),
                 ("cdx", "CycloneDX 1.6 BOM"))


class ExportScreen(Screen[None]):
    """Write the decision record for one model."""

    BINDINGS = [
        Binding("ctrl+s", "write", "Write record", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, model_id: str, comparison: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._model_id = model_id
        self.record: Any = None
        self.written: list[Path] = []
        self.attached = comparison is not None   # handed over: offered ticked
        self.comparison = comparison

    def _offered(self) -> dict[str, Any] | None:
        """The comparison this screen offers: the one handed over, else the app's last."""
        if self.comparison is None:
            self.comparison = getattr(self.app, "comparison", None)
        return self.comparison

    def model_id(self) -> str:
        return self._model_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="export-form"):
            with Horizontal(classes="export-row"):
                yield Label("Formats", classes="export-label")
                for fmt, label in FORMAT_LABELS:
                    yield Checkbox(label, value=True, id=f"fmt-{fmt}", compact=True)
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
            offered = self._offered()
            if offered is not None:
                with Horizontal(classes="export-row"):
                    yield Label("Compare", classes="export-label")
                    yield Checkbox(Text(comparison_label(offered)),
                                   value=self._tick_default(),
                                   id="with-comparison", compact=True)
            yield Static("", id="export-smoke")
            yield Static("", id="export-status")
        yield Label("Preview (Markdown)", id="preview-title", classes="panel-title")
        with VerticalScroll(id="preview-box"):
            yield Markdown("", id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Export · {self._model_id}"
        smoke = self.app.smoke_results.get(self._model_id.lower())
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
            others = [run for run in self.app.smoke_runs if run.get("result")]
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

    @on(Input.Changed, "#deciders")
    @on(Input.Changed, "#rationale")
    def _decision_changed(self) -> None:
        """The record carries who decided and why: rebuild it (a worker, latest wins)."""
        self.record = None
        self.build()

    def formats(self) -> list[str]:
        return [fmt for fmt, _ in FORMAT_LABELS
                if self.query_one(f"#fmt-{fmt}", Checkbox).value]

    @work(thread=True, exclusive=True, group="record")
    def build(self) -> None:
        from advisor.record import build_record, render

        app: Any = self.app
        try:
            facts = app.hub_facts.get(self._model_id)
            extra = {}
            comparison = app.call_from_thread(self.with_comparison)
            if comparison is not None:
                extra["comparison"] = comparison
            record = build_record(app.answers, app.kb, self._model_id,
                                  smoke=app.smoke_results.get(self._model_id.lower()),
                                  hub_facts=facts, today=app.settings.record_date,
                                  decision_makers=self.deciders(),
                                  rationale=self.rationale(), **extra)
            markdown = render(record, "md")
        except Exception as exc:  # noqa: BLE001 - shown, not raised
            app.call_from_thread(self._failed, f"The record could not be built: {exc}")
            return
        app.call_from_thread(self._built, record, markdown)

    def _built(self, record: Any, markdown: str) -> None:
        self.record = record
        self.query_one("#preview", Markdown).update(front_matter_as_code(markdown))
        self.query_one("#export-status", Static).update(Text(
            f"Ready: files will be named {clean(record.filename('md').rsplit('.', 1)[0])}.*"))

    def _failed(self, message: str) -> None:
        self.query_one("#export-status", Static).update(f"[b $error]✗[/] {escape_markup(message)}")
        self.notify(clean(message), severity="error", markup=False)

    @on(Button.Pressed, "#write")
    @on(Input.Submitted, "#out-dir")
    def action_write(self) -> None:
        if self.record is None:
            self.notify("The record is still being built", severity="warning")
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

    @work(thread=True, exclusive=True, group="record-write")
    def write(self, folder: Path, formats: list[str], force: bool) -> None:
        from advisor.record import write_record

        try:
            paths = write_record(self.record, folder, formats, force=force)
        except AdvisorError as exc:
            self.app.call_from_thread(self._write_failed, str(exc),
                                      isinstance(exc, TargetExists))
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._write_failed, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self._written, paths)

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
