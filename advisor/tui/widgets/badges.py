"""Coloured words for verdicts, severities, fit and openness (Rich Text, no widgets).

    >>> verdict_text("blocked").plain
    '✗ blocked'
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from advisor.assessment.result import binding
from advisor.text import clean, plural

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


def usable_summary(counts: dict[str, int], usable: int, total: int) -> str:
    """'145 usable of 225: 81 ✓ allowed · 64 ! conditional' (Textual markup; the models'
    own verdicts; blocked models are never usable).

    >>> usable_summary({"allowed": 2, "conditional": 1}, 3, 5)
    '[b]3 usable[/b] of 5: [$success]2 ✓ allowed[/] · [$warning]1 ! conditional[/]'
    """
    parts = [f"[$success]{counts.get('allowed', 0)} ✓ allowed[/]",
             f"[$warning]{counts.get('conditional', 0)} ! conditional[/]"]
    if counts.get("unknown"):
        parts.append(f"[$accent]{counts['unknown']} ? unknown[/]")
    return f"[b]{usable} usable[/b] of {total}: " + " · ".join(parts)


def duties_line(duties: Any) -> Text:
    """'Whatever model you choose: 5 duties of the deployment (d)'; a duty that blocks
    says the deployment itself is blocked.

    >>> duties_line(()).plain
    'Whatever model you choose: no duties of the deployment found'
    """
    asked = binding(duties)
    blocks = [f for f in duties if f.severity == "block"]
    text = Text()
    if blocks:
        text.append("The deployment itself is blocked: ", style="bold red")
        text.append(clean(blocks[0].code.replace("_", " ")), style="red")
        text.append(f" and {len(asked) - 1} more duties (d)" if len(asked) > 1 else " (d)",
                    style="dim")
        return text
    if not asked:
        text.append("Whatever model you choose: no duties of the deployment found")
        return text
    text.append("Whatever model you choose: ")
    text.append(plural(len(asked), "duty"), style="bold")
    text.append(" of the deployment ", style="")
    text.append("(d shows them)", style="dim")
    return text
