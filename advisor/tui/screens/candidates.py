"""The candidates: the recommendation's shortlist, best first, with each model's own
verdict, fit and reasons; the duties of the deployment once, above it.

The table re-ranks the moment the answers change (the app's ``assessment_changed``
signal); only the rows are replaced, never the table. ``f`` filters (verdict, kind,
modality, fits here, license family, vendor; the answered modality by default), ``s``
orders (recommended, by fit, worst first), ``x`` shows the models left out with their
reason, ``d`` the deployment's duties. ``space`` marks models (the mark stays through
sorting, filtering and re-ranking); ``v`` compares the marked side by side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import DataTable, Footer, Header, Input, Static

from advisor.answers import MODES, OPENNESS
from advisor.text import clean, escape_markup
from advisor.tui.layout import PREVIEW_FROM, table_layout, table_width
from advisor.tui.rows import Row, display_ids, format_parameters, next_in, verdict_counts
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.shortlist import (ORDERS, Filters, arrange_shortlist, default_filters,
                                   shortlist_rows, with_profiles)
from advisor.tui.widgets.badges import duties_line, usable_summary
from advisor.tui.widgets.candidate_text import (contradiction, finding_preview, row_cells,
                                                what_if_message)


class CandidatesScreen(AdvisorScreen):
    """Ranked candidates, with quick what-if keys for the answers that matter most."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=True, priority=True, id="candidates.open"),
        Binding("slash", "search", "Search", key_display="/", id="candidates.search"),
        Binding("f", "filters", "Filter", id="candidates.filter"),
        Binding("s", "cycle_order", "Order", show=False, id="candidates.order"),
        Binding("x", "toggle_excluded", "Left out", show=False, id="candidates.left-out",
                tooltip="show or hide the models the answers cannot use, with the reason"),
        Binding("d", "duties", "Duties", show=False, id="candidates.duties",
                tooltip="the duties of the deployment, whatever model you choose"),
        Binding("m", "cycle_mode", "Mode", show=False, id="candidates.mode"),
        Binding("c", "toggle_commercial", "Commercial", show=False,
                id="candidates.commercial"),
        Binding("o", "cycle_openness", "Openness", show=False, id="candidates.openness"),
        Binding("space", "mark", "Mark or unmark for comparison", key_display="space",
                show=False, id="candidates.mark"),
        Binding("v", "compare", "Compare", id="candidates.compare",
                tooltip="compare the marked models side by side"),
        Binding("t", "smoke", "Smoke", id="candidates.smoke"),
        Binding("e", "export", "Export", id="candidates.export"),
        Binding("i", "interview", "Answers", show=False,   # escape does it too; F1 lists both
                id="candidates.answers"),
        Binding("escape", "escape", "Back", show=False, id="candidates.back"),
    ]

    # What the table shows: each change re-renders the rows (the watch_ methods).
    order: reactive[str] = reactive(ORDERS[0], init=False, repaint=False)
    filters: reactive[Filters] = reactive(Filters, init=False, repaint=False)
    query_text: reactive[str] = reactive("", init=False, repaint=False)

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Row] = []
        self._shown: list[Row] = []
        self._layout = table_layout(80)
        self._screen_width = 0
        self.marked: list[str] = []          # model ids, in the order they were marked
        self.last_refresh_ms = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="answers-strip")
        yield Static("", id="duties-strip")
        with Horizontal(id="table-bar"):
            yield Static("", id="counts")
            yield Input(placeholder="/ search ids", id="search", compact=True)
        with Horizontal(id="table-row"):
            yield DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="preview-pane"):
                yield Static("", id="preview-text")
        yield Static("", id="row-line")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Candidates"
        table = self.query_one(DataTable)
        if self.app.prefs.order in ORDERS:
            self.set_reactive(CandidatesScreen.order, self.app.prefs.order)
        self.set_reactive(CandidatesScreen.filters, default_filters(self.app.answers))
        self._layout_for(self.app.size.width)
        # immediate: the table is re-ranked inside App.set_answers, not a frame later
        self.app.assessment_changed.subscribe(self, self._on_assessment, immediate=True)
        self.refresh_rows()
        table.focus()

    # -- data ---------------------------------------------------------------------------
    def watch_order(self, order: str) -> None:
        self._render_rows()
        self.app.remember(order=order)

    def watch_filters(self) -> None:
        self._render_rows()

    def watch_query_text(self) -> None:
        self._render_rows()

    def _on_assessment(self, _assessment: Any) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """Rebuild the rows from the app's assessment, keeping the cursor on its model."""
        from time import perf_counter

        start = perf_counter()
        self._rows = with_profiles(shortlist_rows(self.app.assessment, self.app.recommendation,
                                                  self.app.hardware), self.app.kb)
        known = {r.key() for r in self._rows}
        self.marked = [m for m in self.marked if m.lower() in known]
        self._render_rows()
        self._update_strip()
        self.last_refresh_ms = (perf_counter() - start) * 1000

    def _render_rows(self) -> None:
        table = self.query_one(DataTable)
        keep = self.model_id()
        self._shown = arrange_shortlist(self._rows, self.filters, order=self.order,
                                        query=self.query_text)
        table.clear()
        widths = {key: width for _, key, width in self._layout}
        labels = display_ids([r.model_id for r in self._shown], widths["model"])
        marked = {m.lower() for m in self.marked}
        for row in self._shown:
            cells = row_cells(row, labels[row.model_id], widths, row.key() in marked)
            table.add_row(*(cells[key] for _, key, _ in self._layout), key=row.key())
        if keep:
            for index, row in enumerate(self._shown):
                if row.key() == keep.lower():
                    table.move_cursor(row=index, animate=False)
                    break
        usable = [r for r in self._rows if r.rank is not None]
        left = len(self._rows) - len(usable)
        counts = verdict_counts(usable, own=True)
        filters = ", ".join(self.filters.active())
        shown = f" · {len(self._shown)} shown" if filters or self.query_text else ""
        excluded = "x hides" if self.filters.show_excluded else "x"
        self.query_one("#counts", Static).update(
            usable_summary(counts, len(usable), len(self._rows)) +
            f"\n[dim]{self.order} (s) · {escape_markup(filters) or 'no filter'} (f){shown} · "
            f"{left} out ({excluded})[/dim]" + self._marked_note())
        self._show_highlighted()
        self._update_duties()
        self.query_one("#status-line", Static).update(
            "" if self._shown else "No model matches the filters and search. "
            "Press f to change the filters, x to show the models left out, escape to clear "
            "the search.")

    def _marked_note(self) -> str:
        """' · 3 marked (v compares)', with how many the filter hides; '' when none."""
        if not self.marked:
            return ""
        visible = {r.key() for r in self._shown}
        hidden = sum(1 for m in self.marked if m.lower() not in visible)
        more = f", {hidden} hidden" if hidden else ""
        return f" · [b]{len(self.marked)} marked[/b]{more} [dim](v compares)[/dim]"

    def _layout_for(self, screen_width: int) -> None:
        """(Re)build the columns for this width; the preview pane shows where it fits."""
        self._layout = table_layout(table_width(screen_width))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for label, key, width in self._layout:
            table.add_column(label, key=key, width=width)
        self.query_one("#preview-pane").display = screen_width >= PREVIEW_FROM
        self._screen_width = screen_width

    def on_resize(self) -> None:
        if self.app.size.width != self._screen_width:
            self._layout_for(self.app.size.width)
            self._render_rows()

    @on(DataTable.RowHighlighted, "#candidates")
    def _row_highlighted(self) -> None:
        self._show_highlighted()

    def _show_highlighted(self) -> None:
        """Under the table: the highlighted row's id, license, openness and worst finding;
        in the side pane (wide screens) its findings."""
        row = self.highlighted_row()
        line = self.query_one("#row-line", Static)
        preview = self.query_one("#preview-text", Static)
        if row is None:
            line.update("")
            preview.update("")
            return
        text = Text()
        text.append(clean(row.model_id), style="bold")
        where = f"{row.fit} {row.quant}" if row.quant else row.fit
        text.append(f" · {clean(row.license)} · {format_parameters(row.parameters)} · "
                    f"{clean(row.kind or 'kind ?')} · {where} · OSAID {row.osaid}\n")
        if row.rank is None and row.excluded:
            text.append(f"left out: {clean(row.excluded)}", style="dim")
        else:
            text.append("; ".join(clean(w) for w in row.why[:3]) or clean(row.reason),
                        style="dim")
        line.update(text)
        if self.query_one("#preview-pane").display:
            preview.update(finding_preview(self.app.candidate(row.model_id), row.why))

    def _update_duties(self) -> None:
        """The panel above the table: the deployment's duties, counted once."""
        self.query_one("#duties-strip", Static).update(duties_line(self._duties()))

    def _duties(self) -> tuple[Any, ...]:
        rec = self.app.recommendation
        return tuple(rec.deployment_duties) if rec is not None else ()

    def _update_strip(self) -> None:
        a = self.app.answers
        if a is None:
            return
        from advisor.tui.formdata import compress_regions

        commercial = "commercial" if a.deployment.commercial else "non-commercial"
        regions = ", ".join(compress_regions(a.deployment.regions))
        uses = ", ".join(a.use_case.categories)
        uses = escape_markup(uses)
        self.query_one("#answers-strip", Static).update(
            f"[b]{a.organization.domicile}[/b] · {a.organization.monthly_active_users:,} users · "
            f"[b]{a.deployment.mode}[/b] (m) · [b]{commercial}[/b] (c) · regions {regions} · "
            f"{uses} · openness [b]{a.needs.openness}[/b] (o) · "
            f"[dim]{self.app.hardware.describe()}[/dim]")

    def highlighted_row(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self._shown or table.cursor_row is None:
            return None
        return self._shown[min(max(table.cursor_row, 0), len(self._shown) - 1)]

    def model_id(self) -> str | None:
        """The highlighted model's id (None when the table is empty)."""
        row = self.highlighted_row()
        return row.model_id if row is not None else None

    # -- table events ---------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    # -- actions --------------------------------------------------------------------------
    def action_open(self) -> None:
        if self.query_one("#search", Input).has_focus:     # enter ends the search
            self.query_one(DataTable).focus()
            return
        model_id = self.model_id()
        if model_id:
            from advisor.tui.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(model_id))

    def action_cycle_order(self) -> None:
        """s: recommended, by fit, worst first."""
        self.order = next_in(ORDERS, self.order)

    def action_filters(self) -> None:
        """f: the filters panel; each choice applies at once."""
        from advisor.tui.screens.filters import FilterScreen

        def done(filters: Filters | None) -> None:
            if filters is not None and filters != self.filters:
                self.set_filters(filters)

        self.app.push_screen(FilterScreen(self.filters, self._rows, self.set_filters), done)

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters

    def action_toggle_excluded(self) -> None:
        """x: show or hide the models the answers cannot use (with the reason)."""
        self.filters = replace(self.filters, show_excluded=not self.filters.show_excluded)

    def action_duties(self) -> None:
        """d: the duties of the deployment, whatever model is chosen."""
        from advisor.tui.screens.duties import DutiesScreen

        self.app.push_screen(DutiesScreen(self._duties()))

    def on_click(self, event: Any) -> None:
        if event.widget is not None and event.widget.id == "duties-strip":
            self.action_duties()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.value or search.has_focus:
            search.value = ""
            self.query_one(DataTable).focus()
        else:
            self.app.action_go_interview()

    def _change(self, section: str, what: str, **changes: Any) -> None:
        """A what-if: change one answer, re-rank, and say which verdicts moved."""
        before = {r.model_id: r.verdict for r in self._rows}
        self.app.set_answers(self.app.answers.with_changes(section, **changes))
        self._sync_interview()
        after = {r.model_id: r.verdict for r in self._rows}
        self.notify(what_if_message(what, before, after, self.app.answers),
                    title="What if", timeout=6, markup=False,
                    severity="warning" if contradiction(self.app.answers) else "information")

    def _sync_interview(self) -> None:
        from advisor.tui.screens.interview import InterviewScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, InterviewScreen):
                screen.fill(self.app.answers)

    def action_cycle_mode(self) -> None:
        mode = next_in(MODES, self.app.answers.deployment.mode)
        self._change("deployment", f"Deployment mode: {mode}", mode=mode)

    def action_toggle_commercial(self) -> None:
        commercial = not self.app.answers.deployment.commercial
        self._change("deployment", "Commercial use" if commercial else "Non-commercial use",
                     commercial=commercial)

    def action_cycle_openness(self) -> None:
        openness = next_in(OPENNESS, self.app.answers.needs.openness)
        self._change("needs", f"Openness required: {openness}", openness=openness)

    def action_smoke(self) -> None:
        self.app.action_smoke(self.model_id())

    def action_mark(self) -> None:
        """space: mark or unmark the highlighted model for the comparison."""
        model_id = self.model_id()
        if model_id is None:
            return
        if model_id.lower() in {m.lower() for m in self.marked}:
            self.marked = [m for m in self.marked if m.lower() != model_id.lower()]
        else:
            self.marked.append(model_id)
        self._render_rows()

    def action_compare(self) -> None:
        """v: compare the marked models; with fewer than two, the highlighted one joins."""
        chosen = list(self.marked)
        highlighted = self.model_id()
        if len(chosen) < 2 and highlighted and highlighted.lower() not in \
                {m.lower() for m in chosen}:
            chosen.append(highlighted)
        if not chosen:
            self.notify("Mark models with space first, then v compares them",
                        severity="warning")
            return
        if len(self.marked) < 2:
            self.notify("Fewer than two marked: comparing "
                        f"{', '.join(clean(m.split('/')[-1]) for m in chosen)}. "
                        "Mark more with space to see them side by side.",
                        title="Compare", markup=False)
        self.app.action_compare(chosen)

    def action_export(self) -> None:
        self.app.action_export(self.model_id())

    def action_interview(self) -> None:
        self.app.action_go_interview()
