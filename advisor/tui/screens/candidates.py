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
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from advisor.answers import MODES, OPENNESS
from advisor.tui.rows import Row, display_ids, format_parameters, next_in, verdict_counts
from advisor.tui.shortlist import (ORDERS, Filters, arrange_shortlist, default_filters,
                                   shortlist_rows, with_profiles)
from advisor.text import clean, escape_markup
from advisor.tui.widgets.badges import (duties_line, fit_text, mof_text, osaid_text,
                                        usable_summary, verdict_text)

# (label, key, width). Narrow terminals get the columns that decide a choice; wider ones
# add obligations, kind, size and license (the OSAID grade is in the line under the table
# and the detail); the reason column takes what is left. The verdict is the model's own:
# the deployment's duties are stated once above the table.
NARROW = (("#", "rank", 3), ("Verdict", "verdict", 13), ("Model", "model", 0),
          ("Fit", "fit", 7), ("MOF", "mof", 3), ("Reason", "reason", -1))
WIDE = (("#", "rank", 3), ("Verdict", "verdict", 13), ("Model", "model", 0),
        ("Fit", "fit", 7), ("Obl", "obligations", 3), ("Kind", "kind", 10),
        ("Size", "size", 5), ("License", "license", 16), ("MOF", "mof", 3),
        ("Reason", "reason", -1))
WIDE_FROM = 120
PREVIEW_FROM = 180              # a side panel with the highlighted row's findings
PREVIEW_WIDTH = 40
MODEL_MIN, MODEL_MAX = 22, 44
LICENSE_MIN, LICENSE_MAX = 16, 40
REASON_MIN = 18


def table_layout(total: int) -> list[tuple[str, str, int]]:
    """Columns and widths for a table ``total`` cells wide (each cell adds 2 of padding,
    the scroll bar 2): the model column gets up to MODEL_MAX, the license up to
    LICENSE_MAX, the reason the rest (at least REASON_MIN).

    >>> [w for _, _, w in table_layout(80)]
    [3, 13, 22, 7, 3, 18]
    """
    spec = WIDE if total >= WIDE_FROM else NARROW
    fixed = sum(w for _, _, w in spec if w > 0) + 2 * len(spec) + 2
    room = max(total - fixed, MODEL_MIN + REASON_MIN)
    model = max(MODEL_MIN, min(MODEL_MAX, room - REASON_MIN))
    extra = max(0, min(LICENSE_MAX - LICENSE_MIN, room - model - REASON_MIN)) \
        if spec is WIDE else 0
    reason = max(REASON_MIN, room - model - extra)
    widths = {0: model, -1: reason}
    return [(label, key, widths.get(w, w) + (extra if key == "license" else 0))
            for label, key, w in spec]


