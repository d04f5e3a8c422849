"""The compare screen's parts: a line per chosen model (how it runs, then its progress),
the result table (its cells, the choice and the problems under it).

Everything a model, a file or an endpoint wrote is made plain text.

    >>> from advisor.smoke.compare import CompareSettings
    >>> str(choice_text(Comparison("s", CompareSettings(), [], fallback_reason="none ran")))
    'No choice: none ran'
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, ListItem, Static

from advisor.smoke.compare import CandidateRow, Comparison, CompareSettings
from advisor.smoke.plan import Plan
from advisor.text import clean
from advisor.tui.layout import Column, clip, result_layout
from advisor.tui.rows import display_ids
from advisor.vocab import SHORT_VERDICT

VERDICT_COLOUR = {"allowed": "bold green", "conditional": "bold yellow",
                  "unknown": "bold magenta", "blocked": "bold red"}
DONE_MARKS = ("✓", "✗", "!")          # a line whose candidate finished starts with one


def number(value: Any, spec: str, unit: str = "") -> str:
    """``value`` formatted, or ``--`` when there is none."""
    return "--" if value is None else f"{value:{spec}}{unit}"


class PlanLine(ListItem):
    """One chosen model: how it runs, then its progress."""

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

    def finished(self, row: CandidateRow) -> None:
        """The candidate's row came: could not run, or its checks and speed."""
        if row.error:
            self.show(progress=f"✗ could not run: {clean(row.error)}", style="red")
            return
        mark = "✓" if row.passed else "!"
        self.show(progress=f"{mark} {row.checks_passed}/{row.checks_total} checks · "
                           f"{number(row.tokens_per_second, '.1f')} t/s",
                  style="green" if row.passed else "yellow")

    @property
    def unfinished(self) -> bool:
        """A runnable line that was started or waits, and has no result."""
        return self.plan.runnable and bool(self.progress) and \
            not self.progress.startswith(DONE_MARKS)


def ready_text(plans: list[Plan]) -> Text:
    """How many chosen models will run (and how many are skipped), or that none can."""
    runnable = sum(p.runnable for p in plans)
    if runnable == 0:
        return Text("Nothing to run: no marked model has a build on this machine or a key "
                    "set (see each line).", style="yellow")
    skipped = len(plans) - runnable
    note = f" ({skipped} skipped)" if skipped else ""
    return Text(f"{runnable} to run{note}. s runs the suite on each in turn.")


def settings_text(settings: CompareSettings, suite: str, about: str, machine: str,
                  room: int) -> Text:
    """Two dim lines: the suite and what it is for; what every candidate shares."""
    first = clip(f"Suite {clean(suite)}" + (f": {clean(about)}" if about else ""), room)
    s = settings
    threads = f"{s.threads} thread{'s' if s.threads != 1 else ''}"
    second = clip(f"Every candidate: n_ctx {s.n_ctx}, {threads}, GPU {s.gpu}, seed {s.seed}"
                  + (f" · {clean(machine)}" if machine else ""), room)
    return Text(f"{first}\n{second}", style="dim")


def finished_text(comparison: Comparison) -> Text:
    """'Done: 2 of 3 ran, 1 could not. e exports…', or that no candidate could be chosen."""
    if not comparison.chosen_profile:
        return Text("Done, but no candidate could be chosen (see below).", style="yellow")
    failed = sum(1 for r in comparison.candidates if r.error)
    ran = len(comparison.candidates) - failed
    return Text.assemble(("Done: ", "bold green"),
                         f"{ran} of {len(comparison.candidates)} ran"
                         + (f", {failed} could not" if failed else "")
                         + ". e exports a record with the comparison.")


def row_cells(row: CandidateRow, label: str) -> dict[str, Any]:
    """The cells of one comparison row, keyed like the result layout (outside text made
    plain)."""
    verdict = (row.assessment or {}).get("verdict")
    short, style = SHORT_VERDICT.get(verdict, "--"), VERDICT_COLOUR.get(verdict, "dim")
    obligations = (row.assessment or {}).get("obligations")
    failed = row.error is not None
    return {
        "model": clean(label), "backend": clean(row.backend or "--"),
        "pass": Text("--", style="dim") if failed else (
            Text("yes", style="green") if row.passed else Text("no", style="red")),
        "checks": "--" if failed else f"{row.checks_passed}/{row.checks_total}",
        "ttft": number(row.ttft_seconds, ".2f"),
        "pps": number(row.prompt_tokens_per_second, ".0f"),
        "tps": number(row.tokens_per_second, ".1f"),
        "rss": number(row.peak_rss_bytes and row.peak_rss_bytes / 2**20, ".0f", "M"),
        "verdict": Text(short, style=style),
        "obl": Text(number(obligations, "d"), justify="right"),
    }


def choice_text(comparison: Comparison) -> Text:
    """'chosen: X · fallback: Y (another vendor)', or why there is none."""
    text = Text()
    chosen = comparison.chosen_profile
    if chosen is None:
        text.append("No choice: ", style="bold yellow")
        text.append(clean(comparison.fallback_reason or "no candidate ran"))
        return text
    text.append("Chosen: ", style="bold")
    text.append(clean(chosen), style="bold green")
    fallback = comparison.fallback_profile
    if fallback:
        text.append(" · fallback: ", style="bold")
        text.append(clean(fallback), style="bold")
        text.append(f" ({clean(comparison.fallback_reason or '')})", style="dim")
    else:
        text.append(" · no fallback: ", style="bold")
        text.append(clean(comparison.fallback_reason or ""), style="yellow")
    return text


def problems_text(comparison: Comparison, plans: list[Plan]) -> Text:
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


class ComparisonResults(VerticalScroll):
    """The result: a row per candidate (columns that fit the width), the choice, then the
    problems (could not run, failed checks, skipped)."""

    columns: list[Column] = result_layout(78)

    def compose(self) -> ComposeResult:
        yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True,
                        show_cursor=False)
        yield Static("", id="compare-choice")
        yield Static("", id="compare-problems")

    def lay_out(self, width: int) -> None:
        """The table's columns for a terminal ``width`` cells wide (rows are refilled)."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.columns = result_layout(max(width - 2, 40))
        for label, key, column_width in self.columns:
            table.add_column(label, key=key, width=column_width)

    def show(self, comparison: Comparison, model_ids: list[str], plans: list[Plan]) -> None:
        """The comparison's rows, each labelled with its model (``model_ids``, told apart
        in the model column's width); ``plans`` for the skipped ones."""
        table = self.query_one(DataTable)
        table.clear()
        width = next(w for _, k, w in self.columns if k == "model")
        shown = display_ids(model_ids, width)
        labels = [shown[m] for m in model_ids]
        for i, row in enumerate(comparison.candidates):
            cells = row_cells(row, labels[i] if i < len(labels) else row.model)
            table.add_row(*(cells[key] for _, key, _ in self.columns), key=str(i))
        table.styles.height = len(comparison.candidates) + 1
        self.display = True
        self.query_one("#compare-choice", Static).update(choice_text(comparison))
        self.query_one("#compare-problems", Static).update(problems_text(comparison, plans))
