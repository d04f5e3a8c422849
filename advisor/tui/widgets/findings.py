"""Findings, obligations and the openness grid as widgets for the detail screen."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Static

from advisor.knowledge.model import section_label
from advisor.text import clean
from advisor.tui.widgets.badges import STATUS_STYLE, severity_text

URL_WIDTH = 68              # 80 columns less the border, padding and indent of a finding
COMPONENT_ORDER = (
    "model_architecture", "model_parameters_final", "model_card", "data_card",
    "technical_report", "evaluation_results", "sample_model_outputs", "training_code",
    "inference_code", "evaluation_code", "evaluation_data", "supporting_libraries",
    "datasets", "data_preprocessing_code", "model_parameters_intermediate",
    "research_paper", "model_metadata",
)


def source_line(source: Any) -> Text:
    """'↳ Llama 3.2 Community License §1.b.i · checked 2026-11-23', then the url on a line of
    its own (a link; on its own line it wraps only where it must, never mid-word)."""
    title = getattr(source, "title", None) or "source"
    section = getattr(source, "section", None)
    url = getattr(source, "url", None)
    checked = getattr(source, "checked", None)
    line = Text("  ↳ ", style="dim")
    line.append(clean(title), style="italic")
    if section:
        line.append(f" {clean(section_label(section))}", style="bold")
    if checked:
        line.append(f" · checked {checked}", style="dim")
    if url:
        line.append("\n    ")
        line.append(shown_url(clean(url)), style=f"underline link {clean(url)}")
    return line


def shown_url(url: str, width: int = URL_WIDTH) -> str:
    """A url short enough for its line at 80 columns: a long one keeps its start and its
    end around "…" (the link, y/u copy and o open still use the whole url).

    >>> shown_url("https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/LICENSE")
    'https://github.com/meta-llama/llama-mode…ain/models/llama3_2/LICENSE'
    """
    if len(url) <= width:
        return url
    tail = width * 2 // 5
    return url[: width - tail - 1] + "…" + url[len(url) - tail:]


def finding_words(finding: Any) -> str:
    """One finding as plain words for the clipboard: message, clause, url."""
    source = finding.source
    cited = " ".join(clean(x) for x in (getattr(source, "title", None),
                                         section_label(getattr(source, "section", None) or ""))
                     if x)
    url = getattr(source, "url", None)
    return f"{clean(finding.message)} ({cited}{', ' + clean(url) if url else ''})"


def finding_renderable(finding: Any) -> Text:
    """Severity badge and code, the message, the cited source, the obligation."""
    text = severity_text(finding.severity)
    text.append(f" {clean(finding.code)}", style="bold")
    if not getattr(finding, "confirmed", True):
        text.append("  (unconfirmed source)", style="italic yellow")
    text.append("\n")
    text.append(clean(finding.message))
    text.append("\n")
    text.append_text(source_line(finding.source))
    if getattr(finding, "obligation", None):
        text.append(f"\n  ⇒ {clean(finding.obligation)}", style="cyan")
    return text


class FindingItem(Static, can_focus=True):
    """One finding; focusable so that y / u / o act on it (copy it, copy or open its url)."""

    def __init__(self, finding: Any, **kwargs: Any) -> None:
        super().__init__(finding_renderable(finding), **kwargs)
        self.finding = finding


class FindingList(Vertical):
    """One block per finding, worst first; as tall as its findings (the scroll box around
    it scrolls: a 1fr height would clip everything below the first screenful)."""

    DEFAULT_CSS = """
    FindingList { height: auto; }
    FindingList .findings-heading { text-style: bold; color: $text-muted; padding: 1 0 0 1; }
    """

    def __init__(self, findings: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.findings = tuple(findings)

    def compose(self) -> ComposeResult:
        if not self.findings:
            yield Static("No findings.", classes="empty")
        own = [f for f in self.findings if not getattr(f, "deployment", False)]
        deployment = [f for f in self.findings if getattr(f, "deployment", False)]
        if own and deployment:
            yield Static("The model's own findings", classes="findings-heading")
        for finding in own:
            yield FindingItem(finding, classes=f"finding finding-{finding.severity}")
        if deployment:
            yield Static("The deployment's duties: they bind whichever model is chosen",
                         classes="findings-heading")
        for finding in deployment:
            yield FindingItem(finding, classes=f"finding finding-{finding.severity}")


def pretty_component(component_id: str) -> str:
    return component_id.replace("_", " ").capitalize()


class OpennessGrid(Grid):
    """The 17 Model Openness Framework components, one coloured cell each."""

    def __init__(self, components: dict[str, str], details: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.components = dict(components)
        self.details = details or {}

    def compose(self) -> ComposeResult:
        ids = [c for c in COMPONENT_ORDER if c in self.components] + \
              [c for c in self.components if c not in COMPONENT_ORDER]
        if not ids:
            ids = list(COMPONENT_ORDER)
        for component_id in ids:
            status = self.components.get(component_id, "unknown")
            label, style = STATUS_STYLE.get(status, (status, ""))
            text = Text(pretty_component(component_id), style="bold")
            text.append("\n")
            text.append(f"● {label}", style=style)
            lic = getattr(self.details.get(component_id), "license", None)
            if lic:
                text.append(f" · {clean(lic)}", style="dim")
            yield Static(text, classes=f"component status-{status}")
