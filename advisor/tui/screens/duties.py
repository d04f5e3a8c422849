"""The duties of the deployment, whatever model is chosen: one modal list, each duty with
its source (the law of the places served, the use case's sector rules, sanctions, places
not assessed). ``d`` on the candidates opens it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from advisor.assessment.result import binding
from advisor.knowledge.model import section_label
from advisor.text import clean, plural
from advisor.tui.widgets.badges import severity_text


def duties_text(duties: Any) -> Text:
    """Every duty: its severity, code, message and source, duties before notes."""
    text = Text()
    if not duties:
        text.append("No finding binds the deployment whatever model is chosen.")
        return text
    for index, finding in enumerate(duties):
        if index:
            text.append("\n\n")
        text.append_text(severity_text(finding.severity))
        text.append(f" {clean(finding.code)}\n", style="bold")
        text.append(clean(finding.message))
        source = finding.source
        where = ", ".join(clean(x) for x in (source.title, section_label(source.section),
                                             source.url) if x)
        if where:
            text.append(f"\n{where}", style="dim")
    return text


class DutiesScreen(ModalScreen[None]):
    """The deployment's duties, stated once; escape closes."""

    BINDINGS = [Binding("escape,d,q", "close", "Close", id="duties.close")]

    def __init__(self, duties: Any) -> None:
        super().__init__()
        self.duties = tuple(duties)

    def compose(self) -> ComposeResult:
        duties = len(binding(self.duties))
        notes = len(self.duties) - duties
        title = f"Whatever model you choose: {plural(duties, 'duty')}"
        title += f" and {plural(notes, 'note')}" if notes else ""
        with Vertical(id="duties-box"):
            yield Label(title, id="duties-title")
            with VerticalScroll(id="duties-scroll"):
                yield Static(duties_text(self.duties), id="duties-text")
            yield Static("[dim]These bind the deployment itself: every model's verdict "
                         "counts them. esc closes.[/dim]", id="duties-hint")

    def on_mount(self) -> None:
        self.query_one("#duties-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
