"""A small modal that asks for a file path (and, when saving, whether to overwrite), and
the ``o`` action of the screens that open any GGUF file (:class:`OpensGGUF`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label


class FilePrompt(ModalScreen[tuple[str, bool] | None]):
    """Returns (path, overwrite) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="file-prompt.cancel")]

    def __init__(self, title: str, default: str, *, save: bool) -> None:
        super().__init__()
        self.title_text, self.default, self.save = title, default, save

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Label(self.title_text, id="prompt-title")
            yield Input(self.default, id="prompt-path")
            if self.save:
                yield Checkbox("Overwrite an existing file", id="prompt-force")
            with Horizontal(id="prompt-buttons"):
                yield Button("Cancel", id="prompt-cancel")
                yield Button("Save" if self.save else "Load", id="prompt-ok",
                             variant="primary")

    def on_mount(self) -> None:
        self.query_one("#prompt-path", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#prompt-ok")
    def _ok(self) -> None:
        path = self.query_one("#prompt-path", Input).value.strip()
        if not path:
            self.notify("Give a file path", severity="error")
            return
        force = self.save and self.query_one("#prompt-force", Checkbox).value
        self.dismiss((path, force))

    @on(Button.Pressed, "#prompt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_for_gguf(screen: Any, title: str, then: Callable[[Any], None]) -> None:
    """Ask for any GGUF path (like ``--gguf PATH``), add it to the app's local models and
    pass its ``LocalModel`` to ``then``; a path that is not a readable GGUF is said."""
    from advisor.text import clean
    from advisor.tui.settings import open_local_file

    def opened(answer: tuple[str, bool] | None) -> None:
        if not answer:
            return
        try:
            model = open_local_file(screen.app.settings, answer[0])
        except ValueError as exc:
            screen.notify(clean(str(exc)), severity="error")
            return
        then(model)

    screen.app.push_screen(FilePrompt(title, "", save=False), opened)


class OpensGGUF:
    """Mixin of a screen whose ``open_file`` action asks for any GGUF path (like ``--gguf
    PATH``) and hands the opened ``LocalModel`` to its ``_file_opened``; while the screen
    is ``running`` it says ``BUSY`` instead."""

    OPEN_TITLE: ClassVar[str] = "GGUF file to open"
    BUSY: ClassVar[str] = "A run is going; open a file when it ends"
    running: bool

    def action_open_file(self) -> None:
        """Ask for a GGUF path and open it (refused while a run is going)."""
        if self.running:
            self.notify(self.BUSY, severity="warning")  # type: ignore[attr-defined]
            return
        ask_for_gguf(self, self.OPEN_TITLE, self._file_opened)

    def _file_opened(self, model: Any) -> None:
        raise NotImplementedError
