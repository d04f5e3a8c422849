"""F1: the keys of the screen underneath and of the app, in one modal list (your keys
where the ``keymap`` preference remaps them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from advisor.tui.keys import key_for

# (binding id, key shown, what it does); the id's key replaces the one shown when remapped
GLOBAL_KEYS = (
    ("app.help", "F1", "this help"),
    (None, "ctrl+p", "command palette: go anywhere, open a model by id"),
    ("app.quit", "ctrl+q", "quit"),
    (None, "tab / shift+tab", "move between fields"),
)


def key_label(key: str) -> str:
    return key.replace("slash", "/").replace("escape", "esc")


class HelpScreen(ModalScreen[None]):
    """Key bindings, gathered from the screen it was opened on."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        keymap = self.app.prefs.keymap
        lines = []
        seen = set()
        for binding in self.under.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.key not in seen:
                seen.add(binding.key)
                key = key_for(binding, keymap)
                lines.append(f"[b]{key_label(key):>16}[/b]  {binding.description}")
        lines.append("")
        lines += [f"[b]{keymap.get(ident, key) if ident else key:>16}[/b]  {text}"
                  for ident, key, text in GLOBAL_KEYS]
        name = self.under.sub_title or type(self.under).__name__
        with Vertical(id="help-box"):
            yield Label(f"Keys: {name}", id="help-title")
            with VerticalScroll():
                yield Static("\n".join(lines), id="help-keys")
            yield Static("[dim]esc closes[/dim]", id="help-hint")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
