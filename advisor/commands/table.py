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
    """The worst of the model's own findings (the deployment's are listed above the table)."""
    for finding in candidate.model_findings:
        if finding.severity != "info":
            section = f" [{finding.source.section}]" if finding.source.section else ""
            return f"{finding.code}: {finding.message}{section}"
    return "only notice duties"


def _finding_line(finding) -> str:
    where = ", ".join(x for x in (finding.source.title, section_label(finding.source.section),
                                   finding.source.url) if x)
    return f"  [{finding.severity}] {finding.code}: {finding.message}\n      source: {where}\n"


def render_duties(duties, width: int, *, details: bool = False) -> str:
    """The deployment's duties, once: "Whatever model you choose: N duties", one clipped
    line each (every line and its source with ``details``); notes are counted."""
    from advisor.assessment.result import binding
    from advisor.text import plural

    asked = binding(duties)
    notes = len(duties) - len(asked)
    if not duties:
        return "Whatever model you choose: no duties of the deployment found.\n\n"
    noted = f" (and {plural(notes, 'note')})" if notes else ""
    out = f"Whatever model you choose: {plural(len(asked), 'duty')} of the deployment{noted}:\n"
    for finding in duties if details else asked:
        if details:
            out += _finding_line(finding)
            continue
        section = f" [{finding.source.section}]" if finding.source.section else ""
        out += _clip(f"  [{finding.severity}] {finding.code}{short_message(finding.message)}"
                     f"{section}", max(width, 20)) + "\n"
    return out + "\n"


def short_message(message: str) -> str:
    """A duty's message for its one clipped line: the engine's long "if you serve users
    in, or are established in, <place>" opening becomes the place's code, so lines about
    different laws of one state do not all clip to the same words.

    >>> short_message("If you serve users in, or your organization is established in, "
    ...               "California (US-CA): The CCPA applies.")
    ' (if in US-CA): The CCPA applies.'
    >>> short_message("Art. 50(1) applies.")
    ': Art. 50(1) applies.'
    """
    from advisor.assessment.law import if_there_split

    split = if_there_split(message)
    if split is None:
        return f": {message}"
    places, rest = split
    return f" (if in {', '.join(places)}): {rest}"


REASON_MIN = 24


def assessment_table(candidates, width: int) -> str:
    """The verdict table in ``width`` columns. Wide: the worst finding in its own column
    (at least REASON_MIN, the license clipped first). Narrow: verdict, model and license on
    the row, openness and the worst finding on an indented line under it. Ids stay whole."""
    rows = [[VERDICT_LABEL[c.model_verdict], c.model, _clip(c.license, 30), c.openness.osaid,
             c.openness.mof_class] for c in candidates]
    reasons = [_reason(c) for c in candidates]
    headers = ["MODEL VERDICT", "MODEL", "LICENSE", "OSAID", "MOF"]
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


def _counts(verdicts) -> str:
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict] = counts.get(verdict, 0) + 1
    return ", ".join(f"{n} {v}" for v, n in counts.items())


def render_assessment(result, *, details: bool = False) -> str:
    """The deployment's duties once, then one row per model ranked by its own verdict
    (MODEL VERDICT: the model's findings alone; its verdict adds the duties above)."""
    width = terminal_width()
    out = render_duties(result.deployment_duties, width, details=details)
    out += assessment_table(result.candidates, width)
    out += (f"\nModel verdicts: {_counts(c.model_verdict for c in result.candidates)} of "
            f"{len(result.candidates)} models.\n"
            f"Verdicts with the deployment's duties: "
            f"{_counts(c.verdict for c in result.candidates)}.\n"
            "Details: --details; machine-readable: --json.\n")
    if details:
        for c in result.candidates:
            out += (f"\n{c.model}  {VERDICT_LABEL[c.verdict]} (model: "
                    f"{VERDICT_LABEL[c.model_verdict]})  ({c.license})\n")
            for f in c.model_findings:
                out += _finding_line(f)
            for o in c.obligations:
                out += f"  obligation: {o}\n"
    return out


EXCLUSION_WORDS = {"blocked": "blocked", "unknown": "unknown", "modality": "lack a needed modality",
                   "base_model": "base models for an interactive use",
                   "kind": "of a kind the use cannot use", "tool_calling": "without tool calling",
                   "context": "context too short", "hosted": "hosted APIs that cannot ship",
                   "hardware": "do not fit your hardware"}


def tier_heading(tier: int, interactive: bool = True) -> str:
    """The heading over one tier of the shortlist, so the order reads as the rule it is.

    >>> from advisor.recommend.fit import HOSTED
    >>> tier_heading(HOSTED)
    '── Hosted APIs: nothing runs here ──'
    """
    from advisor.recommend.fit import (
        BARELY, FIT_UNKNOWN, HOSTED, INTERACTIVE_SPEED, RUNS, RUNS_WELL, BATCH_SPEED,
    )

    speed = INTERACTIVE_SPEED if interactive else BATCH_SPEED
    words = {
        RUNS_WELL: f"Runs well here: room to spare, on the GPU or at {speed:g}+ tokens/s",
        HOSTED: "Hosted APIs: nothing runs here",
        RUNS: "Runs here, but tight or slow",
        FIT_UNKNOWN: "Size not profiled: whether it runs here is unknown",
        BARELY: "Barely runs: only at Q3_K_M or Q2_K, or under 1 token/s",
    }.get(tier, "Other")
    return f"── {words} ──"


def render_recommendation(result, width: int, *, excluded: bool = False) -> str:
    """The deployment's duties once, then the shortlist with each model's reasons, then
    what was left out (counted; listed with ``excluded``)."""
    import textwrap

    out = render_duties(result.deployment_duties, width)
    total = len(result.ranked) + len(result.excluded)
    out += (f"Best for {result.needs.what} on {result.hardware['words']}: "
            f"{len(result.shortlist)} of {len(result.ranked)} usable models "
            f"({total} assessed).\n")
    if not result.ranked:
        out += "Nothing the answers can use remains.\n"
    rank_width = len(str(len(result.shortlist)))
    tier = None
    for item in result.shortlist:
        if item.run.tier != tier:
            tier = item.run.tier
            out += "\n" + textwrap.fill(tier_heading(tier, result.needs.interactive), width=max(width, 40)) + "\n"
        quant = f" {item.run.quant}" if item.run.quant else ""
        head = (f"{str(item.rank).rjust(rank_width)}. {item.model}  "
                f"{VERDICT_LABEL[item.model_verdict]}  {item.fit}{quant}")
        out += "\n" + _clip(head, max(width, 20)) + "\n"
        indent = " " * (rank_width + 2)
        for reason in item.why:
            out += textwrap.fill(reason, width=max(width, 40), initial_indent=indent + "- ",
                                 subsequent_indent=indent + "  ") + "\n"
    wrap = max(width, 40)
    counts = result.excluded_counts()
    if counts:
        left = "Left out: " + ", ".join(f"{n} {EXCLUSION_WORDS.get(code, code)}"
                                        for code, n in counts.items())
        left += "." if excluded else " (--excluded lists each with its reason)."
        out += "\n" + textwrap.fill(left, width=wrap) + "\n"
    if excluded:
        for item in result.excluded:
            out += _clip(f"  {item.model}: {item.reason}", max(width, 20)) + "\n"
    verdicts = "The verdict shown is the model's own"
    if any(item.verdict != item.model_verdict for item in result.ranked):
        verdicts += "; with the deployment's duties above, every verdict is at least " \
            "CONDITIONAL"
    out += "\n" + textwrap.fill(f"{verdicts}. Machine-readable: --json.", width=wrap) + "\n"
    return out
