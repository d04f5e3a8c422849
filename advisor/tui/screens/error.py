"""Errors on screen: a full-screen panel for problems the app cannot work around (bad
profiles), and a modal for a task that failed (a worker that raised)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Label, Static

from advisor.text import clean


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


class ErrorModal(ModalScreen[None]):
    """What failed and why (one line per problem, outside text made plain); esc closes."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="error-modal.close")]

    def __init__(self, title: str, error: BaseException | str) -> None:
        super().__init__()
        self.title_text = title
        self.message = clean(str(error) or type(error).__name__)

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Label(clean(self.title_text), id="error-title", markup=False)
            yield Static(self.message, id="error-message", markup=False)
            yield Static("esc closes", id="error-hint")

    def action_close(self) -> None:
        self.dismiss(None)
