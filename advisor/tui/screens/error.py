"""A full-screen error panel for problems the app cannot work around (bad profiles)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static


class ErrorScreen(Screen[None]):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit", id="error.quit")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="error-panel"):
            yield Label(self.title_text, id="error-title")
            yield Static(self.message, id="error-message", markup=False)
            yield Static("Fix the file named above and start again; q quits.", id="error-hint")
        yield Footer()
