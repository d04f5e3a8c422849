"""The suite picker of the smoke and compare screens: the shipped suites, the one the
answered use cases call for chosen first, and (on the compare screen) "a suite file…":
the picker posts :class:`SuitePicker.FileWanted`, its screen asks for a YAML path and
hands the answer to :meth:`SuitePicker.file_given`, which offers it once it reads as a
suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import Select

from advisor.text import clean

SUITE_FILE = "\x00suite-file"          # the option that asks for a suite YAML


class SuitePicker(Select[str]):
    """Pick a suite (see the module); :attr:`suite_name` is the one to run."""

    class FileWanted(Message):
        """The user chose "a suite file…": the screen asks for the path."""

        def __init__(self, picker: SuitePicker) -> None:
            super().__init__()
            self.picker = picker

    def __init__(self, categories: Any, use_cases: Any, *, id: str,  # noqa: A002
                 files: bool = False) -> None:
        from advisor.smoke.suites import shipped_suites, suite_for_use_cases

        names = shipped_suites() or ["general"]
        wanted = suite_for_use_cases(categories, use_cases or {})
        self.options_shown = [(n, n) for n in names] + (
            [("a suite file…", SUITE_FILE)] if files else [])
        super().__init__(self.options_shown, id=id, allow_blank=False, compact=True,
                         value=wanted if wanted in names else names[0])

    @property
    def suite_name(self) -> str:
        """The chosen shipped suite's name or suite file's path ('general' while asking)."""
        return "general" if self.value in (Select.NULL, None, SUITE_FILE) else str(self.value)

    @on(Select.Changed)
    def _asked_for_a_file(self, event: Select.Changed) -> None:
        if event.value == SUITE_FILE:
            self.post_message(self.FileWanted(self))

    def file_given(self, answer: tuple[str, bool] | None) -> None:
        """The path the user gave (FilePrompt's answer; None: asked no more)."""
        from advisor.errors import AdvisorError
        from advisor.smoke.suites import load_suite

        if not answer:
            self.value = self.options_shown[0][1]
            return
        path = str(Path(answer[0]).expanduser())
        try:
            load_suite(path)
        except AdvisorError as exc:
            self.notify(clean(exc), title="Not a suite", severity="error", markup=False,
                        timeout=10)
            self.value = self.options_shown[0][1]
            return
        option = (clean(Path(path).name), path)
        if option not in self.options_shown:
            self.options_shown.insert(len(self.options_shown) - 1, option)
            self.set_options(self.options_shown)
        self.value = path
