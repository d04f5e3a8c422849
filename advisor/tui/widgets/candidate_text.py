"""What the candidates screen writes: a row's cells (a marked model's with a dot), the
preview of a model's findings, and the message after a what-if.

    >>> str(mark_label("SmolLM2-135M-Instruct", 22, True))
    '● SmolLM2-135M-Instru…'
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from advisor.text import clean
from advisor.tui.layout import LICENSE_MIN, clip
from advisor.tui.rows import Row, format_parameters
from advisor.tui.widgets.badges import fit_text, mof_text, osaid_text, verdict_text

MARK = "● "


def row_cells(row: Row, label: str, widths: dict[str, int], marked: bool) -> dict[str, Any]:
    """The cells of one candidates-table row, keyed like the layout's columns (outside
    text made plain; a model left out is dim, with its reason)."""
    out = row.rank is None and bool(row.excluded)
    reason = f"out: {row.excluded}" if out else row.reason
    return {"rank": Text("–" if row.rank is None else str(row.rank), justify="right",
                         style="dim" if out else ""),
            "verdict": verdict_text(row.model_verdict or row.verdict),
            "model": mark_label(clean(label), widths["model"], marked, dim=out),
            "obligations": Text(str(row.obligations), justify="right"),
            "fit": fit_text(row.fit), "size": format_parameters(row.parameters),
            "kind": clip(clean(row.kind or "?"), widths.get("kind", 10)),
            "license": clip(clean(row.license), widths.get("license", LICENSE_MIN)),
            "osaid": osaid_text(row.osaid), "mof": mof_text(row.mof_class),
            "reason": Text(clip(clean(reason), widths["reason"]), style="dim" if out else "")}


def mark_label(label: str, width: int, marked: bool, dim: bool = False) -> Text | str:
    """The model cell: marked rows start with a dot (the label clipped to make room); a
    model left out is dim."""
    if not marked:
        return Text(label, style="dim") if dim else label
    text = Text(MARK, style="bold cyan")
    text.append(clip(label, max(width - len(MARK), 1)), style="dim" if dim else "")
    return text


def finding_preview(candidate: Any, why: Any = ()) -> Text:
    """The recommendation's reasons and the model's own findings (the side pane)."""
    from advisor.tui.widgets.badges import severity_text

    text = Text()
    if candidate is None:
        return text
    text.append(clean(candidate.model), style="bold")
    text.append("\n")
    for reason in why:
        text.append(f"• {clean(reason)}\n", style="dim")
    for finding in candidate.model_findings:
        text.append("\n")
        text.append_text(severity_text(finding.severity))
        text.append(f" {clean(finding.code)}\n", style="bold")
        text.append(clip(clean(finding.message), 160) + "\n")
    return text


def contradiction(answers: Any) -> str:
    """A pair of answers that cannot both hold ('' when none)."""
    if answers.deployment.mode == "research" and answers.deployment.commercial:
        return ("research mode means non-commercial research, but commercial use is on: "
                "press c to turn it off, or m for another mode")
    return ""


def what_if_message(what: str, before: dict[str, str], after: dict[str, str],
                    answers: Any, shown: int = 4) -> str:
    """'Deployment mode: research · 3 models changed verdict: a conditional → blocked, ...'

    Example (not run)::

        what_if_message("Mode: research", {"a": "allowed"}, {"a": "blocked"}, answers)
        # -> 'Mode: research · 1 model changed verdict: a allowed → blocked'
    """
    moved = [(m, before[m], after[m]) for m in after if m in before and before[m] != after[m]]
    if not moved:
        text = f"{what} · no verdict changed"
    else:
        listed = ", ".join(f"{clean(m.split('/')[-1])} {b} → {a}" for m, b, a in moved[:shown])
        more = f" and {len(moved) - shown} more" if len(moved) > shown else ""
        noun = "model" if len(moved) == 1 else "models"
        text = f"{what} · {len(moved)} {noun} changed verdict: {listed}{more}"
    problem = contradiction(answers)
    return f"{text}\n⚠ {problem}" if problem else text
