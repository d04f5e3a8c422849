"""The filters of the candidate table, in one panel: the verdict, the kind, a modality,
whether it runs here, the license family and the vendor, and whether the models left out
show. ``f`` on the candidates opens it; each choice applies at once (the table behind
follows), escape closes, ctrl+r clears them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select

from advisor.text import clean
from advisor.tui.shortlist import ANY, FITS, MODALITY_CHOICES, Filters, choices

VERDICT_CHOICES = (ANY, "allowed", "conditional", "unknown", "blocked")
FIELDS = (("verdict", "Own verdict"), ("kind", "Kind"), ("modality", "Modality"),
          ("fits", "Fits my hardware"), ("license_family", "License family"),
          ("vendor", "Vendor"))


class FilterScreen(ModalScreen[Filters]):
    """Each change calls ``apply`` with the filters chosen; closing returns them."""

    BINDINGS = [Binding("escape", "close", "Close", id="filters.close"),
                Binding("ctrl+r", "clear", "Clear all", id="filters.clear")]

    def __init__(self, filters: Filters, rows: Any,
                 apply: Callable[[Filters], None] | None = None) -> None:
        super().__init__()
        self.filters = filters
        self.apply = apply
        self.options = {
            "verdict": list(VERDICT_CHOICES), "kind": choices(rows, "kind"),
            "modality": [ANY, *MODALITY_CHOICES], "fits": list(FITS),
            "license_family": choices(rows, "license_family"),
            "vendor": choices(rows, "vendor")}

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box"):
            yield Label("Filter the candidates", id="filter-title")
            for name, label in FIELDS:
                current = getattr(self.filters, name)
                values = self.options[name]
                if current not in values:
                    values = [*values, current]
                with Horizontal(classes="filter-row"):
                    yield Label(label, classes="filter-label")
                    yield Select([(clean(v), v) for v in values], value=current,
                                 allow_blank=False, id=f"filter-{name}", compact=True)
            yield Checkbox("Show the models left out, with the reason",
                           self.filters.show_excluded, id="filter-excluded", compact=True)
            with Horizontal(id="filter-buttons"):
                yield Button("Clear (ctrl+r)", id="clear", compact=True)
                yield Button("Close (esc)", id="close", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter-verdict", Select).focus()

    def chosen(self) -> Filters:
        values = {name: self.query_one(f"#filter-{name}", Select).value for name, _ in FIELDS}
        return Filters(**{k: str(v) for k, v in values.items()},
                       show_excluded=self.query_one("#filter-excluded", Checkbox).value)

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self.apply is not None:
            self.apply(self.chosen())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "clear":
            self.action_clear()
        else:
            self.action_close()

    def action_clear(self) -> None:
        for name, _ in FIELDS:
            self.query_one(f"#filter-{name}", Select).value = ANY
        self.query_one("#filter-excluded", Checkbox).value = False

    def action_close(self) -> None:
        self.dismiss(self.chosen())
