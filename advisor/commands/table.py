"""Plain-text tables for the terminal (no Rich: ``advisor assess`` must start fast).

    >>> print(render_table(["A", "B"], [["x", "y"]]))
    A  B
    -  -
    x  y
    <BLANKLINE>
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from advisor.knowledge.model import section_label

VERDICT_LABEL = {"blocked": "BLOCKED", "unknown": "UNKNOWN", "conditional": "CONDITIONAL",
                 "allowed": "ALLOWED"}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


PIPE_WIDTH = 100          # no terminal anywhere (a pipe into a file): a readable page


def terminal_width() -> int:
    """Columns to fit: ``$COLUMNS``, else the terminal on stdout or stderr, else 100."""
    from advisor import config

    width = config.columns()
    if width is not None:
        return width
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream.isatty():
                return os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            continue
    return PIPE_WIDTH


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 flexible: int | None = None, width: int | None = None,
                 shrinkable: Sequence[int] = (), flex_min: int = 12) -> str:
    """Columns sized to content; the ``flexible`` column is clipped to fit ``width``, then
    the ``shrinkable`` ones (never the others: ids stay whole)."""
    if width is None:
        width = terminal_width()
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    for index in shrinkable:
        total = sum(w for i, w in enumerate(widths) if i != flexible) + 2 * (len(widths) - 1)
        over = total - width + (flex_min if flexible is not None else 0)
        if over > 0:
            widths[index] = max(len(headers[index]), 8, widths[index] - over)
    if flexible is not None:
        fixed = sum(w for i, w in enumerate(widths) if i != flexible) + 2 * (len(widths) - 1)
        widths[flexible] = max(min(widths[flexible], width - fixed), len(headers[flexible]),
                               flex_min)
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


REASON_MIN = 24


def assessment_table(candidates, width: int) -> str:
    """The verdict table in ``width`` columns. Wide: the worst finding in its own column
    (at least REASON_MIN, the license clipped first). Narrow: verdict, model and license on
    the row, openness and the worst finding on an indented line under it. Ids stay whole."""
    rows = [[VERDICT_LABEL[c.verdict], c.model, _clip(c.license, 30), c.openness.osaid,
             c.openness.mof_class] for c in candidates]
    reasons = [_reason(c) for c in candidates]
    headers = ["VERDICT", "MODEL", "LICENSE", "OSAID", "MOF"]
    used = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    used[2] = min(used[2], 14)
    if sum(used) + 2 * len(used) + REASON_MIN <= width:
        return render_table(headers + ["WORST FINDING"],
                            [r + [why] for r, why in zip(rows, reasons)],
                            flexible=5, width=width, shrinkable=(2,), flex_min=REASON_MIN)
    table = render_table(headers[:3], [r[:3] for r in rows], width=width,
                         shrinkable=(2,)).splitlines()
    out = table[:2]
    for line, row, why in zip(table[2:], rows, reasons):
        out += [line, _clip(f"  ↳ OSAID {row[3]}, MOF {row[4]} · {why}", max(width, 20))]
    return "\n".join(out) + "\n"


def render_assessment(result, *, details: bool = False) -> str:
    out = assessment_table(result.candidates, terminal_width())
    counts: dict[str, int] = {}
    for c in result.candidates:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    out += "\n" + ", ".join(f"{n} {v}" for v, n in counts.items()) + \
        f" of {len(result.candidates)} models.\nDetails: --details; machine-readable: --json.\n"
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
