"""The candidates: every model with verdict, license, openness, size and fit.

The table re-ranks the moment the answers change (the app's ``assessment_changed``
signal); only the rows are replaced, never the table.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from advisor.answers import MODES, OPENNESS
from advisor.tui.rows import (FILTERS, Row, arrange, candidate_rows, format_parameters,
                              next_in, verdict_counts)
from advisor.tui.widgets.badges import (fit_text, mof_text, osaid_text, verdict_summary,
                                        verdict_text)

# (label, key, width); the model column takes what the others leave.
COLUMNS = (("Verdict", "verdict", 13), ("Model", "model", 0), ("Size", "size", 5),
           ("Fit", "fit", 9), ("License", "license", 14), ("OSAID", "osaid", 7),
           ("MOF", "mof", 3))
MODEL_MIN, MODEL_MAX = 18, 44


def model_width(total: int) -> int:
    """Width left for the model column in a table ``total`` cells wide."""
    others = sum(w for _, _, w in COLUMNS) + 2 * len(COLUMNS) + 2
    return max(MODEL_MIN, min(MODEL_MAX, total - others))


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class CandidatesScreen(Screen[None]):
    """Ranked candidates, with quick what-if keys for the answers that matter most."""

    BINDINGS = [
        Binding("enter", "open", "Details", show=True),
        Binding("s", "toggle_sort", "Sort"),
        Binding("f", "cycle_filter", "Filter"),
        Binding("slash", "search", "Search", show=False),
        Binding("m", "cycle_mode", "Mode", show=False),
        Binding("c", "toggle_commercial", "Commercial", show=False),
        Binding("o", "cycle_openness", "Openness", show=False),
        Binding("t", "smoke", "Smoke test"),
        Binding("e", "export", "Export"),
        Binding("i", "interview", "Answers"),
        Binding("escape", "escape", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.best_first = True
        self.verdict_filter = "all"
        self.query_text = ""
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self.last_refresh_ms = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="answers-strip")
        with Horizontal(id="table-bar"):
            yield Static("", id="counts")
            yield Input(placeholder="/ search model id", id="search", compact=True)
        yield DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Candidates"
        table = self.query_one(DataTable)
        self._model_width = model_width(self.app.size.width)
        for label, key, width in COLUMNS:
            table.add_column(label, key=key, width=width or self._model_width)
        # immediate: the table is re-ranked inside App.set_answers, not a frame later
        self.app.assessment_changed.subscribe(self, self._on_assessment, immediate=True)
        self.refresh_rows()
        table.focus()

    # -- data ---------------------------------------------------------------------------
    def _on_assessment(self, _assessment: Any) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Rebuild the rows from the app's assessment, keeping the cursor on its model."""
        from time import perf_counter

        start = perf_counter()
        self._rows = candidate_rows(getattr(self.app.assessment, "candidates", ()),
                                    self.app.hardware)
        self._render_rows()
        self._update_strip()
        self.last_refresh_ms = (perf_counter() - start) * 1000

    def _render_rows(self) -> None:
        table = self.query_one(DataTable)
        keep = self.model_id()
        self._shown = arrange(self._rows, best_first=self.best_first,
                              verdict=self.verdict_filter, query=self.query_text)
        table.clear()
        for row in self._shown:
            table.add_row(verdict_text(row.verdict), clip(row.model_id, self._model_width),
                          format_parameters(row.parameters), fit_text(row.fit),
                          clip(row.license, 14),
                          osaid_text(row.osaid), mof_text(row.mof_class), key=row.key())
        if keep:
            for index, row in enumerate(self._shown):
                if row.key() == keep.lower():
                    table.move_cursor(row=index, animate=False)
                    break
        counts = verdict_counts(self._rows)
        order = "best first" if self.best_first else "worst first"
        shown = "" if self.verdict_filter == "all" and not self.query_text else \
            f" · showing {len(self._shown)}"
        self.query_one("#counts", Static).update(
            verdict_summary(counts, len(self._rows)) +
            f"\n[dim]{order} (s) · filter: {self.verdict_filter} (f){shown} · "
            f"enter opens a model[/dim]")
        self.query_one("#status-line", Static).update(
            "" if self._shown else "No model matches the filter and search. "
            "Press f to change the filter, escape to clear the search.")

    def on_resize(self) -> None:
        width = model_width(self.app.size.width)
        if width != getattr(self, "_model_width", width):
            self._model_width = width
            self._set_model_width(width)

    def _set_model_width(self, width: int) -> None:
        from textual.widgets.data_table import ColumnKey

        table = self.query_one(DataTable)
        column = table.columns[ColumnKey("model")]
        column.width = width
        self._render_rows()

    def _update_strip(self) -> None:
        a = self.app.answers
        if a is None:
            return
        from advisor.tui.formdata import compress_regions

        commercial = "commercial" if a.deployment.commercial else "non-commercial"
        regions = ", ".join(compress_regions(a.deployment.regions))
        uses = ", ".join(a.use_case.categories)
        self.query_one("#answers-strip", Static).update(
            f"[b]{a.organization.domicile}[/b] · {a.organization.monthly_active_users:,} users · "
            f"[b]{a.deployment.mode}[/b] (m) · [b]{commercial}[/b] (c) · regions {regions} · "
            f"{uses} · openness [b]{a.needs.openness}[/b] (o) · "
            f"[dim]{self.app.hardware.describe()}[/dim]")

    def model_id(self) -> str | None:
        """The highlighted model's id (None when the table is empty)."""
        table = self.query_one(DataTable)
        if not self._shown or table.cursor_row is None:
            return None
        index = min(max(table.cursor_row, 0), len(self._shown) - 1)
        return self._shown[index].model_id

    # -- table events ---------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._render_rows()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    # -- actions --------------------------------------------------------------------------
    def action_open(self) -> None:
        model_id = self.model_id()
        if model_id:
            from advisor.tui.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(model_id))

    def action_toggle_sort(self) -> None:
        self.best_first = not self.best_first
        self._render_rows()

    def action_cycle_filter(self) -> None:
        self.verdict_filter = next_in(FILTERS, self.verdict_filter)
        self._render_rows()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.value or search.has_focus:
            search.value = ""
            self.query_one(DataTable).focus()
        else:
            self.app.action_go_interview()

    def _change(self, section: str, **changes: Any) -> None:
        self.app.set_answers(self.app.answers.with_changes(section, **changes))
        self._sync_interview()

    def _sync_interview(self) -> None:
        from advisor.tui.screens.interview import InterviewScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, InterviewScreen):
                screen.fill(self.app.answers)

    def action_cycle_mode(self) -> None:
        mode = next_in(MODES, self.app.answers.deployment.mode)
        self._change("deployment", mode=mode)
        self.notify(f"Deployment mode: {mode}", timeout=2)

    def action_toggle_commercial(self) -> None:
        self._change("deployment", commercial=not self.app.answers.deployment.commercial)

    def action_cycle_openness(self) -> None:
        self._change("needs", openness=next_in(OPENNESS, self.app.answers.needs.openness))

    def action_smoke(self) -> None:
        self.app.action_smoke(self.model_id())

    def action_export(self) -> None:
        self.app.action_export(self.model_id())

    def action_interview(self) -> None:
        self.app.action_go_interview()