def table_width(screen_width: int) -> int:
    return screen_width - (PREVIEW_WIDTH if screen_width >= PREVIEW_FROM else 0)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class CandidatesScreen(Screen[None]):
    """Ranked candidates, with quick what-if keys for the answers that matter most."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=True, priority=True),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("f", "filters", "Filter"),
        Binding("s", "cycle_order", "Order", show=False),
        Binding("x", "toggle_excluded", "Left out", show=False,
                tooltip="show or hide the models the answers cannot use, with the reason"),
        Binding("d", "duties", "Duties", show=False,
                tooltip="the duties of the deployment, whatever model you choose"),
        Binding("m", "cycle_mode", "Mode", show=False),
        Binding("c", "toggle_commercial", "Commercial", show=False),
        Binding("o", "cycle_openness", "Openness", show=False),
        Binding("space", "mark", "Mark or unmark for comparison", key_display="space",
                show=False),
        Binding("v", "compare", "Compare", tooltip="compare the marked models side by side"),
        Binding("t", "smoke", "Smoke"),
        Binding("e", "export", "Export"),
        Binding("i", "interview", "Answers", show=False),   # escape does it too; F1 lists both
        Binding("escape", "escape", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.order = ORDERS[0]
        self.filters = Filters()
        self.query_text = ""
        self._rows: list[Row] = []
        self._shown: list[Row] = []
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
        prefs = getattr(self.app, "prefs", {})
        if prefs.get("order") in ORDERS:
            self.order = prefs["order"]
        self.filters = default_filters(self.app.answers)
        self._layout_for(self.app.size.width)
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
            out = row.rank is None and bool(row.excluded)
            reason = f"out: {row.excluded}" if out else row.reason
            cells = {"rank": Text("–" if row.rank is None else str(row.rank), justify="right",
                                  style="dim" if out else ""),
                     "verdict": verdict_text(row.model_verdict or row.verdict),
                     "model": mark_label(clean(labels[row.model_id]), widths["model"],
                                         row.key() in marked, dim=out),
                     "obligations": Text(str(row.obligations), justify="right"),
                     "fit": fit_text(row.fit), "size": format_parameters(row.parameters),
                     "kind": clip(clean(row.kind or "?"), widths.get("kind", 10)),
                     "license": clip(clean(row.license), widths.get("license", LICENSE_MIN)),
                     "osaid": osaid_text(row.osaid), "mof": mof_text(row.mof_class),
                     "reason": Text(clip(clean(reason), widths["reason"]),
                                    style="dim" if out else "")}
            table.add_row(*(cells[key] for _, key, _ in self._layout), key=row.key())
        if keep:
            for index, row in enumerate(self._shown):
                if row.key() == keep.lower():
                    table.move_cursor(row=index, animate=False)
                    break
        usable = [r for r in self._rows if r.rank is not None]
        left = len(self._rows) - len(usable)
        counts = verdict_counts(replace(r, verdict=r.model_verdict or r.verdict) for r in usable)
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
        if self.app.size.width != getattr(self, "_screen_width", None):
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
        rec = self.app.recommendation
        duties = tuple(getattr(rec, "deployment_duties", ()) or ())
        self.query_one("#duties-strip", Static).update(duties_line(duties))

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
        self._render_rows()

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
        self._render_rows()
        self.app.remember(order=self.order)

    def action_filters(self) -> None:
        """f: the filters panel; each choice applies at once."""
        from advisor.tui.screens.filters import FilterScreen

        def done(filters: Filters | None) -> None:
            if filters is not None and filters != self.filters:
                self.set_filters(filters)

        self.app.push_screen(FilterScreen(self.filters, self._rows, self.set_filters), done)

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self._render_rows()

    def action_toggle_excluded(self) -> None:
        """x: show or hide the models the answers cannot use (with the reason)."""
        self.set_filters(Filters(**{**self.filters.__dict__,
                                    "show_excluded": not self.filters.show_excluded}))

    def action_duties(self) -> None:
        """d: the duties of the deployment, whatever model is chosen."""
        from advisor.tui.screens.duties import DutiesScreen

        rec = self.app.recommendation
        self.app.push_screen(DutiesScreen(tuple(getattr(rec, "deployment_duties", ()) or ())))

    def on_click(self, event: Any) -> None:
        if getattr(event.widget, "id", None) == "duties-strip":
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


MARK = "● "


def mark_label(label: str, width: int, marked: bool, dim: bool = False) -> Text | str:
    """The model cell: marked rows start with a dot (the label clipped to make room); a
    model left out is dim.

    >>> str(mark_label("SmolLM2-135M-Instruct", 22, True))
    '● SmolLM2-135M-Instru…'
    """
    if not marked:
        return Text(label, style="dim") if dim else label
    text = Text(MARK, style="bold cyan")
    text.append(clip(label, max(width - len(MARK), 1)), style="dim" if dim else "")
    return text


def finding_preview(candidate: Any, why: Any = ()) -> Text:
    """The recommendation's reasons and the model's own findings (the side pane)."""
    from advisor.tui.widgets.badges import severity_text

    text = Text()
    if candidate is None:
        return text
    text.append(clean(candidate.model), style="bold")
    text.append("\n")
    for reason in why:
        text.append(f"• {clean(reason)}\n", style="dim")
    for finding in getattr(candidate, "model_findings", candidate.findings):
        text.append("\n")
        text.append_text(severity_text(finding.severity))
        text.append(f" {clean(finding.code)}\n", style="bold")
        text.append(clip(clean(finding.message), 160) + "\n")
    return text


def contradiction(answers: Any) -> str:
    """A pair of answers that cannot both hold ('' when none)."""
    if answers.deployment.mode == "research" and answers.deployment.commercial:
        return ("research mode means non-commercial research, but commercial use is on: "
                "press c to turn it off, or m for another mode")
    return ""


def what_if_message(what: str, before: dict[str, str], after: dict[str, str],
                    answers: Any, shown: int = 4) -> str:
    """'Deployment mode: research · 3 models changed verdict: a conditional → blocked, ...'

    Example (not run)::

        what_if_message("Mode: research", {"a": "allowed"}, {"a": "blocked"}, answers)
        # -> 'Mode: research · 1 model changed verdict: a allowed → blocked'
    """
    moved = [(m, before[m], after[m]) for m in after if m in before and before[m] != after[m]]
    if not moved:
        text = f"{what} · no verdict changed"
    else:
        listed = ", ".join(f"{clean(m.split('/')[-1])} {b} → {a}" for m, b, a in moved[:shown])
        more = f" and {len(moved) - shown} more" if len(moved) > shown else ""
        noun = "model" if len(moved) == 1 else "models"
        text = f"{what} · {len(moved)} {noun} changed verdict: {listed}{more}"
    problem = contradiction(answers)
    return f"{text}\n⚠ {problem}" if problem else text
