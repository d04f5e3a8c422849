"""The interview's questions as widgets: each a row with its title, its control, the line
on why it matters and a place for its error (ids the interview screen reads back).

``question_rows`` holds no state and reads nothing: the interview screen
(:mod:`advisor.tui.screens.interview`) fills, reads and validates what it yields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.containers import Horizontal, Vertical
from textual.validation import Function
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from advisor.regions import normalize_code
from advisor.tui.formdata import regions_ok
from advisor.tui.formtext import (AUDIENCE_LABELS, DATA_LABELS, MODALITY_LABELS, MODE_LABELS,
                                  OPENNESS_LABELS, WHY)


def _row(name: str, title: str, *controls: Any) -> Horizontal:
    """A form row: the question on the left; control, why-line and error on the right."""
    return Horizontal(
        Label(title, classes="field-title"),
        Vertical(*controls, Static(WHY[name], classes="why", id=f"why-{name}"),
                 Static("", classes="error", id=f"err-{name}"), classes="field-body"),
        classes="field", id=f"field-{name}")


def question_rows(machine: str, use_case_options: list[Selection[str]]) -> Iterator[Widget]:
    """The form's sections and rows, in order: ``machine`` describes this computer (the
    hardware row's default), ``use_case_options`` are the use-case choices."""
    yield Label("Organization", classes="section-title")
    yield _row("domicile", "Home country",
               Input(placeholder="DE, or US-CA, CA-QC", id="domicile", max_length=6,
                     compact=True,
                     validators=[Function(lambda v: normalize_code(v) is not None,
                                          "not an ISO 3166-1 alpha-2 code or a "
                                          "listed subdivision (US-CA)")]))
    yield _row("users", "Monthly active users",
               Input(placeholder="2000000", id="users", compact=True),
               Static("", classes="why", id="users-value"))
    yield _row("revenue", "Annual revenue (USD)",
               Input(placeholder="blank: not declared (or 30m)", id="revenue",
                     compact=True),
               Static("", classes="why", id="revenue-value"))
    yield Label("Deployment", classes="section-title")
    yield _row("regions", "Users served in",
               Input(placeholder="DE, FR, US or EU", id="regions", compact=True,
                     validators=[Function(regions_ok,
                                          "use ISO alpha-2 codes, EU or EEA")]))
    yield _row("mode", "Deployment mode",
               Select([(label, mode) for mode, label in MODE_LABELS.items()],
                      id="mode", allow_blank=False, value="hosted_service",
                      compact=True))
    yield _row("commercial", "Commercial use",
               Checkbox("the deployment earns money or serves a business",
                        value=True, id="commercial"))
    yield Label("Use case", classes="section-title")
    yield _row("categories", "Used for",
               SelectionList[str](*use_case_options, id="categories"),
               Static("", classes="use-case-why", id="use-case-why"))
    yield _row("modalities", "Inputs",
               SelectionList[str](*[Selection(label, value, value == "text")
                                    for value, label in MODALITY_LABELS.items()],
                                  id="modalities"))
    yield Label("Data and users", classes="section-title")
    yield _row("data", "Data it processes",
               SelectionList[str](*[Selection(label, value)
                                    for value, label in DATA_LABELS.items()],
                                  id="data"))
    yield _row("audience", "Who uses it",
               SelectionList[str](*[Selection(label, value)
                                    for value, label in AUDIENCE_LABELS.items()],
                                  id="audience"),
               Horizontal(Label("Youngest user's age ", classes="inline-label"),
                          Input(placeholder="", id="minors_age", compact=True,
                                max_length=2),
                          Label(" (minors only; blank: unknown)",
                                classes="inline-label"),
                          id="minors-row"))
    yield Label("Needs", classes="section-title")
    yield _row("fine_tune", "Fine-tune",
               Checkbox("fine-tune or otherwise modify the weights", id="fine_tune"))
    yield _row("distill", "Train on outputs",
               Checkbox("use outputs to train or improve another model", id="distill"))
    yield _row("redistribute", "Redistribute",
               Checkbox("pass the weights on to others", id="redistribute"))
    yield _row("openness", "Openness required",
               Select([(label, value) for value, label in OPENNESS_LABELS.items()],
                      id="openness", allow_blank=False, value="any", compact=True))
    yield Label("Hardware", classes="section-title")
    yield _row("hardware", "Memory for local runs",
               Checkbox(f"this machine ({machine})", value=True,
                        id="hardware-auto"),
               Horizontal(Label("RAM GiB ", classes="inline-label"),
                          Input(placeholder="16", id="ram_gb", compact=True,
                                disabled=True),
                          Label("  GPU GiB ", classes="inline-label"),
                          Input(placeholder="0", id="vram_gb", compact=True,
                                disabled=True),
                          id="hardware-manual"))
