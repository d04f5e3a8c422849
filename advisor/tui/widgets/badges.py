"""Coloured words for verdicts, severities, fit and openness (Rich Text, no widgets).

    >>> verdict_text("blocked").plain
    '✗ blocked'
"""

from __future__ import annotations

from rich.text import Text

VERDICT_STYLE = {
    "blocked": ("✗", "bold red"),
    "unknown": ("?", "bold magenta"),
    "conditional": ("!", "bold yellow"),
    "allowed": ("✓", "bold green"),
}
SEVERITY_STYLE = {"block": "bold white on red", "condition": "bold black on yellow",
                  "info": "bold white on blue"}
FIT_STYLE = {"gpu": ("GPU", "bold green"), "cpu": ("CPU", "green"),
             "partial": ("partial", "yellow"), "too_large": ("too big", "red"),
             "hosted": ("hosted", "cyan"),
             "?": ("unknown", "dim"), "unknown": ("unknown", "dim")}
OSAID_STYLE = {"pass": "bold green", "fail": "red", "unknown": "dim"}
STATUS_STYLE = {"open": ("open", "bold green"), "restricted": ("restricted", "yellow"),
                "not_released": ("not released", "red"), "unknown": ("unknown", "dim")}


def verdict_text(verdict: str) -> Text:
    mark, style = VERDICT_STYLE.get(verdict, ("?", "bold"))
    return Text(f"{mark} {verdict}", style=style)


def severity_text(severity: str) -> Text:
    return Text(f" {severity.upper():^9} ", style=SEVERITY_STYLE.get(severity, "reverse"))


def fit_text(fit: str) -> Text:
    label, style = FIT_STYLE.get(fit, (fit, ""))
    return Text(label, style=style)


def osaid_text(grade: str) -> Text:
    return Text(grade, style=OSAID_STYLE.get(grade, ""))


def mof_text(mof_class: str) -> Text:
    return Text("–" if mof_class in ("none", "", None) else mof_class,
                style="bold green" if mof_class in ("I", "II") else "")


def verdict_summary(counts: dict[str, int], total: int) -> str:
    """'12 models: 3 ✓ allowed · 5 ! conditional · 4 ✗ blocked' as Textual markup."""
    colours = {"allowed": "$success", "conditional": "$warning", "blocked": "$error",
               "unknown": "$accent"}
    parts = []
    for verdict in ("allowed", "conditional", "blocked", "unknown"):
        count = counts.get(verdict, 0)
        if count or verdict != "unknown":
            mark = VERDICT_STYLE[verdict][0]
            parts.append(f"[{colours[verdict]}]{count} {mark} {verdict}[/]")
    noun = "model" if total == 1 else "models"
    return f"[b]{total} {noun}[/b]: " + " · ".join(parts)
