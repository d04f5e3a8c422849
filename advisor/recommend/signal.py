"""The quality signal: published figures where they exist, a stated heuristic where not.

Published figures come from the ``advisor.quality/1`` tables (``kb.quality``); a table
that names use cases or modalities counts only for answers with one of them (a coding
leaderboard for coding, a vision arena where images go in). Tables measure different
things on different scales, so each figure becomes a percentile among the models that
run here and that the table lists (the share of them it beats, ties counting half, the
metric's direction respected). A model's signal is the share of its comparisons with the
models here that it wins over its independent tables (the tables' percentiles weighted by
how many models each compares); only where no independent table lists it do
vendor-reported tables count, labelled and scaled like the heuristic (a vendor's own
figure on a benchmark it chose is a claim, not a measurement).

A model no table lists gets the heuristic: 70% its size among the models that run here
(effective parameters on a log scale; a mixture of experts counts as the geometric mean
of its total and active parameters, a common rule of thumb) and 30% its recency (a model
released with the newest profiled one scores 1, one 36 months older or more 0), turned
into its percentile among the models that run here and scaled to at most 0.8: a published
figure outranks a guess at the top. Nothing is invented: the heuristic is named as such
wherever it is used.

    >>> raw = heuristic_value(8e9, None, "2025-04-29", Basis(largest=70e9, newest="2026-04-28"))
    >>> round(raw, 2)
    0.67
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.model import QualityTable

SIZE_WEIGHT, RECENCY_WEIGHT = 0.7, 0.3
RECENCY_MONTHS = 36
SMALLEST = 1e8                     # 100M parameters: the bottom of the size scale
UNMEASURED_CEILING = 0.8           # the heuristic's best, below the best published figure


@dataclass(frozen=True)
class Figure:
    """One model's figure in one table, with its percentile among the models that run
    here and that the table lists (``among`` of them)."""

    table: QualityTable
    value: float
    percentile: float
    among: int
    url: str | None = None
    section: str | None = None

    def to_dict(self) -> dict[str, Any]:
        source = self.table.source().to_dict()
        if self.url:
            source["url"] = self.url
        if self.section:
            source["section"] = self.section
        return {"table": self.table.id, "kind": self.table.kind, "metric": self.table.metric,
                "value": self.value, "percentile": round(self.percentile, 3),
                "among": self.among, "published": self.table.published, "source": source}


@dataclass(frozen=True)
class Signal:
    """A quality signal in [0, 1] and what it rests on."""

    value: float
    basis: str                       # independent | vendor_reported | heuristic
    words: str
    figures: tuple[Figure, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 3), "basis": self.basis, "words": self.words,
                "figures": [f.to_dict() for f in self.figures]}


def relevant(table: QualityTable, use_cases: Iterable[str], modalities: Iterable[str]) -> bool:
    """Whether ``table`` speaks to the answers: a table that names use cases or
    modalities counts only for answers with one of them."""
    if table.use_cases and not set(table.use_cases) & set(use_cases):
        return False
    if table.modalities and not set(table.modalities) & set(modalities):
        return False
    return True


def ranks(values: Mapping[str, float], higher_is_better: bool = True) -> dict[str, float]:
    """Key -> the share of the others it beats (ties half); 0.5 for a lone key.

    >>> ranks({"a": 3.0, "b": 1.0, "c": 1.0})
    {'a': 1.0, 'b': 0.25, 'c': 0.25}
    """
    sign = 1 if higher_is_better else -1
    items = [(key, sign * value) for key, value in values.items()]
    if len(items) < 2:
        return {key: 0.5 for key, _ in items}
    ordered = sorted(v for _, v in items)
    out = {}
    for key, value in items:
        beaten = bisect_left(ordered, value)
        ties = bisect_right(ordered, value) - beaten - 1
        out[key] = (beaten + ties / 2) / (len(items) - 1)
    return out


def pool_figures(tables: Iterable[QualityTable], pool: Iterable[str]) -> dict[str, list[Figure]]:
    """Lower-case model id -> its figures in ``tables``, each a percentile among the
    ``pool`` (lower-case ids of the models that run here) that the table lists."""
    wanted = set(pool)
    out: dict[str, list[Figure]] = {}
    for table in tables:
        scores = {s.model.lower(): s for s in table.scores if s.model.lower() in wanted}
        percentile = ranks({k: s.value for k, s in scores.items()}, table.higher_is_better)
        for key, score in scores.items():
            out.setdefault(key, []).append(Figure(table, score.value, percentile[key],
                                                  len(scores), score.url, score.section))
    return out


def _share(p: float) -> str:
    return f"{int(round(p * 100))}%"


def measured(figures: Sequence[Figure]) -> Signal | None:
    """The signal of a model's published figures: the share of its comparisons with the
    other models here that it wins, over its independent tables (each table's percentile
    weighted by the models it compares, so a table listing few models here counts
    little); else over its vendor-reported tables, labelled, and scaled like the
    heuristic. None when it has no figure."""
    for kind in ("independent", "vendor_reported"):
        mine = sorted((f for f in figures if f.table.kind == kind),
                      key=lambda f: (-(f.among - 1), f.table.published, f.table.id))
        comparisons = sum(f.among - 1 for f in mine)
        if not mine:
            continue
        value = (sum(f.percentile * (f.among - 1) for f in mine) / comparisons
                 if comparisons else 0.5)
        first = mine[0]
        words = f"{first.table.title} ({first.table.published}): {first.value:g}"
        if len(mine) > 1:
            words += (f" and {len(mine) - 1} more table{'s' if len(mine) > 2 else ''}: "
                      f"better than {_share(value)} of the models here they list "
                      f"({comparisons} comparisons)")
        elif comparisons:
            words += f", better than {_share(value)} of the {comparisons} other models here it lists"
        else:
            words += ", the only model here it lists"
        if kind == "vendor_reported":
            return Signal(UNMEASURED_CEILING * value, kind,
                          f"vendor-reported: {words} (counts like the heuristic)", tuple(mine))
        return Signal(value, kind, words, tuple(mine))
    return None


@dataclass(frozen=True)
class Basis:
    """What the heuristic measures against: the largest effective size among the models
    that run here, and the newest release profiled."""

    largest: float | None
    newest: str | None


def effective_parameters(parameters: float | None, active: float | None) -> float | None:
    """Parameters, or for a mixture of experts sqrt(total x active).

    >>> round(effective_parameters(117e9, 5.1e9) / 1e9, 1)
    24.4
    """
    if not parameters:
        return None
    if active and active < parameters:
        return math.sqrt(parameters * active)
    return parameters


def _months_between(older: str, newer: str) -> float:
    a, b = dt.date.fromisoformat(older), dt.date.fromisoformat(newer)
    return (b - a).days / 30.44


def heuristic_value(parameters: float | None, active: float | None, released: str | None,
                    basis: Basis) -> float:
    """The heuristic's raw value in [0, 1] (size 0.5 where unknown, recency 0)."""
    effective = effective_parameters(parameters, active)
    size = 0.5
    if effective and basis.largest and basis.largest > SMALLEST:
        span = math.log(basis.largest / SMALLEST)
        size = min(max(math.log(max(effective, SMALLEST) / SMALLEST) / span, 0.0), 1.0)
    recency = 0.0
    if released and basis.newest:
        recency = max(0.0, 1 - max(_months_between(released, basis.newest), 0.0)
                      / RECENCY_MONTHS)
    return SIZE_WEIGHT * size + RECENCY_WEIGHT * recency


