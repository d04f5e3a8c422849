"""The detail screen's Hub parts: what the Hub says of a repo, and the GGUF builds table
(the Hub's builds with their fit here, or, offline, the files of the model on this
machine).

Everything the Hub or a file header wrote is made plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text

from advisor.text import clean
from advisor.tui.rows import format_bytes
from advisor.tui.widgets.badges import fit_text

# The GGUF tab's headings: Hub builds (header estimate, fit on this machine) or files on disk
HUB_COLUMNS = (("File", "file"), ("Quant", "quant"), ("Size", "size"),
               ("Memory (est.)", "memory"), ("Fit here", "fit"))
LOCAL_COLUMNS = (("File", "file"), ("Quant", "quant"), ("Size", "size"),
                 ("Memory (est.)", "memory"), ("License (in the file)", "license"),
                 ("Found in", "source"))


@dataclass(frozen=True)
class GGUFBuild:
    """One GGUF file of a repository with its memory estimate and fit (a file of the
    ``advisor ggufs --json`` report)."""

    repo: str
    filename: str
    quant: str | None
    bytes: int | None
    total_bytes: int | None
    fit: str
    sha256: str | None = None
    error: str | None = None


def hub_builds(report: dict[str, Any], model_id: str) -> list[GGUFBuild]:
    """The model files of a ``gguf_report`` (projectors left out)."""
    builds = []
    for item in report.get("files", []):
        if item.get("kind") == "projector":
            continue
        estimate = item.get("estimate") or {}
        builds.append(GGUFBuild(repo=str(item.get("repo_id") or model_id),
                                filename=str(item.get("filename")), quant=item.get("quant"),
                                bytes=item.get("bytes"), total_bytes=estimate.get("total_bytes"),
                                fit=item["fit"], sha256=item.get("sha256"),
                                error=item.get("error")))
    return builds


def hub_row(build: GGUFBuild) -> tuple[Any, ...]:
    """A Hub build's cells, in HUB_COLUMNS order."""
    return (clean(build.filename), clean(build.quant or "?"), format_bytes(build.bytes),
            format_bytes(build.total_bytes), fit_text(build.fit))


def local_row(build: Any) -> tuple[Any, ...]:
    """A file on this machine's cells (``advisor.smoke.builds.LocalBuild``), in
    LOCAL_COLUMNS order."""
    return (clean(Path(build.path).name), clean(build.quant or "?"), format_bytes(build.bytes),
            format_bytes(build.memory_bytes), clean(build.license or "not stated"),
            clean(build.source))


def facts_text(facts: Any) -> Text:
    """A readable block of what the Hub says (a ``HubFacts``)."""
    text = Text()

    def line(label: str, value: Any) -> None:
        if value in (None, "", [], False):
            return
        text.append(f"{label:>14}  ", style="bold")
        text.append(f"{clean(value)}\n")

    line("Repository", facts.repo_id)
    line("Hub answered", f"for {facts.answered_as}, another repo than asked: read these "
         "facts as that repo's" if facts.answered_as else None)
    line("Revision", (facts.sha or "")[:12] or None)
    license_value = facts.license_tag
    if facts.license_name:
        license_value = f"{facts.license_tag} ({facts.license_name})"
    line("License tag", license_value)
    line("License link", facts.license_link)
    line("Gated", "yes" if facts.gated is True else facts.gated)
    line("Pipeline", facts.pipeline_tag)
    line("Library", facts.library_name)
    line("Last modified", facts.last_modified)
    if facts.base_models:
        relation = f" ({facts.base_relation})" if facts.base_relation else ""
        line("Base model", ", ".join(facts.base_models) + relation)
    for depth, base in enumerate(facts.base_chain, 1):
        line(f"base {depth}", f"{base.repo_id} · license {base.license_tag or '?'}")
    if facts.tags:
        line("Tags", ", ".join(facts.tags[:12]) + (" …" if len(facts.tags) > 12 else ""))
    return text
