"""Plain-text tables for the terminal (no Rich: ``advisor assess`` must start fast).

    >>> print(render_table(["A", "B"], [["x", "y"]]))
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence

from advisor.knowledge.model import section_label

VERDICT_LABEL = {"blocked": "BLOCKED", "unknown": "UNKNOWN", "conditional": "CONDITIONAL",
                 "allowed": "ALLOWED"}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 flexible: int | None = None, width: int | None = None) -> str:
    """Columns sized to content; the ``flexible`` column is clipped to fit ``width``."""
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 240
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    if flexible is not None:
        fixed = sum(w for i, w in enumerate(widths) if i != flexible) + 2 * (len(widths) - 1)
        widths[flexible] = max(min(widths[flexible], width - fixed), len(headers[flexible]), 12)
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_clip(c, widths[i]).ljust(widths[i])
                               for i, c in enumerate(row)).rstrip())
    return "\n".join(lines) + "\n"


def _reason(candidate) -> str:
    for finding in candidate.findings:
        if finding.severity != "info":
            section = f" [{finding.source.section}]" if finding.source.section else ""
            return f"{finding.code}: {finding.message}{section}"
    return "only notice duties"


def render_assessment(result, *, details: bool = False) -> str:
    rows = [[VERDICT_LABEL[c.verdict], c.model, _clip(c.license, 30), c.openness.osaid,
             c.openness.mof_class, _reason(c)] for c in result.candidates]
    out = render_table(["VERDICT", "MODEL", "LICENSE", "OSAID", "MOF", "WORST FINDING"], rows,
                       flexible=5)
    counts: dict[str, int] = {}
    for c in result.candidates:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    out += "\n" + ", ".join(f"{n} {v}" for v, n in counts.items()) + \
        f" of {len(result.candidates)} models. Details: --details; machine-readable: --json.\n"
    if details:
        for c in result.candidates:
            out += f"\n{c.model}  {VERDICT_LABEL[c.verdict]}  ({c.license})\n"
            for f in c.findings:
                where = ", ".join(x for x in (f.source.title, section_label(f.source.section),
                                               f.source.url) if x)
                out += f"  [{f.severity}] {f.code}: {f.message}\n      source: {where}\n"
            for o in c.obligations:
                out += f"  obligation: {o}\n"
    return out
