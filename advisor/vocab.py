"""The advisor's words: verdicts, severities, fits, bases and access kinds, each a
``Literal`` type with its values in one order and, where things are ranked, one rank.

Ranks are positions: a lower rank sorts first. Verdicts and fits rank best first (how a
user chooses); severities rank worst first (how findings are read).

    >>> sorted(["blocked", "allowed", "unknown", "conditional"], key=VERDICT_RANK.get)
    ['allowed', 'conditional', 'unknown', 'blocked']
    >>> sorted(["info", "block", "condition"], key=SEVERITY_RANK.get)
    ['block', 'condition', 'info']
    >>> FIT_RANK["hosted"] == FIT_RANK["gpu"] < FIT_RANK["cpu"]
    True
"""

from __future__ import annotations

from typing import Literal, get_args

# What the assessment says of a model for the user's answers.
Verdict = Literal["allowed", "conditional", "unknown", "blocked"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
VERDICT_RANK: dict[str, int] = {v: i for i, v in enumerate(VERDICTS)}      # best first
# The verdict in at most seven characters, for narrow table columns.
SHORT_VERDICT: dict[str, str] = {"allowed": "allowed", "conditional": "cond.",
                                 "unknown": "unknown", "blocked": "BLOCKED"}

# How much a finding weighs: a block decides the verdict, a condition is a duty, info a note.
Severity = Literal["block", "condition", "info"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}  # worst first

# Where a model runs on the hardware at hand: all on the GPU, partly offloaded, on the CPU,
# not at all; a hosted API model runs elsewhere and ranks with a model that fits the GPU.
Fit = Literal["gpu", "partial", "cpu", "too_large"]
FITS: tuple[Fit, ...] = get_args(Fit)
HOSTED = "hosted"
UNKNOWN_FIT = "?"                      # no estimate (no parameter count, no hardware)
FIT_RANK: dict[str, int] = {"gpu": 0, HOSTED: 0, "partial": 1, "cpu": 2, "too_large": 3}

# What an assessed model's facts come from: its own profile, the Hub card alone, the
# profile of the base model a Hub repo declares, or nothing known.
Basis = Literal["profile", "hub", "base_model", "none"]
BASES: tuple[Basis, ...] = get_args(Basis)

# How a model is had: downloadable weights, or a hosted service reached with a key.
Access = Literal["weights", "api"]
ACCESS_KINDS: tuple[Access, ...] = get_args(Access)