def heuristic_words(parameters: float | None, active: float | None,
                    released: str | None) -> str:
    """'no published quality figure: ranked by size 24B and released 2025-06'."""
    def size(n: float) -> str:
        return f"{n / 1e9:.0f}B" if n >= 10e9 else f"{n / 1e9:.1f}B"

    effective = effective_parameters(parameters, active)
    if effective and parameters and abs(effective - parameters) > 0.01 * parameters:
        parts = [f"size {size(effective)} effective ({size(parameters)} mixture of experts)"]
    elif effective:
        parts = [f"size {size(effective)}"]
    else:
        parts = ["size not published"]
    parts.append(f"released {released[:7]}" if released else "release date not profiled")
    return f"no published quality figure: ranked by {' and '.join(parts)}"


def heuristic_signals(raw: Mapping[str, float], words: Mapping[str, str]) -> dict[str, Signal]:
    """Key -> the heuristic signal: its raw value's percentile among ``raw``, scaled to
    at most UNMEASURED_CEILING."""
    percentile = ranks(raw)
    return {key: Signal(UNMEASURED_CEILING * percentile[key], "heuristic", words[key])
            for key in raw}


__all__ = ["Basis", "Figure", "Signal", "UNMEASURED_CEILING", "effective_parameters",
           "heuristic_signals", "heuristic_value", "heuristic_words", "measured",
           "pool_figures", "ranks", "relevant"]
