"""The interview: one form, each question with a line on why it matters.

Every change is validated as you type; a valid form re-assesses at once and the
summary line at the bottom shows how the verdicts move.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from advisor.assessment.result import binding
from advisor.errors import AdvisorError, InputError
from advisor.text import escape_markup, plural
from advisor.tui.formdata import (FormValues, amount_echo, answers_to_form, audience_items,
                                  audience_parts, changed_fields, count_echo, error_field,
                                  field_problems, form_to_data, untouched_keys, use_cases)
from advisor.tui.formtext import FIELD_TITLES
from advisor.tui.rows import candidate_rows, verdict_counts
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.widgets.badges import verdict_summary
from advisor.tui.widgets.interview_form import question_rows


EXAMPLE_NOTE = ("[b]An example is loaded[/b] (a company in DE serving DE, FR and US). "
                "Replace each answer with yours: until you change one, it counts as "
                "[i]assumed[/i] and the verdicts say so.")


class InterviewScreen(AdvisorScreen):
    """Answers that decide the verdicts, in one scrollable form."""

    BINDINGS = [
        Binding("ctrl+n", "candidates", "Candidates", priority=True,
                id="interview.candidates"),
        Binding("ctrl+s", "save", "Save answers", priority=True, id="interview.save"),
        Binding("ctrl+o", "load", "Load answers", priority=True, id="interview.load"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filling = False
        self._valid = True
        self._touched: set[str] = set()     # widget ids the user changed since the example
        self._filled: FormValues | None = None   # the values last filled in
        self._filled_assumed: tuple[str, ...] = ()   # what those answers had assumed

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Static("Answer what you know; verdicts update as you type. "
                         "[b]ctrl+n[/b] shows the candidates, [b]F1[/b] lists the keys.",
                         id="intro")
            yield Static(EXAMPLE_NOTE, id="example-note")
            yield from question_rows(self.app.machine.describe(), self._use_case_options())
            with Horizontal(id="form-buttons"):
                yield Button("Load…", id="load", compact=True)
                yield Button("Save…", id="save", compact=True)
                yield Button("See candidates ▶", id="next", variant="primary", compact=True)
        yield Static("", id="live-summary")
        yield Footer()

    def _use_case_options(self) -> list[Selection[str]]:
        chosen = set(self.app.answers.use_case.categories) if self.app.answers else set()
        return [Selection(Text(title), ident, ident in chosen)
                for ident, title, _why in use_cases(self.app.kb)]

    # -- filling and reading the form -----------------------------------------------------
    def on_mount(self) -> None:
        self.sub_title = "Interview"
        self.fill(self.app.answers)
        self.app.assessment_changed.subscribe(self, self._on_assessment)
        self._show_use_case_why(0)
        self.query_one("#domicile", Input).focus()

    def fill(self, answers: Any) -> None:
        """Show ``answers`` in the widgets without triggering re-assessment."""
        values = answers_to_form(answers)
        self._filling = True
        try:
            self.query_one("#domicile", Input).value = values.domicile
            self.query_one("#users", Input).value = values.users
            self.query_one("#revenue", Input).value = values.revenue
            self.query_one("#regions", Input).value = values.regions
            self.query_one("#mode", Select).value = values.mode
            self.query_one("#commercial", Checkbox).value = values.commercial
            groups, age = audience_parts(values.audience)
            self.query_one("#minors_age", Input).value = age
            for list_id, chosen in (("#categories", values.categories),
                                    ("#modalities", values.modalities),
                                    ("#data", values.data), ("#audience", groups)):
                selection = self.query_one(list_id, SelectionList)
                selection.deselect_all()
                for value in chosen:
                    selection.select(value)
            self.query_one("#fine_tune", Checkbox).value = values.fine_tune
            self.query_one("#distill", Checkbox).value = values.distill
            self.query_one("#redistribute", Checkbox).value = values.redistribute
            self.query_one("#openness", Select).value = values.openness
            self.query_one("#hardware-auto", Checkbox).value = values.hardware_auto
            self.query_one("#ram_gb", Input).value = values.ram_gb
            self.query_one("#vram_gb", Input).value = values.vram_gb
            self._sync_hardware_inputs(values.hardware_auto)
        finally:
            self.call_after_refresh(self._end_fill)
        self._touched.clear()
        self._filled, self._filled_assumed = values, tuple(answers.assumed)
        self.query_one("#example-note", Static).display = self.app.state.example_loaded
        self._clear_errors()
        self._update_summary()

    def _end_fill(self) -> None:
        self._filling = False

    def values(self) -> FormValues:
        """The form's widgets over the current answers: what the form does not show (the
        languages served) is kept, never reset to defaults."""
        from dataclasses import replace

        groups = list(self.query_one("#audience", SelectionList).selected)
        try:
            audience = audience_items(groups, self.query_one("#minors_age", Input).value)
        except ValueError:                    # field_problems names it
            audience = groups
        return replace(
            answers_to_form(self.app.answers) if self.app.answers is not None else FormValues(),
            domicile=self.query_one("#domicile", Input).value,
            users=self.query_one("#users", Input).value,
            revenue=self.query_one("#revenue", Input).value,
            data=list(self.query_one("#data", SelectionList).selected),
            audience=audience,
            regions=self.query_one("#regions", Input).value,
            mode=str(self.query_one("#mode", Select).value),
            commercial=self.query_one("#commercial", Checkbox).value,
            categories=list(self.query_one("#categories", SelectionList).selected),
            modalities=list(self.query_one("#modalities", SelectionList).selected),
            fine_tune=self.query_one("#fine_tune", Checkbox).value,
            distill=self.query_one("#distill", Checkbox).value,
            redistribute=self.query_one("#redistribute", Checkbox).value,
            openness=str(self.query_one("#openness", Select).value),
            hardware_auto=self.query_one("#hardware-auto", Checkbox).value,
            ram_gb=self.query_one("#ram_gb", Input).value,
            vram_gb=self.query_one("#vram_gb", Input).value,
        )

    def read_answers(self) -> Any:
        """Validate the form; raises InputError naming the field."""
        from advisor.answers import answers_from_data

        return answers_from_data(form_to_data(self.values(), assumed=self._assumed()),
                                 "interview", use_case_ids=self.app.use_case_ids())

    def _assumed(self) -> tuple[str, ...]:
        """The keys the shown answers had assumed (all of them for the example) and the
        user has not changed since: left out of the answers, so they stay assumed and
        are said to be."""
        if self._filled is None:
            return ()
        untouched = untouched_keys(self._touched | changed_fields(self.values(), self._filled))
        return tuple(k for k in untouched if k in self._filled_assumed)

    # -- reacting to edits ----------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self, event: Any) -> None:
        if isinstance(event, Checkbox.Changed) and event.checkbox.id == "hardware-auto":
            self._sync_hardware_inputs(event.value)
        if self._filling:
            return
        widget = getattr(event, "control", None)
        if widget is not None and widget.id and self._by_user(widget):
            self._touched.add(widget.id)
        self.apply()

    def _by_user(self, widget: Any) -> bool:
        """A change the user made: the widget (or, for a Select, its open list) has focus;
        the changes that filling the form posts come to widgets without it."""
        return bool(widget.has_focus or widget.has_focus_within)

    def apply(self) -> bool:
        """Validate and, when valid, hand the answers to the app (re-ranks everything)."""
        self._clear_errors()
        values = self.values()
        self._show_users(values.users)
        self._show_revenue(values.revenue)
        problems = field_problems(values, self.query_one("#minors_age", Input).value)
        if problems:
            for name, problem in problems.items():
                self._show_error(name, problem)
            return False
        try:
            answers = self.read_answers()
        except InputError as exc:
            self._show_error(error_field(exc.field) or "domicile", exc.problem)
            return False
        self._valid = True
        self.app.set_answers(answers)
        self._update_summary()
        return True

    def _show_error(self, name: str, problem: str) -> None:
        """The problem under its field and, with the field's title, in the summary line."""
        self._valid = False
        self.query_one(f"#err-{name}", Static).update(f"✗ {escape_markup(problem)}")
        self.query_one("#live-summary", Static).update(
            f"[b $error]✗[/] {FIELD_TITLES.get(name, name)}: {escape_markup(problem)}")

    def _show_users(self, text: str) -> None:
        """Echo the count as read ("= 3,000,000 users"), so "3m" is seen to mean 3 million."""
        self.query_one("#users-value", Static).update(count_echo(text))

    def _show_revenue(self, text: str) -> None:
        self.query_one("#revenue-value", Static).update(amount_echo(text))

    def _clear_errors(self) -> None:
        for error in self.query(".error"):
            if isinstance(error, Static):
                error.update("")

    def _sync_hardware_inputs(self, auto: bool) -> None:
        for input_id in ("#ram_gb", "#vram_gb"):
            self.query_one(input_id, Input).disabled = auto

    def _on_assessment(self, _assessment: Any) -> None:
        if self._valid:
            self._update_summary()

    def _update_summary(self) -> None:
        assessment = self.app.assessment
        rows = candidate_rows(assessment.candidates if assessment is not None else (), None)
        counts = verdict_counts(rows, own=True)
        duties = binding(assessment.deployment_duties if assessment is not None else ())
        summary = verdict_summary(counts, total=len(rows))
        if duties:      # the models' own verdicts, and what binds whichever is chosen
            summary += f" · +{plural(len(duties), 'duty')}"
        self.query_one("#live-summary", Static).update(summary)

    @on(SelectionList.SelectionHighlighted, "#categories")
    def _highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        self._show_use_case_why(event.selection_index)

    def _show_use_case_why(self, index: int) -> None:
        cases = use_cases(self.app.kb)
        if 0 <= index < len(cases):
            _ident, title, why = cases[index]
            title, why = escape_markup(title), escape_markup(why)
            self.query_one("#use-case-why", Static).update(f"[b]{title}[/b]: {why}" if why
                                                          else f"[b]{title}[/b]")

    # -- actions --------------------------------------------------------------------------
    @on(Button.Pressed, "#next")
    def action_candidates(self) -> None:
        if not self.apply():
            self.notify("Fix the marked answer first", severity="error")
            return
        self.app.action_go_candidates()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        from advisor.tui.screens.file_prompt import FilePrompt

        if not self.apply():
            self.notify("Fix the marked answer before saving", severity="error")
            return
        self.app.push_screen(FilePrompt("Save answers to", str(self._default_path()), save=True),
                             self._save_to)

    def _default_path(self) -> Path:
        """The answers file of this session, else the last one used, else ./answers.yaml."""
        last = self.app.prefs.last_answers
        return (self.app.settings.answers_path or (Path(last) if last else None)
                or self.app.settings.work_dir / "answers.yaml")

    def _save_to(self, result: tuple[str, bool] | None) -> None:
        if not result:
            return
        path_text, force = result
        try:
            path = self.app.save_answers(Path(path_text).expanduser(), force=force)
        except AdvisorError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        self.app.settings.answers_path = path
        self.notify(f"Saved to {path}", title="Answers saved", markup=False)

    @on(Button.Pressed, "#load")
    def action_load(self) -> None:
        from advisor.tui.screens.file_prompt import FilePrompt

        self.app.push_screen(FilePrompt("Load answers from", str(self._default_path()),
                                        save=False),
                             self._load_from)

    def _load_from(self, result: tuple[str, bool] | None) -> None:
        from advisor.answers import load_answers

        if not result:
            return
        path = Path(result[0]).expanduser()
        try:
            answers = load_answers(path, use_case_ids=self.app.use_case_ids())
        except AdvisorError as exc:
            self.notify(str(exc), title="Not loaded", severity="error", timeout=10, markup=False)
            return
        self.app.settings.answers_path = path
        self.app.state.example_loaded = False
        self.app.set_answers(answers)
        self.app.answers_stored(path)
        self.fill(answers)
        self.notify(f"Loaded {path}", title="Answers loaded", markup=False)


__all__ = ["InterviewScreen"]
